#!/usr/bin/env python3
"""Hold authscope's JSON records against gencorpus's ground truth.

usage: check_truth.py [--auth] TRUTH.tsv OUTPUT.jsonl

Every output line must be valid JSON.  Records with "event_type": "http"
are matched to truth rows by connection (client = src, server = dest,
IPv6 compared as addresses) and tx_id == tx_index.  Other event types
("auth", "stats", ...) are ignored.

Always compared: that each truth transaction has exactly one record, that
no record exists that the truth does not list (e.g. HTTP "found" in noise
flows), that a connection's records come out in tx_id order, and
http.method, http.url, http.status (truth "-" = null).
With --auth also: auth.scheme, auth.proxy, auth.user, auth.domain,
auth.workstation, auth.password_type, auth.inherited, auth.result (truth
"-" = null or absent; proxy/inherited 0/1 = false/true).

Keys are read nested ({"http": {"method": ...}}) or flat ("http.method").
Exit 0 when everything matches, 1 otherwise, 2 on bad usage.
"""
import collections
import ipaddress
import json
import sys

MAX_SHOWN = 40

BASE_FIELDS = [("method", "http.method", "str"), ("url", "http.url", "str"),
               ("status", "http.status", "status")]
AUTH_FIELDS = [("auth_scheme", "auth.scheme", "str"), ("proxy", "auth.proxy", "bool"),
               ("user", "auth.user", "str"), ("domain", "auth.domain", "str"),
               ("workstation", "auth.workstation", "str"),
               ("password_type", "auth.password_type", "str"),
               ("inherited", "auth.inherited", "bool"), ("result", "auth.result", "str")]

MISSING = object()


def get(rec, dotted):
    """rec["a"]["b"] or rec["a.b"]; MISSING when neither exists."""
    if dotted in rec:
        return rec[dotted]
    cur = rec
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return MISSING
        cur = cur[part]
    return cur


def expected(kind, v):
    if kind == "status":
        return None if v == "-" else int(v)
    if kind == "bool":
        return v == "1"
    return None if v == "-" else v


def actual(kind, v):
    if v is MISSING:
        return False if kind == "bool" else None
    if kind == "str" and v == "":
        return None     # an empty name is "no name", as the truth's "-"
    return v


def norm_ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return str(s)


def conn_str(key):
    c, cp, s, sp = key
    fmt = "[%s]:%d" if ":" in c else "%s:%d"
    return (fmt % (c, cp)) + " -> " + (fmt % (s, sp))


def read_truth(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
    truth = {}
    for r in rows:
        key = (norm_ip(r["client_ip"]), int(r["client_port"]),
               norm_ip(r["server_ip"]), int(r["server_port"]))
        truth[(key, int(r["tx_index"]))] = r
    return truth


def read_output(path, problems):
    recs = {}
    last_tx = {}
    bad_json = 0
    n_lines = 0
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for lineno, line in enumerate(f, 1):
            n_lines += 1
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                bad_json += 1
                if bad_json <= 5:
                    problems.append("line %d is not a valid JSON object (%s): %.200r"
                                    % (lineno, e, line))
                continue
            if rec.get("event_type") != "http":
                continue
            try:
                key = (norm_ip(get(rec, "src_ip")), int(get(rec, "src_port")),
                       norm_ip(get(rec, "dest_ip")), int(get(rec, "dest_port")))
                tx = int(get(rec, "tx_id"))
            except (TypeError, ValueError):
                problems.append("line %d: http record without usable src/dest/tx_id: %.200r"
                                % (lineno, line))
                continue
            if key in last_tx and tx <= last_tx[key]:
                problems.append("line %d: %s tx_id %d comes after tx_id %d"
                                % (lineno, conn_str(key), tx, last_tx[key]))
            last_tx[key] = tx
            if (key, tx) in recs:
                problems.append("line %d: %s tx_id %d written twice" % (lineno, conn_str(key), tx))
                continue
            recs[(key, tx)] = (lineno, rec)
    if bad_json > 5:
        problems.append("... %d invalid lines in all" % bad_json)
    return recs, n_lines


def main(argv):
    auth = "--auth" in argv
    args = [a for a in argv if a != "--auth"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    truth = read_truth(args[0])
    problems = []
    recs, n_lines = read_output(args[1], problems)
    fields = BASE_FIELDS + (AUTH_FIELDS if auth else [])

    missing = [k for k in truth if k not in recs]
    extra = [k for k in recs if k not in truth]
    field_bad = collections.Counter()
    by_kind = collections.Counter()     # auth differences by what the truth row is
    diffs = []
    for k in sorted(truth, key=lambda x: (x[0], x[1])):
        if k not in recs:
            continue
        row = truth[k]
        lineno, rec = recs[k]
        bad = []
        for col, dotted, kind in fields:
            want = expected(kind, row[col])
            got = actual(kind, get(rec, dotted))
            if want != got:
                bad.append("%s: want %r, got %r" % (dotted, want, got))
                field_bad[dotted] += 1
        if bad:
            by_kind["%s/%s/%s" % (row["auth_scheme"], row["password_type"], row["result"])] += 1
            diffs.append("%s tx %d (%s %s -> %s; line %d):\n      %s" % (
                conn_str(k[0]), k[1], row["method"], row["url"], row["status"], lineno,
                "\n      ".join(bad)))

    print("truth: %d transactions in %d connections; output: %d lines, %d http records"
          % (len(truth), len({k[0] for k in truth}), n_lines, len(recs)))
    print("checked: %s" % ", ".join(d for _, d, _ in fields))
    ok = not (problems or missing or extra or diffs)
    for p in problems[:MAX_SHOWN]:
        print("BAD OUTPUT", p)
    for k in sorted(missing)[:MAX_SHOWN]:
        r = truth[k]
        print("MISSING %s tx %d: %s %s -> %s" % (conn_str(k[0]), k[1], r["method"], r["url"], r["status"]))
    for k in sorted(extra)[:MAX_SHOWN]:
        lineno, rec = recs[k]
        print("EXTRA %s tx %d (line %d): %s %s -> %s" % (
            conn_str(k[0]), k[1], lineno, get(rec, "http.method"), get(rec, "http.url"),
            get(rec, "http.status")))
    for d in diffs[:MAX_SHOWN]:
        print("DIFF", d)
    if not ok:
        print("summary: %d missing, %d extra, %d with wrong fields, %d output problems"
              % (len(missing), len(extra), len(diffs), len(problems)))
        for f, n in field_bad.most_common():
            print("  %-20s wrong in %d" % (f, n))
        if auth:
            for kind, n in by_kind.most_common():
                print("  truth scheme/password_type/result %-32s %d rows differ" % (kind, n))
        print("FAIL")
        return 1
    print("PASS: every transaction matches")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
