#!/bin/bash
# Real-server capture rig: runs Apache (mod_auth_gssapi + gss-ntlmssp, Basic,
# Digest, no auth, two CGI scripts), an MIT KDC and Squid on 127.0.0.1 with private configs in a temp
# dir, drives each scenario with curl or tests/e2e/ntlm_client.py, and leaves
# per scenario in OUTDIR:
#   NAME.pcap          tcpdump -i lo of that scenario only (HTTP port only)
#   NAME.server.log    the server's own lines for it (Apache custom format,
#                      or Squid's native access.log for proxy scenarios)
#   NAME.combined.log  Apache's plain combined log lines (Apache scenarios)
#   NAME.expect        what the client was told to do (see pcaps/README.md)
# plus authscope-test.keytab (test keys of the throw-away realm).
#
#   usage: rig.sh OUTDIR [SCENARIO ...]     (root; default: every scenario)
#   env:   E2E_KEEP=1 keeps the temp dir (configs, error logs) for debugging
#
# Missing packages are installed first (tests/e2e/install.sh, idempotent).
# Nothing global is touched: /etc/apache2, /etc/squid, /etc/krb5.conf are
# neither our servers' configuration nor written (private -f, KRB5_CONFIG,
# KRB5_KDC_PROFILE; logs and pid files in the temp dir), every socket is
# bound to 127.0.0.1, and every process started here is stopped by its PID
# on exit (trap EXIT).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3        # Debian's python: python3-ntlm-auth lives there

die() { echo "rig: FAIL: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: rig.sh OUTDIR [SCENARIO ...]"
OUT=$1; shift
[ "$(id -u)" = 0 ] || die "needs root (servers drop to www-data/proxy, tcpdump on lo)"
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)

ALL_SCENARIOS="ntlm-success kerberos kerberos-rc4 ntlm-keepalive ntlm-wrong-password
basic-good basic-bad proxy-ntlm negotiate-ntlm ntlm-two-users
ntlm-type3-other-connection ntlm-pipelined proxy-negotiate ntlm-curl-rejected
digest-good digest-bad ntlm-post ntlmv1 ntlm-reauth
http-keepalive http-head http-304 http-chunked http-100-continue
http-pipelined http-post proxy-connect"
case " $* " in *" all "*) set -- ;; esac
SCENARIOS=${*:-$ALL_SCENARIOS}

sh "$HERE/install.sh" || die "cannot install the rig's packages"
for b in /usr/sbin/apache2 /usr/lib/apache2/modules/mod_auth_gssapi.so \
	/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so /usr/sbin/squid \
	/usr/lib/squid/ntlm_fake_auth /usr/lib/squid/negotiate_kerberos_auth \
	/usr/sbin/krb5kdc /usr/sbin/kdb5_util /usr/sbin/kadmin.local /usr/bin/kinit \
	/usr/bin/curl /usr/bin/tcpdump /usr/bin/htpasswd "$PY"; do
	[ -e "$b" ] || die "missing $b: install tests/deps-extra.txt (make deps)"
done
$PY -c 'import ntlm_auth.ntlm' 2>/dev/null || die "python3-ntlm-auth missing (make deps)"

W=$(mktemp -d /tmp/authscope-e2e.XXXXXX) || die "mktemp"
chmod 755 "$W"             # Apache's and Squid's children run unprivileged
PIDS=""                    # pid files of the servers we started
CAP_PID=""

