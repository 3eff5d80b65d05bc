#!/usr/bin/env python3
"""Server logs written from the corpus generator's truth, by another hand.

    truth_logs.py write TRUTH.tsv IIS.log PROXYSG.log
        The IIS (W3C extended) log the origin servers would have written
        for the origin-form transactions of the truth, and the ProxySG
        access log (seed 000's layout) the proxy would have written for the
        proxy-form ones (absolute URI, CONNECT).  Nothing of authscope is
        used: only the truth table (tests/gen/README.md) and its time
        columns (req_time_us, resp_end_time_us).

    truth_logs.py tamper SEED K IN.log OUT.log EXPECTED.tsv
        A copy of IN.log with, chosen by SEED: the users of two
        authenticated lines swapped, the user removed from K authenticated
        lines, a user added to K challenge-leg lines, K lines deleted and K
        lines injected (requests that never happened).  EXPECTED.tsv lists
        the findings verify must give, one per line:
            user_mismatch|user_not_logged|user_not_on_wire|missing_on_wire  LINE
            missing_in_log  CLIENT_IP  CLIENT_PORT  TX_INDEX
        Each log line carries its truth row in a trailing map file
        (IN.log.map: line number -> client ip, port, tx index), written by
        `write`, so a deleted line names its wire transaction.

    truth_logs.py check VERIFY.jsonl [EXPECTED.tsv]
        Without EXPECTED: no finding at all, every unverifiable verdict
        states a reason, and every line pairs with the transaction it was
        written for (LOG.map), or one of the same client to the same server
        (identical requests no log tells apart: counted, not a failure).  With it: exactly the findings listed,
        nothing else.

The rules a server follows (README.md "Who a server logs as the user",
seeds 000 and 001):
  - user `-` for a request without credentials, an NTLM/Negotiate leg that
    is still pending, and a failed NTLM/Negotiate logon; the name sent for
    a failed Basic logon; DOMAIN\\user (or the bare user) for a success and
    every request inheriting it; `-` after an anonymous NTLM logon;
  - IIS: sc-status sc-substatus sc-win32-status `401 2 2148074254` without
    credentials, `401 1 0` for a challenge leg, `401 1 2148074252` for a
    failed NTLM/Negotiate logon, `401 1 1326` for a failed Basic logon,
    `NNN 0 0` otherwise; date/time when the response ended (whole seconds,
    UTC); cs-uri-stem decoded, cs-uri-query as sent; spaces as `+`;
  - ProxySG: `[dd/Mon/yyyy:HH:MM:SS +0000]` at the end of the transaction,
    TCP_DENIED/407 with NONE/- when denied, TCP_TUNNELED for CONNECT
    (tcp://host:port/), TCP_NC_MISS otherwise with DIRECT/host.
  - A request the server never answered (the client went away): IIS logs
    it when the connection ends with sc-win32-status 64
    (ERROR_NETNAME_DELETED) and the status it had (200 here); ProxySG as
    TCP_ERR_MISS/0.  The time is the request's (the truth has no close
    time).
"""
import datetime
import json
import random
import sys
import urllib.parse
from collections import Counter, defaultdict

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def proxy_form(r):
    return r["method"] == "CONNECT" or "://" in r["url"]


def answered(r):
    return r["status"] != "-"


def end_us(r):
    return int(r["resp_end_time_us"] if answered(r) else r["req_time_us"])


def taken_ms(r):
    if not answered(r):
        return 0
    return (int(r["resp_end_time_us"]) - int(r["req_time_us"]) + 999) // 1000


def logged_user(r):
    """The user a server writes for this transaction ('-' for none)."""
    if r["result"] == "success" or (r["result"] == "failure" and r["auth_scheme"] == "Basic"):
        if r["user"] == "-":
            return "-"           # anonymous NTLM: no name
        if r["domain"] != "-":
            return r["domain"] + "\\" + r["user"]
        return r["user"]
    return "-"


def challenge_code(r):
    return "407" if r["proxy"] == "1" else "401"


def w3c_token(s):
    """IIS: space as +, empty as -, control bytes as %XX (UTF-8 kept)."""
    if s == "":
        return "-"
    out = []
    for ch in s:
        if ch == " ":
            out.append("+")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def sg_token(s):
    if s == "":
        return "-"
    return "".join("%%%02X" % ord(c) if c == " " or ord(c) < 0x20 or ord(c) == 0x7F else c
                   for c in s)


