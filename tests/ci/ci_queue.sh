#!/usr/bin/env bash
# CI step: bulk certificate issuance on a real queue. Starts Redis and
# PostgreSQL, makes a scratch database, then runs tests/ci/ci_queue.py
# (two rqworker processes, 200 certificates, then a worker SIGKILLed mid-batch).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh

export LMS_RQ_REDIS_URL=$(bash lms/scripts/redis.sh | tail -n 1)
base_url=$(bash lms/scripts/postgres.sh | tail -n 1)
db="lms_queue_ci"
export DATABASE_URL="${base_url%/*}/$db"
.venv/bin/python - "$base_url" "$db" <<'PY'
import sys
import psycopg2
conn = psycopg2.connect(sys.argv[1])
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}"')
    cur.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
redis-cli -u "$LMS_RQ_REDIS_URL" flushdb >/dev/null
export MEDIA_ROOT=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=lms.settings.dev
export LMS_TASK_BACKEND=rq
trap 'rm -rf "$MEDIA_ROOT"' EXIT
.venv/bin/python tests/ci/ci_queue.py
