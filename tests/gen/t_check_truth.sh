#!/bin/sh
# check_truth.py itself: a perfect output passes (with and without --auth),
# and each kind of damage (wrong user, lost inheritance, wrong status, a
# missing or an extra transaction, a broken JSON line, records out of
# order) makes it fail.  Guards the corpus tests against a checker that
# cannot fail.
set -eu
BUILD=${BUILD:-build}
GEN=$BUILD/gencorpus
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$GEN" -n 200 -s 99 -o "$tmp/c.pcap" -t "$tmp/truth.tsv"
py() { python3 "tests/gen/$@"; }
py truth_to_json.py "$tmp/truth.tsv" >"$tmp/ok.jsonl"
py check_truth.py "$tmp/truth.tsv" "$tmp/ok.jsonl" >/dev/null
py check_truth.py --auth "$tmp/truth.tsv" "$tmp/ok.jsonl" >/dev/null
for damage in user:--auth inherited:--auth status: missing: extra: badjson: order:; do
	d=${damage%%:*}; opt=${damage#*:}
	py truth_to_json.py "$tmp/truth.tsv" "$d" >"$tmp/bad.jsonl"
	if py check_truth.py $opt "$tmp/truth.tsv" "$tmp/bad.jsonl" >"$tmp/out" 2>&1; then
		echo "check_truth.py passed an output with damage '$d'"; cat "$tmp/out"; exit 1
	fi
	echo "damage '$d' caught: $(grep -m1 -E '^(DIFF|MISSING|EXTRA|BAD OUTPUT)' "$tmp/out" | cut -c1-100)"
done
# auth-only damage must not fail the transaction-only check
py truth_to_json.py "$tmp/truth.tsv" user >"$tmp/bad.jsonl"
py check_truth.py "$tmp/truth.tsv" "$tmp/bad.jsonl" >/dev/null
