"""PyTorch golden values for Nabla.Models' GPT: the W4 anchor's model (../shared/anchors/w4_gpt.py) at a tiny size.

Builds the anchor's GPT (pre-LN blocks, fused c_attn, c_proj, GELU MLP x4, learned positions, final LayerNorm,
untied lm_head, nanoGPT init) with V=11, block 8, 2 layers, 2 heads, 16-d from torch.manual_seed(0), runs it on a
fixed (2, 6) batch and writes its state dict, the logits, the loss, and the parameters after one AdamW(3e-4) step.

    /usr/bin/python3 tools/golden/gpt.py

writes tests/golden/gpt.json.
"""
import json
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
V, BLOCK, N_LAYER, N_HEAD, N_EMBD = 11, 8, 2, 2, 16


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD)
        self.register_buffer("mask", torch.tril(torch.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(N_EMBD, dim=2)
        hd = C // N_HEAD
        q = q.view(B, T, N_HEAD, hd).transpose(1, 2)
        k = k.view(B, T, N_HEAD, hd).transpose(1, 2)
        v = v.view(B, T, N_HEAD, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * N_EMBD, N_EMBD)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(N_EMBD)
        self.mlp = MLP()

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, N_EMBD)
        self.wpe = nn.Embedding(BLOCK, N_EMBD)
        self.h = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(N_EMBD)
        self.lm_head = nn.Linear(N_EMBD, V, bias=False)
        self.apply(self._init)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * N_LAYER))
        # Larger than the init so the golden exercises non-trivial attention and LayerNorm.
        with torch.no_grad():
            for pn, p in self.named_parameters():
                p.add_(0.3 * torch.randn_like(p))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T, dtype=torch.long))
        for blk in self.h:
            x = blk(x)
        logits = self.lm_head(self.ln_f(x))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, V), targets.view(-1))
        return logits, loss


torch.manual_seed(0)
model = GPT()
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
