"""PyTorch golden values for Nabla.Nn.

Writes tests/golden/nn.json with
  - "losses": for every loss case below and every reduction, the float64 inputs, PyTorch's output, a random
    projection v (used when the output is not a scalar: L = sum(v * output)), and the gradients of L with respect
    to the input (and to a floating-point target when PyTorch differentiates it);
  - "forward": a small float32 MLP's state dict, an input batch, PyTorch's output, and the gradients of
    sum(v * output) with respect to the input and every parameter;
  - "models": state-dict keys and repr(model) of a few models built the same way in NnGoldenTests.cs;
  - "orthogonal": the sign-corrected Q that torch.nn.init.orthogonal_ derives from fixed matrices.

Run from the repository root with Debian's interpreter (python3-torch, python3-numpy):

    /usr/bin/python3 tools/golden/nn.py

Inputs come from a NumPy generator with a fixed seed per case (CRC-32 of the case name), so rerunning reproduces
the file exactly for a given PyTorch version.
"""

import json
import os
import sys
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "nn.json"
DT = torch.float64


def encode(t):
    t = t.detach()
    if t.dtype == torch.bool:
        data = [bool(v) for v in t.reshape(-1).tolist()]
    elif t.dtype == torch.int64:
        data = [int(v) for v in t.reshape(-1).tolist()]
    else:
        data = [float(v) for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def uniform(rng, shape, low, high):
    return torch.from_numpy(np.asarray(rng.uniform(low, high, size=shape), dtype=np.float64))


def probabilities(rng, shape):
    """Rows of class probabilities along dim 1 (a softmax of random logits)."""
    return torch.softmax(uniform(rng, shape, -2, 2), dim=1)


def with_ignored(t, positions, value=-100):
    t = t.clone()
    for p in positions:
        t.view(-1)[p] = value
    return t


# name: builder(rng) -> (input, target, extra tensors dict, fn(input, target, reduction)).
# The C# side (NnGoldenTests.LossCases) rebuilds each call from the stored tensors and the same options.
def cases():
    c = {}

    def add(name, build):
        c[name] = build(rng_for(name))

    add("mse", lambda r: (uniform(r, (3, 4), -2, 2), uniform(r, (3, 4), -2, 2), {},
                          lambda x, t, red, e: F.mse_loss(x, t, reduction=red)))
    add("l1", lambda r: (uniform(r, (3, 4), -2, 2), uniform(r, (3, 4), -2, 2), {},
                         lambda x, t, red, e: F.l1_loss(x, t, reduction=red)))
    add("huber", lambda r: (uniform(r, (3, 4), -2, 2), uniform(r, (3, 4), -2, 2), {},
                            lambda x, t, red, e: F.huber_loss(x, t, reduction=red)))
    add("huber_delta0.5", lambda r: (uniform(r, (3, 4), -2, 2), uniform(r, (3, 4), -2, 2), {},
                                     lambda x, t, red, e: F.huber_loss(x, t, reduction=red, delta=0.5)))
    add("bce", lambda r: (uniform(r, (3, 4), 0.05, 0.95), uniform(r, (3, 4), 0, 1), {},
                          lambda x, t, red, e: F.binary_cross_entropy(x, t, reduction=red)))
    add("bce_weight", lambda r: (uniform(r, (3, 4), 0.05, 0.95), uniform(r, (3, 4), 0, 1),
                                 {"weight": uniform(r, (4,), 0.5, 2)},
                                 lambda x, t, red, e: F.binary_cross_entropy(x, t, weight=e["weight"], reduction=red)))
    add("bce_logits", lambda r: (uniform(r, (3, 4), -3, 3), uniform(r, (3, 4), 0, 1), {},
                                 lambda x, t, red, e: F.binary_cross_entropy_with_logits(x, t, reduction=red)))
    add("bce_logits_pos_weight", lambda r: (
        uniform(r, (3, 4), -3, 3), uniform(r, (3, 4), 0, 1),
        {"weight": uniform(r, (4,), 0.5, 2), "pos_weight": uniform(r, (4,), 0.5, 3)},
        lambda x, t, red, e: F.binary_cross_entropy_with_logits(
            x, t, weight=e["weight"], pos_weight=e["pos_weight"], reduction=red)))
    add("cross_entropy", lambda r: (uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 1, 1, 2]), {},
                                    lambda x, t, red, e: F.cross_entropy(x, t, reduction=red)))
    add("cross_entropy_weight", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 1, 1, 2]), {"weight": uniform(r, (4,), 0.5, 2)},
        lambda x, t, red, e: F.cross_entropy(x, t, weight=e["weight"], reduction=red)))
    add("cross_entropy_ignore", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, -100, 1, -100, 2]), {},
        lambda x, t, red, e: F.cross_entropy(x, t, reduction=red)))
    add("cross_entropy_smoothing", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 1, 1, 2]), {},
        lambda x, t, red, e: F.cross_entropy(x, t, reduction=red, label_smoothing=0.1)))
    add("cross_entropy_all_options", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 2, 1, 2]), {"weight": uniform(r, (4,), 0.5, 2)},
        lambda x, t, red, e: F.cross_entropy(x, t, weight=e["weight"], ignore_index=2, reduction=red,
                                             label_smoothing=0.2)))
    add("cross_entropy_smoothing_ignore", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, -100, 1, 1, 2]), {},
        lambda x, t, red, e: F.cross_entropy(x, t, reduction=red, label_smoothing=0.3)))
    add("cross_entropy_kdim", lambda r: (
        uniform(r, (2, 3, 4), -2, 2), torch.tensor([[0, 2, 1, 1], [2, 0, -100, 1]]),
        {"weight": uniform(r, (3,), 0.5, 2)},
        lambda x, t, red, e: F.cross_entropy(x, t, weight=e["weight"], reduction=red, label_smoothing=0.1)))
    add("cross_entropy_unbatched", lambda r: (
        uniform(r, (4,), -2, 2), torch.tensor(2), {},
        lambda x, t, red, e: F.cross_entropy(x, t, reduction=red)))
    add("cross_entropy_probs", lambda r: (
        uniform(r, (5, 4), -2, 2), probabilities(r, (5, 4)), {},
        lambda x, t, red, e: F.cross_entropy(x, t, reduction=red)))
    add("cross_entropy_probs_all_options", lambda r: (
        uniform(r, (2, 3, 4), -2, 2), probabilities(r, (2, 3, 4)), {"weight": uniform(r, (3,), 0.5, 2)},
        lambda x, t, red, e: F.cross_entropy(x, t, weight=e["weight"], reduction=red, label_smoothing=0.25)))
    add("nll", lambda r: (
        torch.log_softmax(uniform(r, (5, 4), -2, 2), dim=1), torch.tensor([0, 3, 1, 1, 2]),
        {"weight": uniform(r, (4,), 0.5, 2)},
        lambda x, t, red, e: F.nll_loss(x, t, weight=e["weight"], ignore_index=1, reduction=red)))
    add("hinge_embedding", lambda r: (
        uniform(r, (3, 4), -2, 2), torch.tensor([[1., -1, -1, 1], [-1, 1, 1, -1], [1, 1, -1, -1]], dtype=DT), {},
        lambda x, t, red, e: F.hinge_embedding_loss(x, t, reduction=red)))
    add("hinge_embedding_margin", lambda r: (
        uniform(r, (3, 4), -2, 2), torch.tensor([[1., -1, -1, 1], [-1, 1, 1, -1], [1, 1, -1, -1]], dtype=DT), {},
        lambda x, t, red, e: F.hinge_embedding_loss(x, t, margin=0.5, reduction=red)))
    add("multi_margin", lambda r: (uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 1, 1, 2]), {},
                                   lambda x, t, red, e: F.multi_margin_loss(x, t, reduction=red)))
    add("multi_margin_p2_weight", lambda r: (
        uniform(r, (5, 4), -2, 2), torch.tensor([0, 3, 1, 1, 2]), {"weight": uniform(r, (4,), 0.5, 2)},
        lambda x, t, red, e: F.multi_margin_loss(x, t, p=2, margin=0.7, weight=e["weight"], reduction=red)))
    return c


