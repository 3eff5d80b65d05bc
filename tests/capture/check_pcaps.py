#!/usr/bin/env python3
"""Check capture/ on the public captures against tshark and the MANIFEST.

For each file: capdump (our flows: bytes and gap bytes per direction) is
compared with what tshark says at TCP level:
  - the same TCP conversations (`tshark -z conv,tcp`: endpoint pairs);
  - per direction, from tshark's per-segment fields (tcp.seq_raw, tcp.len):
    the bytes covered by the captured segments from the stream's start
    (ISN+1 after a SYN, else the first segment seen) must equal what we
    delivered, and delivered + gaps must equal the sequence span up to the
    last segment or FIN.  (conv,tcp's byte columns count whole frames,
    headers and, for GRE, outer fragments, so they are not comparable
    with payload bytes.)
Then the facts the MANIFEST states at TCP level.
usage: check_pcaps.py CAPDUMP PCAPDIR
"""
import re
import struct
import subprocess
import sys
import tempfile

CAPDUMP, DIR = sys.argv[1], sys.argv[2]
FILES = ["zeek-erspan-sharepoint.pcap", "ndpi-webdav.pcap",
         "arkime-ntlm-synthetic.pcap", "bruteshark-http-ntlm.pcap",
         "bruteshark-http-ntlm-gssapi.pcap", "bruteshark-kerberos-v5-udp-2.pcap",
         "bruteshark-kerberos-v5-udp-3.pcap"]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL", msg)


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def capdump(path):
    flows, stats = [], {}
    for line in run([CAPDUMP, path]).splitlines():
        if line.startswith("flow "):
            f = dict(kv.split("=", 1) for kv in line.split()[4:])
            parts = line.split()
            f["a"], f["b"] = parts[2], parts[3]
            flows.append(f)
        elif line.startswith("stats "):
            stats = {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    return flows, stats


def port_of(ep):
    return int(ep.rsplit(":", 1)[1])


def tshark_conversations(path):
    convs = set()
    for line in run(["tshark", "-r", path, "-q", "-z", "conv,tcp"]).splitlines():
        m = re.match(r"^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s", line)
        if m:
            convs.add(frozenset([(m.group(1), int(m.group(2))), (m.group(3), int(m.group(4)))]))
    return convs


def tshark_segments(path):
    out = run(["tshark", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=|",
               "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq_raw",
               "-e", "tcp.len", "-e", "tcp.flags.syn", "-e", "tcp.flags.fin",
               "-e", "tcp.flags.reset"])
    segs = []
    for line in out.splitlines():
        sp, dp, seq, ln, syn, fin, rst = line.split("|")
        segs.append((int(sp), int(dp), int(seq), int(ln), syn in ("1", "True"),
                     fin in ("1", "True"), rst in ("1", "True")))
    return segs


def expected_directions(segs):
    """(sport, dport) -> (covered bytes, span) from the segments alone."""
    st = {}
    for sp, dp, seq, ln, syn, fin, rst in segs:
        d = st.setdefault((sp, dp), {"start": None, "iv": [], "end": None, "fin": False})
        if syn and d["start"] is None:
            d["start"] = (seq + 1) % 2**32
        if rst:
            continue
        if syn:
            seq = (seq + 1) % 2**32
        if d["start"] is None and (ln or fin):
            d["start"] = seq
        if d["start"] is None:
            continue
        rel = (seq - d["start"]) % 2**32
        if rel >= 2**31:
            rel -= 2**32
        lo, hi = max(rel, 0), rel + ln
        if d["fin"] is not False:          # nothing counts past the first FIN
            hi = min(hi, d["fin"])
        if hi > lo:
            d["iv"].append((lo, hi))
        if (ln or fin) and hi > 0:
            d["end"] = hi if d["end"] is None else max(d["end"], hi)
        if fin and d["fin"] is False:
            d["fin"] = rel + ln
    res = {}
    for k, d in st.items():
        covered, cur = 0, 0
        for lo, hi in sorted(d["iv"]):
            lo = max(lo, cur)
            if hi > lo:
                covered += hi - lo
                cur = hi
        res[k] = (covered, d["end"] or 0)
    return res


def fnv1a(data):
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) % 2**64
    return f"{h:016x}"


def tshark_follow(path, nstreams):
    """(sport, dport) -> FNV-1a of that direction's bytes, per tshark."""
    res = {}
    for i in range(nstreams):
        out = run(["tshark", "-r", path, "-q", "-z", f"follow,tcp,raw,{i}"])
        nodes, data = [], [bytearray(), bytearray()]
        for line in out.splitlines():
            m = re.match(r"^Node ([01]): .*:(\d+)$", line)
            if m:
                nodes.append(int(m.group(2)))
            elif re.match(r"^\t?[0-9a-f]+$", line):
                data[1 if line.startswith("\t") else 0] += bytes.fromhex(line.strip())
        if len(nodes) == 2:
            res[(nodes[0], nodes[1])] = fnv1a(data[0])
            res[(nodes[1], nodes[0])] = fnv1a(data[1])
    return res


