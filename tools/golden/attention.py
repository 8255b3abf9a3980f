"""PyTorch golden values for Nabla's attention modules (tests/Nabla.Nn.Tests/Attention/AttentionGoldenTests.cs).

Builds PyTorch 1.13 nn.MultiheadAttention, nn.TransformerEncoderLayer (post- and pre-norm, ReLU and GELU),
nn.TransformerDecoderLayer, nn.TransformerEncoder and nn.Transformer in float64 with fixed seeds, in eval mode with
dropout 0, and writes for each case: the state dict, the inputs and masks, the output (and MHA's attention weights),
a random projection v of the output, and the gradients of sum(output * v) with respect to the inputs, to
tests/golden/attention.json (−∞ mask entries written as null). The inputs require grad, which also keeps PyTorch off its fused inference fast paths.

    /usr/bin/python3 tools/golden/attention.py
"""

import json
import os
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "attention.json"
torch.set_default_dtype(torch.float64)


def encode(t):
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "data": [int(b) for b in t.reshape(-1).tolist()], "dtype": "bool"}
    # −∞ (in float masks) is not valid JSON: it is written as null.
    return {"shape": list(t.shape), "data": [None if v == float("-inf") else v for v in t.detach().reshape(-1).tolist()]}


def causal_bool(n):
    """PyTorch's MultiheadAttention convention: true above the diagonal = not allowed."""
    return torch.ones(n, n, dtype=torch.bool).triu(1)


def padding(lengths, s):
    """(N, S) key padding mask, true at padded positions."""
    return torch.arange(s)[None, :] >= torch.tensor(lengths)[:, None]


def case(seed, build, inputs, masks, run, config):
    torch.manual_seed(seed)
    module = build().eval()
    xs = {k: v.clone().requires_grad_() for k, v in inputs.items()}
    out = run(module, xs, masks)
    weights = None
    if isinstance(out, tuple):
        out, weights = out
    torch.manual_seed(seed + 1)
    v = torch.rand(out.shape) * 2 - 1
    (out * v).sum().backward()
    result = {
        "config": config,
        "state": {k: encode(t) for k, t in module.state_dict().items()},
        "inputs": {k: encode(t) for k, t in inputs.items()},
        "masks": {k: encode(t) for k, t in masks.items()},
        "output": encode(out),
        "projection": encode(v),
        "grads": {k: encode(x.grad) for k, x in xs.items()},
    }
    if weights is not None:
        result["weights"] = encode(weights)
    return result


