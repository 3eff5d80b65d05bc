#!/bin/sh
# ntlm/krbtkt on the e2e rig's real Apache + MIT KDC captures
# (pcaps/kerberos*.pcap, keytab pcaps/authscope-test.keytab): for every
# "Authorization: Negotiate" token, the client krbtkt finds in the ticket
# must equal what tshark finds with the same keytab (kerberos.CNameString,
# kerberos.crealm with kerberos.decrypt on) and the user the rig's
# .expect file says the client authenticated as.  tshark only cuts the
# header values out of the capture here; the full pipeline is tests/e2e.
set -u
BUILD=${BUILD:-build}
KT=pcaps/authscope-test.keytab
fails=0 tokens=0

command -v tshark >/dev/null 2>&1 || { echo "t_krbtkt_pcaps: tshark missing"; exit 77; }
if [ ! -x "$BUILD/tests/krb/krbdec" ]; then
	san=; [ "${AUTHSCOPE_SAN:-0}" = 1 ] && san=1
	make -s BUILD="$BUILD" SAN=$san "$BUILD/tests/krb/krbdec" || exit 1
fi
[ -f "$KT" ] || { echo "t_krbtkt_pcaps: no $KT"; exit 1; }
set -- pcaps/kerberos*.pcap
[ -f "$1" ] || { echo "t_krbtkt_pcaps: no pcaps/kerberos*.pcap"; exit 1; }

TMP=$(mktemp) || exit 1
trap 'rm -f "$TMP"' EXIT
for pcap; do
	expect=${pcap%.pcap}.expect
	# the user and realm the rig's client was told to authenticate as
	want=$(awk -F'\t' '$1 == "req" && $8 ~ /Kerberos/ { print $6 "@" $7; exit }' "$expect")
	[ -n "$want" ] || { echo "FAIL $pcap: no Kerberos request in $expect"; fails=$((fails + 1)); continue; }
	tshark -n -r "$pcap" -o kerberos.decrypt:TRUE -o "kerberos.file:$KT" \
		-Y 'http.authorization contains "Negotiate"' -T fields -E separator='|' \
		-e frame.number -e kerberos.CNameString -e kerberos.crealm -e http.authorization \
		2>/dev/null >"$TMP"
	while IFS='|' read -r frame tsname tsrealm value; do
		tokens=$((tokens + 1))
		ts="${tsname%%,*}@${tsrealm%%,*}"
		line=$("$BUILD/tests/krb/krbdec" -k "$KT" "$value" 2>&1 | sed -n 2p)
		ours=$(echo "$line" | sed -n 's/^client=\([^ ]*\) realm=\([^ ]*\) anomaly=- .*/\1@\2/p')
		if [ -n "$ours" ] && [ "$ours" = "$ts" ] && [ "$ours" = "$want" ]; then
			echo "ok   $pcap frame $frame: $ours (tshark $ts, expected $want)"
		else
			echo "FAIL $pcap frame $frame: ours '$line', tshark '$ts', expected '$want'"
			fails=$((fails + 1))
		fi
	done <"$TMP"
done
[ "$tokens" -gt 0 ] || { echo "FAIL no Negotiate tokens found in the captures"; fails=$((fails + 1)); }
echo "$tokens tokens, $fails failed"
[ "$fails" -eq 0 ]
