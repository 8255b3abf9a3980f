"""PyTorch golden values for Nabla's op catalog.

Writes tests/golden/ops.json: for every row of tests/Nabla.Core.Tests/Ops/OpCatalog.cs not marked
`Golden: false`, the float64 inputs, PyTorch's output, a random projection v of the output, and the
gradients of sum(y * v) with respect to every input. GradCheckTests.Matches_pytorch_golden replays
the stored inputs through Nabla and compares.

Run from the repository root with Debian's interpreter (needs the python3-torch and python3-numpy
packages):

    /usr/bin/python3 tools/golden/ops.py

The script fails if the Python table below and the C# catalog disagree on the set of golden rows,
or on a row's input shapes or input range. Inputs are drawn with a per-row seed (CRC-32 of the row
name), so rerunning reproduces the file exactly for a given PyTorch version.
"""

import json
import os
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tests" / "Nabla.Core.Tests" / "Ops" / "OpCatalog.cs"
OUTPUT = ROOT / "tests" / "golden" / "ops.json"
DTYPE = torch.float64

torch.set_default_dtype(DTYPE)

# Constants copied from the top of OpCatalog.cs (Mask34 is used only by rows that are not golden yet).
IDX3 = torch.tensor([2, 0, 2])
GATHER_IDX = torch.tensor([[0, 2, 1, 2], [3, 3, 0, 1], [1, 0, 0, 2]])
SCATTER_IDX = torch.tensor([[0, 2], [3, 1], [1, 0]])
MASK34 = torch.tensor([[True, False, False, True], [False, True, False, False], [True, True, False, True]])


def away_from_zero(x):
    """OpCatalog.AwayFromZero: keeps |x| >= 0.1 away from a kink at 0 (sign has a zero gradient)."""
    return x + torch.sign(x) * 0.1


def step(x):
    """Tensor.Step: 1 where x > 0, else 0. Its derivative is zero wherever it exists, but torch 1.13
    implements no backward for heaviside, so the input is detached; the row's gradients record as zeros."""
    return torch.heaviside(x.detach(), torch.tensor(0.0, dtype=DTYPE))


