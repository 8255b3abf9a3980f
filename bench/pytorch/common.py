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
