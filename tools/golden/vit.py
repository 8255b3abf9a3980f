"""PyTorch golden values for Nabla.Models.Vision.VisionTransformer: the model of bench/pytorch/vit.py at a tiny size
(8x8 images, 4x4 patches, width 8, 2 pre-norm GELU layers of 2 heads, feed-forward 16, 3 classes), with its state
dict, a fixed batch of 2 images and the logits.

    /usr/bin/python3 tools/golden/vit.py

writes tests/golden/vit.json.
"""
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "pytorch"))
import vit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
torch.manual_seed(0)
model = vit.build(torch)
# Rebuild at the tiny size with the same class.
Tiny = type(model)
torch.manual_seed(1)
model = Tiny(image=8, patch=4, dim=8, depth=2, heads=2, mlp=16, classes=3)
with torch.no_grad():
    for p in model.parameters():
        p.add_(0.2 * torch.randn_like(p))   # move away from the init so every part matters
model.eval()
x = torch.rand(2, 1, 8, 8)
with torch.no_grad():
    logits = model(x)
out = {
    "state": {k: v.flatten().tolist() for k, v in model.state_dict().items()},
    "shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
    "x": x.flatten().tolist(),
    "logits": logits.flatten().tolist(),
}
path = ROOT / "tests" / "golden" / "vit.json"
path.write_text(json.dumps(out))
print(f"wrote {path}")
