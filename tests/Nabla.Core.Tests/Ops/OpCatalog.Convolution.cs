namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for convolution, pooling and batch/group normalisation; PyTorch goldens for them come from tools/golden/ops_convolution.py.</summary>
public static partial class OpCatalog
{
    private static readonly OpCase[] Convolution =
    [
    ];
}
