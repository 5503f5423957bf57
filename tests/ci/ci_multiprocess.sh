#!/usr/bin/env bash
# CI step: the site as it runs on several machines. Starts PostgreSQL and
# Redis, then tests/ci/ci_multiprocess.py runs two gunicorn web processes
# and two RQ workers with production settings on its own database
# (lms_multiprocess_ci, recreated each run): a quiz attempt started on one web
# process and submitted on the other, and a bulk issuance split across both
# workers. The Python script stops every process it started, even on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "==> Two web processes and two RQ workers on one PostgreSQL and one Redis"
bash lms/scripts/bootstrap.sh

redis_url=$(bash lms/scripts/redis.sh | tail -n 1)
base_url=$(bash lms/scripts/postgres.sh | tail -n 1)
# One Redis server: the cache (sessions) and the queue in databases of their
# own, apart from database 0 that ci_queue.sh and development use.
export REDIS_URL="${redis_url%/*}/4"
export LMS_RQ_REDIS_URL="${redis_url%/*}/5"
export DATABASE_URL="${base_url%/*}/lms_multiprocess_ci"
export LMS_TASK_BACKEND=rq
# Production settings with a throwaway key. The test client sends
# X-Forwarded-Proto: https as the TLS-terminating proxy would; the redirect to
# HTTPS is off only so that plain-HTTP health checks on loopback answer.
export DJANGO_SETTINGS_MODULE=lms.settings.production
export SECRET_KEY="ci-multiprocess-only-not-secret"
export ALLOWED_HOSTS="lms.multiprocess.test,127.0.0.1"
export SECURE_SSL_REDIRECT=0
exec .venv/bin/python tests/ci/ci_multiprocess.py "$base_url"
