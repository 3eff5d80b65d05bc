#!/bin/sh
# End-to-end test against real servers (tests/e2e/rig.sh, needs root).
#   AUTHSCOPE_SAN=0: run the whole rig into a temp dir (fresh captures), then
#       check every scenario: tshark's transactions = what the client did,
#       the server's log has the expected lines and users, and, when
#       "$AUTHSCOPE --version" works, authscope's transactions = tshark's.
#   AUTHSCOPE_SAN=1: no servers: the same checks on the committed pcaps/.
# A missing package or a server that does not start is a FAILURE.
cd "$(dirname "$0")/../.." || exit 2
E2E=tests/e2e
as_args=""
if [ -n "${AUTHSCOPE:-}" ] && [ -x "$AUTHSCOPE" ] && "$AUTHSCOPE" --version >/dev/null 2>&1; then
	as_args="--authscope $AUTHSCOPE"
	echo "t_e2e: checking authscope: $("$AUTHSCOPE" --version 2>&1 | head -1)"
else
	echo "t_e2e: $AUTHSCOPE --version does not run: authscope comparison not done (tshark/log checks only)"
fi
command -v tshark >/dev/null || { echo "t_e2e: FAIL: tshark missing (make deps)"; exit 1; }

if [ "${AUTHSCOPE_SAN:-0}" = 1 ]; then
	# no servers: the committed captures, their expectations, logs, keytab
	# (and golden files, when there are) against tshark and authscope
	exec python3 $E2E/check.py $as_args pcaps
fi

[ "$(id -u)" = 0 ] || { echo "t_e2e: FAIL: the real-server rig needs root"; exit 1; }
out=$(mktemp -d /tmp/authscope-t-e2e.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
timeout 600 bash $E2E/rig.sh "$out" || { echo "t_e2e: FAIL: rig did not complete"; exit 1; }
echo "t_e2e: rig took $(( $(date +%s) - start ))s"
python3 $E2E/check.py $as_args "$out"