cleanup() {
	local f p pids=""
	[ -n "$CAP_PID" ] && kill -INT "$CAP_PID" 2>/dev/null && wait "$CAP_PID" 2>/dev/null
	for f in $PIDS; do
		p=$(cat "$f" 2>/dev/null) || continue
		[ -n "$p" ] && kill "$p" 2>/dev/null && pids="$pids $p"
	done
	for p in $pids; do      # up to 3 s each to exit, then SIGKILL
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.3
		done
		kill -9 "$p" 2>/dev/null
	done
	if [ "${E2E_KEEP:-0}" = 1 ]; then echo "rig: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# free TCP ports on 127.0.0.1, asked from the kernel
read -r P_KDC P_HTTP P_PROXY P_KADM <<EOF
$($PY -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
EOF

REALM=AUTHSCOPE.TEST
NBDOM=AUTHSCOPE            # NetBIOS domain gss-ntlmssp announces and knows
PW_ALICE='Alice-Pass-1'
PW_BOB='Bob-Pass-2'
PW_CAROL='Carol-Pass-3'
UA='authscope-e2e'
# Apache's access log format (also written to each .expect for verify)
APACHE_LOGFORMAT='%u %a %{remote}p %A:%{local}p [%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t] "%r" %>s %b "%{User-Agent}i" %k'

# ---------------------------------------------------------------- KDC
setup_kdc() {
	mkdir -p "$W/kdc"
	cat >"$W/krb5.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1
	permitted_enctypes = aes256-cts-hmac-sha1-96 rc4-hmac
	default_tkt_enctypes = aes256-cts-hmac-sha1-96 rc4-hmac
	default_tgs_enctypes = aes256-cts-hmac-sha1-96 rc4-hmac
	allow_rc4 = true
[realms]
	$REALM = {
		kdc = 127.0.0.1:$P_KDC
		admin_server = 127.0.0.1:$P_KADM
	}
[domain_realm]
	localhost = $REALM
	.localhost = $REALM
EOF
	# a client that asks for RC4 tickets only (carol: her TGT and service
	# ticket both RC4, or the library refuses the AES TGT session key)
	sed 's/^\tdefault_t\(gs\|kt\)_enctypes = .*/\tdefault_t\1_enctypes = rc4-hmac/' \
		"$W/krb5.conf" >"$W/krb5-rc4.conf"
	cat >"$W/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = 127.0.0.1:$P_KDC
	kdc_tcp_listen = 127.0.0.1:$P_KDC
[realms]
	$REALM = {
		database_name = $W/kdc/principal
		key_stash_file = $W/kdc/stash
		acl_file = $W/kdc/kadm5.acl
		kadmind_listen = 127.0.0.1:$P_KADM
		supported_enctypes = aes256-cts-hmac-sha1-96:normal rc4-hmac:normal
		max_life = 1h
	}
[logging]
	kdc = FILE:$W/kdc/kdc.log
	admin_server = FILE:$W/kdc/kadmin.log
	default = FILE:$W/kdc/krb5lib.log
EOF
	: >"$W/kdc/kadm5.acl"
	export KRB5_CONFIG="$W/krb5.conf" KRB5_KDC_PROFILE="$W/kdc.conf"
	kdb5_util create -s -r $REALM -P 'master-test-only' >"$W/kdc/create.log" 2>&1 ||
		die "kdb5_util create: $(cat "$W/kdc/create.log")"
	local q="$W/kdc/kadmin.log.out"
	kadm() { kadmin.local -r $REALM -q "$1" >>"$q" 2>&1 || die "kadmin.local $1: $(tail -3 "$q")"; }
	kadm "addprinc -pw $PW_ALICE alice"
	kadm "addprinc -pw $PW_BOB bob"
	kadm "addprinc -e rc4-hmac:normal -pw $PW_CAROL carol"
	# the service key comes from a fixed password, so every run makes the
	# same keys and the committed keytab decrypts every committed capture
	kadm "addprinc -e aes256-cts-hmac-sha1-96:normal,rc4-hmac:normal -pw http-test-key-1 HTTP/localhost"
	# a service with an RC4 key only: its tickets are RC4-encrypted (the KDC
	# encrypts a ticket with the service's strongest key, whatever the client
	# asks); curl reaches it as rc4.localhost via --resolve
	kadm "addprinc -e rc4-hmac:normal -pw http-test-key-2 HTTP/rc4.localhost"
	kadm "ktadd -norandkey -k $W/http.keytab HTTP/localhost"
	kadm "ktadd -norandkey -k $W/http.keytab HTTP/rc4.localhost"
	chmod 644 "$W/http.keytab"     # test keys of a throw-away realm
	krb5kdc -n -P "$W/kdc/krb5kdc.pid" >"$W/kdc/stdout" 2>&1 &
	echo $! >"$W/kdc/krb5kdc.pid.ours"
	PIDS="$PIDS $W/kdc/krb5kdc.pid.ours"
	wait_port $P_KDC || die "krb5kdc did not listen on 127.0.0.1:$P_KDC: $(tail -5 "$W/kdc/kdc.log" "$W/kdc/stdout" 2>/dev/null)"
	echo "$PW_ALICE" | KRB5CCNAME="FILE:$W/cc.alice" kinit alice@$REALM >"$W/kdc/kinit.alice" 2>&1 ||
		die "kinit alice: $(cat "$W/kdc/kinit.alice")"
	echo "$PW_BOB" | KRB5CCNAME="FILE:$W/cc.bob" kinit bob@$REALM >"$W/kdc/kinit.bob" 2>&1 ||
		die "kinit bob: $(cat "$W/kdc/kinit.bob")"
	echo "$PW_CAROL" | KRB5_CONFIG="$W/krb5-rc4.conf" KRB5CCNAME="FILE:$W/cc.carol" \
		kinit carol@$REALM >"$W/kdc/kinit.carol" 2>&1 || die "kinit carol: $(cat "$W/kdc/kinit.carol")"
}

wait_port() {     # PORT: wait up to 10 s for a listener on 127.0.0.1:PORT
	local i
	for i in $(seq 1 100); do
		$PY -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$1)))" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- Apache
