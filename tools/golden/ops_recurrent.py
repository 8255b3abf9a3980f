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



def lstm_flat(x, batch_first):
    """Tensor.LstmSequence through PyTorch's own LSTM: with W_ih = I (4H x 4H) and no biases the gates are
    gx + h W_hh^T exactly, so the input-gradient is the gradient with respect to gx. Returns output, h_n, c_n
    flattened and concatenated, as OpCatalog.LstmFlat."""
    four_h = x[1].shape[0]
    eye = torch.eye(four_h, dtype=x[0].dtype)
    out, h, c = torch._VF.lstm(x[0], (x[2][None], x[3][None]), [eye, x[1]], False, 1, 0.0, False, False, batch_first)
    return torch.cat([out.reshape(-1), h.reshape(-1), c.reshape(-1)])


# name: (input shapes, low, high, fn). Mirrors OpCatalog.Recurrent row for row.
ROWS = {
    "Embedding": ([(5, 3)], -2, 2, lambda x: F.embedding(EMB_IDX, x[0])),
    "Embedding/padding": ([(5, 3)], -2, 2, lambda x: F.embedding(EMB_IDX, x[0], padding_idx=2) * EMB_KEEP),
    "LstmSequence": ([(3, 2, 8), (8, 2), (2, 2), (2, 2)], -2, 2, lambda x: lstm_flat(x, False)),
    "LstmSequence/batch-first": ([(2, 3, 8), (8, 2), (2, 2), (2, 2)], -2, 2, lambda x: lstm_flat(x, True)),
}

if __name__ == "__main__":
    ops.generate(ops.ROOT / "tests" / "Nabla.Core.Tests" / "Ops" / "OpCatalog.Recurrent.cs", ROWS,
                 ops.ROOT / "tests" / "golden" / "ops_recurrent.json", "tools/golden/ops_recurrent.py")
