#!/usr/bin/env bash
# Install (if missing) and start a local Redis server on 127.0.0.1:6379 for the
# task queue (RQ through django-tasks-rq). Prints the Redis URL on its last line.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PORT=${LMS_REDIS_PORT:-6379}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> Installing redis-server" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  echo "==> Starting redis-server on 127.0.0.1:$PORT" >&2
  # Our own instance: no persistence, bound to loopback only.
  redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --save "" \
    --appendonly no --logfile "${TMPDIR:-/tmp}/lms-redis-$PORT.log"
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null
echo "redis://127.0.0.1:$PORT/0"
