#!/usr/bin/env python3
"""Check gencorpus's truth against tshark, an independent parser.

usage: tshark_vs_truth.py TRUTH.tsv HTTP_FIELDS.tsv NTLM_FIELDS.tsv

HTTP_FIELDS: `tshark -Y http -T fields -E occurrence=a -E aggregator=|`
with ip.src ipv6.src tcp.srcport ip.dst ipv6.dst tcp.dstport
http.request.method http.request.uri http.response.code.
NTLM_FIELDS: `-Y ntlmssp.messagetype==3` with ip.src ipv6.src tcp.srcport
ip.dst ipv6.dst tcp.dstport ntlmssp.auth.username ntlmssp.auth.domain
ntlmssp.auth.hostname.

Per connection (client ip, port, server ip, port), in order:
  - the requests tshark saw (method, url) == the truth rows;
  - the final (non-1xx) status codes tshark saw == the truth statuses that
    are not "-" (a 100 Continue is not a transaction's status), up to the
    connection's first HEAD or first pipelined burst (several requests in
    one frame); after that, each status tshark reports need only be one
    of the truth's remaining statuses.  The explained difference: tshark
    4.0 reads the Content-Length of a HEAD response as a body to wait for,
    and loses track of answers to pipelined requests (it swallows some and
    reports others twice when it re-dissects a reassembled PDU);
  - the NTLM Type 3 names tshark decoded (user, domain, workstation) ==
    the truth rows that carried a Type 3 (NTLM/Negotiate, not inherited,
    result success/failure).
Exit 0 when all agree, 1 with the differences listed.
"""
import collections
import ipaddress
import sys


def norm_ip(s):
    return str(ipaddress.ip_address(s))


def read_truth(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def fields(path, n):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            cols += [""] * (n - len(cols))
            src = norm_ip(cols[0] or cols[1])
            dst = norm_ip(cols[3] or cols[4])
            yield (src, int(cols[2]), dst, int(cols[5])), cols[6:]


def main():
    truth_path, http_path, ntlm_path = sys.argv[1:4]
    truth = read_truth(truth_path)
    t_req = collections.defaultdict(list)
    t_st = collections.defaultdict(list)
    t_ntlm = collections.defaultdict(list)
    first_head = {}     # connection -> statuses before its first HEAD
    for r in truth:
        key = (norm_ip(r["client_ip"]), int(r["client_port"]),
               norm_ip(r["server_ip"]), int(r["server_port"]))
        t_req[key].append((r["method"], r["url"]))
        if r["status"] != "-":
            t_st[key].append(r["status"])
        if r["method"] == "HEAD" and key not in first_head:
            first_head[key] = len(t_st[key]) - (r["status"] != "-")
        if (r["auth_scheme"] in ("NTLM", "Negotiate") and r["inherited"] == "0"
                and r["result"] in ("success", "failure")):
            t_ntlm[key].append((r["user"], r["domain"], r["workstation"]))

    s_req = collections.defaultdict(list)
    s_st = collections.defaultdict(list)
    first_pipe = {}     # connection -> requests before its first pipelined frame
    for (src, sp, dst, dp), c in fields(http_path, 9):
        methods = c[0].split("|") if c[0] else []
        uris = c[1].split("|") if c[1] else []
        codes = c[2].split("|") if c[2] else []
        if methods:
            key = (src, sp, dst, dp)
            if len(methods) > 1 and key not in first_pipe:
                first_pipe[key] = len(s_req[key])
            s_req[key].extend(zip(methods, uris))
        for code in codes:
            if not code.startswith("1"):
                s_st[(dst, dp, src, sp)].append(code)

    def dash(v):
        return "-" if v in ("", "NULL") else v

    s_ntlm = collections.defaultdict(list)
    for key, c in fields(ntlm_path, 9):
        s_ntlm[key].append(tuple(dash(v) for v in c[:3]))


    problems = []
    relaxed = 0
    for key in set(first_head) | set(first_pipe):
        t, s = t_st.get(key, []), s_st.get(key, [])
        # requests before the first pipelined frame were each answered
        n = min(first_head.get(key, len(t)), first_pipe.get(key, len(t)))
        if t[:n] == s[:n] and set(s[n:]) <= set(t[n:]):
            relaxed += 1
            t_st.pop(key, None)
            s_st.pop(key, None)
    for what, t, s in (("requests", t_req, s_req), ("statuses", t_st, s_st),
                       ("NTLM Type 3 names", t_ntlm, s_ntlm)):
        for key in sorted(set(t) | set(s)):
            if t.get(key, []) != s.get(key, []):
                problems.append("%s %s:%d -> %s:%d\n    truth:  %s\n    tshark: %s" % (
                    what, key[0], key[1], key[2], key[3], t.get(key, []), s.get(key, [])))
    n_req = sum(len(v) for v in t_req.values())
    n_ntlm = sum(len(v) for v in t_ntlm.values())
    print("truth: %d connections, %d transactions, %d NTLM Type 3; tshark: %d requests, %d Type 3"
          % (len(t_req), n_req, n_ntlm, sum(len(v) for v in s_req.values()),
             sum(len(v) for v in s_ntlm.values())))
    for p in problems[:40]:
        print("MISMATCH", p)
    if problems:
        print("%d mismatches" % len(problems))
        return 1
    print("tshark agrees with the truth (%d connections compared exactly only up to their first HEAD or pipelined burst)"
          % relaxed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
