#!/bin/sh
# capture/ on the public captures: flows, bytes and gaps per direction
# against tshark, and the TCP-level facts of ../shared/pcaps-public/MANIFEST.md.
cd "$(git rev-parse --show-toplevel 2>/dev/null || pwd)" || exit 1
dir=../shared/pcaps-public
[ -d "$dir" ] || { echo "missing $dir"; exit 1; }
command -v tshark >/dev/null || { echo "tshark not installed"; exit 1; }
tool="${BUILD:-build}/tests/capture/capdump"
[ -x "$tool" ] || { echo "missing $tool (make unit)"; exit 1; }
out=$(python3 tests/capture/check_pcaps.py "$tool" "$dir" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^Running as user'
exit $rc
