#!/usr/bin/env python3
"""Check a directory of rig scenarios (NAME.pcap, NAME.expect, NAME.server.log).

  check.py [--authscope BIN] [--no-log] [--no-expect] DIR [SCENARIO ...]

For every scenario (default: every DIR/*.expect):
  1. tshark's HTTP transactions in NAME.pcap (method, url, status, grouped per
     TCP connection) equal what NAME.expect says the client did;
  2. NAME.server.log has one line per expected request, with the user the
     server is known to log for it (rules in server_user() below, facts in
     pcaps/README.md);
  3. with --authscope BIN: BIN -r NAME.pcap [--keytab DIR/authscope-test.keytab]
     prints JSON records whose http transactions (method, url, status) are
     exactly tshark's, grouped per connection the same way, and whose
     auth.user is the client's identity on every request not refused; if
     NAME.authscope.json (a golden file) exists, BIN's output equals it
     (timestamps and flow ids included: the capture is fixed);
  4. with --authscope BIN: BIN verify of NAME.pcap against NAME.server.log
     (format from NAME.expect) and NAME.combined.log gives the verdicts
     expected_verdicts() derives from NAME.expect, and the exit status.
Prints one line per check, "N passed, N failed" last; exit 1 on any failure.

Where authscope and tshark legitimately differ, the check says so and why
(TSHARK_DIFFERENCES below; pcaps/README.md, "authscope and tshark"):
  - interim 1xx responses (100 Continue): tshark lists them as responses;
    they are not transactions (RFC 9110 15.2), authscope pairs the request
    with its final response.  tshark_tx() drops them and counts them.
  - requests inside a CONNECT tunnel (NAME.expect "tunnel" lines): tshark's
    HTTP dissector follows the tunnel and shows the tunnelled request
    (without its response); to authscope the tunnel is opaque bytes.
  - a response that follows a HEAD's response in the same TCP segment
    (pipelining): tshark takes Content-Length bytes of it as the HEAD's
    body and loses it; authscope knows a HEAD response has no body.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys

FAILS = []
PASSES = [0]


def ok(cond, what):
    if cond:
        PASSES[0] += 1
        print("ok   " + what)
    else:
        FAILS.append(what)
        print("FAIL " + what)
    return cond


def read_expect(path):
    meta, reqs = {}, []
    meta["tunnel"] = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if f[0] == "req":
            conn, method, url, status, user, domain, scheme, creds = f[1:9]
            reqs.append(dict(conn=int(conn), method=method, url=url,
                             status=int(status), user=user, domain=domain,
                             scheme=scheme, creds=creds, seq=len(reqs) + len(meta["tunnel"])))
        elif f[0] == "tunnel":
            conn, method, url, status = f[1:5]
            meta["tunnel"].append(dict(conn=int(conn), method=method, url=url,
                                       status=int(status), seq=len(reqs) + len(meta["tunnel"])))
        else:
            meta[f[0]] = f[1] if len(f) > 1 else ""
    return meta, reqs


def tshark_tx(pcap, port, interim=None):
    """[(stream, method, url, status)] from tshark, requests paired with
    responses in order within each TCP connection.  Interim 1xx responses
    (100 Continue) are not paired: tshark lists them as responses, but the
    request's answer is the final response that follows (RFC 9110 15.2);
    they are counted in interim[0] when a list is given."""
    cmd = ["tshark", "-n", "-r", pcap, "-d", "tcp.port==%s,http" % port,
           "-Y", "http.request or http.response", "-T", "fields",
           "-E", "separator=/t", "-e", "tcp.stream", "-e", "http.request.method",
           "-e", "http.request.uri", "-e", "http.response.code"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("tshark failed on %s: %s" % (pcap, p.stderr.strip()))
    reqs = collections.defaultdict(list)
    resps = collections.defaultdict(list)
    order = []
    for line in p.stdout.splitlines():
        f = (line.split("\t") + ["", "", "", ""])[:4]
        s = int(f[0])
        if s not in order:
            order.append(s)
        # one packet may hold several pipelined messages: comma-joined fields
        if f[1]:
            for m, u in zip(f[1].split(","), f[2].split(",")):
                reqs[s].append((m, u))
        if f[3]:
            for c in f[3].split(","):
                if 100 <= int(c) < 200 and int(c) != 101:
                    if interim is not None:
                        interim[0] += 1
                    continue
                resps[s].append(int(c))
    out = []
    for s in order:
        for i, (m, u) in enumerate(reqs[s]):
            st = resps[s][i] if i < len(resps[s]) else None
            out.append((s, m, u, st))
    return out


def tshark_view(exp, tunnel):
    """What tshark is expected to show for NAME.expect: the requests, plus
    the ones the client sent inside a CONNECT tunnel, which tshark decodes
    (without their response: measured with tshark 4.0 on proxy-connect)."""
    rows = [(r["seq"], (r["conn"], r["method"], r["url"], r["status"])) for r in exp]
    rows += [(t["seq"], (t["conn"], t["method"], t["url"], None)) for t in tunnel]
    return [row for _, row in sorted(rows)]


def head_loss(rows):
    """tshark's known loss on pipelined HEAD: the response written after a
    HEAD's response in the same segment is eaten as that HEAD's body
    (Content-Length bytes), so every later request of the connection is
    paired with the next response, and the last gets none."""
    out, by = [], collections.OrderedDict()
    for conn, m, u, st in rows:
        by.setdefault(conn, []).append((m, u, st))
    for conn, tx in by.items():
        sts = [st for _, _, st in tx]
        for i, (m, _, _) in enumerate(tx[:-1]):
            if m == "HEAD":
                sts = sts[:i + 1] + sts[i + 2:] + [None]
                break
        out += [(conn, m, u, st) for (m, u, _), st in zip(tx, sts)]
    return out


def per_conn(rows):
    """Sorted list of per-connection transaction sequences: independent of
    how parallel connections interleave or are numbered."""
    d = collections.OrderedDict()
    for conn, m, u, st in rows:
        d.setdefault(conn, []).append((m, u, st))
    return sorted(d.values())


# ---- server logs

APACHE_RE = re.compile(r'^(\S+) (\S+) (\d+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" (\d+)$')


def parse_apache(line):
    m = APACHE_RE.match(line)
    if not m:
        return None
    user = m.group(1).replace("\\\\", "\\")
    req = m.group(6).split(" ")
    return dict(user=user, method=req[0], url=req[1] if len(req) > 1 else "",
                status=int(m.group(7)), body=0 if m.group(8) == "-" else int(m.group(8)))


def parse_squid(line):
    f = line.split()
    if len(f) < 10:
        return None
    return dict(user=f[7], method=f[5], url=f[6],
                status=int(f[3].split("/")[1]))


def server_user(server, r):
    """The user name the server logs for expected request r (measured: see
    pcaps/README.md); '-' when it logs none."""
    scheme, user, dom = r["scheme"], r["user"], r["domain"]
    if server == "apache" and scheme in ("Basic", "Digest") and r["creds"] == "sent":
        return user     # mod_auth_basic/_digest set the user before checking it
    if r["status"] in (401, 407) or user == "-":
        return "-"      # challenge legs and failed handshakes: no user
    if server == "apache":
        if scheme in ("NTLM", "Negotiate/NTLMSSP"):
            return "%s\\%s" % (dom, user)        # gss-ntlmssp's DOMAIN\user
        if scheme == "Negotiate/Kerberos":
            return "%s@%s" % (user, dom)         # the client principal
        return user                               # Basic
    if server == "squid":
        if scheme == "NTLM":
            return SQUID_FAKE_NTLM_USER(user, dom)
        if scheme == "Negotiate/Kerberos":
            return "%s@%s" % (user, dom)
    return user


class SQUID_FAKE_NTLM_USER:
    """ntlm_fake_auth (Squid 5.7) copies the domain and the user one byte too
    long: with curl's Type 3 Squid logs e.g. 'AUTHSCOPEa\\\\alicew' (the
    next field's first character after each; the backslash doubled by the
    log's escaping).  Equal to any logged name of that shape."""

    def __init__(self, user, dom):
        self.rx = re.compile(r"^%s.?\\{1,2}%s.?$" % (re.escape(dom), re.escape(user)))
        self.text = "%s?\\%s?" % (dom, user)

    def __eq__(self, other):
        return isinstance(other, str) and bool(self.rx.match(other))

    def __lt__(self, other):
        return self.text < (other.text if isinstance(other, SQUID_FAKE_NTLM_USER) else other)

    def __gt__(self, other):
        return self.text > (other.text if isinstance(other, SQUID_FAKE_NTLM_USER) else other)

    def __repr__(self):
        return "~" + self.text


