"""Shared helpers for the PyTorch side of registered side-by-side workloads (bench/pytorch/<name>.py).

A workload module parses `--threads N` with `setup()`, measures, and prints its metrics with `emit()`:

    {"blas": "openblas-openmp", "torch": "1.13...", "metrics": {"epoch time": {"unit": "s", "higher": false, "value": 5.4}}}

The runner compares each metric with the Nabla side's metric of the same name.
"""
import argparse
import json
import os
import sys

from workloads import blas_kind, fashion_mnist, median, timed  # noqa: F401 (re-exported for workload modules)


def setup(extra=None):
    """Parses --threads (and any extra arguments added by `extra(parser)`), pins thread counts, imports torch."""
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, required=True)
    if extra is not None:
        extra(p)
    args = p.parse_args()
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = str(args.threads)
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    return torch, args


def metric(unit, higher, value):
    """One metric: its unit, whether higher is better, its value."""
    return {"unit": unit, "higher": bool(higher), "value": float(value)}


def emit(torch, metrics):
    """Prints the one JSON line the runner reads."""
    json.dump({"torch": torch.__version__, "blas": blas_kind(), "metrics": metrics}, sys.stdout)
    print()


def char_corpus(torch):
    """The anchors' character data (W4, W5): $NABLA_CORPUS or /work/shared/data/kjv.txt, vocabulary = sorted set of
    its characters, first 90 % for training and the last 10 % for validation. Returns (V, train, val) as long tensors."""
    with open(os.environ.get("NABLA_CORPUS", "/work/shared/data/kjv.txt"), "r", encoding="ascii") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n_tr = int(0.9 * len(data))
    return len(chars), data[:n_tr], data[n_tr:]


def char_batches(torch, train_data, batch, seq):
    """The anchors' random windows: offsets from torch.randint with a Generator seeded 1337; targets shifted by one."""
    g = torch.Generator().manual_seed(1337)
    ar = torch.arange(seq)

    def get_batch():
        ix = torch.randint(len(train_data) - seq - 1, (batch,), generator=g)
        idx = ix[:, None] + ar[None, :]
        return train_data[idx], train_data[idx + 1]
    return get_batch


def val_windows(torch, val_data, seq):
    """The anchors' 64 fixed validation windows at offsets k * ((len(val) - seq - 1) // 63)."""
    stride = (len(val_data) - seq - 1) // 63
    idx = (torch.arange(64) * stride)[:, None] + torch.arange(seq)[None, :]
    return val_data[idx], val_data[idx + 1]


def train_steps(model, opt, get_batch, steps, window):
    """Runs `steps` optimiser steps of model(x, y) -> (logits, loss); times steps 6 .. 5 + window (after warm-up).
    Returns (losses, seconds of the timed window)."""
    import time
    losses, t_window, t_w0 = [], None, None
    for step in range(1, steps + 1):
        if step == 6:
            t_w0 = time.perf_counter()
        xb, yb = get_batch()
        _, loss = model(xb, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if step == 5 + window:
            t_window = time.perf_counter() - t_w0
    return losses, t_window
