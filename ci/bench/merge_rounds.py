#!/usr/bin/env python3
"""Merges the interleaved rounds of ci/bench-cpu.sh into one results file per side.

    merge_rounds.py OUT_DIR ROUNDS ROWS

reads OUT_DIR/rounds/{nabla,reference}-R-ROW.json (R = 1..ROUNDS, ROW in the comma-separated ROWS, in that order), writes OUT_DIR/nabla.json and
OUT_DIR/reference.json with, for every key, the median of its rounds (the note lists every round's value), and
prints each row's per-round ratio Nabla/reference (of GFLOP/s for GEMM, of times for the rest) to stderr: the ratios of
measurements taken minutes apart on a shared machine say more than the medians alone.
"""
import json
import os
import statistics
import sys


def load(out_dir, side, rounds, rows):
    per_key, meta, units, notes = {}, {}, {}, {}
    for r in range(1, rounds + 1):
        for row in rows:
            path = os.path.join(out_dir, "rounds", "%s-%d-%s.json" % (side, r, row))
            with open(path) as f:
                doc = json.load(f)
            meta = meta or doc.get("meta", {})
            for key, v in doc["results"].items():
                per_key.setdefault(key, {})[r] = v["value"]
                units[key], notes[key] = v["unit"], v["note"]
    return per_key, meta, units, notes


def merged(per_key, meta, units, notes, rounds):
    res = {}
    for key, by_round in per_key.items():
        vals = [by_round[r] for r in sorted(by_round) if by_round[r] is not None]
        med = statistics.median(vals) if vals else None
        note = notes[key]
        if rounds > 1:
            note += "; median of %d interleaved rounds: %s" % (len(vals), ", ".join("%.4g" % v for v in vals))
        res[key] = {"value": med, "unit": units[key], "note": note}
    return {"meta": meta, "results": res}


def main():
    out_dir, rounds, rows = sys.argv[1], int(sys.argv[2]), [x for x in sys.argv[3].split(",") if x]
    values = {}
    for side in ("nabla", "reference"):
        per_key, meta, units, notes = load(out_dir, side, rounds, rows)
        values[side] = per_key
        with open(os.path.join(out_dir, side + ".json"), "w") as f:
            json.dump(merged(per_key, meta, units, notes, rounds), f, indent=2)
    if rounds > 1:
        nk, rk = values["nabla"], values["reference"]
        for key in nk:
            if key not in rk:
                continue
            ratios = []
            for r in sorted(nk[key]):
                n, ref = nk[key].get(r), rk[key].get(r)
                if n and ref:
                    ratios.append(n / ref)
            print("bench-cpu: %-26s Nabla/reference by round: %s" % (key, ", ".join("%.2f" % x for x in ratios)),
                  file=sys.stderr)


if __name__ == "__main__":
    main()
