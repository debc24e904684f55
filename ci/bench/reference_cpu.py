#!/usr/bin/python3
"""The reference side of the CPU benchmark: the rows of dev.nabla.samples.bench.BenchMain, measured with
numpy (float32 GEMM through OpenBLAS) and PyTorch (everything else), printed as JSON with the same keys.

Run it with Debian's /usr/bin/python3 (python3-torch 1.13, python3-numpy) and, for OpenBLAS at its best,
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX ATEN_CPU_CAPABILITY=avx512
MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 (ci/bench-cpu.sh sets these; the last two keep
glibc from handing every freed tensor's pages back to the kernel, see there). OpenBLAS reads OMP_NUM_THREADS when it loads, so, like BenchMain, each thread
count runs in a child process with OMP_NUM_THREADS=t; torch.set_num_threads(t) is set there too.

Timing rules match BenchMain: warm-up, then the median of N runs; epochs time the same number of batches
and scale to the full epoch the same way.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROWS = ["gemm", "conv", "mlp", "cnn", "transformer"]


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", default=",".join(ROWS))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--train-threads", default=None)
    p.add_argument("--warmup", type=int, default=300)  # the conv rows' steady state: the JVM side's conv1 needs ~250 calls
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--warmup-batches", type=int, default=10)
    p.add_argument("--mlp-batches", type=int, default=469)
    p.add_argument("--cnn-batches", type=int, default=60)
    p.add_argument("--epoch-repeats", type=int, default=3)
    p.add_argument("--transformer-warmup", type=int, default=60)  # the JVM side reaches its steady state after ~50 steps
    p.add_argument("--transformer-repeats", type=int, default=21)
    p.add_argument("--data", default=None)
    p.add_argument("--json", default=None)
    p.add_argument("--child", action="store_true")
    p.add_argument("--serve", action="store_true", help="with --child: timed in slices at the pace of ci/bench/paired.py")
    return p.parse_args()


def ints(s):
    return [int(x) for x in s.split(",") if x.strip()]


SERVE = False  # --serve: paired timing at the pace of ci/bench/paired.py (the protocol of BenchMain's Pace)


def say(line):
    sys.stdout.write("@pace " + line + "\n")
    sys.stdout.flush()


def slices(key, one_slice):
    """The runs of key (each run's ms): one slice, or with --serve a slice per 'go' from stdin until 'next'."""
    if not SERVE:
        return one_slice()
    say("ready " + key)
    runs = []
    while True:
        line = sys.stdin.readline()
        if not line:
            raise SystemExit("reference --serve: the driver closed stdin while %s waited" % key)
        cmd = line.strip()
        if cmd == "next":
            return runs
        if cmd != "go":
            raise SystemExit("reference --serve: expected 'go' or 'next' for %s, got %r" % (key, cmd))
        ms = one_slice()
        say("value %s %.6f" % (key, statistics.median(ms)))
        runs += ms


def timed(key, warmup, repeats, body):
    """Warm-up, then the median of the timed runs (repeats of them, or with --serve repeats per slice)."""
    for _ in range(warmup):
        body()

    def one_slice():
        ms = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            body()
            ms.append((time.perf_counter() - t0) * 1e3)
        return ms

    runs = slices(key, one_slice)
    return statistics.median(runs), len(runs)


def gemm_rows(t, out):
    import numpy as np
    for n in (256, 512, 1024, 2048):
        rng = np.random.default_rng(n)
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        c = np.empty((n, n), np.float32)
        flops = 2.0 * n ** 3
        reps = max(3, int(min(50, 2e10 / flops)))
        warm = max(2, reps // 3)
        key = "gemm_f32_n%d_t%d" % (n, t)
        end = time.perf_counter() + 0.5  # half a second of this product first, as BenchMain (its JIT needs it)
        while time.perf_counter() < end:
            np.matmul(a, b, out=c)
        med, runs = timed(key, warm, reps, lambda: np.matmul(a, b, out=c))
        out[key] = {"value": flops / (med * 1e6), "unit": "GFLOP/s",
                    "note": "numpy matmul (OpenBLAS sgemm), median of %d" % runs}


def conv_rows(t, a, out):
    import torch
    import torch.nn.functional as F
    for layer, xd, cout, input_grad in ((1, (128, 1, 28, 28), 32, False), (2, (128, 32, 14, 14), 64, True)):
        g = torch.Generator().manual_seed(layer)
        x = torch.randn(xd, generator=g).requires_grad_(input_grad)
        w = torch.randn((cout, xd[1], 3, 3), generator=g).requires_grad_(True)
        bias = torch.zeros(cout).requires_grad_(True)
        gy = torch.randn((xd[0], cout, xd[2], xd[3]), generator=g)

        def body():
            y = F.conv2d(x, w, bias, padding=1)
            y.backward(gy)
            x.grad = None
            w.grad = None
            bias.grad = None

        key = "conv%d_fwd_bwd_t%d" % (layer, t)
        med, runs = timed(key, a.warmup, a.repeats, body)
        out[key] = {"value": med, "unit": "ms", "note": "torch conv2d, median of %d" % runs}


def find_data(given):
    cands = []
    if given:
        cands.append(given)
    env = os.environ.get("NABLA_DATA")
    if env:
        cands += [env, os.path.join(env, "fashion-mnist")]
    cands += [os.path.expanduser("~/.nabla/datasets/fashion-mnist"), "/usr/share/datasets/fashion-mnist"]
    for d in cands:
        if all(os.path.exists(os.path.join(d, f)) for f in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")):
            return d
    return None


def load_data(given):
    import numpy as np
    import torch
    d = find_data(given)
    if d is None:
        rng = np.random.default_rng(1)
        return (torch.from_numpy(rng.random((60000, 1, 28, 28), dtype=np.float32)),
                torch.from_numpy(rng.integers(0, 10, 60000)), "random data")
    with gzip.open(os.path.join(d, "train-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    with gzip.open(os.path.join(d, "train-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y), "Fashion-MNIST"


def epoch_rows(t, a, rows, out):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    x, y, source = load_data(a.data)
    n = x.shape[0]
    per_epoch = (n + 127) // 128
    models = {}
    if "mlp" in rows:
        torch.manual_seed(7)
        models["mlp"] = (nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                                       nn.Linear(128, 10)), a.mlp_batches)
    if "cnn" in rows:
        torch.manual_seed(8)
        models["cnn"] = (nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                       nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                       nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)), a.cnn_batches)
    for name, (model, batches) in models.items():
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(1)

        def run(count):
            perm = torch.randperm(n, generator=gen)
            for i in range(min(count, per_epoch)):
                idx = perm[i * 128:(i + 1) * 128]
                xb, yb = x[idx], y[idx]
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()

        run(a.warmup_batches)
        timed_batches = min(batches, per_epoch)

        def epochs():  # with --serve one epoch per slice, as BenchMain's
            ms = []
            for _ in range(1 if SERVE else a.epoch_repeats):
                t0 = time.perf_counter()
                run(timed_batches)
                ms.append((time.perf_counter() - t0) * 1e3 * per_epoch / timed_batches)
            return ms

        key = "%s_epoch_t%d" % (name, t)
        ms = slices(key, epochs)
        how = ("full epoch" if timed_batches == per_epoch else "%d of %d batches, scaled" % (timed_batches, per_epoch))
        out[key] = {"value": statistics.median(ms), "unit": "ms",
                    "note": "torch, %s, median of %d, %s" % (how, len(ms), source)}


def transformer_row(t, a, out):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    V, T, C, H, L, M, B = 96, 64, 128, 4, 2, 512, 32

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
            self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
            self.fc1, self.fc2 = nn.Linear(C, M), nn.Linear(M, C)
            self.register_buffer("mask", torch.full((T, T), float("-inf")).triu(1))

        def forward(self, x):
            h = self.ln1(x)
            q, k, v = self.qkv(h).view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)
            att = (q @ k.transpose(-2, -1)) * (C // H) ** -0.5 + self.mask
            h = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = x + self.proj(h)
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(V, C), nn.Parameter(torch.randn(T, C) * 0.02)
            self.blocks = nn.Sequential(*[Block() for _ in range(L)])
            self.lnf, self.head = nn.LayerNorm(C), nn.Linear(C, V)

        def forward(self, idx):
            return self.head(self.lnf(self.blocks(self.tok(idx) + self.pos)))

    torch.manual_seed(9)
    model = GPT()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    idx = torch.randint(0, V, (B, T))
    tgt = torch.randint(0, V, (B * T,))

    def step():
        loss = F.cross_entropy(model(idx).view(B * T, V), tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    key = "transformer_step_t%d" % t
    med, runs = timed(key, a.transformer_warmup, a.transformer_repeats, step)
    out[key] = {"value": med, "unit": "ms",
                "note": "torch (explicit causal attention; 1.13 has no fused SDPA), median of %d" % runs}


def child(a):
    import numpy
    import torch
    t = int(os.environ.get("OMP_NUM_THREADS", "1"))
    torch.set_num_threads(t)
    rows = a.rows.split(",")
    threads = ints(a.threads)
    train = ints(a.train_threads) if a.train_threads else [max(threads)]
    out = {}
    if "gemm" in rows and t in threads:
        gemm_rows(t, out)
    if t in train:
        if "conv" in rows:
            conv_rows(t, a, out)
        if "mlp" in rows or "cnn" in rows:
            epoch_rows(t, a, rows, out)
        if "transformer" in rows:
            transformer_row(t, a, out)
    for k, v in out.items():
        print("  %-28s %10.2f %-8s %s" % (k, v["value"], v["unit"], v["note"]), file=sys.stderr)
    return out


def blas_library():
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line}
        return ";".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    global SERVE
    a = parse()
    if a.child:
        SERVE = a.serve
        out = child(a)
        import numpy
        import torch
        meta = {"numpy": numpy.__version__, "torch": torch.__version__, "blas": blas_library()}
        for k in ("OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "LD_LIBRARY_PATH", "MALLOC_MMAP_THRESHOLD_",
                  "MALLOC_TRIM_THRESHOLD_"):
            meta[k] = os.environ.get(k, "(unset)")
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "results": out}, f)
        if SERVE:
            say("end")
        return
    threads = ints(a.threads)
    counts = list(dict.fromkeys(threads + (ints(a.train_threads) if a.train_threads else [max(threads)])))
    results, meta = {}, {}
    for t in counts:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            path = tmp.name
        try:
            env = dict(os.environ, OMP_NUM_THREADS=str(t))
            args = [a2 for a2 in sys.argv[1:]]
            print("reference: %d thread(s) in a child process" % t, file=sys.stderr)
            subprocess.run([sys.executable, os.path.abspath(__file__)] + args + ["--child", "--json", path],
                           env=env, check=True)
            with open(path) as f:
                r = json.load(f)
            results.update(r["results"])
            meta = r["meta"]  # the child's, with the BLAS environment it inherited from here
        finally:
            os.unlink(path)
    doc = {"meta": meta, "results": results}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2)
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
