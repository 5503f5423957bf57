#!/usr/bin/env bash
# Install what the project needs on a Debian/Ubuntu machine: system packages
# (only those missing), a virtualenv in .venv and the pinned Python packages:
# the dev and production extras (tests use RQ, Redis and PostgreSQL).
# Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# WeasyPrint needs Pango; libharfbuzz-subset0 keeps font subsetting fast.
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 python3-venv)
SYSTEM_PACKAGES+=(${LMS_EXTRA_SYSTEM_PACKAGES:-})

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $($PYTHON --version)"
  $PYTHON -m venv .venv
fi

# Reinstall only when the dependency list or the pins changed.
stamp=.venv/.lms-deps
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing Python packages (pinned by constraints.txt)"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[dev,production]" 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import django, wagtail, weasyprint" >/dev/null
  echo "$want" > "$stamp"
fi
mkdir -p var