def run_loss(name, case):
    x0, t0, extra, fn = case
    rng = rng_for(name + "/projection")
    out = {"input": encode(x0), "target": encode(t0), "extra": {k: encode(v) for k, v in extra.items()},
           "reductions": {}}
    for red in ("none", "mean", "sum"):
        x = x0.clone().requires_grad_(True)
        t = t0.clone()
        float_target = t.dtype == DT
        if float_target:
            t.requires_grad_(True)
        y = fn(x, t, red, extra)
        v = uniform(rng, tuple(y.shape), -1, 1) if red == "none" else torch.ones((), dtype=DT)
        target_grad = None
        try:
            (y * v).sum().backward()
            target_grad = encode(t.grad) if float_target and t.grad is not None else None
        except RuntimeError:
            # PyTorch implements no target derivative for this loss: differentiate the input only.
            x = x0.clone().requires_grad_(True)
            y = fn(x, t0, red, extra)
            (y * v).sum().backward()
        out["reductions"][red] = {"output": encode(y), "projection": encode(v), "grad_input": encode(x.grad),
                                  "grad_target": target_grad}
    return out


class Net(nn.Module):
    """Mirrored by NnGoldenTests.Net: children of every container kind plus a persistent and a
    non-persistent buffer."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(6, 5)
        self.layers = nn.ModuleList([nn.Linear(5, 5), nn.ReLU(), nn.Linear(5, 5, bias=False)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(5, 3), "reg": nn.Sequential(nn.Linear(5, 1), nn.Tanh())})
        self.register_buffer("scale", torch.ones(5))
        self.register_buffer("cache", torch.zeros(2), persistent=False)


def models():
    torch.manual_seed(0)
    table = {
        "mlp": nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)),
        "activations": nn.Sequential(
            nn.Flatten(), nn.Linear(4, 3, bias=False), nn.Dropout(0.25), nn.LeakyReLU(0.2), nn.GELU(approximate="tanh"),
            nn.GELU(), nn.ELU(alpha=0.5), nn.Softplus(beta=2, threshold=10), nn.SiLU(), nn.Sigmoid(), nn.Tanh(),
            nn.Softmax(dim=1), nn.LogSoftmax(dim=-1), nn.Identity(), nn.ReLU(), nn.Flatten(0, 2), nn.Dropout()),
        "net": Net(),
        "losses": nn.Sequential(nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), nn.BCELoss(), nn.BCEWithLogitsLoss(),
                                nn.CrossEntropyLoss(), nn.NLLLoss(), nn.HingeEmbeddingLoss(), nn.MultiMarginLoss()),
    }
    return {name: {"keys": list(m.state_dict().keys()), "repr": repr(m),
                   "shapes": [list(v.shape) for v in m.state_dict().values()]}
            for name, m in table.items()}


def forward():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = torch.randn(5, 3).requires_grad_(True)
    y = model(x)
    v = torch.randn(5, 2)
    (y * v).sum().backward()
    return {"state_dict": {k: encode(v) for k, v in model.state_dict().items()}, "input": encode(x),
            "output": encode(y), "projection": encode(v), "grad_input": encode(x.grad),
            "grads": {k: encode(p.grad) for k, p in model.named_parameters()}, "dtype": "float32"}


def orthogonal():
    """The sign-corrected Q of torch.nn.init.orthogonal_ for fixed tall matrices A: Q, R = qr(A), Q *= sign(diag R)."""
    out = {}
    for rows, cols in [(6, 4), (5, 5)]:
        a = uniform(rng_for(f"orthogonal/{rows}x{cols}"), (rows, cols), -1, 1)
        q, r = torch.linalg.qr(a)
        q = q * torch.diag(r, 0).sign()
        out[f"{rows}x{cols}"] = {"a": encode(a), "q": encode(q)}
    return out


def main():
    torch.set_default_dtype(DT)
    losses = {name: run_loss(name, case) for name, case in sorted(cases().items())}
    torch.set_default_dtype(torch.float32)
    doc = {"generator": "tools/golden/nn.py", "torch": torch.__version__, "losses": losses, "forward": forward(),
           "models": models(), "orthogonal": orthogonal()}
    text = json.dumps(doc, sort_keys=True, allow_nan=False, indent=None) + "\n"
    if json.loads(text) != doc:
        sys.exit("error: the written JSON does not round-trip")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUTPUT.with_name(OUTPUT.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, OUTPUT)
    print(f"wrote {len(losses)} loss cases to {OUTPUT.relative_to(ROOT)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
