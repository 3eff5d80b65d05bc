#!/bin/sh
# --workers N gives the records of one worker, as a set (flow_id and
# handshake_id are numbered per worker and left out of the comparison,
# but must still group the same records): on the synthetic corpus, on
# every committed and public capture, on several files merged by time and
# on a pcapng file of several sections.  The stats record adds up to the
# same counts.  Also: bad --workers values are refused.
set -eu
BUILD=${BUILD:-build}
AUTHSCOPE=${AUTHSCOPE:-./authscope}
GEN=$BUILD/gencorpus
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
[ -x "$AUTHSCOPE" ] || { echo "FAIL: $AUTHSCOPE not built"; exit 1; }
SHARED="$(git rev-parse --show-toplevel)/../shared/pcaps-public"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# run NAME WORKERS ARGS...: records into $tmp/NAME.WORKERS.jsonl
run() {
	name=$1; w=$2; shift 2
	out="$tmp/$name.$w.jsonl"
	rm -f "$out"
	if ! "$AUTHSCOPE" -q --workers "$w" --stats "$@" -o "$out" 2>"$tmp/err"; then
		echo "FAIL: $name --workers $w exited non-zero"; cat "$tmp/err"; fail=1
	fi
}

# same NAME WORKERS: records and stats equal to the 1-worker run
same() {
	if python3 tests/workers/cmp_records.py "$tmp/$1.1.jsonl" "$tmp/$1.$2.jsonl" >"$tmp/cmp"; then
		echo "ok $1 --workers $2: $(cat "$tmp/cmp")"
	else
		echo "FAIL: $1 --workers $2"; cat "$tmp/cmp"; fail=1
	fi
	python3 - "$tmp/$1.1.jsonl" "$tmp/$1.$2.jsonl" "$2" <<'PY' || fail=1
import json, sys
def stats(p):
    s = [json.loads(l) for l in open(p) if '"event_type":"stats"' in l.replace(" ", "")]
    if len(s) != 1:
        sys.exit("FAIL: %s: %d stats records" % (p, len(s)))
    return s[0]
a, b, n = stats(sys.argv[1]), stats(sys.argv[2]), int(sys.argv[3])
if n > 1 and b.get("workers") != n:
    sys.exit("FAIL: stats record says workers=%r" % b.get("workers"))
for sect, key in (("capture", "packets"), ("capture", "bytes"), ("tcp", "flows"),
                  ("tcp", "gaps"), ("http", "requests"), ("http", "responses"),
                  ("auth", "handshakes"), ("auth", "success"), ("auth", "failure")):
    if a[sect][key] != b[sect][key]:
        sys.exit("FAIL: stats %s.%s: %d with 1 worker, %d with %d" %
                 (sect, key, a[sect][key], b[sect][key], n))
PY
}

for seed in 20240304 77; do
	"$GEN" -n 300 -s "$seed" -o "$tmp/c$seed.pcap" -t "$tmp/t$seed.tsv" >/dev/null
	for w in 1 2 3; do run "corpus$seed" "$w" -r "$tmp/c$seed.pcap"; done
	same "corpus$seed" 2; same "corpus$seed" 3
	# the workers' records are right, not only equal: the truth checker
	python3 tests/gen/check_truth.py "$tmp/t$seed.tsv" "$tmp/corpus$seed.2.jsonl" >"$tmp/truth" ||
		{ echo "FAIL: truth check, --workers 2"; tail "$tmp/truth"; fail=1; }
done

n=0
for f in pcaps/*.pcap "$SHARED"/*.pcap "$SHARED"/*.pcapng; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	run "cap$n" 1 -r "$f"; run "cap$n" 2 -r "$f"
	same "cap$n" 2 || true
done
[ "$n" -gt 10 ] || { echo "FAIL: only $n captures found"; fail=1; }

# several files, given out of time order, and a pcapng of two sections:
# the same records as the whole file
c="$tmp/c77.pcap"
total=$(tshark -r "$c" -T fields -e frame.number 2>/dev/null | wc -l)
half=$((total / 2))
editcap -r "$c" "$tmp/part1.pcap" "1-$half"
editcap -r "$c" "$tmp/part2.pcap" "$((half + 1))-$total"
editcap -F pcapng "$tmp/part1.pcap" "$tmp/part1.pcapng"
editcap -F pcapng "$tmp/part2.pcap" "$tmp/part2.pcapng"
cat "$tmp/part1.pcapng" "$tmp/part2.pcapng" >"$tmp/sections.pcapng"
cp "$tmp/corpus77.1.jsonl" "$tmp/split.1.jsonl"
cp "$tmp/corpus77.1.jsonl" "$tmp/ng.1.jsonl"
for w in 1 2; do
	run split "$w" -r "$tmp/part2.pcap" -r "$tmp/part1.pcap"
	same split "$w"
	run ng "$w" -r "$tmp/sections.pcapng"
	same ng "$w"
done
[ "$(od -An -tx1 -N4 "$tmp/part2.pcapng" | tr -d ' ')" = 0a0d0d0a ] ||
	{ echo "FAIL: editcap did not write pcapng"; fail=1; }

# a truncated file: the same records before the damage, the same message, exit 2
head -c $(( $(stat -c %s "$c") / 2 )) "$c" >"$tmp/cut.pcap"
for w in 1 2; do
	rm -f "$tmp/cut.$w.jsonl"
	rc=0
	"$AUTHSCOPE" -q --workers "$w" --stats -r "$tmp/cut.pcap" -o "$tmp/cut.$w.jsonl" 2>"$tmp/cut.$w.err" || rc=$?
	[ "$rc" -eq 2 ] || { echo "FAIL: truncated file, --workers $w: exit $rc"; fail=1; }
done
cmp -s "$tmp/cut.1.err" "$tmp/cut.2.err" ||
	{ echo "FAIL: truncated file: messages differ"; cat "$tmp/cut.1.err" "$tmp/cut.2.err"; fail=1; }
grep -q "truncated at byte offset" "$tmp/cut.2.err" || { echo "FAIL: no offset named"; fail=1; }
same cut 2

for bad in 0 -1 65 x; do
	if "$AUTHSCOPE" --workers "$bad" -r "$c" -o /dev/null 2>/dev/null; then
		echo "FAIL: --workers $bad accepted"; fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
