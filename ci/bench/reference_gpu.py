#!/usr/bin/env python3
"""The reference side of the GPU benchmark: the rows of dev.nabla.samples.bench.GpuBenchMain measured with
PyTorch in eager mode (no torch.compile), float32 with TF32 off, printed as JSON with the same keys.

  python3 ci/bench/reference_gpu.py [--device cuda|cpu] [--quick] [--rows gemm,attention,cnn,gpt] [--json out.json]

--device cpu runs the same work on the CPU (Debian's python3-torch 1.13 has no scaled_dot_product_attention;
an explicit softmax(QK^T/sqrt(d) + causal mask) V is used there and the note says so); that is how
ci/bench-gpu.sh is smoke-tested without a GPU.

Timing rules match GpuBenchMain (GpuTiming): warm-up of at least `warmup` runs and `warmup_seconds`, then
`repeats` samples, each `inner` runs between two torch.cuda.synchronize() calls, divided by `inner`; a row is
the median sample. Sizes (GpuSizes.FULL / QUICK) are the same; the keys carry them. A row that fails (out of
memory, say) gets value null and the reason, and the other rows still run.
"""
import argparse
import gc
import json
import math
import platform
import statistics
import sys
import time

ROWS = ["gemm", "attention", "cnn", "gpt"]

# GpuSizes.FULL and GpuSizes.QUICK in samples/src/main/java/dev/nabla/samples/bench/GpuSizes.java
FULL = dict(gemm=[1024, 2048, 4096, 8192], attn=(8, 12, 1024, 64), cnn_batch=128,
            gpt=dict(vocab=65, ctx=256, width=384, heads=6, layers=6, mlp=4 * 384, batch=64),
            warmup=5, warmup_seconds=1.0, repeats=10)
QUICK = dict(gemm=[256, 512], attn=(2, 4, 128, 64), cnn_batch=32,
             gpt=dict(vocab=65, ctx=64, width=64, heads=2, layers=2, mlp=4 * 64, batch=4),
             warmup=1, warmup_seconds=0.1, repeats=3)


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rows", default=",".join(ROWS), help="gemm-ptx is accepted and ignored (a Nabla-only row)")
    p.add_argument("--gemm-sizes", default=None)
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--json", default=None)
    return p.parse_args()


def gpt_sizes(g):
    return "l%d_h%d_c%d_t%d_b%d_v%d" % (g["layers"], g["heads"], g["width"], g["ctx"], g["batch"], g["vocab"])


class Bench:
    def __init__(self, torch, device, sizes):
        self.torch, self.device, self.s = torch, device, sizes
        self.cuda = device == "cuda"

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def measure(self, inner, body):
        """Milliseconds per run of each timed sample, and the note's description."""
        s = self.s
        warm_end = time.perf_counter() + s["warmup_seconds"]
        i = 0
        while i < s["warmup"] * inner or time.perf_counter() < warm_end:
            body()
            i += 1
        self.sync()
        if self.cuda:
            self.torch.cuda.reset_peak_memory_stats()
        ms = []
        for _ in range(s["repeats"]):
            t0 = time.perf_counter()
            for _ in range(inner):
                body()
            self.sync()
            ms.append((time.perf_counter() - t0) * 1e3 / inner)
        how = "median of %d %s" % (len(ms), "samples of %d runs" % inner if inner > 1 else "runs")
        if self.cuda:
            how += ", peak %.0f MiB" % (self.torch.cuda.max_memory_allocated() / 1048576.0)
        return statistics.median(ms), how

    def release(self):
        gc.collect()
        if self.cuda:
            self.torch.cuda.empty_cache()


def gemm_inner(flops):
    # GpuTiming.gemmInner
    return int(max(1, min(100, round(2e11 / flops))))