setup_apache() {
	mkdir -p "$W/apache/htdocs/ntlm" "$W/apache/htdocs/krb" "$W/apache/htdocs/nego" \
		"$W/apache/htdocs/basic" "$W/apache/htdocs/digest" "$W/apache/htdocs/open" \
		"$W/apache/htdocs/cgi" "$W/apache/logs"
	local d
	for d in ntlm krb nego basic digest open; do
		echo "hello from /$d/" >"$W/apache/htdocs/$d/index.html"
		for n in 1 2 3 4; do echo "/$d/page$n" >"$W/apache/htdocs/$d/page$n.txt"; done
	done
	# CGI scripts (no auth): "stream" writes its body in pieces with pauses
	# and no Content-Length, so Apache answers HTTP/1.1 with
	# Transfer-Encoding: chunked; "echo" reads the request body (Apache
	# de-chunks a chunked one, and sends 100 Continue when asked) and says
	# how many bytes it read
	printf '%s\n' '#!/bin/sh' 'printf "Content-Type: text/plain\r\n\r\n"' \
		'for i in 1 2 3 4; do echo "piece $i"; sleep 0.2; done' >"$W/apache/htdocs/cgi/stream"
	printf '%s\n' '#!/bin/sh' 'n=$(cat | wc -c)' \
		'printf "Content-Type: text/plain\r\n\r\nread %s bytes\n" "$n"' >"$W/apache/htdocs/cgi/echo"
	chmod 755 "$W/apache/htdocs/cgi" "$W/apache/htdocs/cgi/stream" "$W/apache/htdocs/cgi/echo"
	# gss-ntlmssp's user database: DOMAIN:user:password
	printf '%s:alice:%s\n%s:bob:%s\n' $NBDOM "$PW_ALICE" $NBDOM "$PW_BOB" >"$W/ntlm-users"
	chmod 644 "$W/ntlm-users"
	htpasswd -bc "$W/htpasswd" alice "$PW_ALICE" >/dev/null 2>&1 || die htpasswd
	htpasswd -b "$W/htpasswd" bob "$PW_BOB" >/dev/null 2>&1 || die htpasswd
	chmod 644 "$W/htpasswd"
	# htdigest's format (user:realm:MD5(user:realm:password)); htdigest
	# itself only reads passwords from a terminal
	$PY -c 'import hashlib,sys
for u, p in (("alice", sys.argv[1]), ("bob", sys.argv[2])):
    print("%s:authscope Digest:%s" % (u, hashlib.md5(("%s:authscope Digest:%s" % (u, p)).encode()).hexdigest()))' \
		"$PW_ALICE" "$PW_BOB" >"$W/htdigest" || die "htdigest file"
	chmod 644 "$W/htdigest"
	local M=/usr/lib/apache2/modules
	cat >"$W/apache/httpd.conf" <<EOF
ServerRoot $W/apache
ServerName localhost
Listen 127.0.0.1:$P_HTTP
PidFile $W/apache/httpd.pid
ErrorLog $W/apache/logs/error.log
LogLevel warn auth_gssapi:debug
User www-data
Group www-data
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_user_module $M/mod_authz_user.so
LoadModule authn_core_module $M/mod_authn_core.so
LoadModule authn_file_module $M/mod_authn_file.so
LoadModule auth_basic_module $M/mod_auth_basic.so
LoadModule auth_digest_module $M/mod_auth_digest.so
LoadModule auth_gssapi_module $M/mod_auth_gssapi.so
LoadModule mime_module $M/mod_mime.so
LoadModule dir_module $M/mod_dir.so
LoadModule cgid_module $M/mod_cgid.so
ScriptSock $W/apache/cgid.sock
TypesConfig /etc/mime.types
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 15
DocumentRoot $W/apache/htdocs
# %u user, client ip:port, server ip:port, time with usec, %k = requests
# already served on this connection (0 = first)
LogFormat "$(printf '%s' "$APACHE_LOGFORMAT" | sed 's/"/\\"/g')" authscope
CustomLog $W/apache/logs/access.log authscope
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
CustomLog $W/apache/logs/combined.log combined
<Directory />
	AllowOverride None
	Require all denied
</Directory>
<Directory $W/apache/htdocs>
	Require all granted
</Directory>
<Location /ntlm>
	AuthType GSSAPI
	AuthName "authscope NTLM"
	GssapiAllowedMech ntlmssp
	GssapiConnectionBound On
	Require valid-user
</Location>
# Kerberos or NTLMSSP inside SPNEGO.  No GssapiCredStore here: with it,
# mod_auth_gssapi 1.6.4 + gss-ntlmssp 1.2.0 segfault on an SPNEGO/NTLMSSP
# Type 1; the keytab comes from KRB5_KTNAME in Apache's environment instead.
<Location /nego>
	AuthType GSSAPI
	AuthName "authscope Negotiate"
	GssapiAllowedMech krb5
	GssapiAllowedMech ntlmssp
	GssapiConnectionBound On
	Require valid-user
</Location>
<Location /krb>
	AuthType GSSAPI
	AuthName "authscope Kerberos"
	GssapiAllowedMech krb5
	GssapiCredStore keytab:$W/http.keytab
	Require valid-user
</Location>
<Directory $W/apache/htdocs/cgi>
	Options +ExecCGI
	SetHandler cgi-script
</Directory>
<Location /digest>
	AuthType Digest
	AuthName "authscope Digest"
	AuthDigestProvider file
	AuthUserFile $W/htdigest
	AuthDigestDomain /digest/
	Require valid-user
</Location>
<Location /basic>
	AuthType Basic
	AuthName "authscope Basic"
	AuthBasicProvider file
	AuthUserFile $W/htpasswd
	Require valid-user
</Location>
EOF
	NTLM_USER_FILE="$W/ntlm-users" NETBIOS_DOMAIN_NAME=$NBDOM NETBIOS_COMPUTER_NAME=WEBSRV \
	KRB5_CONFIG="$W/krb5.conf" KRB5_KTNAME="FILE:$W/http.keytab" \
		/usr/sbin/apache2 -f "$W/apache/httpd.conf" -k start >"$W/apache/start.out" 2>&1 ||
		die "apache2 did not start: $(cat "$W/apache/start.out"; tail -5 "$W/apache/logs/error.log" 2>/dev/null)"
	PIDS="$PIDS $W/apache/httpd.pid"
	wait_port $P_HTTP || die "apache2 did not listen on 127.0.0.1:$P_HTTP: $(tail -5 "$W/apache/logs/error.log")"
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$W/apache/httpd.pid" ] && break; sleep 0.2; done
}

