#!/bin/sh
# Kerberos ticket decryption with a service keytab (ntlm/krbtkt), against
# real tickets from a private MIT KDC started here (root; krb5-kdc,
# krb5-admin-server, krb5-user).  Realm KTEST.AUTHSCOPE on 127.0.0.1 on a
# free port, everything in a temp dir, the KDC stopped by PID on exit.
#
# Tokens come from tests/krb/mkapreq (gss_init_sec_context, what a browser
# puts in "Authorization: Negotiate"); tests/krb/krbdec opens keytabs and
# prints what krbtkt_decrypt found.  Checked: the client for AES256 /
# AES128 / AES-SHA2 / RC4 tickets, RC4-only client, SPNEGO framing, wrong
# key, missing kvno, stale kvno, several keytabs, corrupt / missing /
# unreadable keytab files, a damaged authenticator, and tshark's own
# keytab decryption of the same token as a second opinion.
set -u
BUILD=${BUILD:-build}
REALM=KTEST.AUTHSCOPE
fails=0

if [ "$(id -u)" != 0 ]; then echo "t_krbtkt: needs root to run a KDC"; exit 77; fi
for t in krb5kdc kdb5_util kadmin.local kinit python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "t_krbtkt: $t missing (tests/deps-extra.txt)"; exit 77; }
done
if [ ! -x "$BUILD/tests/krb/krbdec" ] || [ ! -x "$BUILD/tests/krb/mkapreq" ]; then
	san=; [ "${AUTHSCOPE_SAN:-0}" = 1 ] && san=1
	make -s BUILD="$BUILD" SAN=$san "$BUILD/tests/krb/krbdec" "$BUILD/tests/krb/mkapreq" || exit 1
fi
KRBDEC=$(pwd)/$BUILD/tests/krb/krbdec
MKAPREQ=$(pwd)/$BUILD/tests/krb/mkapreq

W=$(mktemp -d /tmp/authscope-krbtkt.XXXXXX) || exit 1
KDC_PID=
cleanup() {
	if [ -n "$KDC_PID" ]; then kill "$KDC_PID" 2>/dev/null; wait "$KDC_PID" 2>/dev/null; fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$W/krb5.conf" <<CONF
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1
	allow_weak_crypto = true
	permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128 arcfour-hmac
[realms]
	$REALM = {
		kdc = 127.0.0.1:$PORT
	}
[domain_realm]
	localhost = $REALM
	.ktest = $REALM
CONF
cat >"$W/kdc.conf" <<CONF
[kdcdefaults]
	kdc_listen = 127.0.0.1:$PORT
	kdc_tcp_listen = 127.0.0.1:$PORT
[realms]
	$REALM = {
		database_name = $W/principal
		key_stash_file = $W/stash
		acl_file = $W/kadm5.acl
		max_life = 1h
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal aes256-cts-hmac-sha384-192:normal aes128-cts-hmac-sha256-128:normal arcfour-hmac:normal
	}
[logging]
	kdc = FILE:$W/kdc.log
CONF
: >"$W/kadm5.acl"
export KRB5_CONFIG="$W/krb5.conf" KRB5_KDC_PROFILE="$W/kdc.conf" KRB5CCNAME="FILE:$W/cc_alice"
unset KRB5_KTNAME KRB5_CLIENT_KTNAME

die() { echo "t_krbtkt: $*"; [ -f "$W/kdc.log" ] && tail -n 20 "$W/kdc.log"; exit 1; }
kadm() { kadmin.local -r "$REALM" -q "$1" >>"$W/kadmin.log" 2>&1 || die "kadmin.local: $1"; }

kdb5_util -r "$REALM" create -s -W -P masterpw >"$W/kdb.log" 2>&1 || die "kdb5_util create: $(cat "$W/kdb.log")"
kadm "addprinc -pw alicepw -e aes256-cts-hmac-sha1-96:normal alice"
kadm "addprinc -pw carolpw -e arcfour-hmac:normal carol"
kadm "addprinc -randkey -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal,arcfour-hmac:normal HTTP/localhost"
kadm "addprinc -randkey -e arcfour-hmac:normal HTTP/rc4.ktest"
kadm "addprinc -randkey -e aes128-cts-hmac-sha1-96:normal HTTP/aes128.ktest"
kadm "addprinc -randkey -e aes256-cts-hmac-sha384-192:normal HTTP/sha2.ktest"
kadm "addprinc -randkey -e aes128-cts-hmac-sha256-128:normal HTTP/sha2-128.ktest"
# ktadd re-randomizes the keys: every service is at kvno 2 in this keytab
kadm "ktadd -k $W/http.keytab -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal,arcfour-hmac:normal HTTP/localhost"
kadm "ktadd -k $W/http.keytab -e arcfour-hmac:normal HTTP/rc4.ktest"
kadm "ktadd -k $W/http.keytab -e aes128-cts-hmac-sha1-96:normal HTTP/aes128.ktest"
kadm "ktadd -k $W/http.keytab -e aes256-cts-hmac-sha384-192:normal HTTP/sha2.ktest"
kadm "ktadd -k $W/http.keytab -e aes128-cts-hmac-sha256-128:normal HTTP/sha2-128.ktest"

krb5kdc -n -r "$REALM" >"$W/kdc.out" 2>&1 &
KDC_PID=$!
python3 - "$PORT" <<'PY' || die "KDC did not come up on port $PORT"
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY

echo alicepw | kinit alice >"$W/kinit.log" 2>&1 || die "kinit alice: $(cat "$W/kinit.log")"
echo carolpw | KRB5CCNAME="FILE:$W/cc_carol" kinit carol >"$W/kinit.log" 2>&1 || die "kinit carol: $(cat "$W/kinit.log")"

tok() { "$MKAPREQ" "$@" 2>"$W/mkapreq.err" || die "mkapreq $*: $(cat "$W/mkapreq.err")"; }
A=$(tok HTTP@localhost krb5)
A_SPNEGO=$(tok HTTP@localhost spnego)
RC4=$(tok HTTP@rc4.ktest krb5)
AES128=$(tok HTTP@aes128.ktest krb5)
SHA2=$(tok HTTP@sha2.ktest spnego)
SHA2_128=$(tok HTTP@sha2-128.ktest krb5)
C=$(KRB5CCNAME="FILE:$W/cc_carol" tok HTTP@localhost krb5)

# check NAME OUTPUT WORD...: every word must appear in the output
check() {
	name=$1 out=$2; shift 2
	for w in "$@"; do
		case "$out" in
		*"$w"*) ;;
		*) echo "FAIL $name: no '$w' in:"; echo "$out"; fails=$((fails + 1)); return ;;
		esac
	done
	echo "ok   $name"
}
# a token's decrypt line (the second line of krbdec's output)
dec() { "$KRBDEC" "$@" 2>&1 | sed -n 2p; }
ok_for() { echo "client=$1 realm=$REALM anomaly=- auth_client=$1 auth_realm=$REALM"; }

