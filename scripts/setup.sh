#!/usr/bin/env bash
# Sets up .venv with yichuang installed from the lock files: `scripts/setup.sh` the server,
# kiosk and bridge dependencies (requirements/main.lock); `scripts/setup.sh test` everything
# the test suite needs (requirements/test.lock) plus Debian packages (Chromium, socat,
# espeak-ng, CJK font, poppler, Mesa GL). The project itself is installed without resolving
# anything again (--no-deps), so what runs is exactly what was locked.
# After changing dependencies in pyproject.toml, refresh the locks:
#   .venv/bin/uv pip compile pyproject.toml --extra server --extra kiosk --extra bridges \
#     --python-version 3.11 --no-header --annotation-style line -o requirements/main.lock
#   .venv/bin/uv pip compile pyproject.toml --extra test \
#     --python-version 3.11 --no-header --annotation-style line -o requirements/test.lock
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

PY=${PYTHON:-python3}
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true

pip_install() {
  .venv/bin/python -m pip install -q --disable-pip-version-check "$@" 2>&1 | grep -v "^WARNING: Location" || true
}
if [ "${1:-}" = "test" ]; then
  apt_install chromium socat espeak-ng fonts-wqy-microhei poppler-utils sox wrk postgresql-client gcc libsqlite3-dev \
              libgl1 libegl1 libgl1-mesa-dri libmtdev1
  pip_install -r requirements/test.lock
else
  pip_install -r requirements/main.lock
fi
pip_install --no-deps -e .
