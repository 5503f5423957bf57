#!/usr/bin/env bash
# Benchmarks (measurements, not tests): start PostgreSQL, run every
# tests/benchmarks/bench_*.py against a dedicated database and print the
# figures; all of them end up in var/bench/latest.json.
# Usage: bash lms/scripts/bench.sh [bench_learner ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh
base_url=$(bash lms/scripts/postgres.sh | tail -n 1)
# Redis for the cache and the task queue bench_requests measures with, as in
# production (databases 14 and 15, apart from the development ones).
bash lms/scripts/redis.sh >/dev/null
# LMS_BENCH_DATABASE: another database to run on, e.g. one already holding
# the seed_scale dataset (bench_reports seeds it the first time otherwise).
bench_db="${LMS_BENCH_DATABASE:-lms_bench}"
export DATABASE_URL="${base_url%/*}/$bench_db"
runuser -u postgres -- createdb -O lms "$bench_db" 2>/dev/null \
  || sudo -u postgres createdb -O lms "$bench_db" 2>/dev/null || true
export LMS_VAR_DIR="${LMS_VAR_DIR:-$PWD/var}"
mkdir -p var/bench
# Production settings (DEBUG off, hashed static files), with a throwaway key.
export DJANGO_SETTINGS_MODULE=lms.settings.production
export SECRET_KEY="${SECRET_KEY:-benchmark-only-not-secret}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-testserver,127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT=0
.venv/bin/python manage.py collectstatic --noinput -v0
if [ "$#" -gt 0 ]; then
  benches=("$@")
else
  benches=()
  for file in tests/benchmarks/bench_*.py; do benches+=("$(basename "$file" .py)"); done
fi
for bench in "${benches[@]}"; do
  echo "==> $bench"
  .venv/bin/python "tests/benchmarks/$bench.py"
done
echo "==> var/bench/latest.json"
cat var/bench/latest.json
