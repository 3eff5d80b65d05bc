#!/usr/bin/env python3
"""End-to-end checks of `authscope verify` on the real captures in pcaps/.

Each sub-command is one test script (tests/verify/t_verify_*.sh):
  rig        every honest server log verifies clean; proxy-ntlm's known
             ntlm_fake_auth name mangling is the one finding
  tamper     copies of a real Apache log, changed by this script, give
             exactly the expected verdicts on exactly the changed lines
  roundtrip  the lines every writer (-F FORMAT) makes for a capture verify
             clean against that capture
  seeds      logs in the layouts of seed 001 (IIS W3C) and seed 000
             (ProxySG) built from a capture verify clean; tampered, they
             name the change
  usage      exit status 2 and a clear message on bad usage and unreadable
             input; a bad log line is reported by file:line and skipped
Environment: AUTHSCOPE (binary), cwd = repo root.  Exit 0 = pass.
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

AUTHSCOPE = os.environ.get("AUTHSCOPE", "./authscope")
PCAPS = "pcaps"
KEYTAB = os.path.join(PCAPS, "authscope-test.keytab")
# the rig's Apache LogFormat (pcaps/README.md)
APACHE_FMT = ('apache:%u %a %{remote}p %A:%{local}p '
              '[%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t] "%r" %>s %b '
              '"%{User-Agent}i" %k')
BENIGN = {"match", "challenge_leg"}
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def verify(pcap, logs, fmt=None, extra=(), keytab=True):
    cmd = [AUTHSCOPE, "verify", "-r", pcap, "--json"]
    if keytab:
        cmd += ["--keytab", KEYTAB]
    for lg in logs:
        cmd += ["--log", lg]
    if fmt:
        cmd += ["--log-format", fmt]
    cmd += list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    pairs = []
    for line in p.stdout.splitlines():
        try:
            pairs.append(json.loads(line))
        except ValueError:
            fail("%s: output line is not JSON: %r" % (pcap, line[:200]))
    return p.returncode, pairs, p.stderr


def counts(pairs):
    return collections.Counter(x["verdict"] for x in pairs)


def scenarios():
    names = sorted(f[:-5] for f in os.listdir(PCAPS) if f.endswith(".pcap"))
    return [n for n in names if os.path.exists(os.path.join(PCAPS, n + ".server.log"))]


def nlines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if line.strip())


def check_clean(name, rc, pairs, err, log_lines):
    c = counts(pairs)
    bad = {k: v for k, v in c.items() if k not in BENIGN}
    if rc != 0 or bad:
        fail("%s: want a clean verify, got exit %d, %s\n%s" % (name, rc, dict(c), err[-800:]))
    logged = sum(1 for x in pairs if x.get("log_line") is not None)
    if logged != log_lines:
        fail("%s: %d log lines but %d pairings name a log line" % (name, log_lines, logged))


def cmd_rig():
    seen = 0
    for n in scenarios():
        pcap = os.path.join(PCAPS, n + ".pcap")
        slog = os.path.join(PCAPS, n + ".server.log")
        clog = os.path.join(PCAPS, n + ".combined.log")
        if n.startswith("proxy-"):
            rc, pairs, err = verify(pcap, [slog])          # Squid native: auto-detected
            c = counts(pairs)
            if n == "proxy-ntlm":
                # Squid's ntlm_fake_auth logs AUTHSCOPEa\alicew for alice
                mm = [x for x in pairs if x["verdict"] == "user_mismatch"]
                others = {k: v for k, v in c.items() if k not in BENIGN | {"user_mismatch"}}
                if rc != 1 or len(mm) != 1 or others:
                    fail("%s: want exit 1 and one user_mismatch, got %d %s" % (n, rc, dict(c)))
                elif mm[0]["log_user"] != "AUTHSCOPEa\\alicew" or \
                        mm[0]["wire_user"] != "AUTHSCOPE\\alice":
                    fail("%s: mismatch names %r / %r" % (n, mm[0]["log_user"], mm[0]["wire_user"]))
            else:
                check_clean(n, rc, pairs, err, nlines(slog))
            seen += 1
            continue
        rc, pairs, err = verify(pcap, [slog], APACHE_FMT)
        check_clean(n + " (server.log)", rc, pairs, err, nlines(slog))
        if os.path.exists(clog):
            rc, pairs, err = verify(pcap, [clog])          # combined: auto-detected
            check_clean(n + " (combined.log)", rc, pairs, err, nlines(clog))
        # Kerberos without the keytab: the wire cannot name the user
        if n.startswith("kerberos"):
            rc, pairs, err = verify(pcap, [slog], APACHE_FMT, keytab=False)
            c = counts(pairs)
            if rc != 0 or c.get("unverifiable", 0) < 1 or set(c) - BENIGN - {"unverifiable"}:
                fail("%s without keytab: want unverifiable and exit 0, got %d %s" % (n, rc, dict(c)))
        seen += 1
    if seen < 10:
        fail("only %d scenarios with server logs in pcaps/" % seen)


# ---- tampering ----

LINE_RE = re.compile(r'^(\S+) (\S+) (\S+) (\S+) \[([^\]]+)\] (".*") (\d+) (\S+) (".*") (\d+)$')


def shift_time(line, secs):
    """move the rig format's [dd/Mon/yyyy:HH:MM:SS.usec +zzzz] by secs"""
    import datetime
    m = re.search(r'\[(\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d)\.(\d{6}) ([+-]\d{4})\]', line)
    t = datetime.datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S") + datetime.timedelta(seconds=secs)
    return line[:m.start()] + "[%s.%s %s]" % (t.strftime("%d/%b/%Y:%H:%M:%S"), m.group(2), m.group(3)) + line[m.end():]


