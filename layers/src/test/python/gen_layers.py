"""Golden fixtures for the layers module: fixed weights and inputs (float64), PyTorch outputs and every
parameter and input gradient, written in the text format of runtime/src/test/python/nabla_fixtures.py.

Run with Debian's python3-torch (1.13): /usr/bin/python3 layers/src/test/python/gen_layers.py

Conventions read by dev.nabla.layers.Golden:
  param.<name>   a state-dict entry, under Nabla's name (PyTorch's packed in_proj_* split into q/k/v_proj)
  in.<name>      an input
  out.<name>     an output; gout.<name> the upstream gradient fed to it (backward of sum(out * gout))
  grad.<name>    the gradient of a parameter (Nabla name); grad.in.<name> of an input
  after.<name>   a buffer after the forward (running statistics)
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "runtime", "src", "test", "python"))
import nabla_fixtures  # noqa: E402

nabla_fixtures.OUT = os.path.join(HERE, "..", "resources", "fixtures")
torch.set_default_dtype(torch.float64)


def nabla_names(named):
    """PyTorch state/grad names -> Nabla's: split packed attention projections."""
    out = {}
    for name, t in named:
        if name.endswith("in_proj_weight") or name.endswith("in_proj_bias"):
            prefix = name[: name.rindex(".") + 1] if "." in name else ""
            kind = "weight" if name.endswith("weight") else "bias"
            for part, chunk in zip(("q_proj", "k_proj", "v_proj"), t.chunk(3, dim=0)):
                out[f"{prefix}{part}.{kind}"] = chunk
        else:
            out[name] = t
    return out


