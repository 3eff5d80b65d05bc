#!/bin/sh
# The public captures in ../shared/pcaps-public: every expectation of their
# MANIFEST.md (requests per connection, who authenticated, who inherits,
# Type 1s never challenged, NTLM versions, Kerberos services) must hold.
set -u
top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
dir="$top/../shared/pcaps-public"
[ -f "$dir/MANIFEST.md" ] || { echo "missing $dir (../shared beside the repo)"; exit 1; }
exec python3 "$top/tests/public/check_manifest.py" "${AUTHSCOPE:-./authscope}" "$dir"
