#!/usr/bin/env python3
"""Paired CPU benchmark driver: Nabla's side (BenchMain --child --serve) and the reference's (reference_cpu.py
--child --serve) run side by side, one row and thread count at a time, and take turns, a slice of timed runs at a
time (ABBA order), so that the two halves of every ratio are measured within a second of each other.

    paired.py --out DIR --java-cmd "java --add-modules jdk.incubator.vector -cp samples.jar" --python /usr/bin/python3
              [--ref-env K=V ...] [--rounds 1] [--slices 7] [--rows gemm,conv,...] [--threads 1,2]
              [--train-threads 2] [other BenchMain / reference_cpu.py options, passed to both]

Why: the shared VMs this runs on have phases, seconds to minutes long, in which all code runs 25-50% slower;
separate runs of the two sides a minute apart gave single ratios from 0.78 to 1.47 for the same build. Each side
warms up on its own (the other waits, blocked on its stdin), then the slices alternate.

Writes DIR/nabla.json and DIR/reference.json (each key's value: the median over rounds of each side's median run;
the reference's keys also carry paired_ratio, the median of the paired slices' ratios, Nabla/reference for times
and the reference's time over Nabla's for GFLOP/s rows), DIR/rounds/{nabla,reference}-R-ROW-tT.json, and prints
each key's slice ratios to stderr. The protocol is described in BenchMain's Pace class.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

ROWS = ["gemm", "conv", "mlp", "cnn", "transformer"]
HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print("bench-cpu: " + msg, file=sys.stderr, flush=True)


class Side:
    """One child process speaking the @pace protocol on its stdin/stdout; its other output goes to our stderr."""

    def __init__(self, name, cmd, env):
        self.name = name
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)

    def event(self):
        """The next protocol line as a list of words: ready KEY, value KEY MS, end; or ['eof'] if the child exited."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return ["eof"]
            if line.startswith("@pace "):
                return line.split()[1:]
            sys.stderr.write(line)

    def send(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()

    def finish(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        rc = self.proc.wait()
        if rc != 0:
            raise SystemExit("bench-cpu: the %s child exited with %d" % (self.name, rc))


def ints(s):
    return [int(x) for x in s.split(",") if x.strip()]


def pair_row(a, passthrough, row, t, r, slices_by_key):
    """One row at t threads, round r: both children, their keys paired slice by slice. Returns their JSON docs."""
    rounds_dir = os.path.join(a.out, "rounds")
    jn = os.path.join(rounds_dir, "nabla-%d-%s-t%d.json" % (r, row, t))
    jr = os.path.join(rounds_dir, "reference-%d-%s-t%d.json" % (r, row, t))
    common = ["--rows", row, "--threads", a.threads] + (["--train-threads", a.train_threads] if a.train_threads else []) \
        + passthrough
    ref_env = dict(os.environ, OMP_NUM_THREADS=str(t))
    for kv in a.ref_env:
        k, _, v = kv.partition("=")
        ref_env[k] = v
    ref_cmd = [a.python, os.path.join(HERE, "reference_cpu.py"), "--child", "--serve", "--json", jr] + common
    nab_cmd = shlex.split(a.java_cmd) + ["-Dnabla.cpu.threads=%d" % t, "dev.nabla.samples.bench.BenchMain",
                                         "--child", "--serve", "--json", jn] + common
    log("round %d, %s, %d thread(s): reference warming up" % (r, row, t))
    ref = Side("reference", ref_cmd, ref_env)
    er = ref.event()
    log("round %d, %s, %d thread(s): Nabla warming up" % (r, row, t))
    nab = Side("Nabla", nab_cmd, dict(os.environ))
    en = nab.event()
    while not (er[0] in ("end", "eof") and en[0] in ("end", "eof")):
        if er[0] == "ready" and en[0] == "ready" and er[1] == en[1]:
            key = er[1]
            for i in range(a.slices):
                got = {}
                for side in ((ref, nab) if i % 2 == 0 else (nab, ref)):
                    side.send("go")
                    ev = side.event()
                    if ev[0] != "value" or ev[1] != key:
                        raise SystemExit("bench-cpu: %s answered %s to 'go' for %s" % (side.name, " ".join(ev), key))
                    got[side.name] = float(ev[2])
                slices_by_key.setdefault(key, []).append((got["Nabla"], got["reference"]))
            log("%s: %d slices each" % (key, a.slices))  # their ratios, oriented by unit, at the end
            # the reference warms up its next key while Nabla waits, then Nabla its own
            ref.send("next")
            er = ref.event()
            nab.send("next")
            en = nab.event()
            continue
        # a key one side lacks (its row failed): measured unpaired, as far as that side got
        log("unpaired: reference at %s, Nabla at %s" % (" ".join(er), " ".join(en)))
        if er[0] == "ready":
            ref.send("next")
            er = ref.event()
        if en[0] == "ready":
            nab.send("next")
            en = nab.event()
    ref.finish()
    nab.finish()
    with open(jn) as f:
        dn = json.load(f)
    with open(jr) as f:
        dr = json.load(f)
    return dn, dr


def merge(docs):
    """Per key, the median of its rounds' values (the note lists them when there are several)."""
    meta, vals, units, notes, order = {}, {}, {}, {}, []
    for d in docs:
        meta = meta or d.get("meta", {})
        for k, v in d["results"].items():
            if k not in vals:
                order.append(k)
                vals[k] = []
            if v["value"] is not None:
                vals[k].append(v["value"])
            units[k], notes[k] = v["unit"], v["note"]
    res = {}
    for k in order:
        note = notes[k]
        if len(vals[k]) > 1:
            note += "; median of %d rounds: %s" % (len(vals[k]), ", ".join("%.4g" % x for x in vals[k]))
        res[k] = {"value": statistics.median(vals[k]) if vals[k] else None, "unit": units[k], "note": note}
    return {"meta": meta, "results": res}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--java-cmd", required=True, help="java, its options and -cp, before the main class")
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--ref-env", action="append", default=[], help="K=V for the reference's environment")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--slices", type=int, default=7)
    p.add_argument("--rows", default=",".join(ROWS))
    p.add_argument("--threads", default="1,%d" % max(2, os.cpu_count() or 2))
    p.add_argument("--train-threads", default=None)
    a, passthrough = p.parse_known_args()
    if a.rounds < 1 or a.slices < 1:
        raise SystemExit("bench-cpu: --rounds and --slices must be positive, got %d and %d" % (a.rounds, a.slices))
    rows = [x for x in a.rows.split(",") if x]
    for row in rows:
        if row not in ROWS:
            raise SystemExit("bench-cpu: unknown row '%s', expected some of %s" % (row, ROWS))
    threads = ints(a.threads)
    train = ints(a.train_threads) if a.train_threads else [max(threads)]
    os.makedirs(os.path.join(a.out, "rounds"), exist_ok=True)
    slices_by_key, nabla_docs, ref_docs = {}, [], []
    for r in range(1, a.rounds + 1):
        for row in rows:
            for t in (threads if row == "gemm" else train):
                dn, dr = pair_row(a, passthrough, row, t, r, slices_by_key)
                nabla_docs.append(dn)
                ref_docs.append(dr)
    nabla, ref = merge(nabla_docs), merge(ref_docs)
    for key, pairs in slices_by_key.items():
        if key not in ref["results"] or key not in nabla["results"]:
            continue
        higher_better = nabla["results"][key]["unit"] == "GFLOP/s"
        ratios = [(r_ms / n_ms if higher_better else n_ms / r_ms) for n_ms, r_ms in pairs]
        ref["results"][key]["paired_ratio"] = statistics.median(ratios)
        ref["results"][key]["paired_slices"] = len(ratios)
        for side in (nabla, ref):
            side["results"][key]["note"] += "; %d paired slices" % len(ratios)
        log("%-26s Nabla/reference by slice: %s (median %.2f)" % (
            key, ", ".join("%.2f" % x for x in ratios), statistics.median(ratios)))
    with open(os.path.join(a.out, "nabla.json"), "w") as f:
        json.dump(nabla, f, indent=2)
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=2)


if __name__ == "__main__":
    main()
