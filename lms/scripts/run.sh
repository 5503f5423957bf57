#!/usr/bin/env bash
# One command for a newcomer: install, migrate, load the demo and serve it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-lms.settings.dev}
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
.venv/bin/python manage.py seed_demo ${LMS_DEMO_PASSWORD:+--password "$LMS_DEMO_PASSWORD"}
ADDR=${LMS_ADDR:-127.0.0.1:8000}
echo
echo "==> Serving on http://$ADDR/  (admin: http://$ADDR/admin/)  Ctrl+C to stop"
exec .venv/bin/python manage.py runserver "$ADDR"
