#!/usr/bin/env bash
# One command to install everything and run the whole test suite.
# Extra arguments go to pytest; DATABASE_URL selects PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh
workers=${LMS_TEST_WORKERS:-auto}
exec .venv/bin/python -m pytest -n "$workers" "$@"
