#!/usr/bin/env python3
"""Write the JSON lines a perfect authscope would print for a truth file
(nested keys, as report/writer_json.c writes them), optionally damaged:
used by t_check_truth.sh to prove check_truth.py catches each kind of
error.  usage: truth_to_json.py TRUTH.tsv [DAMAGE]"""
import json
import sys


def main():
    damage = sys.argv[2] if len(sys.argv) > 2 else ""
    with open(sys.argv[1], encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, l.rstrip("\n").split("\t"))) for l in f]
    out = []
    done = set()
    for i, r in enumerate(rows):
        n = lambda v: None if v == "-" else v
        rec = {"timestamp": "2024-03-04T09:00:00.000000Z", "event_type": "http",
               "flow_id": 1, "tx_id": int(r["tx_index"]),
               "src_ip": r["client_ip"], "src_port": int(r["client_port"]),
               "dest_ip": r["server_ip"], "dest_port": int(r["server_port"]),
               "http": {"method": r["method"], "url": r["url"],
                        "status": None if r["status"] == "-" else int(r["status"])},
               "auth": {"scheme": n(r["auth_scheme"]), "proxy": r["proxy"] == "1",
                        "user": n(r["user"]), "domain": n(r["domain"]),
                        "workstation": n(r["workstation"]),
                        "password_type": n(r["password_type"]),
                        "inherited": r["inherited"] == "1", "result": n(r["result"])}}
        if r["user"] not in ("-",) and damage not in done:
            if damage == "user":
                rec["auth"]["user"] = r["user"] + "x"
                done.add(damage)
            elif damage == "inherited" and r["inherited"] == "1":
                rec["auth"]["inherited"] = False
                done.add(damage)
        if damage == "status" and r["status"] != "-" and damage not in done:
            rec["http"]["status"] = None
            done.add(damage)
        if damage == "missing" and i == 7:
            continue
        out.append(json.dumps(rec, ensure_ascii=(i % 2 == 0)))
        if r["auth_scheme"] != "-" and i % 5 == 0:
            out.append(json.dumps({"event_type": "auth", "auth": {"user": "ignored"}}))
    if damage == "extra":
        rec = json.loads(out[0])
        rec["tx_id"] = 999
        out.append(json.dumps(rec))
    if damage == "badjson":
        out.insert(3, out[3][:-5])
    if damage == "order":       # two records of one connection swapped
        conn = lambda r: (r.get("src_ip"), r.get("src_port"), r.get("event_type"))
        for i in range(len(out) - 1):
            a, b = json.loads(out[i]), json.loads(out[i + 1])
            if a.get("event_type") == "http" and conn(a) == conn(b):
                out[i], out[i + 1] = out[i + 1], out[i]
                break
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
