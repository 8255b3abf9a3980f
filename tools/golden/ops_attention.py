"""PyTorch golden values for the attention rows of Nabla's op catalog (OpCatalog.Attention.cs).

PyTorch 1.13 has no F.scaled_dot_product_attention, so the reference is its documented formula written in torch:
softmax(Q·Kᵀ·scale + M)·V, where a Bool mask (true = may attend) and the causal mask (key j ≤ query i, top-left
aligned as torch.ones(L, S).tril()) become −∞ where masked, and a float mask is added.

    /usr/bin/python3 tools/golden/ops_attention.py

writes tests/golden/ops_attention.json.
"""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import ops  # noqa: E402

import torch  # noqa: E402

CATALOG = ops.ROOT / "tests" / "Nabla.Core.Tests" / "Ops" / "OpCatalog.Attention.cs"
OUTPUT = ops.ROOT / "tests" / "golden" / "ops_attention.json"

# Constants copied from the top of OpCatalog.Attention.cs.
ATTN_MASK35 = torch.tensor([[True, False, True, False, False],
                            [False, True, True, True, False],
                            [True, True, False, False, True]])
KEY_PADDING215 = torch.tensor([[[True, True, True, True, False]],
                               [[True, True, False, False, False]]])


def weights(q, k, mask=None, causal=False, scale=None):
    """The attention weights of PyTorch 2.x's F.scaled_dot_product_attention reference implementation."""
    l, s = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if causal:
        scores = scores.masked_fill(~torch.ones(l, s, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    return torch.softmax(scores, -1)


def sdpa(q, k, v, mask=None, causal=False, scale=None):
    """PyTorch 2.x's F.scaled_dot_product_attention (its documented reference implementation)."""
    return weights(q, k, mask, causal, scale) @ v


ROWS = {
    "ScaledDotProductAttention": ([(2, 3, 4), (2, 5, 4), (2, 5, 3)], -2, 2, lambda x: sdpa(*x)),
    "ScaledDotProductAttention/causal": ([(2, 4, 4), (2, 4, 4), (2, 4, 2)], -2, 2, lambda x: sdpa(*x, causal=True)),
    "ScaledDotProductAttention/causal-wide": ([(3, 4), (5, 4), (5, 2)], -2, 2, lambda x: sdpa(*x, causal=True)),
    "ScaledDotProductAttention/causal-tall": ([(5, 3), (3, 3), (3, 2)], -2, 2, lambda x: sdpa(*x, causal=True)),
    "ScaledDotProductAttention/bool-mask": ([(2, 3, 4), (2, 5, 4), (2, 5, 3)], -2, 2,
                                           lambda x: sdpa(*x, mask=ATTN_MASK35)),
    "ScaledDotProductAttention/key-padding": ([(2, 3, 4), (2, 5, 4), (2, 5, 3)], -2, 2,
                                              lambda x: sdpa(*x, mask=KEY_PADDING215)),
    "ScaledDotProductAttention/float-mask": ([(2, 3, 4), (2, 5, 4), (2, 5, 3), (3, 5)], -2, 2,
                                             lambda x: sdpa(x[0], x[1], x[2], mask=x[3])),
    "ScaledDotProductAttention/broadcast": ([(2, 2, 3, 4), (2, 1, 5, 4), (5, 3)], -2, 2, lambda x: sdpa(*x)),
    "ScaledDotProductAttention/scale": ([(3, 4), (4, 4), (4, 5)], -2, 2, lambda x: sdpa(*x, scale=0.3)),
    "ScaledDotProductAttentionWeights": ([(2, 3, 4), (2, 5, 4)], -2, 2, lambda x: weights(*x, mask=ATTN_MASK35)),
    "ScaledDotProductAttentionWeights/causal": ([(4, 3), (4, 3)], -2, 2,
                                                lambda x: weights(*x, causal=True, scale=0.5)),
}


if __name__ == "__main__":
    ops.generate(CATALOG, ROWS, OUTPUT, "tools/golden/ops_attention.py")