def iis_status(r):
    st = r["status"]
    if st == "-":
        return "200 0 64"
    if st == challenge_code(r) or st in ("401", "407"):
        if r["auth_scheme"] == "-":
            return st + " 2 2148074254"
        if r["result"] == "pending":
            return st + " 1 0"
        if r["auth_scheme"] == "Basic":
            return st + " 1 1326"
        return st + " 1 2148074252"
    return st + " 0 0"


def utc(us):
    return datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)


def iis_line(r):
    t = utc(end_us(r))
    path, _, query = r["url"].partition("?")
    stem = urllib.parse.unquote(path, errors="surrogateescape")
    return " ".join([
        t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"), r["server_ip"], r["method"],
        w3c_token(stem), w3c_token(query), r["server_port"], w3c_token(logged_user(r)),
        r["client_ip"], "-", "-", iis_status(r), str(taken_ms(r))])


def sg_line(r, rng):
    t = utc(end_us(r))
    stamp = "[%02d/%s/%04d:%02d:%02d:%02d +0000]" % (t.day, MONTHS[t.month - 1], t.year,
                                                     t.hour, t.minute, t.second)
    url = r["url"]
    if r["method"] == "CONNECT":
        host = url.split(":")[0]
        uri = "tcp://%s/" % url
    else:
        host = urllib.parse.urlsplit(url).hostname or "-"
        uri = url
    st = r["status"]
    if st == "-":
        action, hier, nbytes = "TCP_ERR_MISS/0", "NONE/-", 0
    elif st in ("401", "407"):
        action, hier, nbytes = "TCP_DENIED/" + st, "NONE/-", rng.randint(900, 1400)
    elif r["method"] == "CONNECT":
        action, hier, nbytes = "TCP_TUNNELED/" + st, "DIRECT/" + host, rng.randint(2000, 90000)
    else:
        action, hier, nbytes = "TCP_NC_MISS/" + st, "DIRECT/" + host, rng.randint(200, 40000)
    return " ".join([stamp, str(taken_ms(r)), r["client_ip"], action, str(nbytes), r["method"],
                     sg_token(uri), sg_token(logged_user(r)), hier, "-", "none",
                     "ICAP_NOT_SCANNED"])


def truth_rows(path):
    """The truth's rows, one at a time (a million-line log's truth is big)."""
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\n").split("\t")
        if "req_time_us" not in header:
            sys.exit("truth_logs: %s has no req_time_us column (old gencorpus?)" % path)
        for l in f:
            if l.strip():
                yield dict(zip(header, l.rstrip("\n").split("\t")))


def map_row(r):
    return "%s\t%s\t%s\t%s\t%s\t%s\t%s" % (r["client_ip"], r["client_port"], r["tx_index"],
                                           r["status"], r["result"], r["server_ip"],
                                           r["server_port"])


def write_logs(truth, iis_path, sg_path):
    rng = random.Random(1)
    by_srv = defaultdict(list)      # (server ip, port) -> [(order, line, map)]
    proxied = []
    for r in truth_rows(truth):
        key = (end_us(r), r["client_ip"], int(r["client_port"]), int(r["tx_index"]))
        if proxy_form(r):
            proxied.append((key, sg_line(r, rng), map_row(r)))
        else:
            by_srv[(r["server_ip"], int(r["server_port"]))].append(
                (key, iis_line(r), map_row(r), end_us(r)))
    lines, refs = [], []
    # one header block per server (IIS: a site's log), lines in completion order
    for srv in sorted(by_srv):
        rs = sorted(by_srv[srv])
        lines += ["#Software: Microsoft Internet Information Services 10.0",
                  "#Version: 1.0",
                  "#Date: " + utc(rs[0][3]).strftime("%Y-%m-%d %H:%M:%S"),
                  "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
                  "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
                  "sc-win32-status time-taken"]
        refs += [None] * 4
        for x in rs:
            lines.append(x[1])
            refs.append(x[2])
    norigin = len(lines) - 4 * len(by_srv)
    dump(iis_path, lines, refs)
    del lines, refs, by_srv
    proxied.sort()
    dump(sg_path, [x[1] for x in proxied], [x[2] for x in proxied])
    print("truth_logs: %d origin lines -> %s, %d proxy lines -> %s"
          % (norigin, iis_path, len(proxied), sg_path))


def dump(path, lines, refs):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")
    with open(path + ".map", "w", encoding="utf-8", newline="\n") as f:
        for i, ref in enumerate(refs, 1):
            if ref is not None:
                f.write("%d\t%s\n" % (i, ref))


# ------------------------------------------------------------------ tamper

