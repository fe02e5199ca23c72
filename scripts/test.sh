#!/usr/bin/env bash
# Lint, formatting and types first (seconds), then the test suite. PostgreSQL tests run when
# a server answers on 127.0.0.1:5432 (set YICHUANG_TEST_PG to use another); otherwise they
# are listed as not run. Each check alone: see the README ("Checks").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
