#!/usr/bin/env bash
# One command for a newcomer: install, migrate, load the demo and serve it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lms/scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-lms.settings.dev}
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
ADDR=${LMS_ADDR:-127.0.0.1:8000}
# Certificate links and QR codes point at the address served, unless told.
LMS_SITE_URL=${LMS_SITE_URL:-$(bash lms/scripts/site_url.sh "$ADDR")}
export LMS_SITE_URL
# ...and the host in that address is one the site answers to.
SITE_HOST=${LMS_SITE_URL#*://}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],${SITE_HOST%:*}}
.venv/bin/python manage.py seed_demo ${LMS_DEMO_PASSWORD:+--password "$LMS_DEMO_PASSWORD"}
echo
echo "==> Serving on $LMS_SITE_URL/  (admin: $LMS_SITE_URL/admin/)  Ctrl+C to stop"
exec .venv/bin/python manage.py runserver "$ADDR"
