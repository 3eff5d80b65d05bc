#!/usr/bin/env python3
"""Per-direction TCP bytes of capdump against tshark, for any capture.

For every TCP direction tshark sees (keyed by its endpoints), the bytes the
captured segments cover from the stream start (ISN+1 after a SYN, else the
first segment seen), clipped at the first FIN, must equal what capdump
delivered, and delivered + gap bytes must equal the sequence span up to the
last segment or FIN.  The flow count must equal tshark's conv,tcp count.
usage: compare_tshark.py CAPTURE CAPDUMP
"""
import subprocess, sys, collections
path = sys.argv[1]
out = subprocess.run(["tshark","-r",path,"-Y","tcp","-T","fields","-E","separator=|","-e","tcp.stream","-e","ip.src","-e","ipv6.src","-e","ip.dst","-e","ipv6.dst","-e","tcp.srcport","-e","tcp.dstport","-e","tcp.seq_raw","-e","tcp.len","-e","tcp.flags.syn","-e","tcp.flags.fin","-e","tcp.flags.reset"],capture_output=True,text=True).stdout
streams = collections.defaultdict(list)
for line in out.splitlines():
    st, s4, s6, d4, d6, sp, dp, seq, ln, syn, fin, rst = line.split("|")
    src = (s4 or s6).split(",")[-1]; dst = (d4 or d6).split(",")[-1]
    streams[st].append(((src, int(sp)), (dst, int(dp)), int(seq), int(ln), syn in ("1","True"), fin in ("1","True"), rst in ("1","True")))
exp = {}
for st, segs in streams.items():
    d = {}
    for src, dst, seq, ln, syn, fin, rst in segs:
        k = (src, dst)
        e = d.setdefault(k, {"start": None, "iv": [], "end": None, "fin": False})
        if syn and e["start"] is None: e["start"] = (seq + 1) % 2**32
        if rst: continue
        if syn: seq = (seq + 1) % 2**32
        if e["start"] is None and (ln or fin): e["start"] = seq
        if e["start"] is None: continue
        rel = (seq - e["start"]) % 2**32
        if rel >= 2**31: rel -= 2**32
        lo, hi = max(rel, 0), rel + ln
        if e["fin"] is not False: hi = min(hi, e["fin"])
        if hi > lo: e["iv"].append((lo, hi))
        if (ln or fin) and hi > 0: e["end"] = hi if e["end"] is None else max(e["end"], hi)
        if fin and e["fin"] is False: e["fin"] = rel + ln
    for k, e in d.items():
        cov, cur = 0, 0
        for lo, hi in sorted(e["iv"]):
            lo = max(lo, cur)
            if hi > lo: cov += hi - lo; cur = hi
        exp.setdefault(k, []).append((cov, e["end"] or 0))
ours = subprocess.run([sys.argv[2], path], capture_output=True, text=True).stdout
bad = n = 0
for line in ours.splitlines():
    if not line.startswith("flow "): continue
    p = line.split(); f = dict(kv.split("=",1) for kv in p[4:])
    def ep(s):
        h, port = s.rsplit(":",1); return (h.strip("[]"), int(port))
    a, b = ep(p[2]), ep(p[3])
    for k, got, gap in (((a,b), int(f["ab"]), int(f["gap_ab"])), ((b,a), int(f["ba"]), int(f["gap_ba"]))):
        n += 1
        cands = exp.get(k, [(0,0)])
        if (got, got+gap) not in [(c, s) for c, s in cands]:
            bad += 1
            if bad < 10: print("MISMATCH", k, got, gap, cands)
convs = sum(1 for l in subprocess.run(["tshark", "-r", path, "-q", "-z", "conv,tcp"], capture_output=True, text=True).stdout.splitlines() if "<->" in l)
flows = sum(1 for l in ours.splitlines() if l.startswith("flow "))
if flows != convs:
    bad += 1
    print(f"MISMATCH: {flows} flows, tshark conv,tcp has {convs}")
print(f"{flows} flows, {n} directions, {bad} mismatches")
sys.exit(1 if bad or n == 0 else 0)