def set_user(line, user):
    return user + line[line.index(" "):]


def run_tampered(tmp, name, lines, expect, exit_code=1, expect_offset=None):
    """expect: list of (log_line or None, verdict) that must be the only findings"""
    pcap = os.path.join(PCAPS, name + ".pcap")
    path = os.path.join(tmp, name + ".tampered.log")
    with open(path, "w") as f:
        f.write("".join(lines))
    rc, pairs, err = verify(pcap, [path], APACHE_FMT)
    got = sorted((x.get("log_line"), x["verdict"]) for x in pairs if x["verdict"] not in BENIGN)
    want = sorted(expect)
    if got != want or rc != exit_code:
        fail("%s tampered: want exit %d findings %s, got exit %d %s\n%s" %
             (name, exit_code, want, rc, got, err[-600:]))
    if expect_offset is not None:
        m = re.search(r"clock offset: log = capture ([+-][0-9.]+) s", err)
        if not m or abs(float(m.group(1)) - expect_offset) > 1.0:
            fail("%s: want offset ~%+.0f s, summary says %r" % (name, expect_offset, m and m.group(0)))
    return pairs


def cmd_tamper():
    tmp = tempfile.mkdtemp(prefix="verify_tamper.")
    name = "ntlm-keepalive"
    with open(os.path.join(PCAPS, name + ".server.log")) as f:
        orig = f.readlines()
    # the scenario: 401 -, 401 -, 200 alice, then three 200 alice keep-alive
    assert len(orig) == 6 and orig[0].startswith("- ") and orig[2].startswith("AUTHSCOPE"), orig
    run_tampered(tmp, name, orig, [], exit_code=0)
    # one user replaced
    t = list(orig)
    t[3] = set_user(t[3], "AUTHSCOPE\\\\mallory")
    pairs = run_tampered(tmp, name, t, [(4, "user_mismatch")])
    mm = [x for x in pairs if x["verdict"] == "user_mismatch"]
    if mm and (mm[0]["log_user"] != "AUTHSCOPE\\mallory" or mm[0]["wire_user"] != "AUTHSCOPE\\alice"
               or mm[0]["tx_id"] != 3 or mm[0]["workstation"] is None):
        fail("user_mismatch pairing lacks the wire's identity: %r" % mm[0])
    # a line deleted: the wire request it stood for is missing_in_log
    t = orig[:4] + orig[5:]
    pairs = run_tampered(tmp, name, t, [(None, "missing_in_log")])
    mi = [x for x in pairs if x["verdict"] == "missing_in_log"]
    if mi and (mi[0]["url"] != "/ntlm/page2.txt" or mi[0]["tx_id"] != 4):
        fail("missing_in_log names %r tx %r" % (mi[0]["url"], mi[0]["tx_id"]))
    # a line added for a request that never happened
    t = list(orig)
    t.insert(4, t[3].replace("/ntlm/page1.txt", "/ntlm/secret.txt"))
    run_tampered(tmp, name, t, [(5, "missing_on_wire")])
    # a user added to a challenge leg
    t = list(orig)
    t[1] = set_user(t[1], "AUTHSCOPE\\\\alice")
    run_tampered(tmp, name, t, [(2, "user_not_on_wire")])
    # a user removed from an authenticated line
    t = list(orig)
    t[4] = set_user(t[4], "-")
    run_tampered(tmp, name, t, [(5, "user_not_logged")])
    # the log's clock 90 s ahead: same verdicts, offset reported
    t = [shift_time(x, 90) for x in orig]
    run_tampered(tmp, name, t, [], exit_code=0, expect_offset=90)
    t[3] = set_user(t[3], "AUTHSCOPE\\\\bob")
    run_tampered(tmp, name, t, [(4, "user_mismatch")], expect_offset=90)
    # beyond --max-skew nothing pairs
    path = os.path.join(tmp, "skew.log")
    with open(path, "w") as f:
        f.write("".join(shift_time(x, 600) for x in orig))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [path], APACHE_FMT,
                            ["--max-skew", "300"])
    # ...the log and the capture then share no period: nothing is in scope,
    # and verify says so instead of passing silently
    if counts(pairs).get("match", 0) or "nothing paired" not in err:
        fail("600 s skew with --max-skew 300: %d %s %r" % (rc, dict(counts(pairs)), err[-300:]))
    # two users at once: swap the users of the two authenticated lines
    name = "ntlm-two-users"
    with open(os.path.join(PCAPS, name + ".server.log")) as f:
        orig = f.readlines()
    run_tampered(tmp, name, orig, [], exit_code=0)
    auth = [i for i, x in enumerate(orig) if not x.startswith("- ")]
    users = {x.split()[0] for x in (orig[i] for i in auth)}
    if len(users) != 2:
        fail("%s: want two users in the log, got %s" % (name, users))
    else:
        t = list(orig)
        a = auth[0]
        other = [u for u in users if u != orig[a].split()[0]][0]
        t[a] = set_user(t[a], other)
        run_tampered(tmp, name, t, [(a + 1, "user_mismatch")])
    # rotated logs: the log split in two files verifies as one
    name = "ntlm-keepalive"
    with open(os.path.join(PCAPS, name + ".server.log")) as f:
        orig = f.readlines()
    p1, p2 = os.path.join(tmp, "a.log"), os.path.join(tmp, "b.log")
    open(p1, "w").write("".join(orig[:3]))
    open(p2, "w").write("".join(orig[3:]))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [p1, p2], APACHE_FMT)
    files = collections.Counter(x.get("log_file") for x in pairs)
    if rc != 0 or set(counts(pairs)) - BENIGN or files[p1] != 3 or files[p2] != 3:
        fail("rotated logs: %d %s %s" % (rc, dict(counts(pairs)), dict(files)))