def row(out, key, unit, fn):
    """Runs one row; on failure records value null and the reason."""
    try:
        value, note = fn()
        out[key] = {"value": value, "unit": unit, "note": note}
    except Exception as e:  # noqa: BLE001 -- any failure is a missing row, never a crash
        out[key] = {"value": None, "unit": unit, "note": "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:300])}
    print("  %-44s %12s %-9s %s" % (key, "n/a" if out[key]["value"] is None else "%.3f" % out[key]["value"], unit,
                                     out[key]["note"]), file=sys.stderr)


def gemm_rows(b, out):
    torch = b.torch
    for n in b.s["gemm"]:
        def one(n=n):
            g = torch.Generator(device=b.device).manual_seed(n)
            x = torch.rand((n, n), device=b.device, generator=g) * 2 - 1
            y = torch.rand((n, n), device=b.device, generator=g) * 2 - 1
            flops = 2.0 * n ** 3
            inner = gemm_inner(flops)
            try:
                ms, how = b.measure(inner, lambda: torch.matmul(x, y))
            finally:
                del x, y
                b.release()
            return flops / (ms * 1e9), "torch.matmul; " + how
        row(out, "gemm_f32_n%d" % n, "TFLOP/s", one)


def causal_attention(torch, F):
    """F.scaled_dot_product_attention where it exists (torch >= 2.0), else the explicit composite."""
    if hasattr(F, "scaled_dot_product_attention"):
        return (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)), "F.scaled_dot_product_attention"

    def explicit(q, k, v):
        t = q.shape[-2]
        mask = torch.full((t, t), float("-inf"), device=q.device).triu(1)
        return ((q @ k.transpose(-2, -1)) * q.shape[-1] ** -0.5 + mask).softmax(-1) @ v
    return explicit, "explicit softmax(QK^T/sqrt(d) + mask)V (torch %s has no scaled_dot_product_attention)" % torch.__version__


def attention_row(b, out):
    torch = b.torch
    import torch.nn.functional as F
    bt, h, t, d = b.s["attn"]
    attn, how_attn = causal_attention(torch, F)

    def one():
        g = torch.Generator(device=b.device).manual_seed(11)
        q, k, v = (torch.randn((bt, h, t, d), device=b.device, generator=g).requires_grad_(True) for _ in range(3))
        gy = torch.randn((bt, h, t, d), device=b.device, generator=g)

        def body():
            attn(q, k, v).backward(gy)
            q.grad = k.grad = v.grad = None
        try:
            ms, how = b.measure(1, body)
        finally:
            del q, k, v, gy
            b.release()
        return ms, how_attn + "; " + how
    row(out, "attention_fwd_bwd_b%d_h%d_t%d_d%d" % (bt, h, t, d), "ms", one)


def step_rows(b, out, step_key, rate_key, rate_unit, per_step, make):
    """A training step's two rows: ms/step and per_step items per second. make() returns (step fn, note, cleanup)."""
    result = {}

    def one():
        step, note, cleanup = make()
        try:
            ms, how = b.measure(1, step)
        finally:
            cleanup()
            b.release()
        result["ms"] = ms
        return ms, how + ", " + note
    row(out, step_key, "ms/step", one)
    if "ms" in result:
        out[rate_key] = {"value": per_step * 1000.0 / result["ms"], "unit": rate_unit,
                         "note": "%d per step / median step" % per_step}
    else:
        out[rate_key] = {"value": None, "unit": rate_unit, "note": out[step_key]["note"]}


