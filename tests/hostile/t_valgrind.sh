#!/bin/sh
# t_valgrind.sh - every committed capture (pcaps/*.pcap, with the test
# keytab so the ticket decrypter runs too) through $AUTHSCOPE, memory
# checked:
#   normal build:  valgrind --error-exitcode=1 --leak-check=full
#                  (invalid reads/writes, uninitialised values, definite
#                  and possible leaks all fail the test)
#   AUTHSCOPE_SAN=1: valgrind cannot run an ASan binary, so the same
#                  captures go through the ASan+UBSan binary itself, whose
#                  LeakSanitizer reports leaks at exit; any sanitizer
#                  report fails the test.
# Every run must also exit 0, and -F json write records.
cd "$(git rev-parse --show-toplevel)" || exit 2
BIN=${AUTHSCOPE:-./authscope}
SAN=${AUTHSCOPE_SAN:-0}
B=${BUILD:-build}
# a private folder: other runs of this script may share the tree
OUT=$(mktemp -d "${TMPDIR:-/tmp}/t_valgrind.XXXXXX") || exit 1
trap 'rm -rf "$OUT"' EXIT
KEYTAB=pcaps/authscope-test.keytab
[ -x "$BIN" ] || { echo "t_valgrind: $BIN missing"; exit 1; }
if [ "$SAN" != 1 ] && ! command -v valgrind >/dev/null; then
	echo "t_valgrind: valgrind not installed (tests/install-deps.sh)"
	exit 1
fi
kt=""
[ -f "$KEYTAB" ] && kt="--keytab $KEYTAB"

OTHER="w3c proxysg squid combined combined-debian samba-json samba-text kemp gate"
fail=0 n=0
for p in pcaps/*.pcap; do
	name=$(basename "$p" .pcap)
	n=$((n + 1))
	# -F json and one other format, in turn, so every writer runs
	set -- $OTHER
	i=$(( (n - 1) % $# + 1 ))
	eval "other=\${$i}"
	for fmt in json "$other"; do
		log=$OUT/$name.$fmt.log
		if [ "$SAN" = 1 ]; then
			ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
				"$BIN" -q -F $fmt $kt -r "$p" >"$OUT/$name.$fmt.out" 2>"$log"
			rc=$?
			bad=$(grep -c 'ERROR: \(Address\|Leak\)Sanitizer\|runtime error' "$log")
		else
			valgrind -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite,possible \
				"$BIN" -q -F $fmt $kt -r "$p" >"$OUT/$name.$fmt.out" 2>"$log"
			rc=$?
			bad=$(grep -c '^==[0-9]*==' "$log")
		fi
		# json writes every request; samba/kemp only auth events, which a
		# capture without authentication has none of
		empty=0
		[ "$fmt" = json ] && [ ! -s "$OUT/$name.$fmt.out" ] && empty=1
		if [ $rc -ne 0 ] || [ "$bad" -ne 0 ] || [ $empty -ne 0 ]; then
			echo "FAIL $p -F $fmt: exit $rc, $bad report lines"
			head -n 40 "$log"
			fail=1
		fi
	done
done
[ $n -gt 0 ] || { echo "t_valgrind: no captures in pcaps/"; exit 1; }
if [ "$SAN" = 1 ]; then tool="ASan+LSan"; else tool="valgrind"; fi
[ $fail -eq 0 ] && echo "t_valgrind: $n captures x 2 formats (json + one of: $OTHER) clean under $tool"
exit $fail