# ---------------------------------------------------------------- Squid
# forward proxy; NTLM via the bundled ntlm_fake_auth (accepts any password),
# Negotiate via negotiate_kerberos_auth with our keytab; origin = Apache /open/
setup_squid() {
	mkdir -p "$W/squid"
	chown proxy:proxy "$W/squid"
	cat >"$W/squid/squid.conf" <<EOF
http_port 127.0.0.1:$P_PROXY
visible_hostname localhost
pid_filename $W/squid/squid.pid
cache_log $W/squid/cache.log
access_log stdio:$W/squid/access.log squid
cache_store_log none
coredump_dir $W/squid
netdb_filename none
cache deny all
cache_mem 8 MB
icp_port 0
htcp_port 0
pinger_enable off
cache_effective_user proxy
shutdown_lifetime 1 seconds
auth_param negotiate program /usr/lib/squid/negotiate_kerberos_auth -s HTTP/localhost@$REALM
auth_param negotiate children 2 startup=1
auth_param negotiate keep_alive on
auth_param ntlm program /usr/lib/squid/ntlm_fake_auth
auth_param ntlm children 2 startup=1
auth_param ntlm keep_alive on
# CONNECT without auth, to the rig's Apache port only (proxy-connect)
acl tunnel_method method CONNECT
acl tunnel_port port $P_HTTP
http_access allow tunnel_method tunnel_port
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
EOF
	KRB5_CONFIG="$W/krb5.conf" KRB5_KTNAME="FILE:$W/http.keytab" \
		/usr/sbin/squid -N -f "$W/squid/squid.conf" >"$W/squid/stdout" 2>&1 &
	echo $! >"$W/squid/squid.pid.ours"
	PIDS="$PIDS $W/squid/squid.pid.ours"
	wait_port $P_PROXY || die "squid did not listen on 127.0.0.1:$P_PROXY: $(tail -5 "$W/squid/stdout" "$W/squid/cache.log" 2>/dev/null)"
	touch "$W/squid/access.log"
}

# ---------------------------------------------------------------- capture
# cap_start NAME PORT apache|squid: tcpdump on lo for that port only, into
# $OUT/NAME.pcap, and the head of $OUT/NAME.expect
cap_start() {
	CUR=$1 CURSRV=$3
	rm -f "$OUT/$1.pcap"
	: >"$W/tcpdump.$1.err"
	tcpdump -i lo --immediate-mode -U -n -Z root -s 0 -w "$OUT/$1.pcap" "tcp port $2" >"$W/tcpdump.$1.err" 2>&1 &
	CAP_PID=$!
	local i
	for i in $(seq 1 50); do
		grep -q 'listening on' "$W/tcpdump.$1.err" && break
		kill -0 $CAP_PID 2>/dev/null || die "tcpdump for $1: $(cat "$W/tcpdump.$1.err")"
		sleep 0.1
	done
	grep -q 'listening on' "$W/tcpdump.$1.err" || die "tcpdump for $1 did not start"
	ALOG0=$(wc -l <"$W/apache/logs/access.log")
	CLOG0=$(wc -l <"$W/apache/logs/combined.log")
	SLOG0=$( (cat "$W/squid/access.log" 2>/dev/null || true) | wc -l)
	{
		printf '# authscope e2e expectations: what the client was told to do\n'
		printf 'scenario\t%s\nport\t%s\nserver\t%s\n' "$1" "$2" "$3"
		if [ "$3" = apache ]; then
			printf 'logformat\tapache:%s\ncombined\tcombined\n' "$APACHE_LOGFORMAT"
		else
			printf 'logformat\tsquid\n'
		fi
		printf '# req\tconn\tmethod\turl\tstatus\tuser\tdomain\tscheme\tcreds\n'
	} >"$OUT/$1.expect"
}

