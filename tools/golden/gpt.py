"""PyTorch golden values for Nabla.Models' GPT: the W4 anchor's model (../shared/anchors/w4_gpt.py) at a tiny size.

Builds the anchor's GPT (pre-LN blocks, fused c_attn, c_proj, GELU MLP x4, learned positions, final LayerNorm,
untied lm_head, nanoGPT init) with V=11, block 8, 2 layers, 2 heads, 16-d from torch.manual_seed(0), runs it on a
fixed (2, 6) batch and writes its state dict, the logits, the loss, and the parameters after one AdamW(3e-4) step.

    /usr/bin/python3 tools/golden/gpt.py

writes tests/golden/gpt.json.
"""
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "pytorch"))
from gpt_model import make_gpt  # noqa: E402  (the model of bench/pytorch/w4.py, shared)

V, BLOCK, N_LAYER, N_HEAD, N_EMBD = 11, 8, 2, 2, 16

torch.manual_seed(0)
model = make_gpt(V, BLOCK, N_LAYER, N_HEAD, N_EMBD)
# Larger than the init so the golden exercises non-trivial attention and LayerNorm.
with torch.no_grad():
    for p in model.parameters():
        p.add_(0.3 * torch.randn_like(p))
x = torch.tensor([[1, 4, 2, 9, 0, 3], [10, 5, 5, 7, 2, 8]])
y = torch.tensor([[4, 2, 9, 0, 3, 6], [5, 5, 7, 2, 8, 1]])
state = {k: v.flatten().tolist() for k, v in model.state_dict().items() if k.endswith("mask") is False}
shapes = {k: list(v.shape) for k, v in model.state_dict().items() if not k.endswith("mask")}
logits, loss = model(x, y)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
loss.backward()
opt.step()
out = {
    "config": {"vocab": V, "block": BLOCK, "n_layer": N_LAYER, "n_head": N_HEAD, "n_embd": N_EMBD},
    "state": state, "shapes": shapes, "x": x.flatten().tolist(), "y": y.flatten().tolist(),
    "logits": logits.detach().flatten().tolist(), "loss": float(loss),
    "after_step": {k: v.detach().flatten().tolist() for k, v in model.named_parameters() if k in ("h.0.attn.c_attn.weight", "lm_head.weight")},
}
path = ROOT / "tests" / "golden" / "gpt.json"
path.write_text(json.dumps(out))
print(f"wrote {path}")
