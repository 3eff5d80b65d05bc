#!/bin/sh
# Install what the e2e rig needs (Debian 12, root), idempotently: only the
# packages dpkg does not report installed are fetched.  apt waits for the
# dpkg lock (other installs may run at the same time).
PKGS="apache2 apache2-utils libapache2-mod-auth-gssapi gss-ntlmssp squid
krb5-kdc krb5-admin-server krb5-user python3 python3-ntlm-auth curl tcpdump tshark"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "e2e install: missing packages:$missing (needs root)" >&2
	exit 1
fi
echo "e2e install:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=900 update -q >/dev/null &&
	apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $missing >/dev/null ||
	{ echo "e2e install: FAIL: apt-get install$missing" >&2; exit 1; }
