#!/usr/bin/env python3
"""`make bench`: authscope against a libpcap floor and tshark.

Generates (once, cached in $BUILD/bench/) a large synthetic corpus with
gencorpus, then times, BENCH_RUNS times each (median reported):
  - pcap_floor: pcap_open_offline + pcap_dispatch touching every packet;
  - pcapfile_floor: the same through authscope's own pcap reader;
  - authscope -r corpus -o /dev/null (1 worker, and --workers 2 when the
    binary accepts it);
and tshark once, on a smaller corpus from the same generator (tshark is
far slower and its memory grows with the capture), scaled by size.
The commands take turns (one round = each once), so load that comes and
goes on a shared machine hits every row alike.
Every run goes through $BUILD/rusage for wall time and peak RSS.
Prints a markdown table ready for the README, also saved to
$BUILD/bench/results.md.

Environment: BENCH_RUNS (5), BENCH_FLOWS (15000, about 300 MB),
BENCH_SEED (1), BENCH_TSHARK_FLOWS (1500), AUTHSCOPE (./authscope), BUILD.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FLOWS = int(os.environ.get("BENCH_FLOWS", "15000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
TSHARK_FLOWS = int(os.environ.get("BENCH_TSHARK_FLOWS", "1500"))
AUTHSCOPE = os.environ.get("AUTHSCOPE", "./authscope")
DIR = os.path.join(BUILD, "bench")
TSHARK_ARGS = ["-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "ntlmssp.messagetype==3",
               "-T", "fields", "-e", "ntlmssp.auth.username"]


def corpus(flows):
    """Path of the cached corpus for `flows` flows, generated if absent."""
    path = os.path.join(DIR, "corpus-n%d-s%d.pcap" % (flows, SEED))
    if not os.path.exists(path):
        tmp = path + ".tmp"
        print("generating %s ..." % path, file=sys.stderr)
        subprocess.run([os.path.join(BUILD, "gencorpus"), "-n", str(flows), "-s", str(SEED),
                        "-o", tmp], check=True)
        os.rename(tmp, path)
    return path


def timed(cmd, stdout=subprocess.DEVNULL):
    """Run cmd under rusage; return dict wall_s, user_s, sys_s, maxrss_kb, exit."""
    out = os.path.join(DIR, "rusage.out")
    subprocess.run([os.path.join(BUILD, "rusage"), "-o", out] + cmd,
                   stdout=stdout, stderr=subprocess.DEVNULL)
    with open(out) as f:
        kv = dict(item.split("=") for item in f.read().split())
    return {k: float(v) for k, v in kv.items()}


def summarize(results):
    """median wall, CPU and peak RSS of several runs of one command"""
    runs = len(results)
    bad = [r for r in results if r["exit"] != 0]
    if bad:
        return None, "exit %d" % int(bad[0]["exit"])
    return {
        "wall_s": statistics.median(r["wall_s"] for r in results),
        "maxrss_kb": statistics.median(r["maxrss_kb"] for r in results),
        "cpu_s": statistics.median(r["user_s"] + r["sys_s"] for r in results),
        "runs": runs,
    }, None


def floor_count(path):
    out = subprocess.run([os.path.join(BUILD, "pcap_floor"), path], check=True,
                         capture_output=True, text=True).stdout
    kv = dict(item.split("=") for item in out.split())
    return int(kv["packets"]), int(kv["bytes"])


def accepts_workers(small):
    """True when authscope runs with --workers 2 on a small capture."""
    r = subprocess.run([AUTHSCOPE, "--workers", "2", "-r", small, "-o", "/dev/null"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def thread_cpu(cmd):
    """CPU seconds (user + sys) per thread of one run, in thread start order,
    sampled from /proc every 20 ms (a thread's last few ms may be missed)."""
    tick = os.sysconf("SC_CLK_TCK")
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = {}
    while p.poll() is None:
        try:
            tids = os.listdir("/proc/%d/task" % p.pid)
        except OSError:
            tids = []
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/stat" % (p.pid, tid)) as f:
                    parts = f.read().rsplit(")", 1)[1].split()
                seen[int(tid)] = (int(parts[11]) + int(parts[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(0.02)
    return [seen[t] for t in sorted(seen)]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    os.makedirs(DIR, exist_ok=True)
    try:
        load1 = os.getloadavg()[0]
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load1, load = 0.0, "?"
    big = corpus(FLOWS)
    small = corpus(TSHARK_FLOWS)
    size = os.path.getsize(big)
    packets, _ = floor_count(big)
    small_size = os.path.getsize(small)
    small_packets, _ = floor_count(small)

    # every command once per round, RUNS rounds: load that comes and goes
    # on a shared machine then hits every row alike
    plan = [("libpcap floor (pcap_floor)", [os.path.join(BUILD, "pcap_floor"), big])]
    ours = os.path.join(BUILD, "pcapfile_floor")
    if os.access(ours, os.X_OK):
        plan.append(("authscope's reader alone (pcapfile_floor)", [ours, big]))
    notes = []
    cmd2 = None
    if os.access(AUTHSCOPE, os.X_OK):
        plan.append(("authscope -r, 1 worker", [AUTHSCOPE, "-r", big, "-o", "/dev/null"]))
        if accepts_workers(small):
            cmd2 = [AUTHSCOPE, "--workers", "2", "-r", big, "-o", "/dev/null"]
            plan.append(("authscope -r --workers 2", cmd2))
        else:
            notes.append("`--workers 2` not accepted by this authscope: row omitted.")
    else:
        notes.append("authscope: %s is missing (not built yet): no authscope rows." % AUTHSCOPE)
    runs = {name: [] for name, _ in plan}
    for _ in range(RUNS):
        for name, cmd in plan:
            runs[name].append(timed(cmd))
    rows = []   # (name, result, note, size, packets)
    for name, _ in plan:
        res, err = summarize(runs[name])
        rows.append((name, res, err, size, packets))
    if not os.access(AUTHSCOPE, os.X_OK):
        rows.append(("authscope -r", None, "missing", size, packets))
    floor = rows[0][1]
    if cmd2:
        per = thread_cpu(cmd2)
        if len(per) >= 2:
            notes.append("Where the time goes with `--workers 2` (CPU s per thread, one run "
                         "sampled from /proc): the reading thread (file read, hash, worker 0's "
                         "share of the flows, copies of the rest into worker 1's batches) "
                         "%.2f, worker thread%s %s." % (
                             per[0], "s" if len(per) > 2 else "",
                             ", ".join("%.2f" % x for x in per[1:])))

    tshark = None
    try:
        res = timed(["tshark", "-r", small] + TSHARK_ARGS)
        tshark = {"wall_s": res["wall_s"], "maxrss_kb": res["maxrss_kb"],
                  "cpu_s": res["user_s"] + res["sys_s"], "runs": 1}
        err = None if res["exit"] == 0 else "exit %d" % int(res["exit"])
    except FileNotFoundError:
        err = "tshark not installed"
    rows.append(("tshark -Y ntlmssp.messagetype==3 -e ntlmssp.auth.username",
                 tshark if not err else None, err, small_size, small_packets))
    notes.append("tshark ran once, on a %d-flow corpus from the same generator and seed "
                 "(%.1f MB, %d packets) instead of the full one: its MB/s and packets/s are "
                 "from that run; its peak RSS grows with the capture, so on the full corpus "
                 "it would be higher." % (TSHARK_FLOWS, small_size / 1e6, small_packets))

    def rate(r, nbytes, npk):
        return nbytes / 1e6 / r["wall_s"], npk / r["wall_s"]

    floor_mbs = rate(floor, size, packets)[0] if floor else None
    tshark_mbs = rate(tshark, small_size, small_packets)[0] if tshark else None
    if load1 > (os.cpu_count() or 1) / 2:
        notes.append("The machine was busy (load %.2f): wall times include waiting for a CPU; "
                     "the CPU s column (user + sys) is the steadier figure." % load1)
    lines = []
    lines.append("Benchmark, %s UTC. Machine: %d CPUs (nproc), %s, load average %s at the start."
                 % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                    os.cpu_count() or 0, cpu_model(), load))
    lines.append("Corpus: `gencorpus -n %d -s %d` (synthetic, see tests/gen/README.md), "
                 "%.1f MB, %d packets, read from the page cache (warm). MB = 10^6 bytes of pcap "
                 "file; times are wall-clock medians of %d runs (tshark: 1 run); RSS is the "
                 "peak resident set."
                 % (FLOWS, SEED, size / 1e6, packets, RUNS))
    lines.append("")
    lines.append("| tool | wall s | MB/s | packets/s | vs floor | vs tshark | CPU s "
                 "| CPU vs floor | peak RSS MB |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r, err, nbytes, npk in rows:
        if r is None:
            lines.append("| %s | %s | | | | | | | |" % (name, err))
            continue
        mbs, pps = rate(r, nbytes, npk)
        vf = "%.3gx" % (mbs / floor_mbs) if floor_mbs else ""
        vt = "%.3gx" % (mbs / tshark_mbs) if tshark_mbs else ""
        cf = "%.3gx" % (floor["cpu_s"] / r["cpu_s"]) if floor and r["cpu_s"] > 0 else ""
        lines.append("| %s | %.3f | %.1f | %.0f | %s | %s | %.3f | %s | %.1f |" % (
            name, r["wall_s"], mbs, pps, vf, vt, r["cpu_s"], cf, r["maxrss_kb"] / 1024))
    lines.append("")
    for n in notes:
        lines.append("- " + n)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(DIR, "results.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