# name: (input shapes, low, high, fn). Mirrors OpCatalog.All row for row, in the same order.
ROWS = {
    # ---- arithmetic with broadcasting
    "Add": ([(3, 4), (3, 4)], -2, 2, lambda x: x[0] + x[1]),
    "Add/broadcast": ([(3, 1), (1, 4)], -2, 2, lambda x: x[0] + x[1]),
    "Add/rank": ([(2, 3, 4), (4,)], -2, 2, lambda x: x[0].add(x[1])),
    "Add/scalar": ([(5,)], -2, 2, lambda x: x[0] + 1.5),
    "Sub": ([(3, 4), (4,)], -2, 2, lambda x: x[0].sub(x[1])),
    "Sub/scalar-left": ([(5,)], -2, 2, lambda x: 2.0 - x[0]),
    "Mul": ([(3, 4), (3, 4)], -2, 2, lambda x: x[0].mul(x[1])),
    "Mul/broadcast": ([(2, 1, 4), (3, 1)], -2, 2, lambda x: x[0] * x[1]),
    "Mul/0-d": ([(), (3,)], -2, 2, lambda x: x[0] * x[1]),
    "Div": ([(3, 4), (4,)], 0.5, 2, lambda x: x[0].div(x[1])),
    "Div/scalar-left": ([(5,)], 0.5, 2, lambda x: 3.0 / x[0]),
    "Neg": ([(3, 4)], -2, 2, lambda x: -x[0].neg()),
    "Pow/scalar": ([(3, 4)], 0.2, 2, lambda x: x[0].pow(2.5)),
    "Pow/tensor": ([(3, 4), (4,)], 0.2, 2, lambda x: x[0].pow(x[1])),
    "Square": ([(3, 4)], -2, 2, lambda x: x[0].square()),
    "Reciprocal": ([(3, 4)], 0.3, 2, lambda x: x[0].reciprocal()),
    "Maximum": ([(3, 4), (4,)], -2, 2, lambda x: torch.maximum(x[0], x[1])),
    "Minimum": ([(3, 1), (4,)], -2, 2, lambda x: torch.minimum(x[0], x[1])),

    # ---- unary math
    "Exp": ([(3, 4)], -2, 2, lambda x: x[0].exp()),
    "Log": ([(3, 4)], 0.1, 3, lambda x: x[0].log()),
    "Log1p": ([(3, 4)], -0.5, 3, lambda x: x[0].log1p()),
    "Sqrt": ([(3, 4)], 0.1, 3, lambda x: x[0].sqrt()),
    "Rsqrt": ([(3, 4)], 0.2, 3, lambda x: x[0].rsqrt()),
    "Abs": ([(3, 4)], -2, 2, lambda x: away_from_zero(x[0]).abs()),
    "Sign": ([(3, 4)], -2, 2, lambda x: away_from_zero(x[0]).sign()),
    "Sin": ([(3, 4)], -4, 4, lambda x: x[0].sin()),
    "Cos": ([(3, 4)], -4, 4, lambda x: x[0].cos()),
    "Clamp": ([(4, 5)], -2, 2, lambda x: torch.clamp(x[0], -0.95, 1.05)),
    "Clamp/min": ([(4, 5)], -2, 2, lambda x: torch.clamp(x[0], min=0.05)),

    # ---- activations
    "Sigmoid": ([(3, 4)], -6, 6, lambda x: torch.sigmoid(x[0])),
    "Tanh": ([(3, 4)], -3, 3, lambda x: torch.tanh(x[0])),
    "Relu": ([(3, 4)], -2, 2, lambda x: F.relu(away_from_zero(x[0]))),
    "Step": ([(3, 4)], -2, 2, lambda x: step(away_from_zero(x[0]))),
    "LeakyRelu": ([(3, 4)], -2, 2, lambda x: F.leaky_relu(away_from_zero(x[0]), 0.2)),
    "Elu": ([(3, 4)], -2, 2, lambda x: F.elu(away_from_zero(x[0]), 1.5)),
    "Softplus": ([(3, 4)], -5, 5, lambda x: F.softplus(x[0])),
    "Softplus/beta": ([(3, 4)], -3, 3, lambda x: F.softplus(x[0], beta=2, threshold=3)),
    "Silu": ([(3, 4)], -4, 4, lambda x: F.silu(x[0])),
    "Gelu": ([(3, 4)], -4, 4, lambda x: F.gelu(x[0])),
    "Gelu/tanh": ([(3, 4)], -4, 4, lambda x: F.gelu(x[0], approximate="tanh")),

    # ---- movement
    "Contiguous": ([(3, 4)], -2, 2, lambda x: x[0].t().contiguous()),
    "Clone": ([(3, 4)], -2, 2, lambda x: x[0].clone() * 1.0),
    "Reshape": ([(2, 3, 2)], -2, 2, lambda x: x[0].reshape(4, -1)),
    "Reshape/copy": ([(3, 4)], -2, 2, lambda x: x[0].t().reshape(-1)),
    "View": ([(3, 4)], -2, 2, lambda x: x[0].view(3, 2, 2)),
    "Flatten": ([(2, 3, 2)], -2, 2, lambda x: x[0].flatten(1)),
    "Squeeze": ([(3, 1, 4)], -2, 2, lambda x: x[0].squeeze()),
    "Squeeze/dim": ([(3, 1, 1)], -2, 2, lambda x: x[0].squeeze(1)),
    "Unsqueeze": ([(3, 4)], -2, 2, lambda x: x[0].unsqueeze(-1)),
    "Permute": ([(2, 3, 4)], -2, 2, lambda x: x[0].permute(2, 0, 1)),
    "Transpose": ([(2, 3, 4)], -2, 2, lambda x: x[0].transpose(0, 2)),
    "T": ([(3, 4)], -2, 2, lambda x: x[0].t()),
    "Narrow": ([(3, 4)], -2, 2, lambda x: x[0].narrow(1, 1, 2)),
    "Slice": ([(3, 5)], -2, 2, lambda x: x[0][:, 0:4:2]),
    "Select": ([(3, 4)], -2, 2, lambda x: x[0].select(1, -1)),
    "Expand": ([(3, 1)], -2, 2, lambda x: x[0].expand(2, 3, 4)),
    "BroadcastTo": ([(4,)], -2, 2, lambda x: torch.broadcast_to(x[0], (3, 4))),
    "SumTo": ([(2, 3, 4)], -2, 2, lambda x: x[0].sum((0, 2), keepdim=True).reshape(3, 1)),
    "Cat": ([(3, 2), (3, 3)], -2, 2, lambda x: torch.cat([x[0], x[1]], 1)),
    "Stack": ([(3, 2), (3, 2)], -2, 2, lambda x: torch.stack([x[0], x[1]], 2)),
    "Split": ([(3, 5)], -2, 2, lambda x: torch.split(x[0], 2, 1)[1]),
    "Split/sizes": ([(3, 5)], -2, 2, lambda x: torch.split(x[0], [1, 4], 1)[1]),
    "Chunk": ([(3, 5)], -2, 2, lambda x: torch.chunk(x[0], 2, 1)[1]),
    "Pad": ([(2, 3)], -2, 2, lambda x: F.pad(x[0], (1, 2, 0, 1), value=0.5)),
    "Repeat": ([(2, 2)], -2, 2, lambda x: x[0].repeat(2, 1, 3)),

    # ---- reductions
    "Sum": ([(3, 4)], -2, 2, lambda x: x[0].sum()),
    "Sum/dim": ([(3, 4, 2)], -2, 2, lambda x: x[0].sum(1)),
    "Sum/dims-keep": ([(3, 4, 2)], -2, 2, lambda x: x[0].sum((0, 2), keepdim=True)),
    "Sum/0-d": ([()], -2, 2, lambda x: x[0].sum()),
    "Mean": ([(3, 4)], -2, 2, lambda x: x[0].mean(0)),
    "Var": ([(3, 4)], -2, 2, lambda x: torch.var(x[0], 1)),
    "Var/population": ([(3, 4)], -2, 2, lambda x: torch.var(x[0], (0, 1), unbiased=False)),
    "Std": ([(3, 4)], -2, 2, lambda x: torch.std(x[0], 1, keepdim=True)),
    "Max": ([(3, 4)], -2, 2, lambda x: torch.amax(x[0], 1)),
    "Max/all": ([(3, 4)], -2, 2, lambda x: torch.amax(x[0])),
    "Min": ([(3, 4, 2)], -2, 2, lambda x: torch.amin(x[0], (0, 2))),
    "Prod": ([(3, 4)], 0.5, 1.5, lambda x: x[0].prod(1)),
    "Prod/all": ([(2, 3)], -1.5, 1.5, lambda x: x[0].prod()),
    "Norm": ([(3, 4)], -2, 2, lambda x: torch.linalg.vector_norm(x[0])),
    "Norm/p3-dim": ([(3, 4)], -2, 2, lambda x: torch.linalg.vector_norm(x[0], 3, dim=1)),
    "LogSumExp": ([(3, 4)], -5, 5, lambda x: torch.logsumexp(x[0], 1)),
    "LogSumExp/dims": ([(3, 4, 2)], -5, 5, lambda x: torch.logsumexp(x[0], (0, 2), keepdim=True)),
    "Softmax": ([(3, 5)], -5, 5, lambda x: torch.softmax(x[0], -1)),
    "Softmax/dim0": ([(3, 4, 2)], -5, 5, lambda x: torch.softmax(x[0], 0)),
    "LogSoftmax": ([(3, 5)], -5, 5, lambda x: torch.log_softmax(x[0], 1)),

    # ---- indexing
    "IndexSelect": ([(2, 3, 2)], -2, 2, lambda x: torch.index_select(x[0], 1, IDX3)),
    "Gather": ([(3, 4)], -2, 2, lambda x: torch.gather(x[0], 1, GATHER_IDX)),
    "Scatter": ([(3, 4), (3, 2)], -2, 2, lambda x: torch.scatter(x[0], 1, SCATTER_IDX, x[1])),
    "ScatterAdd": ([(3, 4), (3, 2)], -2, 2, lambda x: torch.scatter_add(x[0], 1, SCATTER_IDX, x[1])),
    "Sort": ([(3, 5)], -2, 2, lambda x: torch.sort(x[0], 1, descending=True).values),
    "TopK": ([(3, 5)], -2, 2, lambda x: torch.topk(x[0], 2, 1).values),

    # ---- linear algebra
    "MatMul": ([(3, 4), (4, 5)], -2, 2, lambda x: torch.matmul(x[0], x[1])),
    "MatMul/transposed": ([(4, 3), (5, 4)], -2, 2, lambda x: torch.matmul(x[0].t(), x[1].t())),
    "MatMul/batched-broadcast": ([(2, 1, 3, 4), (3, 4, 2)], -2, 2, lambda x: torch.matmul(x[0], x[1])),
    "MatMul/vector-matrix": ([(4,), (4, 3)], -2, 2, lambda x: torch.matmul(x[0], x[1])),
    "MatMul/matrix-vector": ([(3, 4), (4,)], -2, 2, lambda x: torch.matmul(x[0], x[1])),
    "MatMul/dot": ([(4,), (4,)], -2, 2, lambda x: torch.matmul(x[0], x[1])),
    "Linear": ([(2, 3, 4), (5, 4), (5,)], -2, 2, lambda x: F.linear(x[0], x[1], x[2])),
    "Dot": ([(5,), (5,)], -2, 2, lambda x: torch.dot(x[0], x[1])),
    "Outer": ([(3,), (4,)], -2, 2, lambda x: torch.outer(x[0], x[1])),
    "LayerNorm": ([(2, 3, 4), (4,), (4,)], -2, 2, lambda x: F.layer_norm(x[0], (4,), x[1], x[2])),
    "LayerNorm/no-affine": ([(2, 3, 4)], -2, 2, lambda x: F.layer_norm(x[0], (3, 4))),
}