def randn(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def main():
    cases = {}
    # MultiheadAttention, self-attention (one tensor as query, key and value), sequence-first, key padding.
    cases["mha_self_padding"] = case(
        1, lambda: nn.MultiheadAttention(8, 2),
        {"x": randn(4, 2, 8, seed=10)}, {"key_padding_mask": padding([4, 2], 4)},
        lambda m, x, k: m(x["x"], x["x"], x["x"], key_padding_mask=k["key_padding_mask"]),
        {"embed_dim": 8, "num_heads": 2, "batch_first": False, "self": True})
    # Cross-attention with kdim/vdim (separate projection weights), batch-first, float mask, per-head weights.
    cases["mha_cross_kvdim"] = case(
        2, lambda: nn.MultiheadAttention(8, 2, kdim=6, vdim=5, batch_first=True),
        {"query": randn(2, 3, 8, seed=20), "key": randn(2, 5, 6, seed=21), "value": randn(2, 5, 5, seed=22)},
        {"attn_mask": randn(3, 5, seed=23)},
        lambda m, x, k: m(x["query"], x["key"], x["value"], attn_mask=k["attn_mask"], average_attn_weights=False),
        {"embed_dim": 8, "num_heads": 2, "kdim": 6, "vdim": 5, "batch_first": True, "self": False,
         "average_attn_weights": False})
    # Causal Bool attention mask, 4 heads, without bias; Nabla checks it both as attn_mask and as is_causal.
    cases["mha_causal_nobias"] = case(
        3, lambda: nn.MultiheadAttention(8, 4, bias=False, batch_first=True),
        {"x": randn(2, 5, 8, seed=30)}, {"attn_mask": causal_bool(5)},
        lambda m, x, k: m(x["x"], x["x"], x["x"], attn_mask=k["attn_mask"]),
        {"embed_dim": 8, "num_heads": 4, "bias": False, "batch_first": True, "self": True})

    # Encoder layers.
    cases["encoder_post_relu"] = case(
        4, lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
        {"src": randn(5, 2, 8, seed=40)}, {"src_key_padding_mask": padding([5, 3], 5)},
        lambda m, x, k: m(x["src"], src_key_padding_mask=k["src_key_padding_mask"]),
        {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "activation": "relu", "norm_first": False, "batch_first": False})
    cases["encoder_pre_gelu"] = case(
        5, lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu",
                                              batch_first=True, norm_first=True),
        {"src": randn(2, 5, 8, seed=50)}, {"src_mask": nn.Transformer.generate_square_subsequent_mask(5)},
        lambda m, x, k: m(x["src"], src_mask=k["src_mask"]),
        {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "activation": "gelu", "norm_first": True, "batch_first": True})
    cases["encoder_post_gelu"] = case(
        6, lambda: nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation="gelu", batch_first=True),
        {"src": randn(3, 4, 8, seed=60)}, {},
        lambda m, x, k: m(x["src"]),
        {"d_model": 8, "nhead": 4, "dim_feedforward": 12, "activation": "gelu", "norm_first": False, "batch_first": True})
    cases["encoder_pre_relu"] = case(
        7, lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, norm_first=True),
        {"src": randn(4, 2, 8, seed=70)}, {"src_key_padding_mask": padding([2, 4], 4)},
        lambda m, x, k: m(x["src"], src_key_padding_mask=k["src_key_padding_mask"]),
        {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "activation": "relu", "norm_first": True, "batch_first": False})

    # Decoder layers.
    cases["decoder_post_relu"] = case(
        8, lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
        {"tgt": randn(4, 2, 8, seed=80), "memory": randn(5, 2, 8, seed=81)},
        {"tgt_mask": nn.Transformer.generate_square_subsequent_mask(4), "memory_key_padding_mask": padding([5, 2], 5)},
        lambda m, x, k: m(x["tgt"], x["memory"], tgt_mask=k["tgt_mask"], memory_key_padding_mask=k["memory_key_padding_mask"]),
        {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "activation": "relu", "norm_first": False, "batch_first": False})
    cases["decoder_pre_gelu"] = case(
        9, lambda: nn.TransformerDecoderLayer(8, 4, dim_feedforward=16, dropout=0.0, activation="gelu",
                                              batch_first=True, norm_first=True),
        {"tgt": randn(2, 3, 8, seed=90), "memory": randn(2, 6, 8, seed=91)},
        {"tgt_mask": causal_bool(3)},
        lambda m, x, k: m(x["tgt"], x["memory"], tgt_mask=k["tgt_mask"]),
        {"d_model": 8, "nhead": 4, "dim_feedforward": 16, "activation": "gelu", "norm_first": True, "batch_first": True})

    # Stacks: an encoder of 2 layers with a final norm, and the full encoder-decoder Transformer.
    def encoder_stack():
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, norm_first=True)
        return nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    cases["encoder_stack"] = case(
        10, encoder_stack, {"src": randn(5, 2, 8, seed=100)}, {"mask": nn.Transformer.generate_square_subsequent_mask(5)},
        lambda m, x, k: m(x["src"], mask=k["mask"]),
        {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "activation": "relu", "norm_first": True, "batch_first": False,
         "num_layers": 2})
    cases["transformer"] = case(
        11, lambda: nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16,
                                   dropout=0.0),
        {"src": randn(5, 2, 8, seed=110), "tgt": randn(4, 2, 8, seed=111)},
        {"tgt_mask": nn.Transformer.generate_square_subsequent_mask(4), "src_key_padding_mask": padding([5, 4], 5)},
        lambda m, x, k: m(x["src"], x["tgt"], tgt_mask=k["tgt_mask"], src_key_padding_mask=k["src_key_padding_mask"],
                          memory_key_padding_mask=k["src_key_padding_mask"]),
        {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 2, "dim_feedforward": 16})

    doc = {"generator": "tools/golden/attention.py", "torch": torch.__version__, "dtype": "float64", "cases": cases}
    text = json.dumps(doc, sort_keys=True, allow_nan=False)
    tmp = OUTPUT.with_name(OUTPUT.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, OUTPUT)
    print(f"wrote {len(cases)} cases to {OUTPUT.relative_to(ROOT)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
