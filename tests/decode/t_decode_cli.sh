#!/bin/sh
# `authscope decode` as an admin uses it: pasted values with or without the
# header name, bare base64 tokens, standard input with CRLF lines, one JSON
# object per value, errors reported per line with exit status 1, secrets
# only on request and never a Basic password, --text tree, bad usage = 2.
set -u
: "${AUTHSCOPE:=./authscope}"
[ -x "$AUTHSCOPE" ] || { echo "FAIL: $AUTHSCOPE not built"; exit 1; }
exec python3 - "$AUTHSCOPE" <<'PYEOF'
import json, subprocess, sys

A = sys.argv[1]
# bruteshark-http-ntlm.pcap frame 5 (../shared/pcaps-public), a real Type 3
T3 = ("TlRMTVNTUAADAAAAGAAYAIgAAAAYABgAoAAAAA4ADgBIAAAAGgAaAFYAAAAYABgAcAAAAAAAAAC4AAAA"
      "BYKIogUBKAoAAAAPZQB4AGEAbQBwAGwAZQBhAGQAbQBpAG4AaQBzAHQAcgBhAHQAbwByAFcAQQBOAEcA"
      "XwBXAEUATgBDAEgAQQBPAGWqe25n+EqjAAAAAAAAAAAAAAAAAAAAAP3Hm+QVtG1ZzGIw6yydw+LZpEfC"
      "An0OkA==")
T1 = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=="
fails = 0

def run(args, stdin=None):
    p = subprocess.run([A, "decode"] + args, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr

def expect(what, cond):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)
    else:
        print("ok:", what)

def lines(out):
    return [json.loads(l) for l in out.splitlines()]

rc, out, err = run(["NTLM " + T3, "Authorization: NTLM " + T3, "  proxy-authorization:Negotiate " + T3, T3])
objs = lines(out)
expect("4 values, 4 JSON lines, exit 0", rc == 0 and len(objs) == 4)
expect("header names and bare tokens decode the same user",
       [o.get("ntlm", {}).get("user") for o in objs] == ["administrator"] * 4)
expect("keys: scheme, mech, ntlm.type/flags/domain/workstation/password_type",
       objs[0]["scheme"] == "NTLM" and objs[0]["mech"] == "NTLMSSP" and objs[0]["ntlm"]["type"] == 3
       and objs[0]["ntlm"]["flags"] == "0xa2888205" and objs[0]["ntlm"]["domain"] == "example"
       and objs[0]["ntlm"]["workstation"] == "WANG_WENCHAO"
       and objs[0]["ntlm"]["password_type"] == "NTLMv1" and objs[0]["ntlm"]["nt_response_len"] == 24
       and "NEGOTIATE_UNICODE" in objs[0]["ntlm"]["flag_names"])
expect("bare token gets its scheme from its bytes", objs[3]["scheme"] == "NTLM")
expect("no secrets by default", "nt_response" not in objs[0]["ntlm"] and "lm_response" not in objs[0]["ntlm"])

rc, out, err = run(["--secrets", "NTLM " + T3, "Basic dXNlcjpTM2NyZXQ="])
objs = lines(out)
expect("--secrets shows the NT response", len(objs[0]["ntlm"].get("nt_response", "")) == 48)
expect("--secrets never shows a Basic password",
       objs[1]["basic"] == {"user": "user"} and "S3cret" not in out and "TM2NyZXQ" not in out)

rc, out, err = run(["-"], "NTLM %s\r\nbogus\r\n\r\nNTLM TlRM!!!!\r\nNegotiate, NTLM\r\n" % T1)
objs = lines(out)
expect("stdin: one line out per line in, exit 1 on errors", rc == 1 and len(objs) == 5)
expect("good line decoded", objs[0]["ntlm"]["type"] == 1)
expect("unknown scheme is an error", "error" in objs[1])
expect("empty line is an error", objs[2] == {"error": "empty value"})
expect("bad base64 named", objs[3].get("error") == "bad_base64")
expect("challenge list", [c["scheme"] for c in objs[4]["challenges"]] == ["Negotiate", "NTLM"])

rc, out, err = run([], "NTLM %s\n" % T1)
expect("no value: reads standard input", rc == 0 and lines(out)[0]["ntlm"]["type"] == 1)

rc, out, err = run(["--text", "NTLM " + T3])
expect("--text tree", rc == 0 and "User name: administrator" in out and "Domain name: example" in out
       and out.startswith("Scheme: NTLM"))

rc, out, err = run(["--bogus", "NTLM " + T1])
expect("unknown option: exit 2", rc == 2 and out == "")

rc, out, err = run(["--help"])
expect("--help: exit 0 with usage", rc == 0 and "usage" in out)

sys.exit(1 if fails else 0)
PYEOF
