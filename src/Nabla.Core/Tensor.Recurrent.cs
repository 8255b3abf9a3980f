using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Looks up rows of an embedding table: out[…, :] = weight[indices[…], :]. PyTorch:
    /// <c>F.embedding(input, weight, padding_idx)</c>.</summary>
    /// <remarks>
    /// <para>Shapes: weight (V, D) and indices (*) of Int64 in [−V, V) → (*, D).</para>
    /// <para>Gradient: each output row is added back into the row it was read from (repeated indices accumulate),
    /// except positions whose index equals <paramref name="paddingIdx"/>, whose gradient is dropped, so the padding
    /// row never changes during training (as PyTorch). Its own kernel rather than flatten → IndexSelect → reshape
    /// because the padding rule needs a masked backward, which a composite could only get by a second lookup.</para>
    /// </remarks>
    /// <param name="weight">The table (V, D), Float32 or Float64.</param>
    /// <param name="indices">Int64 row numbers of any shape; negative values count from the end.</param>
    /// <param name="paddingIdx">The row that receives no gradient (negative counts from the end), or null.</param>
    /// <exception cref="ArgumentException">The weight is not 2-D floating point, the indices are not Int64, or
    /// paddingIdx is outside [−V, V).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [−V, V).</exception>
    public static Tensor Embedding(Tensor weight, Tensor indices, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(indices);
        RequireFloat(weight, nameof(Embedding));
        if (weight.Dim != 2) throw new ArgumentException($"Embedding: weight must be 2-D (num_embeddings, embedding_dim), got {weight.ShapeString}.");
        if (indices.DType != DType.Int64) throw new ArgumentException($"Embedding: indices must be Int64, got {indices.DType} {indices.ShapeString}.");
        int v = weight.ShapeArray[0], d = weight.ShapeArray[1];
        int pad = -1;
        if (paddingIdx is int p)
        {
            if (p < -v || p >= v) throw new ArgumentException($"Embedding: padding_idx {p} must be within [-{v}, {v}) for weight {weight.ShapeString}.");
            pad = p < 0 ? p + v : p;
        }
        ReadOnlySpan<long> raw = indices.ContiguousRaw().AsSpan<long>();
        int n = raw.Length;
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = CheckIndex(nameof(Embedding), raw[i], v, 0);
        int[] shape = [.. indices.ShapeArray, d];
        Tensor w = weight.ContiguousRaw();
        Tensor y = AllocateUninitialized(weight.DType, shape);
        if (weight.DType == DType.Float32) GatherRows<float>(w.AsSpan<float>(), y.AsSpan<float>(), rows, d);
        else GatherRows<double>(w.AsSpan<double>(), y.AsSpan<double>(), rows, d);
        return Graph.Record(y, nameof(Embedding), [weight], g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dw = Allocate(weight.DType, [v, d]);
            if (weight.DType == DType.Float32) ScatterRows<float>(gc.AsSpan<float>(), dw.AsSpan<float>(), rows, d, pad);
            else ScatterRows<double>(gc.AsSpan<double>(), dw.AsSpan<double>(), rows, d, pad);
            return [dw];
        });
    }

    /// <summary>y[i, :] = table[rows[i], :].</summary>
    private static void GatherRows<T>(ReadOnlySpan<T> table, Span<T> y, int[] rows, int d)
    {
        for (int i = 0; i < rows.Length; i++) table.Slice(rows[i] * d, d).CopyTo(y.Slice(i * d, d));
    }

    /// <summary>dtable[rows[i], :] += g[i, :] for every i whose row is not <paramref name="skip"/> (−1: none).</summary>
    private static void ScatterRows<T>(ReadOnlySpan<T> g, Span<T> dtable, int[] rows, int d, int skip) where T : System.Numerics.INumber<T>
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] == skip) continue;
            Span<T> target = dtable.Slice(rows[i] * d, d);
            System.Numerics.Tensors.TensorPrimitives.Add(target, g.Slice(i * d, d), target);
        }
    }
}
