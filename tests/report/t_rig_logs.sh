#!/bin/sh
# authscope's combined-debian and squid lines against the lines the real
# Apache and Squid wrote for the same captures (pcaps/, see rig_logs.py)
set -u
root=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
bin=${AUTHSCOPE:-./authscope}
if ! "$bin" --version >/dev/null 2>&1; then
	echo "cannot run $bin"
	exit 1
fi
exec python3 "$root/tests/report/rig_logs.py" "$bin" "$root/pcaps"
