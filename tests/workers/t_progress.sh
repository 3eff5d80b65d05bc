#!/bin/sh
# -r progress on standard error: shown when it is a terminal (a pty from
# script(1)), with bytes done of the total, MB/s and time left, ending at
# 100%; never written when standard error is a file or a pipe.
set -eu
BUILD=${BUILD:-build}
AUTHSCOPE=${AUTHSCOPE:-./authscope}
GEN=$BUILD/gencorpus
command -v script >/dev/null || { echo "FAIL: script(1) missing (bsdutils)"; exit 1; }
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$GEN" -n 300 -s 3 -o "$tmp/c.pcap" >/dev/null
size=$(stat -c %s "$tmp/c.pcap")
mb=$(python3 -c "print('%.1f' % ($size / 1e6))")
fail=0
for w in 1 2; do
	script -qec "$AUTHSCOPE -q --workers $w -r $tmp/c.pcap -o $tmp/out$w" /dev/null >"$tmp/tty$w" </dev/null
	tr '\r' '\n' <"$tmp/tty$w" | grep -a 'MB/s' >"$tmp/lines$w" || true
	if ! grep -aqE "^authscope: [0-9.]+ of $mb MB \([0-9]+%\), [0-9.]+ MB/s, [0-9]+:[0-9]{2} left" "$tmp/lines$w"; then
		echo "FAIL: --workers $w: no progress line on a terminal"; od -c "$tmp/tty$w" | head; fail=1
	fi
	tail -n 1 "$tmp/lines$w" | grep -aq "^authscope: $mb of $mb MB (100%)" ||
		{ echo "FAIL: --workers $w: last progress line is not 100%"; tail -n 1 "$tmp/lines$w"; fail=1; }
	# not a terminal: nothing but the records
	"$AUTHSCOPE" -q --workers "$w" -r "$tmp/c.pcap" -o /dev/null 2>"$tmp/err$w"
	[ ! -s "$tmp/err$w" ] || { echo "FAIL: --workers $w: wrote to a non-terminal stderr"; fail=1; }
done
[ "$fail" -eq 0 ] && echo PASS
exit "$fail"
