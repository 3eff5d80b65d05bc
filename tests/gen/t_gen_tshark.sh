#!/bin/sh
# The generator checked against an independent parser: tshark must see, in
# every connection, exactly the requests the truth file lists (method, URL,
# order), the same status codes (see tshark_vs_truth.py for the one
# explained tshark limitation), and the same NTLM Type 3 user, domain and
# workstation in every Type 3 the truth lists.
set -eu
BUILD=${BUILD:-build}
GEN=$BUILD/gencorpus
make -s --no-print-directory BUILD="$BUILD" SAN="$( [ "${AUTHSCOPE_SAN:-0}" = 1 ] && echo 1)" "$GEN"
command -v tshark >/dev/null || { echo "tshark not installed (make deps)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in ${GEN_SEEDS:-7 1234}; do
	"$GEN" -n 300 -s "$seed" -o "$tmp/c.pcap" -t "$tmp/truth.tsv"
	set -- -r "$tmp/c.pcap" -o tcp.reassemble_out_of_order:TRUE \
		-d tcp.port==8000,http -d tcp.port==8888,http \
		-T fields -E separator=/t -E 'aggregator=|' -E occurrence=a \
		-e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport
	tshark "$@" -Y http -e http.request.method -e http.request.uri \
		-e http.response.code >"$tmp/http.tsv" 2>"$tmp/err"
	tshark "$@" -Y 'ntlmssp.messagetype==3' -e ntlmssp.auth.username \
		-e ntlmssp.auth.domain -e ntlmssp.auth.hostname >"$tmp/ntlm.tsv" 2>>"$tmp/err"
	# the NTLMSSP we build must parse cleanly: no malformed NTLMSSP anywhere
	bad=$(tshark -r "$tmp/c.pcap" -o tcp.reassemble_out_of_order:TRUE \
		-Y '_ws.malformed && (ntlmssp || spnego || gssapi)' 2>/dev/null | wc -l)
	echo "seed $seed: malformed NTLMSSP/SPNEGO frames: $bad"
	[ "$bad" -eq 0 ]
	python3 tests/gen/tshark_vs_truth.py "$tmp/truth.tsv" "$tmp/http.tsv" "$tmp/ntlm.tsv"
	# the corpus holds every kind of handshake the README promises
	for want in NTLMv2 NTLMv1 No-Password Plaintext pending failure; do
		grep -q "	$want" "$tmp/truth.tsv" || { echo "seed $seed: no $want row"; exit 1; }
	done
done
