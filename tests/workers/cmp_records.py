#!/usr/bin/env python3
"""Compare two authscope JSON outputs as sets of records.

Usage: cmp_records.py [--live] ONE.jsonl MANY.jsonl
flow_id and handshake_id are left out (with --workers N they are numbered
per worker: k+1, k+1+N...), and so is the stats record; what is left of
every record must occur the same number of times in both files.  Also
checks that flow_id is unique per connection and handshake_id per
handshake in MANY (the numbering may differ, the grouping may not).
"""
import collections
import json
import sys

DROP = ["flow_id", "handshake_id"]
# --live: the records of a live capture of a replayed file carry the
# replay's clock, not the file's
LIVE_DROP = ["timestamp", "time_taken_ms"]


def load(path):
    recs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                recs.append(json.loads(line))
            except ValueError as e:
                sys.exit("%s:%d: not JSON: %s" % (path, n, e))
    return [r for r in recs if r.get("event_type") != "stats"]


def strip(v):
    """v without the per-worker ids, at any depth (auth.handshake_id)."""
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in DROP}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def key(r):
    return json.dumps(strip(r), sort_keys=True)


def groups(recs, field):
    """The records grouped by `field`, as a set of frozensets of keys."""
    g = collections.defaultdict(list)
    for r in recs:
        v = r.get(field)
        if v not in (None, 0):
            g[(r.get("event_type"), v) if field == "handshake_id" else v].append(key(r))
    return collections.Counter(tuple(sorted(v)) for v in g.values())


def main():
    if sys.argv[1] == "--live":
        DROP.extend(LIVE_DROP)
        del sys.argv[1]
    one, many = load(sys.argv[1]), load(sys.argv[2])
    a = collections.Counter(key(r) for r in one)
    b = collections.Counter(key(r) for r in many)
    bad = 0
    for k in sorted((a - b).keys())[:5]:
        print("only in %s: %s" % (sys.argv[1], k[:400])); bad += 1
    for k in sorted((b - a).keys())[:5]:
        print("only in %s: %s" % (sys.argv[2], k[:400])); bad += 1
    if bad:
        print("FAIL: %d vs %d records, %d differ" % (len(one), len(many),
              sum((a - b).values()) + sum((b - a).values())))
        return 1
    for field in ("flow_id",):
        if groups(one, field) != groups(many, field):
            print("FAIL: records grouped by %s differ" % field)
            return 1
    print("ok: %d records equal as a set" % len(one))
    return 0


if __name__ == "__main__":
    sys.exit(main())
