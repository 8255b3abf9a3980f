using Nabla;
using N = Nabla.Core.Tests.Ops.NaiveConvolution;

namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for convolution, pooling and batch/group normalisation; PyTorch goldens for them come from tools/golden/ops_convolution.py.</summary>
public static partial class OpCatalog
{
    // Eval-mode batch norm statistics (constants, not differentiated).
    private static readonly Tensor RunningMean3 = Tensor.FromArray(new[] { 0.25, -0.5, 1.0 });
    private static readonly Tensor RunningVar3 = Tensor.FromArray(new[] { 0.5, 2.0, 1.5 });

    private static readonly OpCase[] Convolution =
    [
        new("Conv2d", ["Conv2d"], x => x[0].Conv2d(x[1], x[2]), [S(2, 3, 5, 5), S(4, 3, 3, 3), S(4)],
            Reference: x => N.Conv2d(x[0], x[1], x[2], 1, 1, 0, 0, 1, 1, 1)),
        new("Conv2d/stride-padding", ["Conv2d"], x => x[0].Conv2d(x[1], x[2], stride: [2, 1], padding: [1, 2]), [S(1, 2, 6, 5), S(3, 2, 3, 2), S(3)],
            Reference: x => N.Conv2d(x[0], x[1], x[2], 2, 1, 1, 2, 1, 1, 1)),
        new("Conv2d/dilation", ["Conv2d"], x => x[0].Conv2d(x[1], null, padding: [1], dilation: [2]), [S(1, 2, 7, 6), S(2, 2, 3, 3)],
            Reference: x => N.Conv2d(x[0], x[1], null, 1, 1, 1, 1, 2, 2, 1)),
        new("Conv2d/groups", ["Conv2d"], x => x[0].Conv2d(x[1], x[2], stride: [2], padding: [1], groups: 2), [S(2, 4, 5, 4), S(6, 2, 3, 3), S(6)],
            Reference: x => N.Conv2d(x[0], x[1], x[2], 2, 2, 1, 1, 1, 1, 2)),
        new("Conv2d/same", ["Conv2d"], x => x[0].Conv2d(x[1], x[2], "same"), [S(1, 2, 5, 6), S(3, 2, 4, 3), S(3)],
            Reference: x => N.Conv2d(x[0].Pad([0, 0, 0, 1]), x[1], x[2], 1, 1, 1, 1, 1, 1, 1)),
        new("Conv2d/unbatched", ["Conv2d"], x => x[0].Conv2d(x[1], x[2], padding: [1]), [S(2, 4, 4), S(3, 2, 3, 3), S(3)],
            Reference: x => N.Conv2d(x[0].Unsqueeze(0), x[1], x[2], 1, 1, 1, 1, 1, 1, 1).Squeeze(0)),
        new("Conv1d", ["Conv1d"], x => x[0].Conv1d(x[1], x[2], stride: 2, padding: 1), [S(2, 3, 7), S(4, 3, 3), S(4)],
            Reference: x => N.Conv2d(x[0].Unsqueeze(2), x[1].Unsqueeze(2), x[2], 1, 2, 0, 1, 1, 1, 1).Squeeze(2)),
        new("Conv1d/same-dilated", ["Conv1d"], x => x[0].Conv1d(x[1], null, "same", dilation: 2), [S(1, 2, 6), S(3, 2, 3)],
            Reference: x => N.Conv2d(x[0].Unsqueeze(2), x[1].Unsqueeze(2), null, 1, 1, 0, 2, 1, 2, 1).Squeeze(2)),
        new("ConvTranspose2d", ["ConvTranspose2d"], x => x[0].ConvTranspose2d(x[1], x[2], stride: [2], padding: [1], outputPadding: [1]),
            [S(2, 3, 3, 3), S(3, 2, 3, 3), S(2)],
            Reference: x => N.ConvTranspose2d(x[0], x[1], x[2], 2, 2, 1, 1, 1, 1, 1, 1, 1)),
        new("ConvTranspose2d/groups-dilation", ["ConvTranspose2d"], x => x[0].ConvTranspose2d(x[1], x[2], stride: [1, 2], groups: 2, dilation: [2]),
            [S(1, 4, 3, 4), S(4, 1, 2, 3), S(2)],
            Reference: x => N.ConvTranspose2d(x[0], x[1], x[2], 1, 2, 0, 0, 0, 0, 2, 2, 2)),

        new("MaxPool2d", ["MaxPool2d"], x => x[0].MaxPool2d([2]), [S(2, 3, 6, 6)],
            Reference: x => N.MaxPool2d(x[0], 2, 2, 2, 2, 0, 0, 1, 1, false)),
        new("MaxPool2d/padding-dilation-ceil", ["MaxPool2d"], x => x[0].MaxPool2d([3], stride: [2], padding: [1], dilation: [1, 2], ceilMode: true),
            [S(1, 2, 8, 7)], Reference: x => N.MaxPool2d(x[0], 3, 3, 2, 2, 1, 1, 1, 2, true)),
        new("AvgPool2d", ["AvgPool2d"], x => x[0].AvgPool2d([3], stride: [2], padding: [1]), [S(2, 2, 6, 6)],
            Reference: x => N.AvgPool2d(x[0], 3, 3, 2, 2, 1, 1, false, true)),
        new("AvgPool2d/exclude-padding-ceil", ["AvgPool2d"], x => x[0].AvgPool2d([3, 2], stride: [2], padding: [1], ceilMode: true, countIncludePad: false),
            [S(1, 2, 6, 7)], Reference: x => N.AvgPool2d(x[0], 3, 2, 2, 2, 1, 1, true, false)),
        new("AdaptiveAvgPool2d", ["AdaptiveAvgPool2d"], x => x[0].AdaptiveAvgPool2d([3, 2]), [S(2, 2, 7, 5)],
            Reference: x => N.AdaptiveAvgPool2d(x[0], 3, 2)),
        new("AdaptiveAvgPool2d/unbatched", ["AdaptiveAvgPool2d"], x => x[0].AdaptiveAvgPool2d([1]), [S(3, 4, 4)],
            Reference: x => x[0].Mean([1, 2], true)),
        new("LPPool2d", ["LPPool2d"], x => x[0].LPPool2d(2, [2]), [S(1, 2, 6, 6)], 0.2, 2,
            Reference: x => N.AvgPool2d(x[0] * x[0], 2, 2, 2, 2, 0, 0, false, true).Sqrt() * 2.0),
        new("LPPool2d/p3", ["LPPool2d"], x => x[0].LPPool2d(3, [3, 2], stride: [2, 1]), [S(2, 1, 7, 5)], 0.2, 2,
            Reference: x => N.AvgPool2d(x[0].Pow(3), 3, 2, 2, 1, 0, 0, false, true).Mul(Tensor.Scalar(6.0)).Pow(1.0 / 3)),

        // ---- normalisation (fused kernels vs the composite formula)
        new("BatchNorm/training", ["BatchNorm"], x => x[0].BatchNorm(null, null, x[1], x[2], training: true), [S(4, 3, 2, 2), S(3), S(3)],
            Reference: x => N.BatchNormTraining(x[0], x[1], x[2])),
        new("BatchNorm/training-1d", ["BatchNorm"], x => x[0].BatchNorm(null, null, training: true, eps: 1e-3), [S(5, 3)],
            Reference: x => N.BatchNormTraining(x[0], null, null, 1e-3)),
        new("BatchNorm/eval", ["BatchNorm"], x => x[0].BatchNorm(RunningMean3, RunningVar3, x[1], x[2]), [S(2, 3, 4), S(3), S(3)],
            Reference: x => N.Affine((x[0] - RunningMean3.Reshape(1, 3, 1)) * (RunningVar3.Reshape(1, 3, 1) + 1e-5).Rsqrt(), x[1], x[2])),
        new("GroupNorm", ["GroupNorm"], x => x[0].GroupNorm(3, x[1], x[2]), [S(2, 6, 2, 3), S(6), S(6)],
            Reference: x => N.GroupNorm(x[0], 3, x[1], x[2])),
        new("GroupNorm/no-affine", ["GroupNorm"], x => x[0].GroupNorm(2, eps: 1e-3), [S(3, 4, 5)],
            Reference: x => N.GroupNorm(x[0], 2, null, null, 1e-3)),
    ];
}
