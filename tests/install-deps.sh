#!/bin/sh
# Install, on Debian 12 as root, every package the build and the tests use.
# Idempotent: only what dpkg does not report installed is fetched.
set -e
PKGS="build-essential pkg-config clang libpcap-dev libjansson-dev libcmocka-dev
libkrb5-dev node-llhttp tshark tcpdump python3 curl valgrind
$(cat "$(dirname "$0")"/deps-extra.txt 2>/dev/null | sed 's/#.*//')"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, never prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
