"""PyTorch golden values for the convolution, pooling and batch/group-norm rows of Nabla's op catalog.

Writes tests/golden/ops_convolution.json from the rows of tests/Nabla.Core.Tests/Ops/OpCatalog.Convolution.cs, with
the machinery of ops.py (same input draws, projection and gradient format). Run from the repository root:

    /usr/bin/python3 tools/golden/ops_convolution.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import ops  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CATALOG = ops.ROOT / "tests" / "Nabla.Core.Tests" / "Ops" / "OpCatalog.Convolution.cs"
OUTPUT = ops.ROOT / "tests" / "golden" / "ops_convolution.json"

# OpCatalog.Convolution.cs RunningMean3 / RunningVar3 (eval-mode statistics, constants).
RUNNING_MEAN3 = torch.tensor([0.25, -0.5, 1.0], dtype=torch.float64)
RUNNING_VAR3 = torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64)

ROWS = {
    "Conv2d": ([(2, 3, 5, 5), (4, 3, 3, 3), (4,)], -2, 2, lambda x: F.conv2d(x[0], x[1], x[2])),
    "Conv2d/stride-padding": ([(1, 2, 6, 5), (3, 2, 3, 2), (3,)], -2, 2,
                              lambda x: F.conv2d(x[0], x[1], x[2], stride=(2, 1), padding=(1, 2))),
    "Conv2d/dilation": ([(1, 2, 7, 6), (2, 2, 3, 3)], -2, 2, lambda x: F.conv2d(x[0], x[1], None, padding=1, dilation=2)),
    "Conv2d/groups": ([(2, 4, 5, 4), (6, 2, 3, 3), (6,)], -2, 2,
                      lambda x: F.conv2d(x[0], x[1], x[2], stride=2, padding=1, groups=2)),
    "Conv2d/same": ([(1, 2, 5, 6), (3, 2, 4, 3), (3,)], -2, 2, lambda x: F.conv2d(x[0], x[1], x[2], padding="same")),
    "Conv2d/unbatched": ([(2, 4, 4), (3, 2, 3, 3), (3,)], -2, 2, lambda x: F.conv2d(x[0], x[1], x[2], padding=1)),
    "Conv1d": ([(2, 3, 7), (4, 3, 3), (4,)], -2, 2, lambda x: F.conv1d(x[0], x[1], x[2], stride=2, padding=1)),
    "Conv1d/same-dilated": ([(1, 2, 6), (3, 2, 3)], -2, 2, lambda x: F.conv1d(x[0], x[1], None, padding="same", dilation=2)),
    "ConvTranspose2d": ([(2, 3, 3, 3), (3, 2, 3, 3), (2,)], -2, 2,
                        lambda x: F.conv_transpose2d(x[0], x[1], x[2], stride=2, padding=1, output_padding=1)),
    "ConvTranspose2d/groups-dilation": ([(1, 4, 3, 4), (4, 1, 2, 3), (2,)], -2, 2,
                                        lambda x: F.conv_transpose2d(x[0], x[1], x[2], stride=(1, 2), groups=2, dilation=2)),
    "MaxPool2d": ([(2, 3, 6, 6)], -2, 2, lambda x: F.max_pool2d(x[0], 2)),
    "MaxPool2d/padding-dilation-ceil": ([(1, 2, 8, 7)], -2, 2,
                                        lambda x: F.max_pool2d(x[0], 3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True)),
    "AvgPool2d": ([(2, 2, 6, 6)], -2, 2, lambda x: F.avg_pool2d(x[0], 3, stride=2, padding=1)),
    "AvgPool2d/exclude-padding-ceil": ([(1, 2, 6, 7)], -2, 2,
                                       lambda x: F.avg_pool2d(x[0], (3, 2), stride=2, padding=1, ceil_mode=True,
                                                              count_include_pad=False)),
    "AdaptiveAvgPool2d": ([(2, 2, 7, 5)], -2, 2, lambda x: F.adaptive_avg_pool2d(x[0], (3, 2))),
    "AdaptiveAvgPool2d/unbatched": ([(3, 4, 4)], -2, 2, lambda x: F.adaptive_avg_pool2d(x[0], 1)),
    "LPPool2d": ([(1, 2, 6, 6)], 0.2, 2, lambda x: F.lp_pool2d(x[0], 2, 2)),
    "LPPool2d/p3": ([(2, 1, 7, 5)], 0.2, 2, lambda x: F.lp_pool2d(x[0], 3, (3, 2), stride=(2, 1))),
    "BatchNorm/training": ([(4, 3, 2, 2), (3,), (3,)], -2, 2, lambda x: F.batch_norm(x[0], None, None, x[1], x[2], training=True)),
    "BatchNorm/training-1d": ([(5, 3)], -2, 2, lambda x: F.batch_norm(x[0], None, None, training=True, eps=1e-3)),
    "BatchNorm/eval": ([(2, 3, 4), (3,), (3,)], -2, 2,
                       lambda x: F.batch_norm(x[0], RUNNING_MEAN3.clone(), RUNNING_VAR3.clone(), x[1], x[2], training=False)),
    "GroupNorm": ([(2, 6, 2, 3), (6,), (6,)], -2, 2, lambda x: F.group_norm(x[0], 3, x[1], x[2])),
    "GroupNorm/no-affine": ([(3, 4, 5)], -2, 2, lambda x: F.group_norm(x[0], 2, eps=1e-3)),
}


if __name__ == "__main__":
    ops.generate(CATALOG, ROWS, OUTPUT, "tools/golden/ops_convolution.py")
