#!/usr/bin/env python3
"""Hold http/'s transactions (via httpdump) against tshark's HTTP pairing.

For each capture: tshark lists every HTTP request and response with the
frame numbers that pair them (http.request_in); we build, per connection
(client ip:port -> server ip:port), the ordered list of requests with the
final status of the response tshark paired with each.  httpdump must give
the same list for every connection tshark sees as HTTP: same requests in
the same order (method, url), and the same status; where tshark saw no
response, ours is -1, or a status with HTTP_ANOM_GAP (we read the status
line of a response whose body was lost; tshark reports only responses it
could reassemble whole).  Connections only we call HTTP (tshark only looks at
known ports) are reported, not failed.

usage: check_http.py HTTPDUMP CAPTURE...
exit 0 when every capture agrees, 1 otherwise.
"""
import subprocess
import sys
from collections import defaultdict, OrderedDict

FIELDS = ["frame.number", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst",
          "tcp.dstport", "http.request.method", "http.request.uri",
          "http.response.code", "http.request_in"]


def last(v):
    # tunnels (GRE) give several ip.src values: the inner one is last
    return v.split(",")[-1] if v else v


def tshark_view(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "http.request || http.response",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    reqs = OrderedDict()        # frame -> [conn key, method, uri, status]
    finals = {}
    for line in out.splitlines():
        c = dict(zip(FIELDS, line.split("\t")))
        src = last(c["ip.src"]) or last(c["ipv6.src"])
        dst = last(c["ip.dst"]) or last(c["ipv6.dst"])
        sport, dport = last(c["tcp.srcport"]), last(c["tcp.dstport"])
        # one frame can carry several requests/responses (pipelining)
        methods = c["http.request.method"].split(",") if c["http.request.method"] else []
        uris = c["http.request.uri"].split(",") if c["http.request.uri"] else []
        codes = c["http.response.code"].split(",") if c["http.response.code"] else []
        req_in = c["http.request_in"].split(",") if c["http.request_in"] else []
        for i, m in enumerate(methods):
            key = (src, sport, dst, dport)
            reqs[(int(c["frame.number"]), i)] = [key, m, uris[i] if i < len(uris) else "", -1]
        for i, code in enumerate(codes):
            if i < len(req_in) and req_in[i]:
                code = int(code)
                if 100 <= code < 200 and code != 101:
                    continue
                finals[int(req_in[i])] = code
    per_conn = defaultdict(list)
    seen_frames = defaultdict(int)
    tunnel = set()              # connections past a CONNECT answered 2xx
    for (frame, i), (key, m, uri, _) in reqs.items():
        # tshark's request_in names the frame; several requests in one frame
        # are answered in order
        st = finals.get(frame, -1) if i == 0 else -2
        if key in tunnel:
            # tshark decodes the HTTP inside a CONNECT tunnel (pcaps/
            # proxy-connect); those bytes are opaque tunnel data, not
            # transactions of the proxy connection
            continue
        if m == "CONNECT" and 200 <= st < 300:
            tunnel.add(key)
        per_conn[key].append((m, uri, st))
        seen_frames[frame] += 1
    return per_conn


def our_view(tool, path):
    out = subprocess.run([tool, path], capture_output=True, text=True, check=True).stdout
    per_conn = defaultdict(list)
    stats = ""
    for line in out.splitlines():
        p = line.split("\t")
        if p[0] == "stats":
            stats = " ".join(p[1:])
            continue
        key = (p[3], p[4], p[5], p[6])
        per_conn[key].append((p[7], p[8], int(p[9]), int(p[10], 16)))
    return per_conn, stats


def compare(tool, path):
    theirs = tshark_view(path)
    ours, stats = our_view(tool, path)
    bad = []
    for key, treqs in theirs.items():
        oreqs = [r for r in ours.get(key, []) if r[0] != "-"]
        if [(m, u) for m, u, _ in treqs] != [(m, u) for m, u, _, _ in oreqs]:
            bad.append(f"{key}: requests differ\n  tshark: {[(m, u) for m, u, _ in treqs]}\n"
                       f"  ours:   {[(m, u) for m, u, _, _ in oreqs]}")
            continue
        for (m, u, ts), (_, _, os_, anom) in zip(treqs, oreqs):
            if ts == -2:
                continue        # several requests in one frame: tshark pairs only the first
            if ts == -1 and os_ >= 0 and anom & 0x1:
                continue        # we read a status line whose body was lost: tshark shows none
            if ts != os_:
                bad.append(f"{key}: {m} {u}: tshark status {ts}, ours {os_} (anomalies {anom:#x})")
    extra = [k for k in ours if k not in theirs]
    name = path.split("/")[-1]
    ntx = sum(len(v) for v in ours.values())
    print(f"{'FAIL' if bad else 'ok  '} {name}: {sum(len(v) for v in theirs.values())} tshark requests,"
          f" {ntx} transactions; {stats}")
    for b in bad:
        print("   ", b)
    for k in extra:
        print(f"     note: only we see HTTP on {k}: {len(ours[k])} transactions")
    return not bad


def main():
    tool, paths = sys.argv[1], sys.argv[2:]
    ok = all([compare(tool, p) for p in paths])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
