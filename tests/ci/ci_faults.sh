#!/usr/bin/env bash
# CI step: the fault drill (issue 20). tests/ci/ci_faults.py starts its OWN
# PostgreSQL and Redis on private ports with data under a scratch directory
# (it stops and restarts them; the shared servers are never touched), a
# size-limited media volume (tmpfs, needs root or password-less sudo), a small
# SMTP receiver, two gunicorn web processes and two RQ workers with production
# settings. Learners go through lessons and a quiz with autosaves while each
# fault is injected in turn: Redis stopped for 30 s, PostgreSQL restarted, the
# media volume full, SMTP refused. Prints per fault the requests made, errors
# seen inside and outside the fault window and the records checked; exits
# non-zero when something acknowledged is lost, graded or issued twice, an
# e-mail goes out twice, or a learner meets an error outside a fault window or
# an unclear one (not 503) inside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "==> Fault drill: Redis away, PostgreSQL restarting, a full disk, mail down"
bash lms/scripts/bootstrap.sh
if ! command -v redis-server >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  # The installers of the shared servers; they are not started for this step.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql redis-server >/dev/null
fi

# Production settings with a throwaway key, as in ci_multiprocess.sh. The
# private servers' addresses are set by the Python script.
export DJANGO_SETTINGS_MODULE=lms.settings.production
export SECRET_KEY="ci-faults-only-not-secret"
export ALLOWED_HOSTS="lms.faults.test,127.0.0.1"
export SECURE_SSL_REDIRECT=0
export LMS_TASK_BACKEND=rq
# Persistent connections as deployed (docs/deployment.md §2): the drill checks
# that they recover from a database restart without restarting the web.
export DB_CONN_MAX_AGE=60
exec .venv/bin/python tests/ci/ci_faults.py