class Log:
    """A log's lines and how to read and rewrite their user and request."""

    def __init__(self, path):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            self.lines = f.read().split("\n")[:-1]
        self.refs = {}
        with open(path + ".map", encoding="utf-8") as f:
            for l in f:
                n, ip, port, tx, st, res = l.rstrip("\n").split("\t")[:6]
                self.refs[int(n)] = (ip, port, tx, st, res)
        self.w3c = any(l.startswith("#Fields:") for l in self.lines)

    def fields(self, i):
        return self.lines[i].split(" ")

    def user_ix(self):
        # ProxySG's time is two tokens: "[dd/Mon/yyyy:HH:MM:SS" "+0000]"
        return 7 if self.w3c else 8

    def status(self, i):
        f = self.fields(i)
        return f[11] if self.w3c else f[4].split("/")[1]

    def scope_key(self, i):
        f = self.fields(i)
        return (f[2], f[6]) if self.w3c else f[3]

    def request_key(self, i):
        f = self.fields(i)
        return (f[8], f[3], f[4], f[5]) if self.w3c else (f[3], f[6], f[7])


def tamper(seed, k, inp, outp, expp):
    rng = random.Random(seed)
    log = Log(inp)
    ui = log.user_ix()
    data = [i for i in range(len(log.lines)) if i + 1 in log.refs]
    # only lines whose request (client, method, URL) no other connection
    # sent: within one connection the order decides, so the pairing cannot
    # go another way and the finding is certain.  A deleted line must be
    # the only one of its request (else the next one would take its place).
    keys = Counter(log.request_key(i) for i in data)
    conns = defaultdict(set)
    for i in data:
        conns[log.request_key(i)].add(log.refs[i + 1][:2])
    uniq = [i for i in data if len(conns[log.request_key(i)]) == 1 and log.refs[i + 1][3] != "-"]
    single = [i for i in uniq if keys[log.request_key(i)] == 1]

    def user(i):
        return log.fields(i)[ui]

    def bare(u):
        return u.split("\\")[-1].lower()

    authed = [i for i in uniq if user(i) != "-" and log.status(i) not in ("401", "407")]
    # a challenge leg: no credentials yet, or a handshake still pending (a
    # failed logon is not one: the wire has the user who tried)
    legs = [i for i in uniq if user(i) == "-" and log.status(i) in ("401", "407") and
            log.refs[i + 1][4] in ("-", "pending")]
    rng.shuffle(authed)
    rng.shuffle(legs)
    used = set()
    edits = {}                       # index -> new user
    a = authed[0]
    b = next(i for i in authed[1:] if bare(user(i)) != bare(user(a)))
    edits[a], edits[b] = user(b), user(a)
    used |= {a, b}
    removed = [i for i in authed if i not in used][:k]
    for i in removed:
        edits[i] = "-"
    used |= set(removed)
    added = legs[:k]
    for i in added:
        edits[i] = "CORP\\mallory"
    used |= set(added)
    # a log speaks only for the servers (IIS: s-ip, s-port) or clients
    # (ProxySG: c-ip) it names: a deleted line leaves its server or client
    # named by other lines, or its request is out of scope, not missing
    scope = Counter(log.scope_key(i) for i in data)
    rest = [i for i in single if i not in used and scope[log.scope_key(i)] > 1]
    rng.shuffle(rest)
    deleted, named = set(), set()
    for i in rest:
        if len(deleted) < k and log.scope_key(i) not in named:
            deleted.add(i)
            named.add(log.scope_key(i))

    out, origin = [], []             # origin: index in the input, or None (injected)
    for i, l in enumerate(log.lines):
        if i in deleted:
            continue
        if i in edits:
            f = log.fields(i)
            f[ui] = edits[i]
            l = " ".join(f)
        out.append(l)
        origin.append(i)
    # injected lines: a copy of a real line's time, client and server, a
    # URL nobody requested
    for n in range(k):
        src = rng.choice(data)
        f = log.fields(src)
        path = "/never/happened/%d-%d" % (seed, n)
        if log.w3c:
            f[4], f[5], f[7] = path, "-", "CORP\\intruder"
            f[11:14] = ["200", "0", "0"]
        else:
            f[7] = "http://injected.example.com" + path
            f[4], f[8], f[9] = "TCP_NC_MISS/200", "CORP\\intruder", "DIRECT/injected.example.com"
        pos = origin.index(src) + 1 if src in origin else len(out)
        out.insert(pos, " ".join(f))
        origin.insert(pos, None)
    line_of = {o: n for n, o in enumerate(origin, 1) if o is not None}
    with open(outp, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        for l in out:
            f.write(l + "\n")
    with open(expp, "w", encoding="utf-8", newline="\n") as f:
        for i in (a, b):
            f.write("user_mismatch\t%d\n" % line_of[i])
        for i in removed:
            f.write("user_not_logged\t%d\n" % line_of[i])
        for i in added:
            f.write("user_not_on_wire\t%d\n" % line_of[i])
        for n, o in enumerate(origin, 1):
            if o is None:
                f.write("missing_on_wire\t%d\n" % n)
        for i in sorted(deleted):
            ip, port, tx = log.refs[i + 1][:3]
            f.write("missing_in_log\t%s\t%s\t%s\n" % (ip, port, tx))
    print("truth_logs: %s: swapped 2, removed %d, added %d, deleted %d, injected %d"
          % (outp, len(removed), len(added), len(deleted), k))
    if len(removed) < k or len(added) < k or len(deleted) < k:
        sys.exit("truth_logs: the log is too small for k=%d" % k)


# ------------------------------------------------------------------- check

FINDINGS = {"user_mismatch", "user_not_on_wire", "user_not_logged", "missing_in_log",
            "missing_on_wire"}
BENIGN = {"match", "challenge_leg", "unverifiable"}


def split_client(c):
    ip, _, port = c.rpartition(":")
    return ip.strip("[]"), port


def read_map(log_file, maps):
    if log_file not in maps:
        maps[log_file] = {}
        with open(log_file + ".map", encoding="utf-8") as f:
            for l in f:
                n, ip, port, tx, _, _, sip, sport = l.rstrip("\n").split("\t")
                maps[log_file][int(n)] = (ip, port, tx, sip, sport)
    return maps[log_file]


def check(vpath, exp=None):
    got, counts, problems = Counter(), Counter(), []
    maps, mispaired = {}, 0
    with open(vpath, encoding="utf-8") as f:
        for n, l in enumerate(f, 1):
            o = json.loads(l)
            v = o["verdict"]
            counts[v] += 1
            if v == "unverifiable" and not o.get("reason"):
                problems.append("line %d: unverifiable without a reason" % n)
            if v not in FINDINGS and v not in BENIGN:
                problems.append("line %d: unknown verdict %r" % (n, v))
            if not exp and o.get("log_line") is not None and o.get("client"):
                # an honest line pairs with the very request it was written
                # for, or with an identical request of the same client to
                # the same server (which no log can tell apart: counted)
                ip, port = split_client(o["client"])
                sip, sport = split_client(o["server"])
                ref = read_map(o["log_file"], maps).get(o["log_line"])
                if ref != (ip, port, str(o["tx_id"]), sip, sport):
                    mispaired += 1
                    if ref is None or ref[0] != ip or ref[3:] != (sip, sport):
                        problems.append("%s:%d written for %s, paired with %s -> %s tx %s"
                                        % (o["log_file"], o["log_line"], ref, o["client"],
                                           o["server"], o["tx_id"]))
            if v not in FINDINGS:
                continue
            if v == "missing_in_log":
                ip, port = split_client(o["client"])
                got[(v, ip, port, str(o["tx_id"]))] += 1
            else:
                got[(v, str(o["log_line"]))] += 1
    want = Counter()
    if exp:
        with open(exp, encoding="utf-8") as f:
            for l in f:
                want[tuple(l.rstrip("\n").split("\t"))] += 1
    for k in sorted(set(got) | set(want)):
        if got[k] != want[k]:
            problems.append("%s: verify %d, expected %d" % ("\t".join(k), got[k], want[k]))
    print("truth_logs check %s: %s%s" % (vpath, ", ".join("%s %d" % kv for kv in sorted(counts.items())),
                                         "" if exp else ", %d paired with an identical request"
                                         % mispaired))
    for p in problems[:40]:
        print("  " + p)
    if problems:
        print("truth_logs check: %d problem(s)" % len(problems))
        return 1
    if counts["match"] == 0:
        print("truth_logs check: nothing matched at all")
        return 1
    return 0


def main(a):
    if len(a) == 4 and a[0] == "write":
        write_logs(a[1], a[2], a[3])
        return 0
    if len(a) == 6 and a[0] == "tamper":
        tamper(int(a[1]), int(a[2]), a[3], a[4], a[5])
        return 0
    if a and a[0] == "check" and len(a) in (2, 3):
        return check(a[1], a[2] if len(a) == 3 else None)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
