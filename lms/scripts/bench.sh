#!/usr/bin/env bash
# Benchmarks (measurements, not tests): start PostgreSQL, run every
# tests/benchmarks/bench_*.py against a dedicated database and print the
# figures; all of them end up in var/bench/latest.json, with the run's date,
# commit, load average and command (`bench_run`).
# Usage: bash lms/scripts/bench.sh [bench_learner ...]   (default: all, and
# latest.json starts afresh so every figure in it is of this one run)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh
base_url=$(bash lms/scripts/postgres.sh | tail -n 1)
# Redis for the cache and the task queue bench_requests measures with, as in
# production (databases 14 and 15, apart from the development ones).
bash lms/scripts/redis.sh >/dev/null
# LMS_BENCH_DATABASE: another database for the learner benchmarks.
bench_db="${LMS_BENCH_DATABASE:-lms_bench}"
# bench_reports works on the seed_scale dataset (300,000 learners) in a
# database of its own: the others seed the demo with --force and add their
# learners, which must not mix with it. It is seeded (and the seed timed)
# when empty; LMS_BENCH_RESEED=1 drops it first to time seed_scale again.
reports_db="${LMS_BENCH_REPORTS_DATABASE:-lms_bench_reports}"
as_postgres() { runuser -u postgres -- "$@" 2>/dev/null || sudo -u postgres "$@" 2>/dev/null; }
export LMS_VAR_DIR="${LMS_VAR_DIR:-$PWD/var}"
mkdir -p var/bench
# Production settings (DEBUG off, hashed static files), with a throwaway key.
export DJANGO_SETTINGS_MODULE=lms.settings.production
export SECRET_KEY="${SECRET_KEY:-benchmark-only-not-secret}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-testserver,127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT=0
.venv/bin/python manage.py collectstatic --noinput -v0
fresh=()
if [ "$#" -gt 0 ]; then
  benches=("$@")
else
  benches=()
  for file in tests/benchmarks/bench_*.py; do benches+=("$(basename "$file" .py)"); done
  fresh=(--fresh)
fi
command="bash lms/scripts/bench.sh $*"
for name in LMS_BENCH_DATABASE LMS_BENCH_REPORTS_DATABASE LMS_BENCH_RESEED; do
  if [ -n "${!name:-}" ]; then command="$name=${!name} $command"; fi
done
.venv/bin/python tests/benchmarks/results.py "${fresh[@]}" "${command% }" \
  --database "$bench_db, reports: $reports_db"
for bench in "${benches[@]}"; do
  echo "==> $bench"
  db="$bench_db"
  if [ "$bench" = bench_reports ]; then
    db="$reports_db"
    if [ "${LMS_BENCH_RESEED:-0}" = 1 ]; then as_postgres dropdb --if-exists --force "$db" || true; fi
  fi
  as_postgres createdb -O lms "$db" || true
  DATABASE_URL="${base_url%/*}/$db" .venv/bin/python "tests/benchmarks/$bench.py"
done
echo "==> var/bench/latest.json"
cat var/bench/latest.json
