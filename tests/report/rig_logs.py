#!/usr/bin/env python3
"""Hold authscope's log lines against the real servers' own logs.

pcaps/ holds captures of a real Apache and a real Squid with the lines they
wrote (see pcaps/README.md).  For every Apache scenario, `authscope -F
combined-debian` must write exactly the lines of NAME.combined.log (Debian's
combined: %O).  For every Squid scenario, `authscope -F squid` must agree
with NAME.server.log on every field the wire determines: client, action/
code, size, method, URL, user, hierarchy.  Not compared, with the reason:
  - Squid's timestamp and elapsed ms: Squid's clock, not the wire's;
  - Squid's mime type: not in the wire records (http_tx has no
    Content-Type);
  - proxy-ntlm's user: Squid's ntlm_fake_auth helper mangles the name
    (pcaps/README.md); we check only that both sides have a user there;
  - the size of a CONNECT (TCP_TUNNEL) line: Squid counts every byte it sent
    the client through the tunnel; authscope's record is written when the
    CONNECT's answer ends (http.h: nothing after it is parsed), so its size
    is that answer's only (proxy-connect: Squid 300, authscope 39).  We
    check only that authscope's is not larger.
Lines are compared as sorted lists: the order across connections is the
servers' completion order, not a property of the format.

usage: rig_logs.py AUTHSCOPE PCAPDIR
"""
import os
import subprocess
import sys


def run(authscope, pcapdir, name, fmt):
    cmd = [authscope, "-q", "-r", os.path.join(pcapdir, name + ".pcap"),
           "--keytab", os.path.join(pcapdir, "authscope-test.keytab"),
           "-F", fmt]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                 p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8", errors="surrogateescape").splitlines()


def read_lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [l.rstrip("\n") for l in f if l.strip()]


def squid_fields(line, mask_user):
    f = line.split()
    if len(f) != 10:
        raise ValueError("not a Squid native line: %r" % line)
    # time elapsed client action/code size method url user hier mime
    user = f[7]
    if mask_user:
        user = "-" if user == "-" else "USER"
    size = "TUNNEL" if f[5] == "CONNECT" else f[4]
    return (f[2], f[3], size, f[5], f[6], user, f[8])


def tunnel_sizes(lines):
    """sizes of the CONNECT lines, sorted"""
    return sorted(int(l.split()[4]) for l in lines if l.split()[5:6] == ["CONNECT"])


def main():
    authscope, pcapdir = sys.argv[1], sys.argv[2]
    names = sorted(n[:-len(".pcap")] for n in os.listdir(pcapdir)
                   if n.endswith(".pcap"))
    checked = failures = 0
    for name in names:
        combined = os.path.join(pcapdir, name + ".combined.log")
        server = os.path.join(pcapdir, name + ".server.log")
        if os.path.exists(combined):
            want = sorted(read_lines(combined))
            got = sorted(run(authscope, pcapdir, name, "combined-debian"))
        elif name.startswith("proxy-") and os.path.exists(server):
            mask = name == "proxy-ntlm"
            ours = run(authscope, pcapdir, name, "squid")
            want = sorted(squid_fields(l, mask) for l in read_lines(server))
            got = sorted(squid_fields(l, mask) for l in ours)
            ts_squid, ts_ours = tunnel_sizes(read_lines(server)), tunnel_sizes(ours)
            if len(ts_squid) != len(ts_ours) or any(
                    not 0 < o <= q for o, q in zip(ts_ours, ts_squid)):
                failures += 1
                print("MISMATCH %s: CONNECT sizes: Squid %s, authscope %s (want 0 < ours <= Squid's)"
                      % (name, ts_squid, ts_ours))
        else:
            continue
        checked += 1
        if want != got:
            failures += 1
            print("MISMATCH %s" % name)
            for w in want:
                if w not in got:
                    print("  server only:    %s" % (w,))
            for g in got:
                if g not in want:
                    print("  authscope only: %s" % (g,))
        else:
            print("ok %s (%d lines)" % (name, len(want)))
    print("%d scenarios checked, %d mismatched" % (checked, failures))
    if checked == 0:
        print("no scenario found in %s" % pcapdir)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
