"""PyTorch side of Nabla's side-by-side benchmark runner (bench/Nabla.SideBySide).

Runs one workload at one thread count and prints one JSON object on stdout. The runner starts it as

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=N \
        /usr/bin/python3 bench/pytorch/workloads.py --workload w1 --threads N

and refuses to compare when the "blas" field is not an OpenBLAS build (Debian's plain python3-torch uses the
Netlib reference BLAS, 10-50x slower). Definitions follow ../shared/anchors (W1: torch.mm into a preallocated
C, GFLOP/s = 2n^3 / median time; warm-up 2 calls; enough repetitions for ~1.5 s, 5..200).
"""
import argparse
import json
import os
import sys
import time


def blas_kind():
    """Which BLAS the process mapped, read from /proc/self/maps."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[-1] or "lapack" in parts[-1]):
                libs.add(parts[-1])
    for kind in ("openblas-openmp", "openblas-pthread", "openblas-serial"):
        if any(kind in p for p in libs):
            return kind
    if any("openblas" in p for p in libs):
        return "openblas"
    if any("/blas/libblas" in p for p in libs):
        return "reference-netlib"
    return "unknown"


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def timed(fn, min_reps=5, max_reps=200, budget=1.5):
    """Median seconds per call after two warm-up calls."""
    fn()
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-9)
    reps = int(min(max_reps, max(min_reps, budget / once)))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return median(ts)


def w1(torch, sizes):
    out = {}
    gen = torch.Generator().manual_seed(0)
    for n in sizes:
        a = torch.randn(n, n, generator=gen)
        b = torch.randn(n, n, generator=gen)
        c = torch.empty(n, n)
        t = timed(lambda: torch.mm(a, b, out=c))
        out["n%d" % n] = {"n": n, "median_s": t, "gflops": 2.0 * n ** 3 / t / 1e9}
    return out


def elementwise(torch):
    n = 1 << 20
    a = torch.rand(n)
    b = torch.rand(n)
    c = torch.empty(n)
    t = timed(lambda: a + b, max_reps=2000)
    t_out = timed(lambda: torch.add(a, b, out=c), max_reps=2000)
    return {"add_1m": {"median_s": t, "gb_per_s": 3 * 4 * n / t / 1e9},
            "add_1m_out": {"median_s": t_out, "gb_per_s": 3 * 4 * n / t_out / 1e9}}


def overhead(torch):
    a = torch.rand(64, requires_grad=True)
    b = torch.rand(64, requires_grad=True)
    calls = 20000
    for _ in range(2000):
        a + b
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            a + b
        best = min(best, (time.perf_counter() - t0) / calls)
    return {"add_64_autograd": {"median_s": best, "us_per_op": best * 1e6}}


FMNIST_DIR = "/usr/share/datasets/fashion-mnist"


def load_idx(path):
    import gzip
    import struct
    import numpy as np
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, r * c)
    n = struct.unpack(">I", data[4:8])[0]
    return np.frombuffer(data, dtype=np.uint8, offset=8).reshape(n)


def fashion_mnist(torch):
    import numpy as np
    x = [load_idx(os.path.join(FMNIST_DIR, f)) for f in
         ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]
    return (torch.from_numpy(x[0].astype(np.float32) / 255.0), torch.from_numpy(x[1].astype(np.int64)),
            torch.from_numpy(x[2].astype(np.float32) / 255.0), torch.from_numpy(x[3].astype(np.int64)))


def mlp(torch, seed=0):
    nn = torch.nn
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def w2(torch, epochs, seeds):
    """W2 of ../shared/anchors/w2_mlp.py (MLP 784-256-128-10, Adam 1e-3, batch 128, reshuffled each epoch), run
    with seeds 0..seeds-1 (seed 0 is the anchor's run): the final accuracy of one seed varies by about a point, so
    the mean over seeds is what says whether two implementations learn equally well."""
    import resource
    xtr, ytr, xte, yte = fashion_mnist(torch)
    times, accs = [], []
    for seed in range(seeds):
        model = mlp(torch, seed)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        lossf = torch.nn.CrossEntropyLoss()
        g = torch.Generator().manual_seed(seed)
        n, batch = xtr.shape[0], 128
        for _ in range(epochs):
            perm = torch.randperm(n, generator=g)
            t0 = time.perf_counter()
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                loss = lossf(model(xtr[idx]), ytr[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            times.append(time.perf_counter() - t0)
        with torch.no_grad():
            accs.append(float((model(xte).argmax(1) == yte).float().mean()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"epoch": {"median_s": median(times), "epoch_times_s": times},
            "accuracy": {"test": sum(accs) / len(accs), "per_seed": accs}, "memory": {"peak_rss_mb": peak_mb}}


def w6(torch):
    """W6 of ../shared/anchors/w6_latency.py: the W2 MLP in eval mode under no_grad, one call timed at a time."""
    model = mlp(torch).eval()
    gen = torch.Generator().manual_seed(1)
    out = {}
    for bs in (1, 64):
        x = torch.rand(bs, 784, generator=gen)
        ts = []
        with torch.no_grad():
            for _ in range(1000):
                model(x)
            for _ in range(10000):
                t0 = time.perf_counter_ns()
                model(x)
                ts.append(time.perf_counter_ns() - t0)
        ts.sort()
        out["batch%d" % bs] = {"median_us": ts[len(ts) // 2] / 1e3}
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", required=True, choices=["w1", "elementwise", "overhead", "w2", "w6"])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--sizes", default="128,256,512,1024,2048")
    args = p.parse_args()
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = str(args.threads)
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.workload == "w1":
        result = w1(torch, [int(s) for s in args.sizes.split(",")])
    elif args.workload == "elementwise":
        result = elementwise(torch)
    elif args.workload == "w2":
        result = w2(torch, args.epochs, args.seeds)
    elif args.workload == "w6":
        result = w6(torch)
    else:
        result = overhead(torch)
    json.dump({"workload": args.workload, "threads": args.threads, "torch": torch.__version__,
               "blas": blas_kind(), "results": result}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
