#!/bin/sh
# Live capture, end to end, on a veth pair inside a network namespace the
# test makes (nothing else: no addresses, no other interfaces).  Packets
# are replayed with tcpreplay into one end, authscope -i listens on the
# other.  Checks:
#  - -i IFACE --immediate, 1 and 2 workers (PACKET_FANOUT): the records
#    equal those of -r on the same files (minus clocks and per-worker ids);
#  - SIGINT flushes every open transaction (a capture cut before the
#    server's answer to the NTLM Type 3 gives that request's record) and
#    exits 0; SIGTERM too;
#  - SIGUSR1 and --stats-interval write stats records while running;
#  - SIGHUP reopens -o FILE (logrotate moved the old one away);
#  - -Z USER drops to that user once the capture is open;
#  - -i any (Linux cooked v2 headers) with a trailing BPF expression.
# Needs root (namespaces, raw sockets) and tcpreplay: without them it
# fails, it does not skip.
set -eu
AUTHSCOPE=${AUTHSCOPE:-./authscope}
BUILD=${BUILD:-build}
GEN=$BUILD/gencorpus
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespace, packet sockets)"; exit 1; }
command -v tcpreplay >/dev/null || { echo "FAIL: tcpreplay missing (tests/deps-extra.txt)"; exit 1; }
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
[ -x "$AUTHSCOPE" ] || { echo "FAIL: $AUTHSCOPE not built"; exit 1; }
AUTHSCOPE=$(cd "$(dirname "$AUTHSCOPE")" && pwd)/$(basename "$AUTHSCOPE")

NS=authscope-t$$
tmp=$(mktemp -d)
chmod 755 "$tmp"
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link add va type veth peer name vb
# frames over 1514 bytes (VLAN tags) must pass too
ip -n "$NS" link set va mtu 9000 up
ip -n "$NS" link set vb mtu 9000 up
fail=0

# the files replayed: a small synthetic corpus, and an NTLM exchange cut
# after the Type 3 request (its answer never comes)
"$GEN" -n 40 -s 5 -o "$tmp/corpus.pcap" >/dev/null
editcap -r pcaps/ntlm-success.pcap "$tmp/partial.pcap" 1-11
"$AUTHSCOPE" -q -r "$tmp/partial.pcap" >"$tmp/partial.ref"
"$AUTHSCOPE" -q -r "$tmp/corpus.pcap" -r "$tmp/partial.pcap" >"$tmp/both.ref"

sockets() { ip netns exec "$NS" cat /proc/net/packet | tail -n +2 | wc -l; }

# start OUT ARGS...: authscope -i in the namespace, back when its sockets are open
start() {
	out=$1; shift
	before=$(sockets)
	ip netns exec "$NS" "$AUTHSCOPE" -q -o "$out" "$@" 2>"$tmp/stderr" &
	pid=$!
	want=$((before + 1)); case " $* " in *" --workers 2 "*) want=$((before + 2)) ;; esac
	i=0
	while [ "$(sockets)" -lt "$want" ]; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "FAIL: authscope $* did not open its capture"; cat "$tmp/stderr"; exit 1; }
		kill -0 "$pid" 2>/dev/null || { echo "FAIL: authscope $* exited"; cat "$tmp/stderr"; exit 1; }
		sleep 0.1
	done
	sleep 0.3      # fanout joined, filter set
}