check "aes256 ticket" "$(dec -k "$W/http.keytab" "$A")" "$(ok_for alice)" \
	"detail=key HTTP/localhost@$REALM kvno 2 etype 18 "
check "spnego-wrapped" "$(dec -k "$W/http.keytab" "$A_SPNEGO")" "$(ok_for alice)"
check "rc4 ticket" "$(dec -k "$W/http.keytab" "$RC4")" "$(ok_for alice)" "kvno 2 etype 23 "
check "aes128 ticket" "$(dec -k "$W/http.keytab" "$AES128")" "$(ok_for alice)" "kvno 2 etype 17 "
check "aes256-sha2 ticket" "$(dec -k "$W/http.keytab" "$SHA2")" "$(ok_for alice)" "kvno 2 etype 20 "
check "aes128-sha2 ticket" "$(dec -k "$W/http.keytab" "$SHA2_128")" "$(ok_for alice)" "kvno 2 etype 19 "
check "rc4-only client" "$(dec -k "$W/http.keytab" "$C")" "$(ok_for carol)"

# ticket times: authtime within the last hour, endtime after it (max_life 1h)
line=$(dec -k "$W/http.keytab" "$A")
now=$(date +%s)
at=$(echo "$line" | sed 's/.* authtime=\([0-9-]*\) .*/\1/')
et=$(echo "$line" | sed 's/.* endtime=\([0-9-]*\) .*/\1/')
if [ "$at" -gt $((now - 3600)) ] && [ "$at" -le "$now" ] && [ "$et" -gt "$at" ] && [ "$et" -le $((at + 3600)) ]; then
	check "ticket times" "$line" "times_now=- "
else
	echo "FAIL ticket times: now=$now authtime=$at endtime=$et"; fails=$((fails + 1))
fi

# keytab variants, by rewriting the keytab file (format: MIT keytab v2)
ktedit() {
	python3 - "$@" <<'PY'
import struct, sys
mode, src, dst = sys.argv[1:4]
b = open(src, "rb").read()
out, i = bytearray(b[:2]), 2
while i + 4 <= len(b):
    (size,) = struct.unpack(">i", b[i:i + 4])
    if size <= 0:
        break
    e = bytearray(b[i + 4:i + 4 + size])
    j = 2
    (ncomp,) = struct.unpack(">H", e[0:2])
    for _ in range(ncomp + 1):
        (n,) = struct.unpack(">H", e[j:j + 2]); j += 2 + n
    j += 8                                   # name type, timestamp
    vno8 = j; j += 1
    j += 2                                   # enctype
    (klen,) = struct.unpack(">H", e[j:j + 2]); key = j + 2; j = key + klen
    if mode == "badkey":                     # same principal/kvno/etype, other key
        for k in range(key, key + klen):
            e[k] ^= 0x5a
    elif mode == "kvno7":                    # right key filed under a stale kvno
        e[vno8] = 7
        if len(e) >= j + 4:
            e[j:j + 4] = struct.pack(">I", 7)
    out += struct.pack(">i", len(e)) + e
    i += 4 + size
open(dst, "wb").write(out)
PY
}
ktedit badkey "$W/http.keytab" "$W/badkey.keytab"
ktedit kvno7 "$W/http.keytab" "$W/kvno7.keytab"
check "wrong key" "$(dec -k "$W/badkey.keytab" "$A")" "client=- " "anomaly=krb_decrypt_failed " \
	"HTTP/localhost@$REALM kvno 2 etype 18"