def cnn_rows(b, out):
    torch = b.torch
    import torch.nn as nn
    import torch.nn.functional as F
    n = b.s["cnn_batch"]

    def make():
        torch.manual_seed(8)
        model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)).to(b.device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        g = torch.Generator(device=b.device).manual_seed(5)
        x = torch.rand((n, 1, 28, 28), device=b.device, generator=g)
        y = torch.randint(0, 10, (n,), device=b.device, generator=g)

        def step():
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return step, "random images, torch.optim.Adam defaults", lambda: opt.state.clear()
    step_rows(b, out, "cnn_step_b%d" % n, "cnn_samples_per_s_b%d" % n, "samples/s", n, make)


def gpt_rows(b, out):
    torch = b.torch
    import torch.nn as nn
    import torch.nn.functional as F
    c = b.s["gpt"]
    V, T, C, H, L, M, B = c["vocab"], c["ctx"], c["width"], c["heads"], c["layers"], c["mlp"], c["batch"]
    attn, how_attn = causal_attention(torch, F)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
            self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
            self.fc1, self.fc2 = nn.Linear(C, M), nn.Linear(M, C)

        def forward(self, x):
            q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)
            h = attn(q, k, v).transpose(1, 2).reshape(B, T, C)
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

    def make():
        torch.manual_seed(9)
        model = GPT().to(b.device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
        g = torch.Generator(device=b.device).manual_seed(3)
        idx = torch.randint(0, V, (B, T), device=b.device, generator=g)
        tgt = torch.randint(0, V, (B * T,), device=b.device, generator=g)

        def step():
            loss = F.cross_entropy(model(idx).view(B * T, V), tgt)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return step, "random tokens, torch.optim.AdamW defaults, attention: " + how_attn, lambda: opt.state.clear()
    step_rows(b, out, "gpt_step_" + gpt_sizes(c), "gpt_tokens_per_s_" + gpt_sizes(c), "tokens/s", B * T, make)


def fp32_only(torch):
    """TF32 off for matmul and convolution, through the API this torch has; returns what was set."""
    m = torch.backends.cuda.matmul
    try:  # torch >= 2.9: the fp32_precision settings (the allow_tf32 flags are deprecated there)
        m.fp32_precision = "ieee"
        torch.backends.cudnn.conv.fp32_precision = "ieee"
        return "matmul.fp32_precision=%s, cudnn.conv.fp32_precision=%s" % (m.fp32_precision, torch.backends.cudnn.conv.fp32_precision)
    except (AttributeError, AssertionError):  # older torch: unknown attribute
        m.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        return "matmul.allow_tf32=%s, cudnn.allow_tf32=%s" % (m.allow_tf32, torch.backends.cudnn.allow_tf32)


def missing_all(sizes, rows, why):
    out = {}
    if "gemm" in rows:
        for n in sizes["gemm"]:
            out["gemm_f32_n%d" % n] = {"value": None, "unit": "TFLOP/s", "note": why}
    if "attention" in rows:
        out["attention_fwd_bwd_b%d_h%d_t%d_d%d" % sizes["attn"]] = {"value": None, "unit": "ms", "note": why}
    if "cnn" in rows:
        out["cnn_step_b%d" % sizes["cnn_batch"]] = {"value": None, "unit": "ms/step", "note": why}
        out["cnn_samples_per_s_b%d" % sizes["cnn_batch"]] = {"value": None, "unit": "samples/s", "note": why}
    if "gpt" in rows:
        out["gpt_step_" + gpt_sizes(sizes["gpt"])] = {"value": None, "unit": "ms/step", "note": why}
        out["gpt_tokens_per_s_" + gpt_sizes(sizes["gpt"])] = {"value": None, "unit": "tokens/s", "note": why}
    return out


def main():
    a = parse()
    sizes = dict(QUICK if a.quick else FULL)
    if a.gemm_sizes:
        sizes["gemm"] = [int(x) for x in a.gemm_sizes.split(",") if x.strip()]
    if a.warmup is not None:
        sizes["warmup"] = a.warmup
    if a.repeats is not None:
        sizes["repeats"] = a.repeats
    rows = [r for r in a.rows.split(",") if r and r != "gemm-ptx"]
    for r in rows:
        if r not in ROWS:
            sys.exit("reference_gpu: unknown row '%s', expected some of %s" % (r, ROWS))
    meta = {"python": platform.python_version(), "sizes": "quick" if a.quick else "full"}
    try:
        import torch
        meta["torch"] = torch.__version__
        meta["cuda"] = str(torch.version.cuda)
        if a.device == "cuda":
            if not torch.cuda.is_available():
                raise RuntimeError("torch.cuda.is_available() is False (torch %s, built for CUDA %s)" % (torch.__version__, torch.version.cuda))
            meta["device_name"] = torch.cuda.get_device_name(0)
            meta["cudnn"] = str(torch.backends.cudnn.version())
        else:
            meta["device_name"] = "cpu (%d threads)" % torch.get_num_threads()
        try:
            meta["tf32"] = fp32_only(torch)
        except Exception as e:  # noqa: BLE001 -- say so in the table's header rather than lose every row
            meta["tf32"] = "COULD NOT BE TURNED OFF: %s: %s" % (type(e).__name__, e)
        if a.device == "cuda" and hasattr(torch.backends.cuda, "flash_sdp_enabled"):
            meta["sdpa_backends_enabled"] = ",".join(n for n, on in (
                ("flash", torch.backends.cuda.flash_sdp_enabled()), ("mem_efficient", torch.backends.cuda.mem_efficient_sdp_enabled()),
                ("math", torch.backends.cuda.math_sdp_enabled())) if on)
        meta["mode"] = "eager"
    except Exception as e:  # noqa: BLE001 -- no torch or no GPU: every row missing, with the reason
        why = "%s: %s" % (type(e).__name__, e)
        print("reference_gpu: " + why, file=sys.stderr)
        results = missing_all(sizes, rows, why)
    else:
        b = Bench(torch, a.device, sizes)
        results = {}
        if "gemm" in rows:
            gemm_rows(b, results)
        if "attention" in rows:
            attention_row(b, results)
        if "cnn" in rows:
            cnn_rows(b, results)
        if "gpt" in rows:
            gpt_rows(b, results)
    for r in results.values():  # JSON has no NaN or infinity: such a value is a missing one
        if r["value"] is not None and not math.isfinite(r["value"]):
            r["value"], r["note"] = None, "not finite (%s); %s" % (r["value"], r["note"])
    doc = {"meta": meta, "results": results}
    text = json.dumps(doc, indent=2)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