# A catalog row starts on its own line with `new("Name"`.
ROW_START = re.compile(r'^\s*new\("([^"]+)"', re.MULTILINE)
# The Shapes argument: the first `[S(...), ...]` list of the row.
SHAPES = re.compile(r"\[\s*(S\([^)]*\)(?:\s*,\s*S\([^)]*\))*)\s*\]((?:\s*,\s*-?\d+(?:\.\d+)?)*)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_catalog(path):
    """Returns {name: (shapes, low, high)} for the golden rows of OpCatalog.cs, in catalog order."""
    text = path.read_text(encoding="utf-8")
    start = re.search(r"(?:public|private|internal) static readonly OpCase\[\] \w+ =", text).start()
    end = text.index("];", start)
    body = text[start:end]
    starts = list(ROW_START.finditer(body))
    if not starts:
        sys.exit(f"error: no rows found in {path}")
    rows, seen = {}, set()
    for i, m in enumerate(starts):
        name = m.group(1)
        row = body[m.start():starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        if name in seen:
            sys.exit(f"error: duplicate row {name!r} in {path}")
        seen.add(name)
        if re.search(r"\bGolden:\s*false\b", row):
            continue
        s = SHAPES.search(row)
        if s is None:
            sys.exit(f"error: cannot parse the shapes of row {name!r} in {path}")
        shapes = [tuple(int(d) for d in NUMBER.findall(dims)) for dims in re.findall(r"S\(([^)]*)\)", s.group(1))]
        bounds = [float(b) for b in NUMBER.findall(s.group(2))]
        low = bounds[0] if len(bounds) > 0 else -2.0
        high = bounds[1] if len(bounds) > 1 else 2.0
        rows[name] = (shapes, low, high)
    return rows


def check_table(catalog, table=None, path=CATALOG):
    """Fails unless the table holds exactly the catalog's golden rows, with the same shapes and ranges."""
    table = ROWS if table is None else table
    missing = [n for n in catalog if n not in table]
    extra = [n for n in table if n not in catalog]
    errors = [f"golden row {n!r} of {path.name} has no Python definition" for n in missing]
    errors += [f"Python row {n!r} is not a golden row of {path.name}" for n in extra]
    for name, (shapes, low, high) in catalog.items():
        if name in table:
            py_shapes, py_low, py_high, _ = table[name]
            if [tuple(s) for s in py_shapes] != shapes or (float(py_low), float(py_high)) != (low, high):
                errors.append(f"row {name!r}: C# has shapes {shapes} in [{low}, {high}], "
                              f"Python has {py_shapes} in [{py_low}, {py_high}]")
    if errors:
        sys.exit(f"error: the Python table is out of sync with {path.name}:\n  " + "\n  ".join(errors))


def encode(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def run_row(name, shapes, low, high, fn):
    rng = np.random.default_rng(zlib.crc32(name.encode("utf-8")))
    inputs = [torch.from_numpy(np.asarray(rng.uniform(low, high, size=s), dtype=np.float64)).requires_grad_()
              for s in shapes]
    y = fn(inputs)
    if y.dtype != DTYPE:
        sys.exit(f"error: row {name!r} produced {y.dtype}, expected {DTYPE}")
    v = torch.from_numpy(np.asarray(rng.uniform(-1.0, 1.0, size=tuple(y.shape)), dtype=np.float64))
    if y.requires_grad:
        (y * v).sum().backward()
    grads = [x.grad if x.grad is not None else torch.zeros_like(x) for x in inputs]
    return {
        "inputs": [encode(x) for x in inputs],
        "output": encode(y),
        "projection": encode(v),
        "grads": [encode(g) for g in grads],
    }


def dump(obj):
    return json.dumps(obj, sort_keys=True, allow_nan=False)


def generate(catalog_path, table, output, generator):
    """Checks `table` against the golden rows of one catalog file and writes their PyTorch values to `output`.
    Other scripts (tools/golden/ops_*.py) call this for their own part of the catalog (OpCatalog.*.cs)."""
    catalog = parse_catalog(catalog_path)
    check_table(catalog, table, catalog_path)
    rows = {name: run_row(name, *table[name]) for name in sorted(table)}
    header = {"dtype": "float64", "generator": generator, "torch": torch.__version__}
    # Sorted keys throughout, one catalog row per line so diffs stay readable.
    lines = ["{", f'"dtype": {dump(header["dtype"])},', f'"generator": {dump(header["generator"])},', '"rows": {']
    lines.append(",\n".join(f"{dump(name)}: {dump(row)}" for name, row in rows.items()))
    lines += ["},", f'"torch": {dump(header["torch"])}', "}"]
    text = "\n".join(lines) + "\n"
    if json.loads(text) != {**header, "rows": rows}:
        sys.exit("error: the written JSON does not round-trip")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    print(f"wrote {len(rows)} rows to {output.relative_to(ROOT)} (torch {torch.__version__})")


def main():
    generate(CATALOG, ROWS, OUTPUT, "tools/golden/ops.py")


if __name__ == "__main__":
    main()
