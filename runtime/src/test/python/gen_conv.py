"""Conv2d and pooling reference fixtures from PyTorch (float64).

Run: /usr/bin/python3 runtime/src/test/python/gen_conv.py
Writes runtime/src/test/resources/fixtures/conv/<case>.txt. Each conv file holds the parameters
(stride, padding, dilation, groups, has_bias), input, weight, bias (when used), an upstream gradient
grad_output, the forward output and grad_input / grad_weight / grad_bias. Each pool file holds kernel,
stride, padding, count_include_pad, input, grad_output, output and grad_input.
"""
import torch
import torch.nn.functional as F

from nabla_fixtures import write

torch.manual_seed(20240611)
torch.set_default_dtype(torch.float64)


def conv_case(name, n, c_in, h, w, c_out, kh, kw, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1, bias=True):
    x = torch.randn(n, c_in, h, w, requires_grad=True)
    wt = torch.randn(c_out, c_in // groups, kh, kw, requires_grad=True)
    b = torch.randn(c_out, requires_grad=True) if bias else None
    y = F.conv2d(x, wt, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    g = torch.randn_like(y)
    y.backward(g)
    arrays = {
        "stride": torch.tensor(stride, dtype=torch.int32),
        "padding": torch.tensor(padding, dtype=torch.int32),
        "dilation": torch.tensor(dilation, dtype=torch.int32),
        "groups": torch.tensor([groups], dtype=torch.int32),
        "input": x, "weight": wt,
    }
    if bias:
        arrays["bias"] = b
    arrays.update({"grad_output": g, "output": y, "grad_input": x.grad, "grad_weight": wt.grad})
    if bias:
        arrays["grad_bias"] = b.grad
    write(f"conv/{name}.txt", arrays)


def pool_case(name, kind, n, c, h, w, kernel, stride, padding, count_include_pad=True):
    # A permutation of distinct values keeps max-pool windows free of ties.
    x = (torch.randperm(n * c * h * w).to(torch.float64) / 7.0 - 3.0).reshape(n, c, h, w).requires_grad_(True)
    if kind == "max":
        y = F.max_pool2d(x, kernel, stride, padding)
    else:
        y = F.avg_pool2d(x, kernel, stride, padding, count_include_pad=count_include_pad)
    g = torch.randn_like(y)
    y.backward(g)
    write(f"conv/{name}.txt", {
        "kernel": torch.tensor(kernel, dtype=torch.int32),
        "stride": torch.tensor(stride, dtype=torch.int32),
        "padding": torch.tensor(padding, dtype=torch.int32),
        "count_include_pad": torch.tensor([1 if count_include_pad else 0], dtype=torch.int32),
        "input": x, "grad_output": g, "output": y, "grad_input": x.grad,
    })


conv_case("conv_3x3_pad1", 2, 2, 4, 4, 3, 3, 3, padding=(1, 1))
conv_case("conv_stride2", 1, 2, 7, 6, 2, 3, 3, stride=(2, 2), padding=(1, 1))
conv_case("conv_dilation2", 1, 2, 6, 6, 2, 3, 3, padding=(2, 2), dilation=(2, 2))
conv_case("conv_groups2", 1, 4, 4, 4, 4, 3, 3, padding=(1, 1), groups=2)
conv_case("conv_depthwise", 1, 3, 5, 4, 3, 3, 3, padding=(1, 1), groups=3)
conv_case("conv_no_bias", 1, 3, 5, 5, 2, 3, 3, bias=False)
conv_case("conv_1x1", 2, 4, 3, 3, 3, 1, 1)
conv_case("conv_nonsquare", 1, 2, 5, 8, 2, 2, 4, stride=(1, 2), padding=(1, 0), dilation=(2, 1))

pool_case("max_2x2", "max", 2, 2, 6, 6, (2, 2), (2, 2), (0, 0))
pool_case("max_3x3_s2_p1", "max", 1, 3, 7, 6, (3, 3), (2, 2), (1, 1))
pool_case("avg_3x3_s2_p1_include_pad", "avg", 1, 2, 7, 6, (3, 3), (2, 2), (1, 1), count_include_pad=True)
pool_case("avg_3x3_s2_p1_exclude_pad", "avg", 1, 2, 7, 6, (3, 3), (2, 2), (1, 1), count_include_pad=False)
pool_case("avg_2x3_nonsquare", "avg", 2, 1, 5, 7, (2, 3), (1, 2), (1, 1), count_include_pad=False)
