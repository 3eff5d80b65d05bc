#!/bin/sh
# http/ (behind capture/) on every capture we have, against tshark's own
# request/response pairing: same requests per connection in the same order,
# same final status.  See check_http.py for the one tolerated difference.
cd "$(git rev-parse --show-toplevel 2>/dev/null || pwd)" || exit 1
command -v tshark >/dev/null || { echo "FAIL: tshark not installed"; exit 1; }
tool="${BUILD:-build}/tests/http/httpdump"
[ -x "$tool" ] || { echo "FAIL: missing $tool (make unit)"; exit 1; }
set -- ../shared/pcaps-public/*.pcap pcaps/*.pcap
[ -f "$1" ] || { echo "FAIL: no captures found"; exit 1; }
out=$(python3 tests/http/check_http.py "$tool" "$@" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^Running as user'
exit $rc
