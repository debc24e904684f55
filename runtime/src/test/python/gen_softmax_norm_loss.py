"""Reference values for the SOFTMAX, NORM and LOSS families: inputs, parameters, outputs and the gradients
for a fixed upstream gradient g, all float64. Run: /usr/bin/python3 gen_softmax_norm_loss.py"""
import torch
import torch.nn.functional as F

from nabla_fixtures import write

torch.manual_seed(7)
D = torch.float64


def rand(*shape, scale=2.0):
    return ((torch.rand(*shape, dtype=D) * 2 - 1) * scale).requires_grad_(True)


def grads(out, inputs, g=None):
    if g is None:
        g = torch.rand(out.shape, dtype=D) * 2 - 1
    gs = torch.autograd.grad(out, [i for i in inputs if i is not None], g)
    return g, gs


def softmax():
    arrays = {}
    for tag, shape, axis in (("last", (3, 5), -1), ("mid", (2, 4, 3), 1)):
        x = rand(*shape, scale=3.0)
        g = torch.rand(shape, dtype=D) * 2 - 1
        arrays[f"x_{tag}"] = x
        arrays[f"g_{tag}"] = g
        for name, fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
            y = fn(x, dim=axis)
            _, (dx,) = grads(y, [x], g)
            arrays[f"{name}_{tag}_y"] = y
            arrays[f"{name}_{tag}_dx"] = dx
    write("softmax/softmax.txt", arrays)


def layer_norm():
    arrays = {}
    x = rand(2, 3, 4)
    w, b = rand(4), rand(4)
    y = F.layer_norm(x, (4,), w, b, 1e-5)
    g, (dx, dw, db) = grads(y, [x, w, b])
    arrays.update(affine_x=x, affine_w=w, affine_b=b, affine_y=y, affine_g=g, affine_dx=dx, affine_dw=dw, affine_db=db)
    x2 = rand(2, 3, 4)
    y2 = F.layer_norm(x2, (3, 4), None, None, 1e-5)
    g2, (dx2,) = grads(y2, [x2])
    arrays.update(plain_x=x2, plain_y=y2, plain_g=g2, plain_dx=dx2)
    write("norm/layer_norm.txt", arrays)


def batch_norm():
    arrays = {}
    for tag, shape in (("2d", (5, 3)), ("4d", (2, 3, 2, 2))):
        x = rand(*shape)
        w, b = rand(3), rand(3)
        rm0 = torch.rand(3, dtype=D) - 0.5
        rv0 = torch.rand(3, dtype=D) + 0.5
        rm, rv = rm0.clone(), rv0.clone()
        y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
        g, (dx, dw, db) = grads(y, [x, w, b])
        arrays.update({f"{tag}_x": x, f"{tag}_w": w, f"{tag}_b": b, f"{tag}_rm0": rm0, f"{tag}_rv0": rv0,
                       f"{tag}_g": g, f"{tag}_y": y, f"{tag}_dx": dx, f"{tag}_dw": dw, f"{tag}_db": db,
                       f"{tag}_rm1": rm, f"{tag}_rv1": rv})
        ye = F.batch_norm(x, rm0, rv0, w, b, training=False, momentum=0.1, eps=1e-5)
        _, (dxe, dwe, dbe) = grads(ye, [x, w, b], g)
        arrays.update({f"{tag}_eval_y": ye, f"{tag}_eval_dx": dxe, f"{tag}_eval_dw": dwe, f"{tag}_eval_db": dbe})
    write("norm/batch_norm.txt", arrays)


def cross_entropy():
    arrays = {}
    x = rand(4, 5)
    labels = torch.tensor([1, 0, 4, 2])
    labels_ign = torch.tensor([1, -100, 4, 2])
    arrays.update(x=x, labels=labels, labels_ign=labels_ign)
    cases = (("mean", labels, "mean", 0.0), ("sum", labels, "sum", 0.0), ("none", labels, "none", 0.0),
             ("ignore", labels_ign, "mean", 0.0), ("smooth", labels, "mean", 0.1),
             ("smooth_ignore", labels_ign, "mean", 0.1), ("smooth_none", labels_ign, "none", 0.1))
    for tag, lab, red, s in cases:
        loss = F.cross_entropy(x, lab, reduction=red, ignore_index=-100, label_smoothing=s)
        g, (dx,) = grads(loss, [x])
        arrays.update({f"{tag}_loss": loss, f"{tag}_g": g, f"{tag}_dx": dx})
    x3 = rand(2, 4, 3)
    lab3 = torch.tensor([[0, 3, 1], [2, -100, 3]])
    arrays.update(x3=x3, labels3=lab3)
    for red in ("mean", "none"):
        loss = F.cross_entropy(x3, lab3, reduction=red, ignore_index=-100, label_smoothing=0.1)
        g, (dx,) = grads(loss, [x3])
        arrays.update({f"x3_{red}_loss": loss, f"x3_{red}_g": g, f"x3_{red}_dx": dx})
    write("loss/cross_entropy.txt", arrays)


def other_losses():
    arrays = {}
    lp = F.log_softmax(torch.rand(4, 3, dtype=D) * 4 - 2, dim=1).detach().requires_grad_(True)
    labels = torch.tensor([2, 0, -100, 1])
    for red in ("mean", "sum", "none"):
        loss = F.nll_loss(lp, labels, reduction=red, ignore_index=-100)
        g, (dx,) = grads(loss, [lp])
        arrays.update({f"nll_{red}_loss": loss, f"nll_{red}_g": g, f"nll_{red}_dx": dx})
    arrays.update(nll_x=lp, nll_labels=labels)
    a, t = rand(3, 4), rand(3, 4)
    arrays.update(a=a, t=t)
    for name, fn in (("mse", F.mse_loss), ("l1", F.l1_loss)):
        for red in ("mean", "sum", "none"):
            loss = fn(a, t, reduction=red)
            g, (da, dt) = grads(loss, [a, t])
            arrays.update({f"{name}_{red}_loss": loss, f"{name}_{red}_g": g, f"{name}_{red}_da": da, f"{name}_{red}_dt": dt})
    z = rand(3, 4, scale=4.0)
    tb = torch.rand(3, 4, dtype=D).requires_grad_(True)
    pw = torch.rand(4, dtype=D) * 2 + 0.5  # torch 1.13 has no gradient for pos_weight; GradCheck covers ours
    arrays.update(z=z, tb=tb, pw=pw)
    for red in ("mean", "none"):
        loss = F.binary_cross_entropy_with_logits(z, tb, reduction=red)
        g, (dz, dtb) = grads(loss, [z, tb])
        arrays.update({f"bce_{red}_loss": loss, f"bce_{red}_g": g, f"bce_{red}_dz": dz, f"bce_{red}_dt": dtb})
        loss = F.binary_cross_entropy_with_logits(z, tb, pos_weight=pw, reduction=red)
        g, (dz, dtb) = grads(loss, [z, tb])
        arrays.update({f"bcepw_{red}_loss": loss, f"bcepw_{red}_g": g, f"bcepw_{red}_dz": dz, f"bcepw_{red}_dt": dtb})
    write("loss/losses.txt", arrays)


if __name__ == "__main__":
    softmax()
    layer_norm()
    batch_norm()
    cross_entropy()
    other_losses()
