#!/usr/bin/env bash
# The whole test suite. PostgreSQL tests run when a server answers on 127.0.0.1:5432
# (set YICHUANG_TEST_PG to use another); otherwise they are listed as not run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
