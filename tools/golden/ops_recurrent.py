"""PyTorch golden values for the recurrent part of Nabla's op catalog (OpCatalog.Recurrent.cs).

Writes tests/golden/ops_recurrent.json in the format of tools/golden/ops.py (which does the work). Run from the
repository root:

    /usr/bin/python3 tools/golden/ops_recurrent.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import ops  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# Constants copied from the top of OpCatalog.Recurrent.cs.
EMB_IDX = torch.tensor([[0, 2, 4], [2, 1, 2]])
EMB_KEEP = (EMB_IDX != 2).to(torch.float64).unsqueeze(-1)

# name: (input shapes, low, high, fn). Mirrors OpCatalog.Recurrent row for row.
ROWS = {
    "Embedding": ([(5, 3)], -2, 2, lambda x: F.embedding(EMB_IDX, x[0])),
    "Embedding/padding": ([(5, 3)], -2, 2, lambda x: F.embedding(EMB_IDX, x[0], padding_idx=2) * EMB_KEEP),
}

if __name__ == "__main__":
    ops.generate(ops.ROOT / "tests" / "Nabla.Core.Tests" / "Ops" / "OpCatalog.Recurrent.cs", ROWS,
                 ops.ROOT / "tests" / "golden" / "ops_recurrent.json", "tools/golden/ops_recurrent.py")
