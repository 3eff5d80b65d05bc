#!/bin/sh
# authscope verify against server logs written from the corpus generator's
# ground truth by tests/verify/truth_logs.py (not by authscope's writers):
# the IIS W3C log of the origin servers and the ProxySG log of the proxies.
# Honest logs: no finding.  Tampered copies (users swapped, removed, added,
# lines deleted, lines injected, chosen by a seed): exactly those findings.
cd "$(git rev-parse --show-toplevel)" || exit 2
: "${AUTHSCOPE:=./authscope}" "${BUILD:=build}" "${AUTHSCOPE_SAN:=0}"
GEN="$BUILD/gencorpus"
[ -x "$GEN" ] || { echo "t_verify_truth: $GEN missing (make unit)"; exit 1; }
[ -x "$AUTHSCOPE" ] || { echo "t_verify_truth: $AUTHSCOPE missing"; exit 1; }
TL=tests/verify/truth_logs.py
if [ "$AUTHSCOPE_SAN" = 1 ]; then FLOWS=600; K=3; SEEDS="21"; else FLOWS=3000; K=8; SEEDS="21 22 23"; fi
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
fail=0

# $1 = name, $2 = expected exit status, rest = verify arguments
run() {
	name=$1 want=$2
	shift 2
	"$AUTHSCOPE" verify -r "$T/c.pcap" "$@" --json >"$T/$name.jsonl" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"
		tail -5 "$T/$name.err"
		fail=1
	fi
}

# $1 = name, [$2 = expected findings]
check() {
	if ! python3 "$TL" check "$T/$1.jsonl" $2; then
		echo "FAIL $1"
		fail=1
	fi
}

"$GEN" -n "$FLOWS" -s 1709 -o "$T/c.pcap" -t "$T/t.tsv" || exit 1
python3 "$TL" write "$T/t.tsv" "$T/iis.log" "$T/sg.log" || exit 1

run honest_iis 0 --log "$T/iis.log" --log-format w3c
check honest_iis
run honest_sg 0 --log "$T/sg.log" --log-format proxysg
check honest_sg
run honest_both 0 --log "$T/iis.log" --log "$T/sg.log"
check honest_both
# the servers named by hand: the same verdicts
run honest_srv 0 --log "$T/iis.log" --log-format w3c --server 192.0.2.10 --server 192.0.2.11 \
	--server 192.0.2.12
check honest_srv

for s in $SEEDS; do
	python3 "$TL" tamper "$s" "$K" "$T/iis.log" "$T/iis_$s.log" "$T/iis_$s.exp" || exit 1
	run "tampered_iis_$s" 1 --log "$T/iis_$s.log" --log-format w3c
	check "tampered_iis_$s" "$T/iis_$s.exp"
	python3 "$TL" tamper "$s" "$K" "$T/sg.log" "$T/sg_$s.log" "$T/sg_$s.exp" || exit 1
	run "tampered_sg_$s" 1 --log "$T/sg_$s.log" --log-format proxysg
	check "tampered_sg_$s" "$T/sg_$s.exp"
done

[ "$fail" = 0 ] && echo "t_verify_truth: OK ($FLOWS flows, seeds $SEEDS, k=$K)"
exit "$fail"
