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
        new("LstmSequence", ["LstmSequence"], x => LstmFlat(x, false, false, null), [S(3, 2, 8), S(8, 2), S(2, 2), S(2, 2)],
            Reference: x => LstmComposite(x, false, false, null)),
        new("LstmSequence/batch-first", ["LstmSequence"], x => LstmFlat(x, true, false, null), [S(2, 3, 8), S(8, 2), S(2, 2), S(2, 2)],
            Reference: x => LstmComposite(x, true, false, null)),
        new("LstmSequence/reverse-lengths", ["LstmSequence"], x => LstmFlat(x, true, true, [3, 1, 0]), [S(3, 3, 8), S(8, 2), S(3, 2), S(3, 2)],
            Reference: x => LstmComposite(x, true, true, [3, 1, 0]), Golden: false),
        // The fused layer against LstmSequence after a Linear projection (itself checked against PyTorch above).
        new("LstmLayer", ["LstmLayer"], x => LayerFlat(x, false, false, null), [S(3, 2, 5), S(8, 5), S(8, 2), S(8), S(8), S(2, 2), S(2, 2)],
            Reference: x => LayerComposite(x, false, false, null), Golden: false),
        new("LstmLayer/batch-first-reverse-lengths", ["LstmLayer"], x => LayerFlat(x, true, true, [3, 1, 0]),
            [S(3, 3, 5), S(8, 5), S(8, 2), S(8), S(8), S(3, 2), S(3, 2)],
            Reference: x => LayerComposite(x, true, true, [3, 1, 0]), Golden: false),
        new("LstmLayer/no-bias", ["LstmLayer"], x => LayerFlat([x[0], x[1], x[2], null!, null!, x[3], x[4]], false, false, null),
            [S(2, 3, 4), S(8, 4), S(8, 2), S(3, 2), S(3, 2)],
            Reference: x => LayerComposite([x[0], x[1], x[2], null!, null!, x[3], x[4]], false, false, null), Golden: false),
        // The fused GRU layer against the per-step composite (GruComposite); PyTorch's values for it come through
        // nn.GRU in tests/Nabla.Nn.Tests/RecurrentGoldenTests.cs. H = 2, so the weights are (6, I) and (6, 2).
        new("GruLayer", ["GruLayer"], x => GruFlat(x, false, false, null), [S(3, 2, 5), S(6, 5), S(6, 2), S(6), S(6), S(2, 2)],
            Reference: x => GruComposite(x, false, false, null), Golden: false),
        new("GruLayer/batch-first-reverse-lengths", ["GruLayer"], x => GruFlat(x, true, true, [3, 1, 0]),
            [S(3, 3, 5), S(6, 5), S(6, 2), S(6), S(6), S(3, 2)],
            Reference: x => GruComposite(x, true, true, [3, 1, 0]), Golden: false),
        new("GruLayer/no-bias", ["GruLayer"], x => GruFlat([x[0], x[1], x[2], null, null, x[3]], false, false, null),
            [S(2, 3, 4), S(6, 4), S(6, 2), S(3, 2)],
            Reference: x => GruComposite([x[0], x[1], x[2], null, null, x[3]], false, false, null), Golden: false),
        // b_hh alone: its n block must stay inside r⊙(·) with no b_ih to fold the r and z blocks into.
        new("GruLayer/hh-bias-only", ["GruLayer"], x => GruFlat([x[0], x[1], x[2], null, x[3], x[4]], true, false, [1, 2]),
            [S(2, 2, 3), S(6, 3), S(6, 2), S(6), S(2, 2)],
            Reference: x => GruComposite([x[0], x[1], x[2], null, x[3], x[4]], true, false, [1, 2]), Golden: false),
    ];

    /// <summary>GruLayer's output and h_n flattened; x = (input, W_ih, W_hh, b_ih or null, b_hh or null, h0).</summary>
    private static Tensor GruFlat(Tensor?[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        (Tensor o, Tensor h) = Tensor.GruLayer(x[0]!, x[1]!, x[2]!, x[3], x[4], x[5]!, batchFirst, reverse, lengths);
        return Tensor.Cat([o.Reshape(-1), h.Reshape(-1)]);
    }

    /// <summary>The same layer step by step from autograd ops (the math of Nabla.Nn's GruCell): gx_t = x_t·W_ihᵀ + b_ih
    /// and gh = h·W_hhᵀ + b_hh split (r, z, n); r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r⊙gh_n),
    /// h' = n + z⊙(h − n); a finished sequence keeps its state and outputs 0.</summary>
    public static Tensor GruComposite(Tensor?[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        Tensor input = batchFirst ? x[0]!.Transpose(0, 1) : x[0]!;
        int steps = input.Size(0), batch = input.Size(1);
        Tensor h = x[5]!;
        var outs = new Tensor[steps];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            Tensor[] gx = Tensor.Linear(input.Select(0, t), x[1]!, x[3]).Chunk(3, -1), gh = Tensor.Linear(h, x[2]!, x[4]).Chunk(3, -1);
            Tensor r = (gx[0] + gh[0]).Sigmoid(), z = (gx[1] + gh[1]).Sigmoid();
            Tensor n = (gx[2] + r * gh[2]).Tanh();
            Tensor h1 = n + z * (h - n);
            Tensor active = Tensor.FromArray(Enumerable.Range(0, batch).Select(b => lengths is null || t < lengths[b]).ToArray()).Unsqueeze(1);
            h = Tensor.Where(active, h1, h);
            outs[t] = Tensor.Where(active, h1, 0.0);
        }
        Tensor o = steps == 0 ? Tensor.Zeros([0, batch, h.Size(1)], h.DType) : Tensor.Stack(outs);
        if (batchFirst) o = o.Transpose(0, 1);
        return Tensor.Cat([o.Reshape(-1), h.Reshape(-1)]);
    }

    /// <summary>LstmLayer's output, h_n and c_n flattened; x = (input, W_ih, W_hh, b_ih or null, b_hh or null, h0, c0).</summary>
    private static Tensor LayerFlat(Tensor?[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        (Tensor o, Tensor h, Tensor c) = Tensor.LstmLayer(x[0]!, x[1]!, x[2]!, x[3], x[4], x[5]!, x[6]!, batchFirst, reverse, lengths);
        return Tensor.Cat([o.Reshape(-1), h.Reshape(-1), c.Reshape(-1)]);
    }

    /// <summary>The unfused layer: Linear(input, W_ih, b_ih + b_hh), then the composite recurrence.</summary>
    private static Tensor LayerComposite(Tensor?[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        Tensor gx = Tensor.Linear(x[0]!, x[1]!, x[3] is null ? null : x[3]! + x[4]!);
        return LstmComposite([gx, x[2]!, x[5]!, x[6]!], batchFirst, reverse, lengths);
    }

    /// <summary>LstmSequence's output, h_n and c_n flattened into one vector, so one row checks all three.</summary>
    private static Tensor LstmFlat(Tensor[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        (Tensor o, Tensor h, Tensor c) = Tensor.LstmSequence(x[0], x[1], x[2], x[3], batchFirst, reverse, lengths);
        return Tensor.Cat([o.Reshape(-1), h.Reshape(-1), c.Reshape(-1)]);
    }

    /// <summary>The same recurrence step by step from autograd ops: gates = gx_t + h·W_hhᵀ split (i, f, g, o);
    /// c' = σ(f)⊙c + σ(i)⊙tanh(g); h' = σ(o)⊙tanh(c'); a finished sequence keeps its state and outputs 0.</summary>
    private static Tensor LstmComposite(Tensor[] x, bool batchFirst, bool reverse, int[]? lengths)
    {
        Tensor gx = batchFirst ? x[0].Transpose(0, 1) : x[0];
        int steps = gx.Size(0), batch = gx.Size(1);
        Tensor h = x[2], c = x[3];
        var outs = new Tensor[steps];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            Tensor[] g = (gx.Select(0, t) + h.MatMul(x[1].T)).Chunk(4, -1);
            Tensor c1 = g[1].Sigmoid() * c + g[0].Sigmoid() * g[2].Tanh();
            Tensor h1 = g[3].Sigmoid() * c1.Tanh();
            Tensor active = Tensor.FromArray(Enumerable.Range(0, batch).Select(b => lengths is null || t < lengths[b]).ToArray()).Unsqueeze(1);
            h = Tensor.Where(active, h1, h);
            c = Tensor.Where(active, c1, c);
            outs[t] = Tensor.Where(active, h1, 0.0);
        }
        Tensor o = Tensor.Stack(outs);
        if (batchFirst) o = o.Transpose(0, 1);
        return Tensor.Cat([o.Reshape(-1), h.Reshape(-1), c.Reshape(-1)]);
    }
}
