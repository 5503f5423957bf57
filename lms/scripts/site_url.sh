#!/usr/bin/env bash
# Print the public address (LMS_SITE_URL) for the address runserver is given:
# "127.0.0.1:8000", "8000" (port only) or "0.0.0.0:8000" (every interface:
# the machine's first address, so phones on the network can open QR links).
set -euo pipefail
addr=${1:?usage: site_url.sh ADDRESS:PORT}
if [[ "$addr" == *:* ]]; then
  host=${addr%:*}
  port=${addr##*:}
else
  host=127.0.0.1
  port=$addr
fi
if [[ -z "$host" || "$host" == "0.0.0.0" || "$host" == "[::]" ]]; then
  host=$(hostname -I 2>/dev/null | awk '{print $1}' || true)
  host=${host:-127.0.0.1}
fi
echo "http://$host:$port"
