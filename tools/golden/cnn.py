"""PyTorch golden values for Nabla.Nn's convolution-area layers.

Writes tests/golden/cnn.json: for two small float64 networks built from every convolution, pooling and
normalisation layer (the twins are in tests/Nabla.Nn.Tests/CnnGoldenTests.cs), the initial state dict (parameters
and buffers), an input batch, the training-mode output, a random projection v, the gradients of sum(v * output)
with respect to the input and every parameter, the running statistics after that forward pass, the evaluation-mode
output, and repr(model). Run from the repository root with Debian's interpreter:

    /usr/bin/python3 tools/golden/cnn.py
"""

import json
import os
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "cnn.json"


def encode(t):
    t = t.detach()
    data = [int(v) for v in t.reshape(-1).tolist()] if t.dtype == torch.int64 else [float(v) for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}


def conv2d_net():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding="same", groups=2), nn.GroupNorm(2, 6), nn.ReLU(),
        nn.LPPool2d(2, 2), nn.ConvTranspose2d(6, 4, 2, stride=2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(2),
        nn.Flatten(), nn.Linear(16, 5))


def conv1d_net():
    return nn.Sequential(nn.Conv1d(2, 3, 3, padding=1, stride=2), nn.BatchNorm1d(3, momentum=None), nn.ReLU(),
                         nn.Flatten(), nn.Linear(12, 2))


def run(name, build, input_shape, seed):
    torch.manual_seed(seed)
    model = build()
    # Non-trivial batch-norm parameters and statistics, so that every term of the formula is exercised.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
    state = {k: encode(v) for k, v in model.state_dict().items()}
    # LPPool2d takes a square root of window sums: positive inputs keep them away from 0.
    x = torch.rand(*input_shape).requires_grad_(True)
    model.train()
    y = model(x)
    v = torch.randn(*y.shape)
    (y * v).sum().backward()
    after = {k: encode(v) for k, v in model.state_dict().items() if "running" in k or "num_batches" in k}
    model.eval()
    with torch.no_grad():
        y_eval = model(x)
    return {"state_dict": state, "input": encode(x), "output": encode(y), "projection": encode(v),
            "grad_input": encode(x.grad), "grads": {k: encode(p.grad) for k, p in model.named_parameters()},
            "buffers_after": after, "output_eval": encode(y_eval), "repr": repr(model)}


def main():
    torch.set_default_dtype(torch.float64)
    doc = {"generator": "tools/golden/cnn.py", "torch": torch.__version__,
           "conv2d": run("conv2d", conv2d_net, (3, 3, 8, 8), 3),
           "conv1d": run("conv1d", conv1d_net, (4, 2, 8), 4)}
    text = json.dumps(doc, sort_keys=True, allow_nan=False) + "\n"
    tmp = OUTPUT.with_name(OUTPUT.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
