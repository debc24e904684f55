"""PyTorch references for the elementwise and reduce families: run with /usr/bin/python3 gen_elementwise.py.

Checks PyTorch's exact semantics where a hand-written reference could agree with a wrong kernel: the two
GELUs, hardsigmoid, clamp gradients at the bounds, amax / amin gradient ties, prod gradients with zeros,
argmax with ties and NaN, maximum ties, unbiased variance.
"""
import torch
from nabla_fixtures import write

torch.manual_seed(0)
x = torch.tensor([-6.0, -3.5, -3.0, -1.2, -0.3, 0.0, 0.4, 1.0, 2.9, 3.0, 4.2], dtype=torch.float64)
g = torch.linspace(-1.0, 1.5, x.numel(), dtype=torch.float64)


def fwd_bwd(f):
    xx = x.clone().requires_grad_(True)
    y = f(xx)
    y.backward(g)
    return y, xx.grad


out = {"x": x, "g": g}
acts = {
    "gelu": lambda t: torch.nn.functional.gelu(t),
    "gelu_tanh": lambda t: torch.nn.functional.gelu(t, approximate="tanh"),
    "hardsigmoid": torch.nn.functional.hardsigmoid,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.2),
    "sigmoid": torch.sigmoid,
    "clamp": lambda t: torch.clamp(t, min=-1.2, max=1.0),
    "clamp_min": lambda t: torch.clamp(t, min=0.4),
}
for name, f in acts.items():
    y, dx = fwd_bwd(f)
    out[name] = y
    out[name + "_grad"] = dx

r = torch.tensor([[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 2.0, 2.0], [0.0, 5.0, 0.0, -1.0]], dtype=torch.float64)
out["r"] = r
rr = r.clone().requires_grad_(True)
torch.amax(rr, dim=1).sum().backward()
out["amax_grad"] = rr.grad
rr = r.clone().requires_grad_(True)
torch.amin(rr, dim=1).sum().backward()
out["amin_grad"] = rr.grad
rr = r.clone().requires_grad_(True)
torch.prod(rr, dim=1).sum().backward()
out["prod_grad"] = rr.grad
rr = r.clone().requires_grad_(True)
torch.logsumexp(rr, dim=0).sum().backward()
out["logsumexp0"] = torch.logsumexp(r, dim=0)
out["logsumexp0_grad"] = rr.grad
out["var_unbiased1"] = torch.var(r, dim=1, unbiased=True)
out["var_biased_all"] = torch.var(r, unbiased=False)
out["argmax1"] = torch.argmax(r, dim=1)
out["argmin1"] = torch.argmin(r, dim=1)

n = torch.tensor([[1.0, float("nan"), 9.0, float("nan")], [4.0, 1.0, 4.0, 0.0]], dtype=torch.float64)
out["n"] = torch.nan_to_num(n, nan=-12345.0)  # NaN is stored as a marker; the test restores it
out["argmax_nan"] = torch.argmax(n, dim=1)
out["argmin_nan"] = torch.argmin(n, dim=1)

a = torch.tensor([1.0, 2.0, 3.0, -1.0], dtype=torch.float64, requires_grad=True)
b = torch.tensor([1.0, 0.0, 5.0, -1.0], dtype=torch.float64, requires_grad=True)
torch.maximum(a, b).sum().backward()
out["max_a"] = a.detach()
out["max_b"] = b.detach()
out["maximum_grad_a"] = a.grad
out["maximum_grad_b"] = b.grad

write("elementwise/torch_reference.txt", out)
