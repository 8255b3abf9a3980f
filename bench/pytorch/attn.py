"""Attention side by side, PyTorch: one causal self-attention call of the W4 char-GPT (batch 32, 4 heads, block 128,
head dim 32, float32) in PyTorch 1.13's way (it has no fused attention; nanoGPT's fallback path):
softmax((q @ k^T) / sqrt(d) masked to -inf above the diagonal) @ v. Metrics: median milliseconds of the forward
alone ("attention fwd", under no_grad) and of forward + backward ("attention fwd+bwd").
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch, args = common.setup()

g = torch.Generator().manual_seed(1)
q, k, v, grad = (torch.randn(32, 4, 128, 32, generator=g) for _ in range(4))
for t in (q, k, v):
    t.requires_grad_()
mask = torch.tril(torch.ones(128, 128, dtype=torch.bool))


def attention():
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.size(-1)))
    att = att.masked_fill(~mask, float("-inf"))
    return torch.softmax(att, dim=-1) @ v


def forward():
    with torch.no_grad():
        attention()


def both():
    attention().backward(grad)
    q.grad = k.grad = v.grad = None


common.emit(torch, {
    "attention fwd": common.metric("ms", False, common.timed(forward) * 1000),
    "attention fwd+bwd": common.metric("ms", False, common.timed(both) * 1000),
})
