#!/usr/bin/env python3
"""seed_capture.py - seeds for fuzz_capture and fuzz_pipeline from captures.

usage: seed_capture.py OUTDIR_CAPTURE OUTDIR_PIPELINE PCAP...

fuzz_capture input: config byte, then per packet: dlt selector (0 =
Ethernet in fuzz_capture.c's table), time step (256 us units), le16 length,
the bytes, wirelen extra.  fuzz_pipeline input: a pcap file.  Each seed
keeps whole packets up to SEED_MAX bytes (the fuzzers' -max_len).
"""
import hashlib
import os
import struct
import sys

SEED_MAX = 65536


def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return None, []
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        e = '>'
    else:
        return None, []          # pcapng: not seeded here
    out, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break
        out.append((sec, usec, data[off:off + incl], orig))
        off += incl
    return data[:24], out


def write(outdir, blob):
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(outdir, name), 'wb') as f:
        f.write(blob)


def main():
    cap_dir, pipe_dir = sys.argv[1], sys.argv[2]
    os.makedirs(cap_dir, exist_ok=True)
    os.makedirs(pipe_dir, exist_ok=True)
    for path in sys.argv[3:]:
        hdr, pkts = packets(path)
        if not pkts:
            continue
        # fuzz_capture: 1 MiB memcap, default timeouts
        blob, last = bytearray([2 | (2 << 3)]), None
        for sec, usec, pkt, orig in pkts:
            ts = sec * 1000000 + usec
            step = 0 if last is None else min(255, max(0, (ts - last) >> 8))
            last = ts
            rec = bytes([0, step]) + struct.pack('<H', min(len(pkt), 65535)) + pkt[:65535] + bytes([0])
            if len(blob) + len(rec) > SEED_MAX:
                break
            blob += rec
        write(cap_dir, bytes(blob))
        # fuzz_pipeline: the capture itself, whole records only
        blob = bytearray(hdr)
        for sec, usec, pkt, orig in pkts:
            rec = struct.pack('<IIII', sec, usec, len(pkt), orig) + pkt
            if len(blob) + len(rec) > SEED_MAX:
                break
            blob += rec
        if struct.unpack('<I', hdr[:4])[0] not in (0xa1b2c3d4, 0xa1b23c4d):
            continue             # big-endian file: records rewritten little-endian would lie
        write(pipe_dir, bytes(blob))


if __name__ == '__main__':
    main()
