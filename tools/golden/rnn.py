"""PyTorch golden values for Nabla's recurrent layers (RNN, LSTM, GRU and their cells).

Writes tests/golden/rnn.json: for every case below, the layer's configuration, its state dict (PyTorch's own
initialisation after a per-case seed) and its key order, the input, the initial state (when given), the lengths (packed cases), the
projections v (of the output) and vh, vc (of the final states), PyTorch's output and final states, and the
gradients of L = sum(v * output) + sum(vh * h_n) [+ sum(vc * c_n)] with respect to the input, the initial state
and every parameter. Packed cases run pack_padded_sequence(input, lengths, enforce_sorted=False) → layer →
pad_packed_sequence(total_length=T), so padded outputs are 0 and the final states are taken at each length.
RecurrentGoldenTests.cs loads the state dict into the Nabla layer and compares.

Run from the repository root with Debian's interpreter (python3-torch, python3-numpy):

    /usr/bin/python3 tools/golden/rnn.py

Inputs come from a NumPy generator seeded with the CRC-32 of the case name, so reruns reproduce the file.
"""

import json
import os
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "rnn.json"


def encode(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "data": [float(v) for v in t.reshape(-1).tolist()]}


def rand(rng, shape, dtype):
    return torch.tensor(rng.uniform(-1, 1, size=shape), dtype=dtype)


# name: kind, constructor kwargs, T, B, initial state?, lengths (or None), dtype
CASES = {
    "rnn_tanh_2layer_bidir": ("RNN", dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True), 6, 3, True, None, torch.float64),
    "rnn_relu_batch_first_nobias": ("RNN", dict(input_size=3, hidden_size=4, nonlinearity="relu", bias=False, batch_first=True), 5, 2, False, None, torch.float64),
    "lstm_2layer_bidir_batch_first": ("LSTM", dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True, batch_first=True), 6, 3, True, None, torch.float64),
    "lstm_1layer": ("LSTM", dict(input_size=3, hidden_size=4), 5, 2, False, None, torch.float64),
    "lstm_nobias_float32": ("LSTM", dict(input_size=8, hidden_size=16, bias=False, batch_first=True), 7, 4, True, None, torch.float32),
    "gru_2layer_bidir": ("GRU", dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True), 6, 3, True, None, torch.float64),
    "gru_batch_first": ("GRU", dict(input_size=3, hidden_size=4, batch_first=True), 5, 2, False, None, torch.float64),
    "packed_lstm_2layer_bidir": ("LSTM", dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True, batch_first=True), 6, 4, True, [6, 2, 4, 1], torch.float64),
    "packed_gru_bidir": ("GRU", dict(input_size=3, hidden_size=4, bidirectional=True), 5, 3, False, [3, 5, 1], torch.float64),
    "packed_rnn": ("RNN", dict(input_size=3, hidden_size=4, num_layers=2), 5, 3, True, [2, 5, 4], torch.float64),
    "cell_rnn": ("RNNCell", dict(input_size=3, hidden_size=4, nonlinearity="tanh"), 0, 2, True, None, torch.float64),
    "cell_lstm": ("LSTMCell", dict(input_size=3, hidden_size=4), 0, 2, True, None, torch.float64),
    "cell_gru": ("GRUCell", dict(input_size=3, hidden_size=4), 0, 2, True, None, torch.float64),
}


def run_case(name, kind, kwargs, T, B, with_state, lengths, dtype):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    torch.manual_seed(zlib.crc32(name.encode()) % (2**31))
    layer = getattr(nn, kind)(**kwargs).to(dtype)
    H = kwargs["hidden_size"]
    case = {"kind": kind, "config": kwargs, "dtype": str(dtype).replace("torch.", ""),
            "state_dict": {k: encode(v) for k, v in layer.state_dict().items()},
            "keys": list(layer.state_dict().keys())}
    is_cell = kind.endswith("Cell")
    if is_cell:
        x = rand(rng, (B, kwargs["input_size"]), dtype).requires_grad_()
        h0 = rand(rng, (B, H), dtype).requires_grad_()
        c0 = rand(rng, (B, H), dtype).requires_grad_() if kind == "LSTMCell" else None
        out = layer(x, (h0, c0)) if c0 is not None else layer(x, h0)
        if kind == "LSTMCell":
            y, c = out
        else:
            y, c = out, None
        v = rand(rng, tuple(y.shape), dtype)
        loss = (y * v).sum()
        vc = None
        if c is not None:
            vc = rand(rng, tuple(c.shape), dtype)
            loss = loss + (c * vc).sum()
        case.update(input=encode(x), h0=encode(h0), v=encode(v), output=encode(y))
        if c0 is not None:
            case.update(c0=encode(c0), vc=encode(vc), cn=encode(c))
        loss.backward()
        grads = {"input": encode(x.grad), "h0": encode(h0.grad)}
        if c0 is not None:
            grads["c0"] = encode(c0.grad)
    else:
        D = 2 if kwargs.get("bidirectional") else 1
        L = kwargs.get("num_layers", 1)
        bf = kwargs.get("batch_first", False)
        shape = (B, T, kwargs["input_size"]) if bf else (T, B, kwargs["input_size"])
        x = rand(rng, shape, dtype).requires_grad_()
        h0 = rand(rng, (L * D, B, H), dtype).requires_grad_() if with_state else None
        c0 = rand(rng, (L * D, B, H), dtype).requires_grad_() if with_state and kind == "LSTM" else None
        state = None if h0 is None else ((h0, c0) if kind == "LSTM" else h0)
        if lengths is None:
            out, hn = layer(x, state)
        else:
            packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
            out_p, hn = layer(packed, state)
            out, _ = pad_packed_sequence(out_p, batch_first=bf, total_length=T)
        hn, cn = hn if kind == "LSTM" else (hn, None)
        v = rand(rng, tuple(out.shape), dtype)
        vh = rand(rng, tuple(hn.shape), dtype)
        loss = (out * v).sum() + (hn * vh).sum()
        case.update(T=T, B=B, input=encode(x), v=encode(v), vh=encode(vh), output=encode(out), hn=encode(hn))
        if cn is not None:
            vc = rand(rng, tuple(cn.shape), dtype)
            loss = loss + (cn * vc).sum()
            case.update(vc=encode(vc), cn=encode(cn))
        if h0 is not None:
            case["h0"] = encode(h0)
        if c0 is not None:
            case["c0"] = encode(c0)
        if lengths is not None:
            case["lengths"] = lengths
        loss.backward()
        grads = {"input": encode(x.grad)}
        if h0 is not None:
            grads["h0"] = encode(h0.grad)
        if c0 is not None:
            grads["c0"] = encode(c0.grad)
    for k, p in layer.named_parameters():
        grads[k] = encode(p.grad)
    case["grads"] = grads
    return case


def main():
    cases = {name: run_case(name, *spec) for name, spec in CASES.items()}
    doc = {"generator": "tools/golden/rnn.py", "torch": torch.__version__, "cases": cases}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"
    tmp = OUTPUT.with_name(OUTPUT.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, OUTPUT)
    print(f"wrote {len(cases)} cases to {OUTPUT.relative_to(ROOT)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
