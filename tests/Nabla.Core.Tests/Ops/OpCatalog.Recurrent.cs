namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for embedding and recurrent cells; PyTorch goldens for them come from tools/golden/ops_recurrent.py.</summary>
public static partial class OpCatalog
{
    // Indices (2, 3) into a (5, 3) table; row 2 appears three times so the backward must accumulate.
    private static readonly Tensor EmbIdx = Tensor.FromArray(new long[,] { { 0, 2, 4 }, { 2, 1, 2 } });

    // 1 where EmbIdx is not the padding row 2, as (2, 3, 1) for broadcasting over the embedding dim. The padding
    // variant multiplies its output by this so the function does not depend on the padding row: a central
    // difference then agrees with the kernel's zero gradient there (unmasked, the forward would read the row
    // while the backward, by design, drops its gradient).
    private static readonly Tensor EmbKeep = Tensor.FromArray(new double[] { 1, 0, 1, 0, 1, 0 }).Reshape(2, 3, 1);

    private static readonly OpCase[] Recurrent =
    [
        new("Embedding", ["Embedding"], x => Tensor.Embedding(x[0], EmbIdx), [S(5, 3)],
            Reference: x => x[0].IndexSelect(0, EmbIdx.Reshape(-1)).Reshape(2, 3, 3)),
        new("Embedding/padding", ["Embedding"], x => Tensor.Embedding(x[0], EmbIdx, paddingIdx: 2) * EmbKeep.To(x[0].DType), [S(5, 3)],
            Reference: x => x[0].IndexSelect(0, EmbIdx.Reshape(-1)).Reshape(2, 3, 3) * EmbKeep),
    ];
}
