#!/bin/sh
# authscope against the synthetic ground truth, transactions only: every
# HTTP transaction of a messy 300-flow corpus (segmentation, split headers,
# retransmissions, reordering, pipelining, chunked, HEAD/304/100-continue,
# CONNECT tunnels, mid-stream pick-up, noise flows) must come out as
# exactly one "http" record with the right method, url, status and tx_id,
# every output line must be valid JSON, and noise must yield nothing.
# The auth fields are checked by t_corpus_auth.sh.
set -eu
BUILD=${BUILD:-build}
AUTHSCOPE=${AUTHSCOPE:-./authscope}
GEN=$BUILD/gencorpus
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
[ -x "$AUTHSCOPE" ] || { echo "FAIL: $AUTHSCOPE not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in ${CORPUS_SEEDS:-20240304 77}; do
	echo "== seed $seed"
	"$GEN" -n 300 -s "$seed" -o "$tmp/corpus.pcap" -t "$tmp/truth.tsv"
	rm -f "$tmp/out.jsonl"   # authscope -o appends to an existing file
	rc=0
	"$AUTHSCOPE" -r "$tmp/corpus.pcap" -o "$tmp/out.jsonl" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: authscope exited $rc"; tail -n 20 "$tmp/err"; exit 1
	fi
	python3 tests/gen/check_truth.py "$tmp/truth.tsv" "$tmp/out.jsonl"
done
