#!/bin/sh
# Scale of `authscope verify`: a log of about a million lines against its
# capture.  Not part of `make test` (minutes, gigabytes).
#
#   sh tests/verify/bench_verify.sh [FLOWS] [WORKDIR]
#
# FLOWS (default 360000) corpus flows of tests/gen (bodies capped at 1 KiB
# with -B 1024 to keep the pcap near 3 GB); the IIS W3C log of their
# origin-form transactions is written from the truth by truth_logs.py (about
# 2.8 lines per flow).  Prints wall, CPU and peak RSS of:
#   1. authscope -r (the same capture pipeline, records to /dev/null)
#   2. authscope verify --log iis.log --json (findings must be none)
# The files stay in WORKDIR (default a fresh temporary directory) for reruns.
cd "$(git rev-parse --show-toplevel)" || exit 2
FLOWS=${1:-360000}
W=${2:-$(mktemp -d)}
: "${AUTHSCOPE:=./authscope}" "${BUILD:=build}"
mkdir -p "$W" || exit 2
if [ ! -s "$W/iis.log" ]; then
	"$BUILD/gencorpus" -n "$FLOWS" -s 4242 -B 1024 -o "$W/c.pcap" -t "$W/t.tsv" || exit 1
	python3 tests/verify/truth_logs.py write "$W/t.tsv" "$W/iis.log" "$W/sg.log" || exit 1
fi
echo "capture: $(du -h "$W/c.pcap" | cut -f1), log: $(grep -vc '^#' "$W/iis.log") lines"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# $1 = label, rest = command; GNU time's wall, user, sys, max RSS
measure() {
	label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" "$@" >"$W/out.txt" 2>"$W/err.txt"
	rc=$?
	read -r wall user sys rss <<EOT
$(tail -1 "$W/time.txt")
EOT
	printf '%-28s exit %s  wall %6.1f s  CPU %6.1f s (user %s, sys %s)  peak RSS %5d MB\n' \
		"$label" "$rc" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$((rss / 1024))"
}

measure "authscope -r (records)" "$AUTHSCOPE" -r "$W/c.pcap" -o /dev/null
measure "authscope verify (1 log)" "$AUTHSCOPE" verify -r "$W/c.pcap" --log "$W/iis.log" \
	--log-format w3c --json
grep -E 'wire records|clock offset|out of scope' "$W/err.txt"
python3 tests/verify/truth_logs.py check "$W/out.txt" | tail -3
echo "files kept in $W"