def check_log(name, path, server, exp):
    if not os.path.exists(path):
        return ok(False, "%s: server log %s missing" % (name, path))
    parse = parse_apache if server == "apache" else parse_squid
    got, bad = [], []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        e = parse(line)
        if e is None:
            bad.append(line)
        else:
            got.append((e["method"], e["url"], e["status"], e["user"]))
    ok(not bad, "%s: every server log line parses %s" % (name, bad[:2] if bad else ""))
    want = []
    for r in exp:
        url = r["url"]
        want.append((r["method"], url, r["status"], server_user(server, r)))
    same = multiset_equal(got, want)
    ok(same, "%s: server log has the %d expected lines and users" % (name, len(want)) if same
       else "%s: server log (method, url, status, user) = expected\n     log:    %s\n     expect: %s"
       % (name, sorted(got, key=str), sorted(want, key=str)))


def multiset_equal(got, want):
    """Each wanted entry matched by a distinct logged one (== per field, so a
    pattern user such as SQUID_FAKE_NTLM_USER matches what it describes)."""
    left = list(got)
    for w in want:
        for i, g in enumerate(left):
            if all(a == b for a, b in zip(w, g)):
                del left[i]
                break
        else:
            return False
    return not left


def check_keytab(name, pcap, keytab, port, users):
    """The keytab beside the capture decrypts its tickets (tshark shows the
    client names that are only inside the encrypted part)."""
    if not ok(os.path.exists(keytab), "%s: keytab %s exists" % (name, keytab)):
        return
    p = subprocess.run(["tshark", "-n", "-r", pcap, "-d", "tcp.port==%s,http" % port,
                        "-o", "kerberos.decrypt:TRUE", "-o", "kerberos.file:" + keytab,
                        "-Y", "kerberos.CNameString", "-T", "fields",
                        "-e", "kerberos.CNameString"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    names = set(",".join(p.stdout.split()).split(",")) - {""}
    ok(set(users) <= names, "%s: keytab decrypts the ticket: client %s (tshark: %s)"
       % (name, ",".join(users), ",".join(sorted(names))))


# ---- authscope

def jget(o, key):
    """A record's field by its DESIGN.md name: "http.method" either as a flat
    key or nested ({"http": {"method": ...}}, EVE style)."""
    if key in o:
        return o[key]
    for part in key.split("."):
        if not isinstance(o, dict) or part not in o:
            return None
        o = o[part]
    return o


def authscope_tx(binary, pcap, keytab):
    cmd = [binary, "-r", pcap]
    if os.path.exists(keytab):
        cmd += ["--keytab", keytab]
    p = subprocess.run(cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s -r %s exited %d: %s" % (binary, pcap, p.returncode,
                                                       p.stderr.strip()[-500:]))
    rows = []
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        o = json.loads(line)
        if o.get("event_type") != "http":
            continue
        rows.append((o.get("flow_id"), jget(o, "http.method"), jget(o, "http.url"),
                     jget(o, "http.status"), o))
    return rows, p.stdout


def bare(u):
    if not u or u == "-":
        return None
    return u.split("\\")[-1].split("@")[0].lower()


def check_body_bytes(name, rows, logpath):
    """authscope's http.length (response body bytes, de-chunked; 0 for HEAD,
    304, 1xx) equals Apache's own %b for each request, in order: the proof
    that chunked, HEAD, 304 and 100-continue bodies are framed right."""
    if not os.path.exists(logpath):
        return
    logged = []
    for line in open(logpath, encoding="utf-8", errors="replace"):
        e = parse_apache(line.rstrip("\n"))
        if e:
            logged.append((e["method"], e["url"], e["status"], e["body"]))
    mine = [(m, u, s, jget(o, "http.length") or 0) for _, m, u, s, o in rows]
    ok(sorted(mine, key=str) == sorted(logged, key=str),
       "%s: authscope http.length = Apache's %%b (body bytes) on %d responses%s"
       % (name, len(logged), "" if sorted(mine, key=str) == sorted(logged, key=str) else
          "\n     authscope: %s\n     apache:    %s" % (mine, logged)))


def check_wire(name, pcap, port, want):
    """The capture really holds what the scenario is about (a chunked
    response, a chunked request, 100 Continue, HEAD...): tshark counts of
    each display filter in want, at least 1 each."""
    for flt in want:
        p = subprocess.run(["tshark", "-n", "-r", pcap, "-d", "tcp.port==%s,http" % port,
                            "-Y", flt], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        n = len([ln for ln in p.stdout.splitlines() if ln.strip()])
        ok(n > 0, "%s: the capture has %s (%d packets)" % (name, flt, n))


# what each plain-HTTP scenario is about, as tshark sees it on the wire
WIRE = {
    "http-chunked": ['http.response and http.transfer_encoding == "chunked"',
                     'http.request and http.transfer_encoding == "chunked"'],
    "http-100-continue": ['http.response.code == 100', 'http.request.line contains "Expect: 100-continue"'],
    "http-head": ['http.request.method == "HEAD"', 'http.response and http.content_length > 0'],
    "http-304": ['http.response.code == 304', 'http.request.line contains "If-Modified-Since"'],
    "proxy-connect": ['http.request.method == "CONNECT"'],
}


def check_users(name, rows, exp):
    """authscope's auth.user (bare: without DOMAIN\\ or @REALM) is the
    identity the client used, for every answered request that carried or
    inherited credentials and was not refused (401/407)."""
    want = sorted((r["method"], r["url"], r["status"], bare(r["user"])) for r in exp
                  if r["creds"] in ("sent", "inherited") and r["status"] not in (401, 407))
    got = sorted((m, u, s, bare(jget(o, "auth.user"))) for _, m, u, s, o in rows
                 if s not in (None, 401, 407) and (m, u, s) in {w[:3] for w in want})
    ok(got == want, "%s: authscope auth.user = the client's identity on %d requests%s"
       % (name, len(want), "" if got == want else
          "\n     authscope: %s\n     expect:    %s" % (got, want)))


def expected_verdicts(server, exp):
    """What `authscope verify` must say about each line of the server's log:
    a refused leg that logs no user is a challenge_leg; a line naming the
    user the wire carries (or no auth at all) is a match; Squid's
    ntlm_fake_auth names a mangled user, a real user_mismatch."""
    c = collections.Counter()
    for r in exp:
        u = server_user(server, r)
        if isinstance(u, SQUID_FAKE_NTLM_USER):
            c["user_mismatch"] += 1
        elif u == "-" and r["status"] in (401, 407):
            c["challenge_leg"] += 1
        else:
            c["match"] += 1
    return c


def check_verify(name, binary, base, meta, exp, keytab):
    """authscope verify of the capture against each log the server wrote."""
    want = expected_verdicts(meta.get("server", "apache"), exp)
    for log, fmt in ((base + ".server.log", meta.get("logformat")),
                     (base + ".combined.log", meta.get("combined"))):
        if not fmt or not os.path.exists(log):
            continue
        cmd = [binary, "verify", "-r", base + ".pcap", "--log", log,
               "--log-format", fmt, "--json"]
        if os.path.exists(keytab):
            cmd += ["--keytab", keytab]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=120)
        got = collections.Counter()
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                v = json.loads(line).get("verdict")
                if v:
                    got[v] += 1
        findings = sum(n for v, n in want.items() if v not in ("match", "challenge_leg"))
        ok(got == want and p.returncode == (1 if findings else 0),
           "%s: verify %s: verdicts %s, exit %d%s" % (
               name, os.path.basename(log), dict(sorted(want.items())),
               1 if findings else 0,
               "" if got == want and p.returncode == (1 if findings else 0) else
               "\n     got %s, exit %d: %s" % (dict(sorted(got.items())), p.returncode,
                                              p.stderr.strip()[-300:])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authscope")
    ap.add_argument("--no-log", action="store_true")
    ap.add_argument("--no-expect", action="store_true")
    ap.add_argument("dir")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    names = a.scenarios or sorted(os.path.basename(p)[:-7]
                                  for p in glob.glob(os.path.join(a.dir, "*.expect")))
    ok(bool(names), "scenarios found in %s" % a.dir)
    for name in names:
        base = os.path.join(a.dir, name)
        if not ok(os.path.exists(base + ".expect"), "%s: %s.expect exists" % (name, name)):
            continue
        meta, exp = read_expect(base + ".expect")
        if not ok(os.path.getsize(base + ".pcap") > 24 if os.path.exists(base + ".pcap") else False,
                  "%s: capture exists and is not empty" % name):
            continue
        interim = [0]
        try:
            tx = tshark_tx(base + ".pcap", meta["port"], interim)
        except RuntimeError as e:
            ok(False, "%s: %s" % (name, e))
            continue
        want_rows = [(r["conn"], r["method"], r["url"], r["status"]) for r in exp]
        want = per_conn(want_rows)
        want_ts = per_conn(tshark_view(exp, meta["tunnel"]))
        got = per_conn(tx)
        # the differences between tshark and the client's own account that
        # are tshark's, stated (module docstring); anything else fails
        notes = []
        if interim[0]:
            notes.append("tshark's %d interim 1xx response(s) are not transactions" % interim[0])
        if meta["tunnel"]:
            notes.append("tshark also decodes the %d request(s) inside the CONNECT tunnel"
                         % len(meta["tunnel"]))
        lost_head = got != want_ts and got == per_conn(head_loss(tshark_view(exp, meta["tunnel"])))
        if lost_head:
            notes.append("tshark lost the response after a pipelined HEAD's (ate it as the HEAD's body)")
        if not a.no_expect:
            ok(got == want_ts or lost_head, "%s: tshark transactions per connection = expected%s%s"
               % (name, " (%s)" % "; ".join(notes) if notes else "",
                  "" if got == want_ts or lost_head else
                  "\n     tshark: %s\n     expect: %s" % (got, want_ts)))
        krb = sorted({r["user"] for r in exp if r["scheme"] == "Negotiate/Kerberos" and r["creds"] == "sent"})
        if krb:
            check_keytab(name, base + ".pcap", os.path.join(a.dir, "authscope-test.keytab"), meta["port"], krb)
        if name in WIRE:
            check_wire(name, base + ".pcap", meta["port"], WIRE[name])
        if not a.no_log:
            check_log(name, base + ".server.log", meta.get("server", "apache"), exp)
        if a.authscope:
            try:
                rows, raw = authscope_tx(a.authscope, base + ".pcap",
                                         os.path.join(a.dir, "authscope-test.keytab"))
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
                ok(False, "%s: authscope: %s" % (name, e))
                continue
            mine_c = per_conn([(f, m, u, s) for f, m, u, s, _ in rows])
            # authscope against the client's own account: every request it
            # sent outside a tunnel, its final status, in order per connection
            ok(mine_c == want, "%s: authscope transactions per connection, in order = expected%s"
               % (name, "" if mine_c == want else "\n     authscope: %s\n     expect:    %s" % (mine_c, want)))
            # against tshark, less what tshark shows that is not a
            # transaction to authscope (tunnelled requests); where tshark
            # lost a response (pipelined HEAD) it cannot be the reference
            tunnelled = {(t["conn"], t["method"], t["url"]) for t in meta["tunnel"]}
            tsx = [r for r in tx if not any(r[1:3] == t[1:] for t in tunnelled)]
            if lost_head:
                ok(mine_c != per_conn(tsx) and mine_c == want,
                   "%s: authscope differs from tshark only where tshark lost the response "
                   "after the pipelined HEAD; authscope = expected there" % name)
            else:
                mine = sorted((m, u, s) for _, m, u, s, _ in rows)
                theirs = sorted((m, u, s) for _, m, u, s in tsx)
                ok(mine == theirs, "%s: authscope transactions (method, url, status) = tshark's%s%s"
                   % (name, " (less %d tunnelled)" % (len(tx) - len(tsx)) if len(tx) != len(tsx) else "",
                      "" if mine == theirs else "\n     authscope: %s\n     tshark:    %s" % (mine, theirs)))
                ok(mine_c == per_conn(tsx), "%s: authscope groups them per connection as tshark does" % name)
            check_users(name, rows, exp)
            if meta.get("server", "apache") == "apache":
                check_body_bytes(name, rows, base + ".server.log")
            try:
                check_verify(name, a.authscope, base, meta, exp,
                             os.path.join(a.dir, "authscope-test.keytab"))
            except (ValueError, subprocess.TimeoutExpired) as e:
                ok(False, "%s: authscope verify: %s" % (name, e))
            golden = base + ".authscope.json"
            if os.path.exists(golden):
                ok(raw == open(golden, encoding="utf-8").read(),
                   "%s: authscope output = golden %s" % (name, os.path.basename(golden)))
    print("%d passed, %d failed" % (PASSES[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
