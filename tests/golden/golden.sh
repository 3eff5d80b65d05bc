#!/bin/sh
# golden.sh write|check AUTHSCOPE: every format on every capture in pcaps/.
mode=$1; bin=$2
cd "$(dirname "$0")/../.." || exit 2
formats="json w3c proxysg squid combined combined-debian samba-json samba-text kemp gate"
dir=pcaps/golden
mkdir -p "$dir"
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0; n=0
for p in pcaps/*.pcap; do
	name=$(basename "$p" .pcap)
	for f in $formats; do
		out="$tmp/$name.$f"
		if ! "$bin" -q -r "$p" --keytab pcaps/authscope-test.keytab -F "$f" >"$out" 2>"$tmp/err"; then
			echo "FAIL: $name -F $f: exit status $?: $(cat "$tmp/err")"
			bad=$((bad + 1)); continue
		fi
		n=$((n + 1))
		if [ "$mode" = write ]; then
			cp "$out" "$dir/$name.$f"
		elif ! cmp -s "$out" "$dir/$name.$f"; then
			echo "FAIL: $name -F $f differs from $dir/$name.$f:"
			diff "$dir/$name.$f" "$out" | head -n 10
			bad=$((bad + 1))
		fi
	done
done
[ "$mode" = write ] && echo "golden: wrote $n files in $dir"
[ "$mode" = check ] && echo "golden: $n outputs compared, $bad differ"
[ $n -gt 0 ] && [ $bad -eq 0 ]
