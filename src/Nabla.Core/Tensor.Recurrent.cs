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

    /// <summary>One direction of an LSTM layer over a whole sequence, fused: per step the recurrent product, PyTorch's
    /// gate equations and the state update, with backpropagation through time as its own backward. PyTorch: the
    /// recurrence inside <c>torch.nn.LSTM</c> (<c>torch._VF.lstm</c>).</summary>
    /// <remarks>
    /// <para>Shapes: gatesInput (T, B, 4H) — or (B, T, 4H) with batchFirst — holding x·W_ihᵀ + b_ih + b_hh for every
    /// step (one GEMM by the caller); weightHh (4H, H); h0 and c0 (B, H). Output (T, B, H) or (B, T, H), hN and
    /// cN (B, H).</para>
    /// <para>Per step, gates = gatesInput_t + h·W_hhᵀ split as (i, f, g, o): i, f, o = σ(·), g = tanh(·);
    /// c' = f⊙c + i⊙g; h' = o⊙tanh(c'). reverse runs t = T − 1 … 0. With lengths, sequence b stops after
    /// lengths[b] steps: later outputs are 0 and its state is carried, so hN, cN are the state at its own length
    /// (with reverse, its first step is lengths[b] − 1), as PyTorch on a packed sequence.</para>
    /// <para>Tested against the per-step composite (Linear, Sigmoid, Tanh, Mul) and PyTorch's nn.LSTM.</para>
    /// </remarks>
    /// <param name="gatesInput">The input part of the gates (T, B, 4H), biases included.</param>
    /// <param name="weightHh">W_hh (4H, H).</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="c0">Initial cell state (B, H).</param>
    /// <param name="batchFirst">gatesInput and the output are (B, T, ·).</param>
    /// <param name="reverse">Run the steps backwards in time.</param>
    /// <param name="lengths">Valid steps of each sequence, B values in [0, T], or null for all T.</param>
    /// <exception cref="ArgumentException">Shapes or dtypes disagree, or a length is outside [0, T]; the message
    /// names the shapes.</exception>
    public static (Tensor Output, Tensor HN, Tensor CN) LstmSequence(Tensor gatesInput, Tensor weightHh, Tensor h0, Tensor c0,
        bool batchFirst = false, bool reverse = false, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(gatesInput);
        ArgumentNullException.ThrowIfNull(weightHh);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(c0);
        const string Op = nameof(LstmSequence);
        RequireFloat(gatesInput, Op);
        if (gatesInput.Dim != 3 || weightHh.Dim != 2 || weightHh.ShapeArray[0] != gatesInput.ShapeArray[2] || weightHh.ShapeArray[0] != 4 * weightHh.ShapeArray[1])
            throw new ArgumentException($"{Op}: gatesInput {gatesInput.ShapeString} must be (T, B, 4H) and weightHh {weightHh.ShapeString} (4H, H).");
        int t = gatesInput.ShapeArray[batchFirst ? 1 : 0], b = gatesInput.ShapeArray[batchFirst ? 0 : 1], h = weightHh.ShapeArray[1];
        foreach ((Tensor s, string name) in new[] { (h0, "h0"), (c0, "c0") })
        {
            if (s.Dim != 2 || s.ShapeArray[0] != b || s.ShapeArray[1] != h)
                throw new ArgumentException($"{Op}: {name} {s.ShapeString} must be (B, H) = ({b}, {h}) for gatesInput {gatesInput.ShapeString}.");
        }
        DType dt = gatesInput.DType;
        if (weightHh.DType != dt || h0.DType != dt || c0.DType != dt)
            throw new ArgumentException($"{Op}: gatesInput, weightHh, h0 and c0 must share a dtype, got {dt}, {weightHh.DType}, {h0.DType}, {c0.DType}.");
        int[] lens = lengths is null ? [] : (int[])lengths.Clone();
        if (lengths is not null && (lens.Length != b || lens.Any(l => l < 0 || l > t)))
            throw new ArgumentException($"{Op}: lengths [{string.Join(", ", lens)}] must be {b} values in [0, {t}].");
        var shape = new Kernels.LstmShape(t, b, h, batchFirst, reverse);
        int rows = t * b;
        Tensor gx = gatesInput.ContiguousRaw(), w = weightHh.ContiguousRaw(), hc = h0.ContiguousRaw(), cc = c0.ContiguousRaw();
        // packed = [y (rows, H); hN (B, H); cN (B, H)]: one recorded output, so one backward sees all three gradients.
        Tensor packed = AllocateUninitialized(dt, [rows + 2 * b, h]);
        // What backward needs, [gates (rows, 4H); h before each step; c before each step; tanh c' (rows, H) each], in
        // one pooled buffer: it never leaves this op, so it is given back as soon as no backward can read it again.
        Array saved = dt == DType.Float32 ? Internal.SavedBuffers.Rent<float>(7 * rows * h) : Internal.SavedBuffers.Rent<double>(7 * rows * h);
        if (dt == DType.Float32) LstmForward<float>(shape, gx, w, hc, cc, lens, packed, (float[])saved);
        else LstmForward<double>(shape, gx, w, hc, cc, lens, packed, (double[])saved);
        // The closure keeps the shape of gatesInput, not the tensor: its 4·rows·H values are dead after the forward.
        int[] gxShape = gatesInput.ShapeArray;
        Tensor recorded = Graph.Record(packed, Op, [gatesInput, weightHh, h0, c0], g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dgx = AllocateUninitialized(dt, [rows, 4 * h]), dw = AllocateUninitialized(dt, [4 * h, h]);
            Tensor dh0 = AllocateUninitialized(dt, [b, h]), dc0 = AllocateUninitialized(dt, [b, h]);
            if (dt == DType.Float32) LstmBackward<float>(shape, w, lens, (float[])saved, gc, dgx, dw, dh0, dc0);
            else LstmBackward<double>(shape, w, lens, (double[])saved, gc, dgx, dw, dh0, dc0);
            if (!Graph.RetainingGraph) Internal.SavedBuffers.Return(saved);
            return [dgx.Reshape(gxShape), dw, dh0, dc0];
        });
        if (recorded.GradFn is null) Internal.SavedBuffers.Return(saved);
        int[] outShape = batchFirst ? [b, t, h] : [t, b, h];
        return (recorded.Narrow(0, 0, rows).Reshape(outShape), recorded.Narrow(0, rows, b), recorded.Narrow(0, rows + b, b));
    }

    // The saved buffer holds the kernel's four saved arrays back to back: gates (rows, 4H), then hPrev, cPrev and
    // tanhC (rows, H) each, n = rows·H.

    private static void LstmForward<T>(Kernels.LstmShape shape, Tensor gx, Tensor w, Tensor h0, Tensor c0, int[] lengths, Tensor packed, T[] saved)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, bh = shape.Batch * shape.Hidden;
        Span<T> p = packed.AsSpan<T>();
        int n = rows * shape.Hidden;
        Span<T> s = saved;
        Kernels.LstmKernel.Forward<T>(shape, gx.AsSpan<T>(), w.AsSpan<T>(), h0.AsSpan<T>(), c0.AsSpan<T>(), lengths,
            p[..n], p.Slice(n, bh), p.Slice(n + bh, bh), s[..(4 * n)], s.Slice(4 * n, n), s.Slice(5 * n, n), s.Slice(6 * n, n));
    }

    private static void LstmBackward<T>(Kernels.LstmShape shape, Tensor w, int[] lengths, T[] saved, Tensor g, Tensor dgx, Tensor dw,
        Tensor dh0, Tensor dc0)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, bh = shape.Batch * shape.Hidden;
        ReadOnlySpan<T> gs = g.AsSpan<T>();
        int n = rows * shape.Hidden;
        ReadOnlySpan<T> s = saved;
        Kernels.LstmKernel.Backward<T>(shape, w.AsSpan<T>(), lengths, s[..(4 * n)], s.Slice(4 * n, n), s.Slice(5 * n, n), s.Slice(6 * n, n),
            gs[..n], gs.Slice(n, bh), gs.Slice(n + bh, bh),
            dgx.AsSpan<T>(), dw.AsSpan<T>(), dh0.AsSpan<T>(), dc0.AsSpan<T>(), GC.AllocateUninitializedArray<T>(bh));
    }
}
