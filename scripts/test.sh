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
# Two workers, each taking whole test files (module fixtures are built once per file): the suite
# ran 14:54 on one core of this 2-core box and 11:02 on both.
exec .venv/bin/python -m pytest -p no:cacheprovider -n 2 --dist loadfile "$@"
