#!/bin/sh
# make install / uninstall into a temporary DESTDIR with PREFIX=/usr:
# the binary runs, the man page renders with man -l (no groff warning) and
# names every option of --help and every -F format, the unit's ExecStart
# names the installed binary, the logrotate snippet reloads the service;
# uninstall removes exactly those files.
set -eu
BUILD=${BUILD:-build}
AUTHSCOPE=${AUTHSCOPE:-./authscope}
SAN=; [ "${AUTHSCOPE_SAN:-0}" = 1 ] && SAN=1
command -v man >/dev/null && command -v groff >/dev/null ||
	{ echo "FAIL: man/groff missing (man-db, groff-base in tests/deps-extra.txt)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d="$tmp/root"
make -s --no-print-directory BUILD="$BUILD" SAN="$SAN" PREFIX=/usr DESTDIR="$d" install >"$tmp/log" 2>&1 ||
	{ echo "FAIL: make install"; cat "$tmp/log"; exit 1; }
fail=0
for f in usr/bin/authscope usr/share/man/man1/authscope.1 \
	 usr/lib/systemd/system/authscope.service etc/logrotate.d/authscope; do
	[ -f "$d/$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
[ -x "$d/usr/bin/authscope" ] || { echo "FAIL: binary not executable"; fail=1; }
"$d/usr/bin/authscope" --version | grep -q '^authscope ' || { echo "FAIL: installed binary"; fail=1; }
grep -q '^ExecStart=/usr/bin/authscope ' "$d/usr/lib/systemd/system/authscope.service" ||
	{ echo "FAIL: unit ExecStart"; fail=1; }
grep -q '@BINDIR@' "$d/usr/lib/systemd/system/authscope.service" && { echo "FAIL: @BINDIR@ left"; fail=1; }
grep -q 'systemctl reload authscope.service' "$d/etc/logrotate.d/authscope" ||
	{ echo "FAIL: logrotate does not reload"; fail=1; }
if command -v logrotate >/dev/null; then
	logrotate -d "$d/etc/logrotate.d/authscope" >"$tmp/lr" 2>&1 ||
		{ echo "FAIL: logrotate -d"; cat "$tmp/lr"; fail=1; }
fi
if command -v systemd-analyze >/dev/null; then
	sed 's|^ExecStart=/usr/bin/authscope|ExecStart='"$d"'/usr/bin/authscope|' \
		"$d/usr/lib/systemd/system/authscope.service" >"$tmp/authscope.service"
	systemd-analyze verify "$tmp/authscope.service" >"$tmp/sa" 2>&1 ||
		{ echo "NOTE: systemd-analyze verify:"; cat "$tmp/sa"; }
fi

# the page renders, without warnings, and documents every option
page="$d/usr/share/man/man1/authscope.1"
groff -man -ww -z "$page" 2>"$tmp/gw"
[ -s "$tmp/gw" ] && { echo "FAIL: groff warnings"; cat "$tmp/gw"; fail=1; }
MANWIDTH=100 man -l "$page" >"$tmp/page.txt" 2>"$tmp/merr" || { echo "FAIL: man -l"; cat "$tmp/merr"; fail=1; }
grep -q 'PACKET_FANOUT' "$tmp/page.txt" || { echo "FAIL: man -l rendered nothing useful"; fail=1; }
"$AUTHSCOPE" --help | grep -oE '(^| )-(-[a-z-]+|[a-zA-Z])\b' | tr -d ' ' | sort -u >"$tmp/opts"
[ "$(wc -l <"$tmp/opts")" -gt 15 ] || { echo "FAIL: could not read --help"; fail=1; }
while read -r o; do
	grep -q -- "$o" "$tmp/page.txt" || { echo "FAIL: man page lacks $o"; fail=1; }
done <"$tmp/opts"
for fmt in json w3c proxysg squid combined combined-debian samba-json samba-text kemp gate; do
	grep -qw -- "$fmt" "$tmp/page.txt" || { echo "FAIL: man page lacks format $fmt"; fail=1; }
done
for s in SIGINT SIGTERM SIGHUP SIGUSR1; do
	grep -q "$s" "$tmp/page.txt" || { echo "FAIL: man page lacks $s"; fail=1; }
done

make -s --no-print-directory BUILD="$BUILD" SAN="$SAN" PREFIX=/usr DESTDIR="$d" uninstall >"$tmp/log" 2>&1 ||
	{ echo "FAIL: make uninstall"; cat "$tmp/log"; fail=1; }
left=$(find "$d" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL: uninstall left $left files"; find "$d" -type f; fail=1; }
[ "$fail" -eq 0 ] && echo PASS
exit "$fail"
