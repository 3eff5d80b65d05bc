#!/usr/bin/env python3
"""Hold authscope's records for the public captures against their MANIFEST.

Every expectation below is one written in ../shared/pcaps-public/MANIFEST.md
(who authenticated on which connection, which later requests inherit the
user, which connections sent a Type 1 that was never challenged, request
counts per connection, the NTLM version).  Usage:

    check_manifest.py AUTHSCOPE PCAPDIR

Exit 0 when every expectation holds; otherwise each failure is printed.
"""
import json
import subprocess
import sys
from collections import defaultdict

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def run(authscope, path):
    p = subprocess.run([authscope, "-q", "-r", path], capture_output=True, text=True)
    check(p.returncode == 0, f"{path}: exit {p.returncode}: {p.stderr.strip()}")
    http, auth = [], []
    for n, line in enumerate(p.stdout.splitlines(), 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            check(False, f"{path}: line {n} is not JSON: {e}")
            continue
        if r.get("event_type") == "http":
            # responses with no request (lost in a gap) are counted, not requests
            if r["http"].get("method"):
                http.append(r)
        elif r.get("event_type") == "auth":
            auth.append(r)
    return http, auth


def by_port(http):
    conns = defaultdict(list)
    for r in http:
        conns[r["src_port"]].append(r)
    for v in conns.values():
        v.sort(key=lambda r: r["tx_id"])
    return conns


def user_of(r):
    a = r["auth"]
    return (a.get("domain") + "\\" if a.get("domain") else "") + a["user"] if a.get("user") else None


def zeek(authscope, d):
    f = "zeek-erspan-sharepoint.pcap"
    http, auth = run(authscope, f"{d}/{f}")
    conns = by_port(http)
    check(len(http) == 22, f"{f}: 22 requests, got {len(http)}")
    want = {49162: 7, 49163: 5, 49164: 5, 49165: 4, 49166: 1}
    check({p: len(v) for p, v in conns.items()} == want,
          f"{f}: requests per client port {want}, got { {p: len(v) for p, v in conns.items()} }")
    c = conns.get(49162, [])
    if check(len(c) == 7, f"{f}: 7 requests on port 49162"):
        check(c[0]["auth"]["user"] is None and c[0]["auth"]["result"] == "pending",
              f"{f}: 49162 Type 1 leg pending with no user")
        check(user_of(c[1]) == "sp\\administrator", f"{f}: 49162 Type 3 is sp\\administrator, got {user_of(c[1])}")
        check(c[1]["auth"]["password_type"] == "NTLMv2", f"{f}: NTLMv2")
        check(c[1]["auth"]["workstation"] == "STEVE-PC", f"{f}: workstation STEVE-PC")
        check(c[1]["http"]["status"] == 302 and c[1]["auth"]["result"] == "success", f"{f}: Type 3 -> 302 success")
        for r in c[2:]:
            check(user_of(r) == "sp\\administrator" and r["auth"]["inherited"] is True,
                  f"{f}: {r['http']['url']} inherits sp\\administrator")
    for port in (49163, 49164, 49165):
        reqs = conns.get(port, [])
        check(all(r["auth"]["user"] is None for r in reqs), f"{f}: no user on port {port}")
        check(bool(reqs) and reqs[0]["auth"].get("ntlm_type") == 1 and
              "type1_not_challenged" in (reqs[0].get("anomaly") or ""),
              f"{f}: port {port} opens with a Type 1 that is never challenged")
    check(all(r["auth"]["user"] is None for r in conns.get(49166, [])), f"{f}: 49166 anonymous")
    ok = [a for a in auth if a["auth"]["result"] == "success"]
    check(len(ok) == 1 and ok[0]["auth"]["user"] == "administrator",
          f"{f}: exactly 1 completed authentication, got {len(ok)}")


def webdav(authscope, d):
    f = "ndpi-webdav.pcap"
    http, auth = run(authscope, f"{d}/{f}")
    conns = by_port(http)
    check(len(http) == 16, f"{f}: 16 requests, got {len(http)}")
    check(len(conns.get(50652, [])) == 2 and all(r["auth"]["user"] is None for r in conns.get(50652, [])),
          f"{f}: stream 0 has 2 anonymous requests")
    final = {35612: ("MKCOL", 405), 41714: ("MOVE", 400), 55974: ("COPY", 400), 47432: ("LOCK", 400),
             47436: ("UNLOCK", 400), 47726: ("PROPFIND", 403), 57432: ("PROPPATCH", 400)}
    for port, (method, status) in final.items():
        c = conns.get(port, [])
        if not check(len(c) == 2, f"{f}: port {port} has 2 requests, got {len(c)}"):
            continue
        check(c[0]["auth"]["result"] == "pending" and c[0]["http"]["status"] == 401, f"{f}: {port} challenge leg")
        r = c[1]
        check(r["http"]["method"] == method and r["http"]["status"] == status,
              f"{f}: {port} final {method} {status}, got {r['http']['method']} {r['http']['status']}")
        check(user_of(r) == "www.dlp-test.com\\WebDAV", f"{f}: {port} user www.dlp-test.com\\WebDAV, got {user_of(r)}")
        check(r["auth"]["workstation"] == "ivan-Latitude-E6540", f"{f}: {port} workstation")
        check(r["auth"]["password_type"] == "NTLMv2" and r["auth"]["result"] == "success",
              f"{f}: {port} NTLMv2 success")
    check(not any(r["auth"]["inherited"] for r in http), f"{f}: nothing inherits")
    check(sum(a["auth"]["result"] == "success" for a in auth) == 7, f"{f}: 7 completed authentications")


def arkime(authscope, d):
    f = "arkime-ntlm-synthetic.pcap"
    http, auth = run(authscope, f"{d}/{f}")
    check(len(http) == 4, f"{f}: only the 4 HTTP requests are records, got {len(http)}")
    users = sorted((r["src_ip"], r["auth"]["scheme"], user_of(r), r["auth"]["workstation"])
                   for r in http if r["auth"]["user"])
    check(users == [("10.10.4.100", "NTLM", "HTTPDOM\\dave", "HTTPHOST"),
                    ("2001:db8:40::100", "Negotiate", "HTTP6DOM\\eve", "HTTP6HOST")],
          f"{f}: dave over IPv4 NTLM and eve over IPv6 Negotiate, got {users}")
    check(all(r["auth"]["mech"] == "NTLMSSP" for r in http), f"{f}: NTLMSSP inside both schemes")
    check(all(r["dest_port"] == 80 for r in http), f"{f}: no record for the non-HTTP NTLM connections")
    check(sorted(a["auth"]["user"] for a in auth) == ["dave", "eve"], f"{f}: 2 auth events")


def bruteshark_ntlm(authscope, d):
    f = "bruteshark-http-ntlm.pcap"
    http, auth = run(authscope, f"{d}/{f}")
    conns = by_port(http)
    check(len(http) == 40, f"{f}: 40 requests, got {len(http)}")
    # client port: (anonymous before auth, handshakes, inheriting after)
    table = {2239: (1, 2, 7), 2243: (3, 1, 1), 2250: (1, 1, 3), 2249: (2, 1, 1), 2251: (1, 1, 1), 2252: (1, 1, 4)}
    t1 = t3 = inh = anon = 0
    for port, (n_anon, n_hs, n_inh) in table.items():
        c = conns.get(port, [])
        check(len(c) == n_anon + 2 * n_hs + n_inh, f"{f}: port {port} has {n_anon + 2 * n_hs + n_inh} requests, got {len(c)}")
        for r in c:
            a = r["auth"]
            if a.get("ntlm_type") == 1:
                t1 += 1
                check(a["user"] is None, f"{f}: Type 1 leg has no user")
            elif a.get("ntlm_type") == 3:
                t3 += 1
                check(user_of(r) == "example\\administrator", f"{f}: Type 3 names example\\administrator, got {user_of(r)}")
                check(a["workstation"] == "WANG_WENCHAO", f"{f}: workstation WANG_WENCHAO")
                check(a["password_type"] == "NTLMv1", f"{f}: NTLMv1 (with ESS)")
            elif a["inherited"]:
                inh += 1
                check(user_of(r) == "example\\administrator", f"{f}: inherited user")
            else:
                anon += 1
                check(a["user"] is None, f"{f}: anonymous request has no user")
        # inheritance only after the connection's first Type 3
        first3 = next((i for i, r in enumerate(c) if r["auth"].get("ntlm_type") == 3), len(c))
        check(not any(r["auth"]["inherited"] for r in c[:first3]), f"{f}: port {port}: nothing inherits before the Type 3")
    # the one status line that survived after a Type 3: frame 6's 302 answers
    # the first handshake's Type 3, not the anonymous request before it
    c = conns.get(2239, [])
    if len(c) >= 3:
        check(c[2]["auth"].get("ntlm_type") == 3 and c[2]["http"]["status"] == 302,
              f"{f}: port 2239's first Type 3 is answered by the 302, got {c[2]['http']['status']}")
        check(c[0]["http"]["status"] is None,
              f"{f}: port 2239's anonymous request has no surviving status line, got {c[0]['http']['status']}")
    check((t1, t3, inh, anon) == (7, 7, 17, 9),
          f"{f}: 7 Type 1, 7 Type 3, 17 inheriting, 9 anonymous; got {(t1, t3, inh, anon)}")


def bruteshark_gssapi(authscope, d):
    f = "bruteshark-http-ntlm-gssapi.pcap"
    http, auth = run(authscope, f"{d}/{f}")
    check(len(http) == 3, f"{f}: 3 requests, got {len(http)}")
    if len(http) == 3:
        r = sorted(http, key=lambda r: r["tx_id"])
        check([x["http"]["status"] for x in r] == [401, 401, 200], f"{f}: statuses 401 401 200")
        check(r[1]["auth"]["scheme"] == "Negotiate" and r[1]["auth"]["mech"] == "NTLMSSP", f"{f}: raw NTLMSSP in Negotiate")
        check(user_of(r[2]) == "10.0.1.101\\Susan" and r[2]["auth"]["workstation"] == "XP-CLIENT",
              f"{f}: 10.0.1.101\\Susan from XP-CLIENT, got {user_of(r[2])}")
        check(r[2]["auth"]["password_type"] == "NTLMv1" and r[2]["auth"]["result"] == "success", f"{f}: NTLMv1 success")


def kerberos(authscope, d, f, n_req, sname, status):
    http, auth = run(authscope, f"{d}/{f}")
    check(len(http) == n_req, f"{f}: {n_req} requests, got {len(http)}")
    krb = [r for r in http if r["auth"].get("mech") == "Kerberos"]
    if check(len(krb) == 1, f"{f}: one Kerberos request, got {len(krb)}"):
        a = krb[0]["auth"]
        check(a["scheme"] == "Negotiate", f"{f}: Negotiate")
        check(a.get("krb_sname") == sname and a.get("krb_realm") == "DENYDC.COM",
              f"{f}: service {sname}@DENYDC.COM, got {a.get('krb_sname')}@{a.get('krb_realm')}")
        check(a["user"] is None, f"{f}: no client name without a keytab")
        check(a["password_type"] == "Kerberos" and a["result"] == "success", f"{f}: Kerberos, completed")
        check(krb[0]["http"]["status"] == status, f"{f}: status {status}")


def main():
    authscope, d = sys.argv[1], sys.argv[2]
    zeek(authscope, d)
    webdav(authscope, d)
    arkime(authscope, d)
    bruteshark_ntlm(authscope, d)
    bruteshark_gssapi(authscope, d)
    kerberos(authscope, d, "bruteshark-kerberos-v5-udp-2.pcap", 2, "HTTP/fc4.denyDC.com", 500)
    kerberos(authscope, d, "bruteshark-kerberos-v5-udp-3.pcap", 2, "HTTP/upwin2003.denyDC.com", 200)
    for f in failures:
        print("FAIL:", f)
    print(f"manifest: {len(failures)} expectation(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