# stop SIGNAL: authscope must exit 0
stop() {
	sleep 0.5      # immediate mode: the last packets are in
	kill -"$1" "$pid"
	rc=0; wait "$pid" || rc=$?
	pid=""
	[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc after SIG$1"; cat "$tmp/stderr"; fail=1; }
}

# an ASan build on a busy machine reads slower: replay gently there, so the
# functional checks are not about the kernel dropping packets (bench-live is)
[ "${AUTHSCOPE_SAN:-0}" = 1 ] && : "${PPS:=500}"
replay() { ip netns exec "$NS" tcpreplay -q -i va --pps "${PPS:-2000}" "$@" >/dev/null 2>&1; }

check() { # check NAME REF OUT
	if python3 tests/workers/cmp_records.py --live "$2" "$3" >"$tmp/cmp"; then
		echo "ok $1: $(cat "$tmp/cmp")"
	else
		echo "FAIL: $1"; cat "$tmp/cmp"; fail=1
	fi
}

partial_present() { # the cut Type 3 request is in OUT, answer unknown
	python3 - "$1" <<'PY' || { echo "FAIL: $1: no record for the unanswered Type 3"; fail=1; }
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ok = [r for r in recs if r.get("event_type") == "http" and r["auth"].get("ntlm_type") == 3
      and r["http"].get("status") in (None, -1)]
sys.exit(0 if ok else 1)
PY
}

# 1 and 2 workers, SIGINT; stats on SIGUSR1 and every second
for w in 1 2; do
	out="$tmp/live$w.jsonl"
	start "$out" -i vb --immediate -B 8192 --workers "$w" --stats-interval 1
	replay "$tmp/corpus.pcap" "$tmp/partial.pcap"
	kill -USR1 "$pid"
	sleep 1.3
	stop INT
	check "-i vb --workers $w, SIGINT" "$tmp/both.ref" "$out"
	partial_present "$out"
	python3 - "$out" "$w" <<'PY' || fail=1
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"event_type":"stats"' in l]
if len(st) < 3:
    sys.exit("FAIL: %d stats records (SIGUSR1, --stats-interval 1, exit)" % len(st))
last = st[-1]
if last["capture"]["packets"] < 1711 + 11 or "kernel_drops" not in last["capture"]:
    sys.exit("FAIL: stats at exit: %r" % last["capture"])
if int(sys.argv[2]) > 1 and last.get("workers") != int(sys.argv[2]):
    sys.exit("FAIL: stats workers %r" % last.get("workers"))
print("ok stats: %d records, %d packets, %d kernel drops" % (
    len(st), last["capture"]["packets"], last["capture"]["kernel_drops"]))
PY
done

# SIGTERM flushes too (and -B, -s are taken)
start "$tmp/term.jsonl" -i vb --immediate -B 4096 -s 65535
replay "$tmp/partial.pcap"
stop TERM
check "SIGTERM" "$tmp/partial.ref" "$tmp/term.jsonl"
partial_present "$tmp/term.jsonl"

# SIGHUP: the old file keeps what came before, the new one what follows
"$AUTHSCOPE" -q -r pcaps/basic-good.pcap >"$tmp/basic.ref"
"$AUTHSCOPE" -q -r pcaps/ntlm-success.pcap >"$tmp/ntlm.ref"
start "$tmp/hup.jsonl" -i vb --immediate
replay pcaps/ntlm-success.pcap
sleep 0.5
mv "$tmp/hup.jsonl" "$tmp/hup.jsonl.1"
kill -HUP "$pid"
sleep 0.5
[ -f "$tmp/hup.jsonl" ] || { echo "FAIL: SIGHUP did not reopen the output"; fail=1; }
replay pcaps/basic-good.pcap
stop INT
check "SIGHUP: before, old file" "$tmp/ntlm.ref" "$tmp/hup.jsonl.1"
check "SIGHUP: after, new file" "$tmp/basic.ref" "$tmp/hup.jsonl"

# -Z: unprivileged once the capture is open, and still capturing
nobody=$(id -u nobody)
start "$tmp/z.jsonl" -i vb --immediate -Z nobody
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
[ "$uids" = "$nobody $nobody $nobody $nobody" ] ||
	{ echo "FAIL: -Z nobody: uids are $uids"; fail=1; }
replay pcaps/ntlm-success.pcap
stop INT
check "-Z nobody" "$tmp/ntlm.ref" "$tmp/z.jsonl"
if ip netns exec "$NS" "$AUTHSCOPE" -q -i vb -Z no-such-user-here -o /dev/null 2>/dev/null; then
	echo "FAIL: -Z with an unknown user ran"; fail=1
fi

# -i any: SLL2 headers; "inbound" (a trailing BPF expression) keeps each
# packet once (it also leaves va outbound)
start "$tmp/any.jsonl" -i any --immediate inbound
replay pcaps/ntlm-success.pcap
stop INT
check "-i any inbound" "$tmp/ntlm.ref" "$tmp/any.jsonl"

[ "$fail" -eq 0 ] && echo PASS
exit "$fail"
