#!/bin/sh
# Every auth header value in the public captures, decoded by
# `$AUTHSCOPE decode`, must agree field by field with tshark's own
# dissection of the same frame (NTLMSSP type, flags, user, domain,
# workstation, server challenge, target name, Kerberos realm / sname /
# message type / etypes / kvno, SPNEGO negResult and mechanism OIDs).
# tshark reassembles headers split across TCP segments; the value is on
# the reassembled frame.  Differences that are tshark's display habits,
# not decoding differences, are mapped in normalise() with the reason.
set -u
top=$(git rev-parse --show-toplevel) || exit 2
pcaps="$top/../shared/pcaps-public"
: "${AUTHSCOPE:=./authscope}"
[ -x "$AUTHSCOPE" ] || { echo "FAIL: $AUTHSCOPE not built"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark missing"; exit 1; }
ls "$pcaps"/*.pcap >/dev/null 2>&1 || { echo "FAIL: no captures in $pcaps"; exit 1; }

exec python3 - "$AUTHSCOPE" "$pcaps" <<'PYEOF'
import glob, json, os, subprocess, sys

authscope, pcaps = sys.argv[1], sys.argv[2]
AGG = "\x1f"   # tshark aggregator: cannot occur in a header value
HEADERS = ["http.authorization", "http.www_authenticate",
           "http.proxy_authorization", "http.proxy_authenticate"]
FIELDS = ["ntlmssp.messagetype", "ntlmssp.negotiateflags",
          "ntlmssp.auth.username", "ntlmssp.auth.domain", "ntlmssp.auth.hostname",
          "ntlmssp.negotiate.domain", "ntlmssp.negotiate.callingworkstation",
          "ntlmssp.ntlmserverchallenge", "ntlmssp.challenge.target_name",
          "ntlmssp.challenge.target_info.nb_computer_name",
          "ntlmssp.challenge.target_info.dns_domain_name",
          "kerberos.realm", "kerberos.SNameString", "kerberos.msg_type",
          "kerberos.etype", "kerberos.kvno",
          "spnego.negResult", "spnego.MechType", "spnego.supportedMech",
          "ntlmssp.auth.ntresponse", "ntlmssp.auth.lmresponse",
          "ntlmssp.ntlmv2_response.ntproofstr", "ntlmssp.ntlmclientchallenge",
          "ntlmssp.authenticate.mic", "ntlmssp.version.build_number"]

def tshark(path):
    cmd = ["tshark", "-r", path, "-Y", " || ".join(HEADERS), "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=" + AGG, "-e", "frame.number"]
    for f in HEADERS + FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (1 + len(HEADERS) + len(FIELDS) - len(cols))
        vals = []
        for c in cols[1:1 + len(HEADERS)]:
            vals += [v for v in c.split(AGG) if v]
        f = {k: [x for x in v.split(AGG) if x != ""] for k, v in
             zip(FIELDS, cols[1 + len(HEADERS):])}
        rows.append((cols[0], vals, f))
    return rows

def decode(values):
    p = subprocess.run([authscope, "decode", "-"], input="".join(v + "\n" for v in values),
                       capture_output=True, text=True)
    lines = p.stdout.splitlines()
    if len(lines) != len(values):
        sys.exit("FAIL: %d values in, %d lines out (stderr: %s)" % (len(values), len(lines), p.stderr))
    return [json.loads(l) for l in lines]

def normalise(field, vals):
    # tshark shows a MIC field whenever the payload starts late enough to
    # leave room for one, even 16 zero bytes (the arkime synthetic Type 3s);
    # authscope reports mic_present only for a non-zero MIC or one that
    # MsvAvFlags announces, so an all-zero tshark MIC counts as none.
    if field == "ntlmssp.authenticate.mic":
        return [v for v in vals if v.strip("0")]
    # tshark prints a zero-length NTLMSSP string as "NULL" (its
    # dissect_ntlmssp_string); authscope omits the key.
    if field.startswith("ntlmssp.") and field.endswith(("username", "domain", "hostname", "callingworkstation", "target_name")):
        return [v for v in vals if v != "NULL"]
    return vals

def tokens_of(obj):
    return obj["challenges"] if "challenges" in obj else [obj]

failures = 0
checked = 0
def check(where, what, ours, theirs):
    global failures, checked
    checked += 1
    if ours != theirs:
        failures += 1
        print("DIFF %s %s: authscope=%r tshark=%r" % (where, what, ours, theirs))

for path in sorted(glob.glob(os.path.join(pcaps, "*.pcap"))):
    rows = tshark(path)
    allvals = [v for _, vals, _ in rows for v in vals]
    decoded = iter(decode(allvals))
    name = os.path.basename(path)
    for frame, vals, f in rows:
        toks = []
        for v in vals:
            obj = next(decoded)
            where = "%s frame %s" % (name, frame)
            for t in tokens_of(obj):
                if "error" in t or "anomaly" in t:
                    failures += 1
                    print("DIFF %s: real token did not decode cleanly: %s -> %s" % (where, v[:60], t))
                toks.append(t)
        where = "%s frame %s" % (name, frame)
        ntlm = [t["ntlm"] for t in toks if "ntlm" in t]
        krb = [t["kerberos"] for t in toks if "kerberos" in t]
        spn = [t["spnego"] for t in toks if "spnego" in t]
        g = lambda k: normalise(k, f[k])
        check(where, "ntlm type", ["0x%08x" % n["type"] for n in ntlm], g("ntlmssp.messagetype"))
        check(where, "ntlm flags", [n["flags"] for n in ntlm], g("ntlmssp.negotiateflags"))
        t3 = [n for n in ntlm if n["type"] == 3]
        t2 = [n for n in ntlm if n["type"] == 2]
        t1 = [n for n in ntlm if n["type"] == 1]
        for key, fld in (("user", "ntlmssp.auth.username"), ("domain", "ntlmssp.auth.domain"),
                         ("workstation", "ntlmssp.auth.hostname")):
            check(where, "ntlm " + key, [n[key] for n in t3 if key in n], g(fld))
        check(where, "nt response length", [n["nt_response_len"] for n in t3 if n["nt_response_len"]],
              [len(x) // 2 for x in g("ntlmssp.auth.ntresponse")])
        check(where, "lm response length", [n["lm_response_len"] for n in t3 if n["lm_response_len"]],
              [len(x) // 2 for x in g("ntlmssp.auth.lmresponse")])
        # NTLMv2 <=> tshark found an NTProofStr (an NTLMv2_RESPONSE)
        check(where, "NTLMv2", [n["password_type"] == "NTLMv2" for n in t3],
              [bool(g("ntlmssp.ntlmv2_response.ntproofstr"))] * len(t3))
        check(where, "MIC present", [n["mic_present"] for n in t3],
              [bool(g("ntlmssp.authenticate.mic"))] * len(t3))
        # tshark's ntlmssp.ntlmclientchallenge is the LM field's first 8
        # bytes, which is the client challenge only for NTLMv1 with ESS
        ess = [n for n in t3 if n["ess"]]
        if ess:
            check(where, "ESS client challenge", [n["client_challenge"] for n in ess],
                  g("ntlmssp.ntlmclientchallenge"))
        check(where, "version build", [str(n["version"]["build"]) for n in ntlm if "version" in n],
              g("ntlmssp.version.build_number"))
        for key, fld in (("negotiate_domain", "ntlmssp.negotiate.domain"),
                         ("negotiate_workstation", "ntlmssp.negotiate.callingworkstation")):
            check(where, "ntlm " + key, [n[key] for n in t1 if key in n], g(fld))
        check(where, "server challenge", [n["server_challenge"] for n in t2],
              g("ntlmssp.ntlmserverchallenge"))
        check(where, "target name", [n["target_name"] for n in t2 if "target_name" in n],
              g("ntlmssp.challenge.target_name"))
        for key, fld in (("nb_computer_name", "ntlmssp.challenge.target_info.nb_computer_name"),
                         ("dns_domain_name", "ntlmssp.challenge.target_info.dns_domain_name")):
            check(where, "target_info " + key,
                  [n["target_info"][key] for n in t2 if key in n.get("target_info", {})], g(fld))
        check(where, "krb realm", [k["realm"] for k in krb if "realm" in k], g("kerberos.realm"))
        # tshark lists sname components one by one; authscope joins them with '/'
        check(where, "krb sname", [c for k in krb if "sname" in k for c in k["sname"].split("/")],
              g("kerberos.SNameString"))
        check(where, "krb msg_type",
              [{"AP-REQ": "14", "AP-REP": "15", "KRB-ERROR": "30"}[k["msg_type"]] for k in krb],
              g("kerberos.msg_type"))
        # tshark's kerberos.etype: the ticket's enc-part etype then the
        # authenticator's (AP-REQ), or the enc-part etype (AP-REP)
        ets = []
        for k in krb:
            ets.append(str(k["etype"]))
            if "authenticator_etype" in k:
                ets.append(str(k["authenticator_etype"]))
        check(where, "krb etypes", ets, g("kerberos.etype"))
        check(where, "krb kvno", [str(k["kvno"]) for k in krb if "kvno" in k], g("kerberos.kvno"))
        states = {"accept-completed": "0", "accept-incomplete": "1", "reject": "2", "request-mic": "3"}
        check(where, "spnego negResult", [states[s["neg_state"]] for s in spn if "neg_state" in s],
              g("spnego.negResult"))
        check(where, "spnego mechTypes", [m for s in spn for m in s.get("mech_types", [])],
              g("spnego.MechType"))
        check(where, "spnego supportedMech", [s["supported_mech"] for s in spn if "supported_mech" in s],
              g("spnego.supportedMech"))
    if next(decoded, None) is not None:
        sys.exit("FAIL: output left over")

print("%d comparisons, %d differences" % (checked, failures))
sys.exit(1 if failures or checked == 0 else 0)
PYEOF