# expect CONN METHOD URL STATUS USER DOMAIN SCHEME CREDS  (- for none)
# CREDS: sent (this request carries credentials), inherited (none, but the
# connection authenticated earlier), none
expect() { printf 'req\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/$CUR.expect"; }
# plain CONN METHOD URL STATUS: expect ... for a request without any auth
plain() { expect "$1" "$2" "$3" "$4" - - - none; }
# tunnel CONN METHOD URL STATUS: a request the client sent INSIDE the CONNECT
# tunnel of connection CONN (tunnelled bytes: not HTTP to authscope)
tunnel() { printf 'tunnel\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/$CUR.expect"; }
# codes FILE WANT: curl -w '%{http_code}' lines in FILE, space-joined, = WANT
codes() { [ "$(tr '\n' ' ' <"$W/client.out")" = "$1 " ]; }

# cap_stop: stop tcpdump, slice the server logs for this scenario
cap_stop() {
	sleep 0.5                  # let servers write their log lines
	kill -INT $CAP_PID
	wait $CAP_PID 2>/dev/null
	CAP_PID=""
	[ -s "$OUT/$CUR.pcap" ] || die "$CUR: empty capture"
	if [ "$CURSRV" = squid ]; then
		tail -n +$((SLOG0 + 1)) "$W/squid/access.log" >"$OUT/$CUR.server.log"
		rm -f "$OUT/$CUR.combined.log"
	else
		tail -n +$((ALOG0 + 1)) "$W/apache/logs/access.log" >"$OUT/$CUR.server.log"
		tail -n +$((CLOG0 + 1)) "$W/apache/logs/combined.log" >"$OUT/$CUR.combined.log"
	fi
	echo "rig: $CUR: $(wc -c <"$OUT/$CUR.pcap") bytes, $(wc -l <"$OUT/$CUR.server.log") log lines" >&2
}

# NTLM needs MD4, which OpenSSL 3 keeps in its legacy provider: a private
# openssl.cnf for the python client only
printf '%s\n' 'openssl_conf = openssl_init' '[openssl_init]' 'providers = provider_sect' \
	'[provider_sect]' 'default = default_sect' 'legacy = legacy_sect' \
	'[default_sect]' 'activate = 1' '[legacy_sect]' 'activate = 1' >"$W/openssl.cnf"
NTLMC="env OPENSSL_CONF=$W/openssl.cnf timeout 30 $PY $HERE/ntlm_client.py"
CURL="curl -4 -sS --max-time 20"
BASE="http://localhost:$P_HTTP"

# ---------------------------------------------------------------- scenarios
sc_ntlm_success() {
	cap_start ntlm-success $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 200 alice $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --expect 401,401,200 >"$W/client.out" 2>&1 ||
		die "ntlm-success client: $(cat "$W/client.out")"
	cap_stop
}

# curl --negotiate with a ticket in its ccache sends the token on its first
# request (no unauthenticated 401 leg)
sc_kerberos() {       # Negotiate with a Kerberos ticket (AES256 service key)
	cap_start kerberos $P_HTTP apache
	expect 1 GET /krb/ 200 alice $REALM Negotiate/Kerberos sent
	KRB5CCNAME="FILE:$W/cc.alice" $CURL -o /dev/null -A "$UA" --negotiate -u : \
		-w '%{http_code}\n' "$BASE/krb/" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "kerberos: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_kerberos_rc4() {   # RC4 everywhere: client key, session key, ticket
	cap_start kerberos-rc4 $P_HTTP apache
	expect 1 GET /krb/ 200 carol $REALM Negotiate/Kerberos sent
	KRB5_CONFIG="$W/krb5-rc4.conf" KRB5CCNAME="FILE:$W/cc.carol" $CURL -o /dev/null \
		--resolve "rc4.localhost:$P_HTTP:127.0.0.1" -A "$UA" --negotiate -u : \
		-w '%{http_code}\n' "http://rc4.localhost:$P_HTTP/krb/" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "kerberos-rc4: curl: $(cat "$W/client.out")"
	KRB5_CONFIG="$W/krb5-rc4.conf" KRB5CCNAME="FILE:$W/cc.carol" klist -e >"$W/klist.carol" 2>&1
	grep -A1 'HTTP/rc4.localhost' "$W/klist.carol" | grep -q 'tkt): DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac' ||
		die "kerberos-rc4: service ticket is not RC4: $(cat "$W/klist.carol")"
	cap_stop
}

sc_ntlm_keepalive() { # after the handshake, more requests without credentials
	cap_start ntlm-keepalive $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 200 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/page1.txt 200 alice $NBDOM NTLM inherited
	expect 1 GET /ntlm/page2.txt 200 alice $NBDOM NTLM inherited
	expect 1 GET /ntlm/page3.txt 200 alice $NBDOM NTLM inherited
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --more /ntlm/page1.txt,/ntlm/page2.txt,/ntlm/page3.txt \
		--expect 401,401,200,200,200,200 >"$W/client.out" 2>&1 ||
		die "ntlm-keepalive client: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_wrong_password() {
	cap_start ntlm-wrong-password $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "not-$PW_ALICE" \
		--ua "$UA" --expect 401,401,401 >"$W/client.out" 2>&1 ||
		die "ntlm-wrong-password client: $(cat "$W/client.out")"
	cap_stop
}

sc_basic_good() {
	cap_start basic-good $P_HTTP apache
	expect 1 GET /basic/ 200 alice - Basic sent
	expect 2 GET /open/ 200 - - - none
	$CURL -o /dev/null -A "$UA" --basic -u "alice:$PW_ALICE" -w '%{http_code}\n' \
		"$BASE/basic/" >"$W/client.out" 2>&1
	$CURL -o /dev/null -A "$UA" -w '%{http_code}\n' "$BASE/open/" >>"$W/client.out" 2>&1
	[ "$(tr '\n' ' ' <"$W/client.out")" = "200 200 " ] || die "basic-good: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_post() {      # the handshake on POSTs, each carrying a form body
	cap_start ntlm-post $P_HTTP apache
	expect 1 POST /ntlm/form 401 - - - none
	expect 1 POST /ntlm/form 401 alice $NBDOM NTLM sent
	expect 1 POST /ntlm/form 404 alice $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/form" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --method POST --body "field=value&other=a+b" \
		--expect 401,401,404 >"$W/client.out" 2>&1 ||
		die "ntlm-post client: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlmv1() {         # NTLMv1 with extended session security (LM compat 1)
	cap_start ntlmv1 $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 bob $NBDOM NTLM sent
	expect 1 GET /ntlm/ 200 bob $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/" --user bob --domain $NBDOM --password "$PW_BOB" \
		--ua "$UA" --compat 1 --expect 401,401,200 >"$W/client.out" 2>&1 ||
		die "ntlmv1 client: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_reauth() {    # alice authenticates, then bob sends a Type 1 on the
	# same connection: mod_auth_gssapi (GssapiConnectionBound) answers 401
	# without a challenge, so bob's handshake cannot go on
	cap_start ntlm-reauth $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 200 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/page1.txt 200 alice $NBDOM NTLM inherited
	expect 1 GET /ntlm/ 401 bob $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --more /ntlm/page1.txt --reauth "bob:$PW_BOB" \
		--expect 401,401,200,200,401 >"$W/client.out" 2>&1 ||
		die "ntlm-reauth client: $(cat "$W/client.out")"
	cap_stop
}

sc_digest_good() {    # curl --digest: anonymous 401 with the challenge, then Digest
	cap_start digest-good $P_HTTP apache
	expect 1 GET /digest/ 401 - - - none
	expect 1 GET /digest/ 200 alice - Digest sent
	$CURL -o /dev/null -A "$UA" --digest -u "alice:$PW_ALICE" -w '%{http_code}\n' \
		"$BASE/digest/" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "digest-good: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_digest_bad() {
	cap_start digest-bad $P_HTTP apache
	expect 1 GET /digest/ 401 - - - none
	expect 1 GET /digest/ 401 bob - Digest sent
	$CURL -o /dev/null -A "$UA" --digest -u "bob:not-$PW_BOB" -w '%{http_code}\n' \
		"$BASE/digest/" >"$W/client.out" 2>&1
	grep -qx 401 "$W/client.out" || die "digest-bad: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_basic_bad() {
	cap_start basic-bad $P_HTTP apache
	expect 1 GET /basic/ 401 bob - Basic sent
	$CURL -o /dev/null -A "$UA" --basic -u "bob:not-$PW_BOB" -w '%{http_code}\n' \
		"$BASE/basic/" >"$W/client.out" 2>&1
	grep -qx 401 "$W/client.out" || die "basic-bad: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_proxy_ntlm() {     # NTLM to Squid (407 legs), then the origin answers
	local url="http://127.0.0.1:$P_HTTP/open/"
	cap_start proxy-ntlm $P_PROXY squid
	expect 1 GET "$url" 407 - - - none
	expect 2 GET "$url" 407 alice $NBDOM NTLM sent
	expect 2 GET "$url" 200 alice $NBDOM NTLM sent
	# first without credentials (the anonymous 407 leg), then NTLM
	$CURL -o /dev/null -A "$UA" -x "http://127.0.0.1:$P_PROXY" -w '%{http_code}\n' \
		"$url" >"$W/client.out" 2>&1
	grep -qx 407 "$W/client.out" || die "proxy-ntlm: anonymous curl: $(cat "$W/client.out")"
	# curl (its Type 1 first, no anonymous leg): python3-ntlm-auth cannot
	# parse ntlm_fake_auth's short Type 2 (no Version field)
	$CURL -o /dev/null -A "$UA" -x "http://127.0.0.1:$P_PROXY" --proxy-ntlm \
		-U "$NBDOM\\alice:$PW_ALICE" -w '%{http_code}\n' "$url" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "proxy-ntlm: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_proxy_negotiate() { # Kerberos to Squid (negotiate_kerberos_auth)
	local url="http://127.0.0.1:$P_HTTP/open/"
	cap_start proxy-negotiate $P_PROXY squid
	expect 1 GET "$url" 200 alice $REALM Negotiate/Kerberos sent
	KRB5CCNAME="FILE:$W/cc.alice" $CURL -o /dev/null -A "$UA" \
		-x "http://localhost:$P_PROXY" --proxy-negotiate -U : -w '%{http_code}\n' \
		"$url" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "proxy-negotiate: curl: $(cat "$W/client.out"; tail -5 "$W/squid/cache.log")"
	cap_stop
}

sc_negotiate_ntlm() { # SPNEGO wrapping NTLMSSP: curl --negotiate with no
	# Kerberos ticket, gss-ntlmssp as the client's mech (its credentials from
	# NTLM_USER_FILE, the user from NTLMUSER)
	cap_start negotiate-ntlm $P_HTTP apache
	expect 1 GET /nego/ 401 alice $NBDOM Negotiate/NTLMSSP sent
	expect 1 GET /nego/ 200 alice $NBDOM Negotiate/NTLMSSP sent
	NTLM_USER_FILE="$W/ntlm-users" NTLMUSER=alice KRB5CCNAME="FILE:$W/cc.none" \
		$CURL -o /dev/null -A "$UA" --negotiate -u : -w '%{http_code}\n' \
		"$BASE/nego/" >"$W/client.out" 2>&1
	grep -qx 200 "$W/client.out" || die "negotiate-ntlm: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_two_users() { # alice and bob at once, each on her/his own connection
	cap_start ntlm-two-users $P_HTTP apache
	local u c=0
	for u in alice bob; do
		c=$((c + 1))
		expect $c GET /ntlm/ 401 - - - none
		expect $c GET /ntlm/ 401 $u $NBDOM NTLM sent
		expect $c GET /ntlm/ 200 $u $NBDOM NTLM sent
		expect $c GET /ntlm/page$c.txt 200 $u $NBDOM NTLM inherited
	done
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --more /ntlm/page1.txt --expect 401,401,200,200 >"$W/client.a" 2>&1 &
	local pa=$!
	$NTLMC --url "$BASE/ntlm/" --user bob --domain $NBDOM --password "$PW_BOB" \
		--ua "$UA" --more /ntlm/page2.txt --expect 401,401,200,200 >"$W/client.b" 2>&1 &
	local pb=$!
	wait $pa || die "ntlm-two-users alice: $(cat "$W/client.a")"
	wait $pb || die "ntlm-two-users bob: $(cat "$W/client.b")"
	cap_stop
}

sc_ntlm_type3_other_connection() { # Type 1/2 on one connection, Type 3 on
	# a new one: with GssapiConnectionBound the server has no context for it
	cap_start ntlm-type3-other-connection $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 2 GET /ntlm/ 401 alice $NBDOM NTLM sent
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --type3-new-conn --expect 401,401,401 >"$W/client.out" 2>&1 ||
		die "ntlm-type3-other-connection client: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_pipelined() { # after the handshake, three requests written at once
	cap_start ntlm-pipelined $P_HTTP apache
	expect 1 GET /ntlm/ 401 - - - none
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 200 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/page1.txt 200 alice $NBDOM NTLM inherited
	expect 1 GET /ntlm/page2.txt 200 alice $NBDOM NTLM inherited
	expect 1 GET /ntlm/page3.txt 200 alice $NBDOM NTLM inherited
	$NTLMC --url "$BASE/ntlm/" --user alice --domain $NBDOM --password "$PW_ALICE" \
		--ua "$UA" --pipeline /ntlm/page1.txt,/ntlm/page2.txt,/ntlm/page3.txt \
		--expect 401,401,200,200,200,200 >"$W/client.out" 2>&1 ||
		die "ntlm-pipelined client: $(cat "$W/client.out")"
	cap_stop
}

sc_ntlm_curl_rejected() { # curl's own NTLM to gss-ntlmssp: its Type 1 (OEM,
	# flags 0x00088206, no Version) is refused ("Failed to decode data"): a
	# bare 401 without a challenge, curl tries once more, gives up
	cap_start ntlm-curl-rejected $P_HTTP apache
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	expect 1 GET /ntlm/ 401 alice $NBDOM NTLM sent
	$CURL -o /dev/null -A "$UA" --ntlm -u "$NBDOM\\alice:$PW_ALICE" \
		-w '%{http_code}\n' "$BASE/ntlm/" >"$W/client.out" 2>&1
	grep -qx 401 "$W/client.out" || die "ntlm-curl-rejected: curl: $(cat "$W/client.out")"
	cap_stop
}

# ---------------------------------------------------------------- plain HTTP
# no auth: how authscope pairs requests and responses on real traffic
# (keep-alive, HEAD, 304, chunked, 100-continue, pipelining, POST, CONNECT)

sc_http_keepalive() { # curl with several URLs reuses its connection
	cap_start http-keepalive $P_HTTP apache
	plain 1 GET /open/page1.txt 200
	plain 1 GET /open/page2.txt 200
	plain 1 GET /open/missing.txt 404
	plain 1 GET /open/page3.txt 200
	$CURL -o /dev/null -o /dev/null -o /dev/null -o /dev/null -A "$UA" -w '%{http_code}\n' \
		"$BASE/open/page1.txt" "$BASE/open/page2.txt" "$BASE/open/missing.txt" \
		"$BASE/open/page3.txt" >"$W/client.out" 2>&1
	codes "200 200 404 200" || die "http-keepalive: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_http_head() {      # curl -I: responses with Content-Length and no body
	cap_start http-head $P_HTTP apache
	plain 1 HEAD /open/page1.txt 200
	plain 1 HEAD /open/missing.txt 404
	plain 1 GET /open/page2.txt 200
	$CURL -I -A "$UA" -w '%{http_code}\n' "$BASE/open/page1.txt" "$BASE/open/missing.txt" \
		--next -o /dev/null -A "$UA" -w '%{http_code}\n' "$BASE/open/page2.txt" \
		>"$W/client.raw" 2>&1
	grep -E '^[0-9]{3}$' "$W/client.raw" >"$W/client.out"
	codes "200 404 200" || die "http-head: curl: $(cat "$W/client.raw")"
	grep -qi '^Content-Length: [1-9]' "$W/client.raw" || die "http-head: no Content-Length on HEAD"
	cap_stop
}

sc_http_304() {       # If-Modified-Since = the file's own mtime (curl -z
	# FILE): Apache answers 304 without a body; then plain GETs
	local f="$W/apache/htdocs/open/page1.txt"
	cap_start http-304 $P_HTTP apache
	plain 1 GET /open/page1.txt 304
	plain 1 GET /open/page1.txt 200
	plain 1 GET /open/page2.txt 304
	$CURL -o /dev/null -A "$UA" -z "$f" -w '%{http_code}\n' "$BASE/open/page1.txt" \
		--next -o /dev/null -A "$UA" -w '%{http_code}\n' "$BASE/open/page1.txt" \
		--next -o /dev/null -A "$UA" -z "$f" -w '%{http_code}\n' "$BASE/open/page2.txt" \
		>"$W/client.out" 2>&1
	codes "304 200 304" || die "http-304: curl: $(cat "$W/client.out")"
	cap_stop
}

sc_http_chunked() {   # a chunked response (CGI streaming), then a chunked
	# request body (curl -H 'Transfer-Encoding: chunked'), one connection
	head -c 3000 /dev/zero | tr '\0' 'c' >"$W/body.3k"
	cap_start http-chunked $P_HTTP apache
	plain 1 GET /cgi/stream 200
	plain 1 POST /cgi/echo 200
	plain 1 GET /open/page1.txt 200
	$CURL -o "$W/stream.out" -D "$W/stream.hdr" -A "$UA" -w '%{http_code}\n' "$BASE/cgi/stream" \
		--next -o "$W/echo.out" -A "$UA" -H 'Transfer-Encoding: chunked' \
		--data-binary @"$W/body.3k" -w '%{http_code}\n' "$BASE/cgi/echo" \
		--next -o /dev/null -A "$UA" -w '%{http_code}\n' "$BASE/open/page1.txt" \
		>"$W/client.out" 2>&1
	codes "200 200 200" || die "http-chunked: curl: $(cat "$W/client.out")"
	grep -qi '^Transfer-Encoding: chunked' "$W/stream.hdr" || die "http-chunked: response not chunked: $(cat "$W/stream.hdr")"
	grep -qx 'read 3000 bytes' "$W/echo.out" || die "http-chunked: echo: $(cat "$W/echo.out")"
	cap_stop
}

sc_http_100_continue() { # Expect: 100-continue on a POST: Apache sends
	# "HTTP/1.1 100 Continue", then the final 200; then a GET
	head -c 100000 /dev/zero | tr '\0' 'x' >"$W/body.100k"
	cap_start http-100-continue $P_HTTP apache
	plain 1 POST /cgi/echo 200
	plain 1 GET /open/page1.txt 200
	$CURL -o "$W/echo.out" -A "$UA" -H 'Expect: 100-continue' --data-binary @"$W/body.100k" \
		-w '%{http_code}\n' "$BASE/cgi/echo" \
		--next -o /dev/null -A "$UA" -w '%{http_code}\n' "$BASE/open/page1.txt" \
		>"$W/client.out" 2>&1
	codes "200 200" || die "http-100-continue: curl: $(cat "$W/client.out")"
	grep -qx 'read 100000 bytes' "$W/echo.out" || die "http-100-continue: echo: $(cat "$W/echo.out")"
	cap_stop
}

sc_http_pipelined() { # curl no longer pipelines: python writes five requests
	# (GET, HEAD, GET of a missing page, POST, GET) in one send, then reads
	cap_start http-pipelined $P_HTTP apache
	plain 1 GET /open/page1.txt 200
	plain 1 HEAD /open/page2.txt 200
	plain 1 GET /open/missing.txt 404
	plain 1 POST /cgi/echo 200
	plain 1 GET /open/page3.txt 200
	timeout 20 $PY - "$P_HTTP" "$UA" >"$W/client.out" 2>&1 <<'PYEOF' || die "http-pipelined: $(cat "$W/client.out")"
import re, socket, sys
port, ua = int(sys.argv[1]), sys.argv[2]
h = "Host: localhost:%d\r\nUser-Agent: %s\r\n" % (port, ua)
reqs = ("GET /open/page1.txt HTTP/1.1\r\n" + h + "\r\n"
        "HEAD /open/page2.txt HTTP/1.1\r\n" + h + "\r\n"
        "GET /open/missing.txt HTTP/1.1\r\n" + h + "\r\n"
        "POST /cgi/echo HTTP/1.1\r\n" + h + "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world"
        "GET /open/page3.txt HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n")
s = socket.create_connection(("127.0.0.1", port))
s.sendall(reqs.encode())
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
got = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
print(b" ".join(got).decode())
sys.exit(0 if got == [b"200", b"200", b"404", b"200", b"200"] else 1)
PYEOF
	cap_stop
}

sc_http_post() {      # POST bodies: a form to a CGI, then to a static file
	# (Apache's default handler serves the file to a POST too: 200), then a
	# PUT with a body (refused: 405), one connection
	cap_start http-post $P_HTTP apache
	plain 1 POST /cgi/echo 200
	plain 1 POST /open/page1.txt 200
	plain 1 PUT /open/new.txt 405
	$CURL -o "$W/echo.out" -A "$UA" -d 'field=value&other=a+b' -w '%{http_code}\n' "$BASE/cgi/echo" \
		--next -o /dev/null -A "$UA" -d 'field=value' -w '%{http_code}\n' "$BASE/open/page1.txt" \
		--next -o /dev/null -A "$UA" -T "$W/apache/htdocs/open/page2.txt" -w '%{http_code}\n' \
		"$BASE/open/new.txt" >"$W/client.out" 2>&1
	codes "200 200 405" || die "http-post: curl: $(cat "$W/client.out")"
	grep -qx 'read 21 bytes' "$W/echo.out" || die "http-post: echo: $(cat "$W/echo.out")"
	cap_stop
}

sc_proxy_connect() {   # curl -p through Squid: CONNECT 200, then a GET and
	# its response INSIDE the tunnel (opaque bytes: not HTTP to authscope)
	cap_start proxy-connect $P_PROXY squid
	plain 1 CONNECT "127.0.0.1:$P_HTTP" 200
	tunnel 1 GET /open/page1.txt 200
	$CURL -o /dev/null -A "$UA" -p -x "http://127.0.0.1:$P_PROXY" -w '%{http_code}\n' \
		"http://127.0.0.1:$P_HTTP/open/page1.txt" >"$W/client.out" 2>&1
	codes 200 || die "proxy-connect: curl: $(cat "$W/client.out"; tail -5 "$W/squid/cache.log")"
	cap_stop
}

setup_kdc
setup_apache
case " $SCENARIOS " in *" proxy-"*) setup_squid ;; esac
for s in $SCENARIOS; do
	"sc_$(echo "$s" | tr - _)" || die "scenario $s"
done
# the keytab's keys are the same on every run, its bytes are not (key
# timestamps): rewrite it only when a scenario uses it, or when it is missing
case " $SCENARIOS " in
*" kerberos"* | *" proxy-negotiate "* | *" negotiate-ntlm "*) cp "$W/http.keytab" "$OUT/authscope-test.keytab" ;;
*) [ -e "$OUT/authscope-test.keytab" ] || cp "$W/http.keytab" "$OUT/authscope-test.keytab" ;;
esac
echo "rig: done: $OUT" >&2
