#!/bin/sh
# t_secrets.sh - no Basic password, NT/LM response or session key in any
# output of $AUTHSCOPE (every -F format, with and without --keytab, and
# `decode` / `decode --text`) on every capture we have (pcaps/, the public
# captures in ../shared/pcaps-public) and every token file of the
# fuzz_token seeds.  The secrets are found in the inputs by
# tests/hostile/check_secrets.py itself, not by authscope.
cd "$(git rev-parse --show-toplevel)" || exit 2
BIN=${AUTHSCOPE:-./authscope}
[ -x "$BIN" ] || { echo "t_secrets: $BIN missing"; exit 1; }
PUB=../shared/pcaps-public
[ -d "$PUB" ] || { echo "t_secrets: $PUB missing"; exit 1; }
set -- pcaps/*.pcap "$PUB"/*.pcap "$PUB"/*.pcapng
caps=""
for c in "$@"; do [ -f "$c" ] && caps="$caps $c"; done
toks=$(ls tests/fuzz/corpus/fuzz_token/*.text 2>/dev/null)
# shellcheck disable=SC2086
exec python3 tests/hostile/check_secrets.py "$BIN" pcaps/authscope-test.keytab $caps -- $toks