def cmd_roundtrip():
    formats = ["w3c", "proxysg", "squid", "combined", "kemp", "samba-json",
               "samba-text", "gate"]
    tmp = tempfile.mkdtemp(prefix="verify_rt.")
    done = 0
    for n in sorted(f[:-5] for f in os.listdir(PCAPS) if f.endswith(".pcap")):
        pcap = os.path.join(PCAPS, n + ".pcap")
        for fmt in formats:
            out = os.path.join(tmp, "%s.%s" % (n, fmt))
            with open(out, "w") as f:
                p = subprocess.run([AUTHSCOPE, "-r", pcap, "--keytab", KEYTAB, "-F", fmt],
                                   stdout=f, stderr=subprocess.PIPE, timeout=120)
            if p.returncode != 0:
                fail("authscope -F %s on %s: exit %d" % (fmt, n, p.returncode))
                continue
            for spec in (fmt, None):          # named, and detected
                rc, pairs, err = verify(pcap, [out], spec)
                c = counts(pairs)
                if rc != 0 or set(c) - BENIGN - {"unverifiable"}:
                    fail("%s -F %s verified with --log-format %s: exit %d %s\n%s" %
                         (n, fmt, spec or "auto", rc, dict(c), err[-400:]))
                if "skipped" in err:
                    fail("%s -F %s: lines skipped: %s" % (n, fmt, err[-400:]))
            done += 1
    if done < 50:
        fail("only %d round trips" % done)