def randomize(module, gen, scale=0.5):
    """Non-trivial weights (not the default init) so every parameter matters."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * scale)


def golden(path, module, inputs, outputs_fn, gen, extra=None, buffers_after=()):
    """inputs: dict name -> tensor (floating ones get gradients). outputs_fn(module, inputs) -> dict of outputs."""
    module.zero_grad(set_to_none=True)  # a module reused across fixtures must not carry gradients over
    arrays = {}
    for name, t in nabla_names(module.state_dict().items()).items():
        arrays["param." + name] = t.clone()
    leaves = {}
    for name, t in inputs.items():
        arrays["in." + name] = t
        if t.is_floating_point():
            t = t.clone().requires_grad_(True)
        leaves[name] = t
    outs = outputs_fn(module, leaves)
    total = 0
    for name, o in outs.items():
        g = torch.randn(o.shape, generator=gen)
        arrays["out." + name] = o.detach()
        arrays["gout." + name] = g
        total = total + (o * g).sum()
    if total.requires_grad:
        total.backward()
    for name, p in nabla_names((n, p.grad) for n, p in module.named_parameters()).items():
        if p is not None:
            arrays["grad." + name] = p
    for name, t in leaves.items():
        if t.is_floating_point() and t.grad is not None:
            arrays["grad.in." + name] = t.grad
    for b in buffers_after:
        arrays["after." + b] = module.state_dict()[b].clone()
    if extra:
        arrays.update(extra)
    nabla_fixtures.write(path, arrays)


def main():
    torch.manual_seed(0)  # the default initialisation of the torch modules draws from the global generator
    gen = torch.Generator().manual_seed(20240601)
    rn = lambda *s: torch.randn(*s, generator=gen)  # noqa: E731

    # ---------------------------------------------------------------- dense and conv
    golden("layers/linear.txt", nn.Linear(4, 3), {"x": rn(2, 5, 4)}, lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/linear_nobias.txt", nn.Linear(4, 3, bias=False), {"x": rn(3, 4)}, lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/conv2d.txt", nn.Conv2d(3, 4, 3, stride=2, padding=1), {"x": rn(2, 3, 7, 6)},
           lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/conv2d_groups.txt", nn.Conv2d(4, 6, (3, 2), stride=(1, 2), padding=(2, 1), dilation=(2, 1), groups=2,
                                                 bias=False),
           {"x": rn(2, 4, 6, 5)}, lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/maxpool2d.txt", nn.MaxPool2d(3, stride=2, padding=1), {"x": rn(2, 3, 7, 6)},
           lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/avgpool2d.txt", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), {"x": rn(2, 3, 7, 6)},
           lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/globalavgpool.txt", nn.AdaptiveAvgPool2d(1), {"x": rn(2, 3, 4, 5)},
           lambda m, i: {"y": m(i["x"]).flatten(1)}, gen)

    # ---------------------------------------------------------------- norms
    bn = nn.BatchNorm2d(3, momentum=0.2, eps=1e-4)
    randomize(bn, gen)
    with torch.no_grad():
        bn.running_mean.copy_(rn(3) * 0.3)
        bn.running_var.copy_(rn(3).abs() + 0.5)
    golden("layers/batchnorm2d_train.txt", bn, {"x": rn(4, 3, 3, 2) * 2 + 1}, lambda m, i: {"y": m.train()(i["x"])}, gen,
           buffers_after=("running_mean", "running_var"))
    golden("layers/batchnorm2d_eval.txt", bn, {"x": rn(2, 3, 3, 2)}, lambda m, i: {"y": m.eval()(i["x"])}, gen)
    bn1 = nn.BatchNorm1d(5)
    randomize(bn1, gen)
    golden("layers/batchnorm1d_train.txt", bn1, {"x": rn(6, 5)}, lambda m, i: {"y": m.train()(i["x"])}, gen,
           buffers_after=("running_mean", "running_var"))
    ln = nn.LayerNorm(4, eps=1e-5)
    randomize(ln, gen)
    golden("layers/layernorm.txt", ln, {"x": rn(2, 3, 4)}, lambda m, i: {"y": m(i["x"])}, gen)
    golden("layers/embedding.txt", nn.Embedding(7, 3), {"ids": torch.tensor([[1, 3, 3], [6, 0, 1]])},
           lambda m, i: {"y": m(i["ids"])}, gen)

    # ---------------------------------------------------------------- activations (one input, several outputs)
    x = rn(3, 5) * 3
    acts = {
        "relu": nn.ReLU(), "leaky_relu": nn.LeakyReLU(0.2), "sigmoid": nn.Sigmoid(), "hardsigmoid": nn.Hardsigmoid(),
        "tanh": nn.Tanh(), "gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "softmax": nn.Softmax(dim=1),
    }
    for name, m in acts.items():
        golden(f"layers/act_{name}.txt", m, {"x": x}, lambda m, i: {"y": m(i["x"])}, gen)

    # ---------------------------------------------------------------- attention
    d, h = 8, 2
    mha = nn.MultiheadAttention(d, h, batch_first=True)
    randomize(mha, gen)
    t = 5
    causal = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
    pad = torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]])
    golden("layers/mha_self.txt", mha, {"x": rn(2, t, d), "pad": pad},
           lambda m, i: {"y": m(i["x"], i["x"], i["x"], key_padding_mask=i["pad"].bool(), attn_mask=causal,
                                need_weights=False)[0]}, gen)
    mpad = torch.tensor([[0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1]])
    golden("layers/mha_cross.txt", mha, {"q": rn(2, 3, d), "kv": rn(2, 6, d), "pad": mpad},
           lambda m, i: {"y": m(i["q"], i["kv"], i["kv"], key_padding_mask=i["pad"].bool(), need_weights=False)[0]}, gen)

    for norm_first, act in ((False, "relu"), (True, "gelu")):
        tag = "pre" if norm_first else "post"
        enc = nn.TransformerEncoderLayer(d, h, dim_feedforward=12, dropout=0.0, activation=act, batch_first=True,
                                         norm_first=norm_first)
        randomize(enc, gen)
        golden(f"layers/encoder_layer_{tag}.txt", enc, {"x": rn(2, t, d), "pad": pad},
               lambda m, i: {"y": m(i["x"], src_key_padding_mask=i["pad"].bool())}, gen)
        dec = nn.TransformerDecoderLayer(d, h, dim_feedforward=12, dropout=0.0, activation=act, batch_first=True,
                                         norm_first=norm_first)
        randomize(dec, gen)
        golden(f"layers/decoder_layer_{tag}.txt", dec, {"tgt": rn(2, 4, d), "memory": rn(2, t, d), "mpad": pad},
               lambda m, i: {"y": m(i["tgt"], i["memory"], tgt_mask=torch.triu(torch.ones(4, 4, dtype=torch.bool), 1),
                                    memory_key_padding_mask=i["mpad"].bool())}, gen)

    tr = nn.Transformer(d, h, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=12, dropout=0.0,
                        batch_first=True, norm_first=True, activation="gelu")
    randomize(tr, gen)
    golden("layers/transformer.txt", tr, {"src": rn(2, t, d), "tgt": rn(2, 4, d)},
           lambda m, i: {"y": m(i["src"], i["tgt"], tgt_mask=torch.triu(torch.ones(4, 4, dtype=torch.bool), 1))}, gen)

    # ---------------------------------------------------------------- recurrent (2 layers, with initial states)
    for kind, cls in (("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU)):
        m = cls(3, 4, num_layers=2, batch_first=True)
        randomize(m, gen)
        inputs = {"x": rn(2, 5, 3), "h0": rn(2, 2, 4) * 0.5}
        if kind == "lstm":
            inputs["c0"] = rn(2, 2, 4) * 0.5

        def run(m, i, kind=kind):
            if kind == "lstm":
                y, (hn, cn) = m(i["x"], (i["h0"], i["c0"]))
                return {"y": y, "h": hn, "c": cn}
            y, hn = m(i["x"], i["h0"])
            return {"y": y, "h": hn}

        golden(f"layers/{kind}.txt", m, inputs, run, gen)

    # ---------------------------------------------------------------- losses
    class Wrap(nn.Module):
        def __init__(self, fn):
            super().__init__()
            self.fn = fn

    logits = rn(6, 4)
    labels = torch.tensor([0, 3, 1, -100, 2, 3])
    for red in ("mean", "sum", "none"):
        golden(f"loss/cross_entropy_{red}.txt", Wrap(None), {"x": logits, "labels": labels},
               lambda m, i, red=red: {"loss": F.cross_entropy(i["x"], i["labels"], reduction=red, ignore_index=-100,
                                                               label_smoothing=0.1)}, gen)
    golden("loss/nll.txt", Wrap(None), {"x": torch.log_softmax(logits, 1), "labels": torch.tensor([0, 3, 1, 2, 2, 3])},
           lambda m, i: {"loss": F.nll_loss(i["x"], i["labels"])}, gen)
    a, b = rn(3, 4), rn(3, 4)
    golden("loss/mse.txt", Wrap(None), {"x": a, "y": b}, lambda m, i: {"loss": F.mse_loss(i["x"], i["y"])}, gen)
    golden("loss/l1.txt", Wrap(None), {"x": a, "y": b}, lambda m, i: {"loss": F.l1_loss(i["x"], i["y"], reduction="sum")}, gen)
    target = (rn(3, 4) > 0).double()
    pw = torch.tensor([1.0, 2.0, 0.5, 3.0])
    golden("loss/bce_with_logits.txt", Wrap(None), {"x": a * 2, "t": target},
           lambda m, i: {"loss": F.binary_cross_entropy_with_logits(i["x"], i["t"], pos_weight=pw)}, gen,
           extra={"pos_weight": pw})


if __name__ == "__main__":
    main()
