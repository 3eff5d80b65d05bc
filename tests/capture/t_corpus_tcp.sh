#!/bin/sh
# capture/ on the synthetic corpus (tests/gen: interleaved flows, IPv6,
# VLAN/QinQ, out-of-order and retransmitted segments): bytes and gaps per
# TCP direction against tshark's segments, and the flow count.
cd "$(git rev-parse --show-toplevel 2>/dev/null || pwd)" || exit 1
command -v tshark >/dev/null || { echo "tshark not installed"; exit 1; }
b="${BUILD:-build}"
for t in "$b/gencorpus" "$b/tests/capture/capdump"; do
	[ -x "$t" ] || { echo "missing $t (make unit)"; exit 1; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$b/gencorpus" -n 300 -s 7 -o "$tmp/c.pcap" -t "$tmp/truth.tsv" >/dev/null || exit 1
out=$(python3 tests/capture/compare_tshark.py "$tmp/c.pcap" "$b/tests/capture/capdump" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^Running as user'
exit $rc