def http_records(pcap):
    p = subprocess.run([AUTHSCOPE, "-r", pcap, "--keytab", KEYTAB], capture_output=True,
                       text=True, timeout=120)
    recs = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    return [r for r in recs if r.get("event_type") == "http"]


def cmd_seeds():
    import datetime
    tmp = tempfile.mkdtemp(prefix="verify_seeds.")

    def ts(r, end=False):
        t = datetime.datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        if end:
            t += datetime.timedelta(milliseconds=r["http"].get("time_taken_ms") or 0)
        return t

    def user(r):
        a = r["auth"]
        if not a.get("user") or r["http"]["status"] in (401, 407):
            return "-"
        return ("%s\\%s" % (a["domain"], a["user"])) if a.get("domain") else a["user"]

    # seed 001: IIS W3C, end time in whole seconds, 401 2 2148074254 / 401 1 0 / 200 0 0
    name = "ntlm-two-users"
    recs = http_records(os.path.join(PCAPS, name + ".pcap"))
    lines = ["#Software: Microsoft Internet Information Services 10.0\n", "#Version: 1.0\n",
             "#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port "
             "cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status\n"]
    for r in sorted(recs, key=lambda r: ts(r, True)):
        h = r["http"]
        sub = "0 0"
        if h["status"] == 401:
            sub = "1 0" if r["auth"].get("credentials") else "2 2148074254"
        url, _, q = h["url"].partition("?")
        lines.append("%s W3SVC1 %s %s %s %s %d %s %s %s %d %s\n" % (
            ts(r, True).strftime("%Y-%m-%d %H:%M:%S"), r["dest_ip"], h["method"], url,
            q or "-", r["dest_port"], user(r).replace(" ", "+"), r["src_ip"],
            (h.get("user_agent") or "-").replace(" ", "+"), h["status"], sub))
    path = os.path.join(tmp, "u_ex.log")
    open(path, "w").write("".join(lines))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [path])
    check_clean("seed-001 IIS log of " + name, rc, pairs, err, len(lines) - 3)
    # IIS restarted: the same lines in two #Fields blocks, the second with time-taken
    half = 3 + (len(lines) - 3) // 2
    second = ["#Software: Microsoft Internet Information Services 10.0\n",
              lines[2].rstrip("\n") + " time-taken\n"] + [x.rstrip("\n") + " 15\n" for x in lines[half:]]
    open(path, "w").write("".join(lines[:half] + second))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [path])
    check_clean("seed-001 IIS log with a restart", rc, pairs, err, len(lines) - 3)
    # tampered: the authenticated user of one line replaced
    i = next(k for k, x in enumerate(lines) if "AUTHSCOPE\\" in x)
    t = list(lines)
    t[i] = t[i].replace("AUTHSCOPE\\", "OTHERDOM\\", 1)
    open(path, "w").write("".join(t))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [path])
    got = [(x["log_line"], x["verdict"]) for x in pairs if x["verdict"] not in BENIGN]
    if rc != 1 or got != [(i + 1, "user_mismatch")]:
        fail("seed-001 tampered: want [(%d, user_mismatch)], got %d %s" % (i + 1, rc, got))

    # seed 000: ProxySG, two TCP_DENIED/407 with '-' then the user
    name = "proxy-negotiate" if not os.path.exists(os.path.join(PCAPS, "proxy-ntlm.pcap")) else "proxy-ntlm"
    recs = http_records(os.path.join(PCAPS, name + ".pcap"))
    lines = []
    for r in sorted(recs, key=lambda r: ts(r, True)):
        h = r["http"]
        act = "TCP_DENIED" if h["status"] == 407 else "TCP_NC_MISS"
        lines.append("[%s +0000] %d %s %s/%d %d %s %s %s DIRECT/- text/html none ICAP_NOT_SCANNED\n" % (
            ts(r, True).strftime("%d/%b/%Y:%H:%M:%S"), h.get("time_taken_ms") or 0, r["src_ip"],
            act, h["status"], 1000, h["method"], h["url"], user(r)))
    path = os.path.join(tmp, "sg.log")
    open(path, "w").write("".join(lines))
    rc, pairs, err = verify(os.path.join(PCAPS, name + ".pcap"), [path])
    check_clean("seed-000 ProxySG log of " + name, rc, pairs, err, len(lines))
    if counts(pairs).get("challenge_leg", 0) < 1:
        fail("seed-000: the 407 legs should be challenge_leg: %s" % dict(counts(pairs)))


