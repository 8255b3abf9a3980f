namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for attention; PyTorch goldens for them come from tools/golden/ops_attention.py.</summary>
public static partial class OpCatalog
{
    private static readonly OpCase[] Attention =
    [
    ];
}
