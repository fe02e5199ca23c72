#!/usr/bin/env bash
# Lint, formatting and types first (seconds), then the test suite. `scripts/test.sh fast` runs only
# the tests that start nothing (no browser, process, PostgreSQL or socket server: the rules, the
# services and the view-models), for the edit-test loop; CI runs everything. PostgreSQL tests run when
# a server answers on 127.0.0.1:5432 (set YICHUANG_TEST_PG to use another); otherwise they
# are listed as not run. Each check alone: see the README ("Checks").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Every test process and every server or kiosk it starts imports the same modules: with the
# bytecode cache off (PYTHONDONTWRITEBYTECODE, common in containers) each one compiled them from
# source again and pytest rewrote every test module's asserts again, ~4 s of CPU per worker
# before the first test. The cache lives in __pycache__ (ignored by git).
unset PYTHONDONTWRITEBYTECODE
# Two workers, each taking whole test files (module fixtures are built once per file): the suite
# ran 14:54 on one core of this 2-core box and 11:02 on both.
if [ "${1:-}" = "fast" ]; then
  shift
  exec .venv/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile \
    -m "not browser and not process and not postgresql and not server and not slow" "$@"
fi
exec .venv/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile "$@"