def check_file(name):
    path = f"{DIR}/{name}"
    flows, stats = capdump(path)
    convs = tshark_conversations(path)
    ours = set()
    for f in flows:
        a, b = f["a"].strip("[]"), f["b"]
        ours.add(frozenset([(f["a"].rsplit(":", 1)[0].strip("[]"), port_of(f["a"])),
                            (f["b"].rsplit(":", 1)[0].strip("[]"), port_of(f["b"]))]))
    if ours != convs:
        fail(f"{name}: flows {sorted(map(sorted, ours))} != tshark conv,tcp {sorted(map(sorted, convs))}")
    exp = expected_directions(tshark_segments(path))
    for f in flows:
        pa, pb = port_of(f["a"]), port_of(f["b"])
        for key, got, gap in (((pa, pb), int(f["ab"]), int(f["gap_ab"])),
                              ((pb, pa), int(f["ba"]), int(f["gap_ba"]))):
            covered, span = exp.get(key, (0, 0))
            if got != covered:
                fail(f"{name}: flow {f['a']}->{f['b']} {key}: delivered {got} != tshark segments cover {covered}")
            if got + gap != span:
                fail(f"{name}: flow {key}: delivered+gap {got}+{gap} != sequence span {span}")
    # without gaps, the bytes themselves must be what tshark's follow shows
    follow = tshark_follow(path, len(convs))
    same = 0
    for f in flows:
        pa, pb = port_of(f["a"]), port_of(f["b"])
        for key, fnv, gap in (((pa, pb), f["fnv_ab"], f["gap_ab"]), ((pb, pa), f["fnv_ba"], f["gap_ba"])):
            if gap == "0" and follow.get(key) != fnv:
                fail(f"{name}: flow {key}: bytes differ from tshark follow,tcp,raw")
            same += gap == "0" and follow.get(key) == fnv
    print(f"{name}: {len(flows)} flows, tshark agrees; {same} directions byte-identical to follow,tcp" if not failures else f"{name}: checked")
    return flows, stats


def record_starts(data):
    """byte offsets where each record (pcap) or block (pcapng) begins"""
    starts = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        o = 0
        while o + 8 <= len(data):
            starts.append(o)
            o += struct.unpack("<I", data[o + 4:o + 8])[0]
    else:
        o = 24
        while o + 16 <= len(data):
            starts.append(o)
            o += 16 + struct.unpack("<I", data[o + 8:o + 12])[0]
    return starts


def check_truncated(name):
    """cut the file inside a record: exit 1, the offset of that record"""
    data = open(f"{DIR}/{name}", "rb").read()
    starts = record_starts(data)
    for cut in (starts[len(starts) // 2] + 5, starts[-1] + 3, len(data) - 1):
        start = max(o for o in starts if o < cut)
        with tempfile.NamedTemporaryFile(suffix=".cut") as t:
            t.write(data[:cut])
            t.flush()
            p = subprocess.run([CAPDUMP, t.name], capture_output=True, text=True)
            want = f"{t.name}: truncated at byte offset {start} "
            if p.returncode != 1 or want not in p.stderr:
                fail(f"{name} cut at {cut}: rc {p.returncode}, stderr {p.stderr!r}, want {want!r}")
            elif "flow 1 " not in p.stdout:
                fail(f"{name} cut at {cut}: flows before the damage not delivered")
    print(f"{name}: truncated copies report the damaged record's offset")


def main():
    res = {n: check_file(n) for n in FILES}
    check_truncated("zeek-erspan-sharepoint.pcap")
    check_truncated("ndpi-webdav.pcap")

    flows, st = res["zeek-erspan-sharepoint.pcap"]
    to80 = [f for f in flows if f["b"] == "192.168.69.2:80"]
    if len(flows) != 5 or len(to80) != 5:
        fail(f"zeek: want 5 TCP connections to 192.168.69.2:80, got {len(to80)} of {len(flows)}")
    if any(int(f["ab"]) == 0 or int(f["ba"]) == 0 for f in to80):
        fail("zeek: a connection delivered no bytes in one direction")
    if st["ip_reassembled"] == 0 or st["tunnels"] == 0:
        fail(f"zeek: outer fragments not reassembled or GRE not decapsulated: {st}")

    flows, st = res["ndpi-webdav.pcap"]
    if len(flows) != 8 or any(port_of(f["b"]) != 80 or f["syn"] != "1" for f in flows):
        fail(f"ndpi-webdav: want 8 connections to port 80 with SYN, got {[(f['a'], f['b']) for f in flows]}")

    flows, st = res["arkime-ntlm-synthetic.pcap"]
    v6 = [f for f in flows if f["a"].startswith("[")]
    if len(flows) != 14 or len(v6) != 6:
        fail(f"arkime: want 14 connections, 6 over IPv6; got {len(flows)}, {len(v6)}")

    flows, st = res["bruteshark-http-ntlm.pcap"]
    if len(flows) != 6 or any(f["syn"] != "0" or port_of(f["b"]) != 80 for f in flows):
        fail("bruteshark-http-ntlm: want 6 SYN-less connections with the server (port 80) as B")
    if st["gaps"] == 0 or st["gap_bytes"] == 0:
        fail("bruteshark-http-ntlm: gaps not reported")

    flows, st = res["bruteshark-http-ntlm-gssapi.pcap"]
    if len(flows) != 1 or flows[0]["close"] != "rst":
        fail("bruteshark-http-ntlm-gssapi: want one connection closed by RST")

    print(f"{len(failures)} failures")
    return 1 if failures else 0


sys.exit(main())
