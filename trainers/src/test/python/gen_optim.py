"""PyTorch reference fixtures for dev.nabla.trainers: optimisers, learning-rate schedules, safetensors interop.

Run with Debian's python3-torch 1.13 from anywhere:  /usr/bin/python3 trainers/src/test/python/gen_optim.py
Writes trainers/src/test/resources/fixtures/{optim,schedule,safetensors}/ in the text format of
runtime/src/test/python/nabla_fixtures.py (read in Java by dev.nabla.runtime.Fixtures).
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "runtime", "src", "test", "python"))
import nabla_fixtures  # noqa: E402

RES = os.path.join(HERE, "..", "resources")
nabla_fixtures.OUT = os.path.join(RES, "fixtures")

# ---------------------------------------------------------------- optimisers
#
# Two parameter groups (group 1 with its own lr and weight decay) over float64 parameters; the gradients of
# every step are fixed, recorded, and set by hand (no model), so only the update rule is tested.

STEPS = 8  # RAdam's rho_t passes 5 at step 6 with beta2 = 0.999: both branches are covered
SHAPES = [(3, 4), (5,), (2, 1, 3)]


def make_params():
    g = torch.Generator().manual_seed(1234)
    return [torch.randn(*s, generator=g, dtype=torch.float64) for s in SHAPES]


def make_grads():
    g = torch.Generator().manual_seed(99)
    out = []
    for k in range(STEPS):
        scale = [1.0, 0.3, 2.5, 0.7][k % 4]  # varying magnitudes make AMSGrad's max matter
        out.append([torch.randn(*s, generator=g, dtype=torch.float64) * scale for s in SHAPES])
    return out


CASES = {
    "sgd": (torch.optim.SGD, dict(lr=0.1), dict(lr=0.05, weight_decay=0.1)),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), dict(lr=0.03)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), dict(lr=0.2, weight_decay=0.0)),
    "adagrad": (torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1), dict(lr=0.5)),
    "rmsprop": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.01), dict(lr=0.02)),
    "rmsprop_centered_momentum": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
                                  dict(lr=0.005, weight_decay=0.1)),
    "adam": (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.99), weight_decay=0.01), dict(lr=0.02, weight_decay=0.0)),
    "adam_amsgrad": (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.9), amsgrad=True), dict(lr=0.05)),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), dict(lr=0.02, weight_decay=0.3)),
    "adamw_amsgrad": (torch.optim.AdamW, dict(lr=0.01, betas=(0.85, 0.95), weight_decay=0.05, amsgrad=True), dict(lr=0.03)),
    "radam": (torch.optim.RAdam, dict(lr=0.01, weight_decay=0.01), dict(lr=0.03, weight_decay=0.0)),
}


def gen_optim():
    params0 = make_params()
    grads = make_grads()
    common = {f"p{i}": p for i, p in enumerate(params0)}
    for k in range(STEPS):
        for i, gr in enumerate(grads[k]):
            common[f"g{k}_{i}"] = gr
    nabla_fixtures.write("optim/inputs.txt", common)
    for name, (cls, opts, group1) in CASES.items():
        ps = [p.clone().requires_grad_(True) for p in params0]
        kw = dict(opts)
        if cls is not torch.optim.Adagrad:
            kw["foreach"] = False
        opt = cls([{"params": ps[:2]}, dict(params=ps[2:], **group1)], **kw)
        out = {}
        for k in range(STEPS):
            for p, gr in zip(ps, grads[k]):
                p.grad = gr.clone()
            opt.step()
            for i, p in enumerate(ps):
                out[f"s{k}_{i}"] = p.detach().clone()
        nabla_fixtures.write(f"optim/{name}.txt", out)


# ---------------------------------------------------------------- learning-rate schedules
#
# lr{k} = the group's lr after k scheduler steps (get_last_lr() after k calls to step()), for base lr 0.1.

SCHED_STEPS = 40
BASE = 0.1


def lrs(make):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=BASE)
    sch = make(opt)
    out = []
    for _ in range(SCHED_STEPS):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    return torch.tensor(out, dtype=torch.float64)


def gen_schedules():
    S = torch.optim.lr_scheduler
    d_model, warm = 512, 10
    arrays = {
        "step": lrs(lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
        "exponential": lrs(lambda o: S.ExponentialLR(o, gamma=0.9)),
        "cosine": lrs(lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
        "warmup_cosine": lrs(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                                         S.CosineAnnealingLR(o, T_max=35, eta_min=0.0)], milestones=[5])),
        "onecycle": lrs(lambda o: S.OneCycleLR(o, max_lr=BASE, total_steps=SCHED_STEPS, cycle_momentum=False)),
        "inverse_sqrt": lrs(lambda o: S.LambdaLR(o, lambda s: d_model ** -0.5 * min((s + 1) ** -0.5, (s + 1) * warm ** -1.5))),
    }
    nabla_fixtures.write("schedule/lrs.txt", arrays)


# ---------------------------------------------------------------- safetensors interop
#
# The image has no `safetensors` package, so this is a writer and a reader that follow the format spec:
# u64 little-endian header length N, N bytes of JSON (padded with spaces to a multiple of 8), raw
# little-endian data in header order. The header is written with the same key order and separators that
# Nabla's writer (Jackson, compact) uses, so the two writers produce the same bytes for the same tensors.

DT = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}
TD = {v: k for k, v in DT.items()}


def st_write(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DT[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def st_read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        buf = bytearray(data[8 + n + a:8 + n + b])
        out[name] = torch.frombuffer(buf, dtype=TD[e["dtype"]]).reshape(e["shape"]) if b > a else torch.zeros(e["shape"], dtype=TD[e["dtype"]])
    return out, meta


def interop_tensors():
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    sd["counts"] = torch.tensor([[1, -2, 3]], dtype=torch.int64)
    sd["ids"] = torch.tensor([5, 6], dtype=torch.int32)
    sd["scale"] = torch.tensor(2.5, dtype=torch.float64)
    return sd


def gen_safetensors():
    d = os.path.join(nabla_fixtures.OUT, "safetensors")
    os.makedirs(d, exist_ok=True)
    sd = interop_tensors()
    st_write(os.path.join(d, "pytorch_mlp.safetensors"), sd, {"format": "pt", "written_by": "gen_optim.py"})
    back, meta = st_read(os.path.join(d, "pytorch_mlp.safetensors"))
    assert meta["format"] == "pt" and all(torch.equal(back[k], v) for k, v in sd.items())
    nabla_fixtures.write("safetensors/pytorch_mlp_values.txt", {k.replace(".", "_"): v for k, v in sd.items()})


def check_nabla_file(path):
    """Reads a file written by Nabla's SafeTensorsInteropTest and checks it against the same tensors."""
    got, meta = st_read(path)
    want = interop_tensors()
    assert list(got) == list(want), (list(got), list(want))
    for k, v in want.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape and torch.equal(got[k], v), k
    print(f"{path}: {len(got)} tensors match, metadata {meta}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check_nabla_file(sys.argv[2])
    else:
        gen_optim()
        gen_schedules()
        gen_safetensors()
