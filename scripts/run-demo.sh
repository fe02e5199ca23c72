#!/usr/bin/env bash
# The main job: the hall server with the pilot hall on SQLite, demo staff signed in,
# and the board / terminal / pad pages served. Extra arguments go to `yichuang serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/yichuang serve --demo --data ./data --host 127.0.0.1 --port 8080 "$@"
