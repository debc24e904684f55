"""Reference fixtures for scaled dot-product attention (AttentionContractTest).

The forward is explicit float64 math, softmax(q k^T * scale + bias) v, with hidden keys as -inf in the
bias; a row with every key hidden gives zeros (torch would give NaN), so its scores are replaced by 0
before the softmax and its probabilities multiplied by 0, which also makes its gradients zero.
Gradients come from torch autograd of that expression for a random upstream gradient `dout`.
Causal masking is bottom-right aligned: query i sees keys j <= i + (tk - tq).

Run: /usr/bin/python3 gen_attention.py
"""
import math

import torch

from nabla_fixtures import write


def reference(q, k, v, mask, causal, scale):
    b, h, tq, _ = q.shape
    tk = k.shape[2]
    hidden = torch.zeros(b, 1, tq, tk, dtype=torch.bool)
    if causal:
        i = torch.arange(tq).view(tq, 1)
        j = torch.arange(tk).view(1, tk)
        hidden |= (j > i + (tk - tq)).view(1, 1, tq, tk)
    if mask is not None:
        hidden |= (mask != 0).view(b, 1, 1, tk)
    all_hidden = hidden.all(dim=-1, keepdim=True)
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    scores = scores + torch.zeros_like(scores).masked_fill(hidden, float("-inf"))
    scores = scores.masked_fill(all_hidden, 0.0)
    p = torch.softmax(scores, dim=-1) * (~all_hidden).to(q.dtype)
    return torch.matmul(p, v)


def case(name, b, h, tq, tk, dk, dv, causal=False, mask=None, scale=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(b, h, tq, dk, generator=g, dtype=torch.float64, requires_grad=True)
    k = torch.randn(b, h, tk, dk, generator=g, dtype=torch.float64, requires_grad=True)
    v = torch.randn(b, h, tk, dv, generator=g, dtype=torch.float64, requires_grad=True)
    dout = torch.randn(b, h, tq, dv, generator=g, dtype=torch.float64)
    s = 1.0 / math.sqrt(dk) if scale is None else scale
    m = None if mask is None else torch.tensor(mask, dtype=torch.int64)
    out = reference(q, k, v, m, causal, s)
    out.backward(dout)
    arrays = {"q": q, "k": k, "v": v, "causal": 1 if causal else 0,
              "out": out, "dout": dout, "dq": q.grad, "dk": k.grad, "dv": v.grad}
    if scale is not None:  # absent: the op's default 1/sqrt(dk)
        arrays["scale"] = scale
    if m is not None:
        arrays["mask"] = m
    write(f"attention/{name}.txt", arrays)


if __name__ == "__main__":
    case("no_mask", 2, 2, 3, 4, 4, 4, seed=1)
    case("causal_square", 1, 2, 4, 4, 3, 3, causal=True, seed=2)
    case("causal_fewer_queries", 2, 1, 2, 5, 3, 3, causal=True, seed=3)
    case("key_padding", 2, 2, 3, 4, 3, 3, mask=[[0, 0, 1, 0], [0, 1, 1, 0]], seed=4)
    case("causal_and_padding", 2, 1, 4, 4, 3, 2, causal=True, mask=[[0, 0, 0, 1], [1, 0, 0, 0]], seed=5)
    case("dk_ne_dv", 1, 2, 3, 5, 4, 2, scale=0.7, seed=6)
    case("fully_masked_row", 2, 1, 2, 3, 3, 3, mask=[[0, 1, 0], [1, 1, 1]], seed=7)
    case("causal_more_queries", 1, 1, 4, 2, 2, 3, causal=True, seed=8)
