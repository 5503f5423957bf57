#!/usr/bin/env bash
# Real-browser journeys (tests/e2e): install what they need, then run them.
# Chromium comes from Debian (no browser download), the Python Playwright
# package from the pinned dev extras, axe-core from npm (package-lock.json).
# Extra arguments go to pytest; DATABASE_URL selects PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Chromium for Playwright (driven through executable_path=/usr/bin/chromium),
# Node and npm for axe-core.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The virtualenv with the pinned Python packages (Playwright is a dev extra).
bash lms/scripts/bootstrap.sh

# axe-core, exactly as locked; reinstalled only when the lock file changed.
stamp=node_modules/.lms-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f "$stamp" ] \
  || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing axe-core from npm (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

export LMS_E2E_CHROMIUM=${LMS_E2E_CHROMIUM:-/usr/bin/chromium}
# Screenshots of this run only.
rm -rf var/e2e && mkdir -p var/e2e
# Two workers (pytest-xdist), each with its own test database and server:
# the journeys wait on the browser more than on the CPU, so two share two
# cores well. LMS_E2E_WORKERS=0 runs them in one process.
exec .venv/bin/python -m pytest -m e2e -p no:cacheprovider \
  -n "${LMS_E2E_WORKERS:-2}" tests/e2e "$@"