check "stale kvno in keytab" "$(dec -k "$W/kvno7.keytab" "$A")" "$(ok_for alice)" \
	"key HTTP/localhost@$REALM kvno 7 etype 18" "for a ticket to HTTP/localhost@$REALM kvno 2"

# the service's key changes after the ticket was issued: kvno 3 only
kadm "ktadd -k $W/new.keytab -e aes256-cts-hmac-sha1-96:normal HTTP/localhost"
check "missing kvno" "$(dec -k "$W/new.keytab" "$A")" "client=- " "anomaly=krb_no_key " \
	"no key for HTTP/localhost@$REALM kvno 2 etype 18" "keytab has: kvno 3 etype 18"
check "two keytabs" "$(dec -k "$W/new.keytab" -k "$W/http.keytab" "$A")" "$(ok_for alice)"
check "no key of that etype" "$(dec -k "$W/new.keytab" "$RC4")" "anomaly=krb_no_key " \
	"no key for HTTP/rc4.ktest@$REALM kvno 2 etype 23" "keytab has none"

# authenticator damaged (it is the last field of the AP-REQ, last in the token)
A_BAD=$(python3 -c 'import base64,sys; b=bytearray(base64.b64decode(sys.argv[1])); b[-1]^=1; print(base64.b64encode(b).decode())' "$A")
check "damaged authenticator" "$(dec -k "$W/http.keytab" "$A_BAD")" "client=alice " \
	"anomaly=krb_authenticator_decrypt_failed "

# keytab files that must be refused, naming the file, exit 2
refuse() {
	name=$1 path=$2
	out=$("$KRBDEC" -k "$W/http.keytab" -k "$path" 2>&1); rc=$?
	if [ "$rc" = 2 ]; then check "$name" "$out" "keytab $path:"; else
		echo "FAIL $name: exit $rc, want 2: $out"; fails=$((fails + 1)); fi
}
size=$(wc -c <"$W/http.keytab")
head -c $((size - 7)) "$W/http.keytab" >"$W/trunc.keytab"
refuse "truncated keytab" "$W/trunc.keytab"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[8]^=0xff; open(sys.argv[2],"wb").write(b)' \
	"$W/http.keytab" "$W/corrupt.keytab"
refuse "corrupt keytab" "$W/corrupt.keytab"
echo "not a keytab" >"$W/text.keytab"
refuse "not a keytab" "$W/text.keytab"
: >"$W/empty.keytab"
refuse "empty keytab" "$W/empty.keytab"
refuse "missing keytab" "$W/nonexistent.keytab"
refuse "directory as keytab" "$W"

# tshark's keytab decryption of the same ticket names the same client
if command -v tshark >/dev/null 2>&1; then
	python3 - "$A" "$W/a.pcap" <<'PY'
import struct, sys
# one hand-built HTTP request carrying the token, client 10.0.0.1 -> server 10.0.0.2:80
req = ("GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Negotiate %s\r\n\r\n" % sys.argv[1]).encode()
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
def seg(seq, ack, flags, data=b""):
    tcp = struct.pack("!HHIIBBHHH", 40000, 80, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    tcp = tcp[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp
pkts = [seg(1000, 0, 0x02), seg(1001, 1, 0x18, req)]
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n, p in enumerate(pkts):
        f.write(struct.pack("<IIII", 1700000000 + n, 0, len(p), len(p)) + p)
PY
	ts=$(tshark -n -r "$W/a.pcap" -o kerberos.decrypt:TRUE -o "kerberos.file:$W/http.keytab" \
		-Y kerberos -T fields -e kerberos.CNameString -e kerberos.crealm 2>"$W/tshark.err" | sort -u | tr '\t\n' '  ')
	case "$ts" in
	*"alice"*"$REALM"*) echo "ok   tshark agrees ($ts)" ;;
	*) echo "FAIL tshark with the keytab shows '$ts' (want alice $REALM): $(head -3 "$W/tshark.err")"
	   fails=$((fails + 1)) ;;
	esac
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