def cmd_usage():
    pcap = os.path.join(PCAPS, "ntlm-success.pcap")
    slog = os.path.join(PCAPS, "ntlm-success.server.log")

    def run(args):
        return subprocess.run([AUTHSCOPE, "verify"] + args, capture_output=True, text=True,
                              timeout=60)
    cases = [
        ([], None),
        (["-r", pcap], None),
        (["--log", slog], None),
        (["-r", pcap, "--log", "/nonexistent/x.log"], "/nonexistent/x.log"),
        (["-r", "/nonexistent/c.pcap", "--log", slog], "/nonexistent/c.pcap"),
        (["-r", pcap, "--log", slog, "--log-format", "apache:%h %Q"], "%Q"),
        (["-r", pcap, "--log", slog, "--log-format", "nosuchformat"], "nosuchformat"),
        (["-r", pcap, "--log", slog, "--server", "not-an-address"], "not-an-address"),
        (["-r", pcap, "--log", slog, "--max-skew", "abc"], "abc"),
        (["-r", pcap, "--log", slog, "--client-ip-from", "X-Real-IP"], "X-Forwarded-For"),
        (["-r", pcap, "--log", slog, "--user-map", "/nonexistent/map"], "/nonexistent/map"),
    ]
    for args, word in cases:
        p = run(args)
        if p.returncode != 2:
            fail("verify %s: want exit 2, got %d" % (args, p.returncode))
        if word and word not in p.stderr:
            fail("verify %s: message does not name %r: %r" % (args, word, p.stderr))
    # a bad line is named (file:line) and skipped; the rest still verifies
    tmp = tempfile.mkdtemp(prefix="verify_usage.")
    with open(slog) as f:
        lines = f.readlines()
    path = os.path.join(tmp, "bad.log")
    open(path, "w").write(lines[0] + "this is not a log line\n" + "".join(lines[1:]))
    rc, pairs, err = verify(pcap, [path], APACHE_FMT)
    if "%s:2:" % path not in err:
        fail("bad line not reported as file:2: %r" % err)
    if rc != 0 or set(counts(pairs)) - BENIGN or len(pairs) != len(lines):
        fail("a bad line disturbed the rest: %d %s" % (rc, dict(counts(pairs))))
    # --server naming another server: the capture is out of scope, no finding
    p = run(["-r", pcap, "--log", slog, "--log-format", APACHE_FMT, "--server", "192.0.2.1:80"])
    if p.returncode != 0 or "out of scope" not in p.stdout:
        fail("--server elsewhere: %d %s" % (p.returncode, p.stdout[-300:]))
    # --help is not an error
    if run(["--help"]).returncode != 0:
        fail("--help")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    fn = {"rig": cmd_rig, "tamper": cmd_tamper, "roundtrip": cmd_roundtrip,
          "seeds": cmd_seeds, "usage": cmd_usage}.get(cmd)
    if not fn:
        print(__doc__)
        sys.exit(2)
    if not os.path.exists(AUTHSCOPE):
        print("no binary at %s" % AUTHSCOPE)
        sys.exit(1)
    fn()
    print("%s: %s" % (cmd, "FAILED (%d)" % len(failures) if failures else "ok"))
    sys.exit(1 if failures else 0)
