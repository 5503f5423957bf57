#!/usr/bin/env bash
# CI: the add-on as a new user meets it. Build the wheel from the tracked
# files, install it (not editable) into a fresh virtualenv, create a site with
# `wagtail start` (Django's auth.User, Wagtail's own home app), apply the
# README's three lines plus LMS_SITE_URL, migrate, `manage.py check`, then run
# tests/addon/smoke.py with the host's python against the host's database.
#
# ADDON_WORK=DIR keeps the work directory (default: a temporary one, removed).
# PYTHON picks the interpreter (default python3.11).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
PYTHON=${PYTHON:-python3.11}

if [ -n "${ADDON_WORK:-}" ]; then
  WORK=$ADDON_WORK
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
echo "==> Work directory: $WORK"

echo "==> Copy the tracked files (as a clone has them)"
mkdir -p "$WORK/src"
git ls-files -z | while IFS= read -r -d '' name; do
  if [ -f "$name" ]; then
    mkdir -p "$WORK/src/$(dirname "$name")"
    cp -p "$name" "$WORK/src/$name"
  fi
done

echo "==> Fresh virtualenv ($($PYTHON --version))"
$PYTHON -m venv "$WORK/venv"
PIP=("$WORK/venv/bin/python" -m pip)
"${PIP[@]}" install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true

echo "==> Build the wheel"
"${PIP[@]}" wheel -q --no-deps -w "$WORK/dist" "$WORK/src" 2>&1 \
  | grep -v "^WARNING: Location" || true
WHEEL=$(ls "$WORK"/dist/wagtail_lms_vn-*.whl)
echo "    $(basename "$WHEEL")"

echo "==> Install the wheel (pinned by constraints.txt) and pypdf for the smoke test"
"${PIP[@]}" install -q -c "$REPO/constraints.txt" "$WHEEL" pypdf 2>&1 \
  | grep -v "^WARNING: Location" || true
for extra in gunicorn psycopg2 django_tasks_rq; do
  if "$WORK/venv/bin/python" -c "import $extra" 2>/dev/null; then
    echo "core install pulled in $extra (belongs to the [production] extra)" >&2
    exit 1
  fi
done

echo "==> wagtail start hostsite"
mkdir -p "$WORK/host"
(cd "$WORK/host" && "$WORK/venv/bin/wagtail" start hostsite)
HOST="$WORK/host/hostsite"

echo "==> Apply the three lines and LMS_SITE_URL"
"$WORK/venv/bin/python" - "$HOST" <<'EOF'
import sys
from pathlib import Path

host = Path(sys.argv[1])
base = host / "hostsite" / "settings" / "base.py"
text = base.read_text()
assert "AUTH_USER_MODEL" not in text  # Django's auth.User, as shipped
text += """
# --- the LMS add-on (README: Using the apps in an existing Wagtail site) ---
import lms.addon  # noqa: E402

INSTALLED_APPS = [*lms.addon.APPS, *INSTALLED_APPS]
MIDDLEWARE += lms.addon.MIDDLEWARE
LMS_SITE_URL = "http://testserver"
LANGUAGE_CODE = "vi"
"""
base.write_text(text)

urls = host / "hostsite" / "urls.py"
text = urls.read_text()
catch_all = '    path("", include(wagtail_urls)),'
assert text.count(catch_all) == 1, "Wagtail's catch-all not found in urls.py"
text = text.replace(
    catch_all, '    path("", include("lms.addon.urls")),\n' + catch_all
)
urls.write_text(text)
EOF

export DJANGO_SETTINGS_MODULE=hostsite.settings.dev
HOST_PY="$WORK/venv/bin/python"
cd "$HOST"

echo "==> migrate"
"$HOST_PY" manage.py migrate --noinput -v 0

echo "==> manage.py check (must be clean)"
check_out=$("$HOST_PY" manage.py check 2>&1) || { echo "$check_out"; exit 1; }
echo "$check_out"
if ! grep -q "System check identified no issues" <<<"$check_out"; then
  echo "manage.py check is not clean" >&2
  exit 1
fi

echo "==> Superuser (auth.User) and the smoke test"
export SMOKE_PASSWORD="Smoke-$(date +%s)-pw"
DJANGO_SUPERUSER_PASSWORD=$SMOKE_PASSWORD "$HOST_PY" manage.py createsuperuser \
  --noinput --username admin --email admin@example.com
# Run from the host directory (its settings importable, the source tree not).
cp "$REPO/tests/addon/smoke.py" "$HOST/lms_smoke.py"
"$HOST_PY" lms_smoke.py
