namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for embedding and recurrent cells; PyTorch goldens for them come from tools/golden/ops_recurrent.py.</summary>
public static partial class OpCatalog
{
    private static readonly OpCase[] Recurrent =
    [
    ];
}
