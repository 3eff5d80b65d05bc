#!/bin/sh
# `make run`: the main job on a capture shipped in pcaps/.  An NTLM login
# against Apache + mod_auth_gssapi + gss-ntlmssp, then three keep-alive
# requests on the same connection; the server's own log is beside it.
cd "$(dirname "$0")/.." || exit 2
cap=pcaps/ntlm-keepalive.pcap
log=pcaps/ntlm-keepalive.server.log
fmt='apache:%u %a %{remote}p %A:%{local}p [%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t] "%r" %>s %b "%{User-Agent}i" %k'

echo "== ./authscope -r $cap            (JSON records, one per line)"
./authscope -q -r "$cap" || exit 1
echo
echo "== ./authscope -r $cap -F w3c     (the IIS log this exchange would make)"
./authscope -q -r "$cap" -F w3c || exit 1
echo
echo "== ./authscope -r $cap -F samba-text"
./authscope -q -r "$cap" -F samba-text || exit 1
echo
echo "== the server's own log ($log)"
cat "$log"
echo
echo "== ./authscope verify -r $cap --log $log"
./authscope verify -r "$cap" --log "$log" --log-format "$fmt"
rc=$?
echo "(verify exit status $rc: 0 = every logged user is the one on the wire)"
exit $rc
