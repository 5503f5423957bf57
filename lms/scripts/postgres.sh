#!/usr/bin/env bash
# Install (if missing) and start a local PostgreSQL server for tests and
# benchmarks, with a superuser role "lms" (password "lms") able to create the
# test databases. Prints the DATABASE_URL to use on its last line.
set -euo pipefail
SUDO=""
AS_POSTGRES="runuser -u postgres --"
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; AS_POSTGRES="sudo -u postgres"; fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "==> Installing PostgreSQL" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! $SUDO pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
if ! $SUDO pg_lsclusters -h | grep "^$version main" | grep -q online; then
  $SUDO pg_ctlcluster "$version" main start
fi
port=$($SUDO pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  $AS_POSTGRES psql -p "$port" -qAtc "select 1" >/dev/null 2>&1 && break
  sleep 1
done
$AS_POSTGRES psql -p "$port" -qAtc \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='lms') THEN CREATE ROLE lms LOGIN SUPERUSER PASSWORD 'lms'; END IF; END\$\$;" >/dev/null
$AS_POSTGRES psql -p "$port" -qAtc "SELECT 1 FROM pg_database WHERE datname='lms'" | grep -q 1 \
  || $AS_POSTGRES createdb -p "$port" -O lms lms
echo "postgres://lms:lms@127.0.0.1:$port/lms"
