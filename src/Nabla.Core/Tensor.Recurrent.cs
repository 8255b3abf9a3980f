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
        DType dt = gatesInput.DType;
        if (weightHh.DType != dt)
            throw new ArgumentException($"{Op}: gatesInput and weightHh must share a dtype, got {dt} and {weightHh.DType}.");
        (Kernels.LstmShape shape, int[] lens) = CheckLstm(Op, gatesInput, weightHh, h0, c0, batchFirst, reverse, lengths);
        int b = shape.Batch, h = shape.Hidden, rows = shape.Steps * b;
        Tensor gx = gatesInput.ContiguousRaw(), w = weightHh.ContiguousRaw(), hc = h0.ContiguousRaw(), cc = c0.ContiguousRaw();
        // packed = [y (rows, H); hN (B, H); cN (B, H)]: one recorded output, so one backward sees all three gradients.
        Tensor packed = AllocateUninitialized(dt, [rows + 2 * b, h]);
        // What backward needs, [gates (rows, 4H); h before each step; c before each step; tanh c' (rows, H) each], in
        // one pooled buffer: it never leaves this op, so it is given back as soon as no backward can read it again.
        Array saved = dt == DType.Float32 ? Internal.SavedBuffers.Rent<float>(7 * rows * h) : Internal.SavedBuffers.Rent<double>(7 * rows * h);
        if (dt == DType.Float32) LstmForward<float>(shape, gx.AsSpan<float>(), w, hc, cc, lens, packed, (float[])saved);
        else LstmForward<double>(shape, gx.AsSpan<double>(), w, hc, cc, lens, packed, (double[])saved);
        // The closure keeps the shape of gatesInput, not the tensor: its 4·rows·H values are dead after the forward.
        int[] gxShape = gatesInput.ShapeArray;
        Tensor recorded = Graph.Record(packed, Op, [gatesInput, weightHh, h0, c0], g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dgx = AllocateUninitialized(dt, [rows, 4 * h]), dw = AllocateUninitialized(dt, [4 * h, h]);
            Tensor dh0 = AllocateUninitialized(dt, [b, h]), dc0 = AllocateUninitialized(dt, [b, h]);
            if (dt == DType.Float32) LstmBackward<float>(shape, w, lens, (float[])saved, gc, dgx.AsSpan<float>(), dw, dh0, dc0);
            else LstmBackward<double>(shape, w, lens, (double[])saved, gc, dgx.AsSpan<double>(), dw, dh0, dc0);
            if (!Graph.RetainingGraph) Internal.SavedBuffers.Return(saved);
            return [dgx.Reshape(gxShape), dw, dh0, dc0];
        });
        if (recorded.GradFn is null) Internal.SavedBuffers.Return(saved);
        int[] outShape = batchFirst ? [b, shape.Steps, h] : [shape.Steps, b, h];
        return (recorded.Narrow(0, 0, rows).Reshape(outShape), recorded.Narrow(0, rows, b), recorded.Narrow(0, rows + b, b));
    }

    /// <summary>One direction of a whole LSTM layer, fused: the input projection x·W_ihᵀ + b_ih + b_hh for all steps
    /// (one GEMM), then the recurrence of <see cref="LstmSequence"/>. PyTorch: one layer and direction of
    /// <c>torch.nn.LSTM</c> (<c>torch._VF.lstm</c>).</summary>
    /// <remarks>
    /// <para>Shapes: input (T, B, I) — or (B, T, I) with batchFirst; weightIh (4H, I); weightHh (4H, H); biasIh and
    /// biasHh (4H) or null; h0 and c0 (B, H). Output (T, B, H) or (B, T, H), hN and cN (B, H).</para>
    /// <para>The same values as <c>LstmSequence(Linear(input, weightIh, biasIh + biasHh), weightHh, h0, c0, …)</c>
    /// (tested against it), but the 4H-wide input part of the gates and its gradient live only inside the op, in
    /// pooled buffers: for a char-LSTM (T·B = 2048, H = 256) that is 16 MB a training step the GC no longer sees.
    /// Backward: dL/dgates from <see cref="LstmSequence"/>'s backward through time gives
    /// dx = dgates·W_ih, dW_ih = dgatesᵀ·x and db_ih = db_hh = Σ_rows dgates.</para>
    /// </remarks>
    /// <param name="input">The layer's input sequence (T, B, I).</param>
    /// <param name="weightIh">W_ih (4H, I), gates in PyTorch's order (i, f, g, o).</param>
    /// <param name="weightHh">W_hh (4H, H).</param>
    /// <param name="biasIh">b_ih (4H) or null.</param>
    /// <param name="biasHh">b_hh (4H) or null.</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="c0">Initial cell state (B, H).</param>
    /// <param name="batchFirst">input and the output are (B, T, ·).</param>
    /// <param name="reverse">Run the steps backwards in time.</param>
    /// <param name="lengths">Valid steps of each sequence, B values in [0, T], or null for all T.</param>
    /// <exception cref="ArgumentException">Shapes or dtypes disagree, or a length is outside [0, T]; the message
    /// names the shapes.</exception>
    public static (Tensor Output, Tensor HN, Tensor CN) LstmLayer(Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh,
        Tensor h0, Tensor c0, bool batchFirst = false, bool reverse = false, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(c0);
        const string Op = nameof(LstmLayer);
        RequireFloat(input, Op);
        DType dt = input.DType;
        if (input.Dim != 3 || weightIh.Dim != 2 || weightHh.Dim != 2 || weightIh.ShapeArray[1] != input.ShapeArray[2]
            || weightIh.ShapeArray[0] != weightHh.ShapeArray[0] || weightHh.ShapeArray[0] != 4 * weightHh.ShapeArray[1])
            throw new ArgumentException($"{Op}: input {input.ShapeString} must be (T, B, I), weightIh {weightIh.ShapeString} (4H, I) and weightHh {weightHh.ShapeString} (4H, H).");
        int g4 = weightHh.ShapeArray[0], inF = input.ShapeArray[2];
        foreach ((Tensor? bv, string name) in new[] { (biasIh, "biasIh"), (biasHh, "biasHh") })
        {
            if (bv is not null && (bv.Dim != 1 || bv.ShapeArray[0] != g4 || bv.DType != dt))
                throw new ArgumentException($"{Op}: {name} {bv.ShapeString} {bv.DType} must be ({g4}) {dt} for weightHh {weightHh.ShapeString}.");
        }
        if (weightIh.DType != dt || weightHh.DType != dt)
            throw new ArgumentException($"{Op}: input, weightIh and weightHh must share a dtype, got {dt}, {weightIh.DType}, {weightHh.DType}.");
        (Kernels.LstmShape shape, int[] lens) = CheckLstm(Op, input, weightHh, h0, c0, batchFirst, reverse, lengths);
        int b = shape.Batch, h = shape.Hidden, rows = shape.Steps * b;
        Tensor x = input.ContiguousRaw(), wih = weightIh.ContiguousRaw(), whh = weightHh.ContiguousRaw();
        Tensor? bias = (biasIh, biasHh) switch
        {
            (null, null) => null,
            (Tensor i, null) => i.ContiguousRaw(),
            (null, Tensor hh) => hh.ContiguousRaw(),
            (Tensor i, Tensor hh) => i.Detach() + hh.Detach(),
        };
        Tensor packed = AllocateUninitialized(dt, [rows + 2 * b, h]);
        Array saved = dt == DType.Float32 ? Internal.SavedBuffers.Rent<float>(7 * rows * h) : Internal.SavedBuffers.Rent<double>(7 * rows * h);
        if (dt == DType.Float32) LstmLayerForward<float>(shape, x, wih, bias, whh, h0.ContiguousRaw(), c0.ContiguousRaw(), lens, packed, (float[])saved);
        else LstmLayerForward<double>(shape, x, wih, bias, whh, h0.ContiguousRaw(), c0.ContiguousRaw(), lens, packed, (double[])saved);
        Tensor?[] inputs = [input, weightIh, weightHh, biasIh, biasHh, h0, c0];
        bool[] present = [.. inputs.Select(i => i is not null)];
        Tensor recorded = Graph.Record(packed, Op, [.. inputs.Where(i => i is not null).Select(i => i!)], g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dx = AllocateUninitialized(dt, [.. x.ShapeArray]), dwih = AllocateUninitialized(dt, [g4, inF]);
            Tensor dwhh = AllocateUninitialized(dt, [g4, h]), db = Allocate(dt, [g4]);
            Tensor dh0 = AllocateUninitialized(dt, [b, h]), dc0 = AllocateUninitialized(dt, [b, h]);
            if (dt == DType.Float32) LstmLayerBackward<float>(shape, x, wih, whh, lens, (float[])saved, gc, dx, dwih, dwhh, db, dh0, dc0);
            else LstmLayerBackward<double>(shape, x, wih, whh, lens, (double[])saved, gc, dx, dwih, dwhh, db, dh0, dc0);
            if (!Graph.RetainingGraph) Internal.SavedBuffers.Return(saved);
            Tensor?[] all = [dx, dwih, dwhh, present[3] ? db : null, present[4] ? (present[3] ? db.Clone() : db) : null, dh0, dc0];
            return [.. all.Where((_, i) => present[i])];
        });
        if (recorded.GradFn is null) Internal.SavedBuffers.Return(saved);
        int[] outShape = batchFirst ? [b, shape.Steps, h] : [shape.Steps, b, h];
        return (recorded.Narrow(0, 0, rows).Reshape(outShape), recorded.Narrow(0, rows, b), recorded.Narrow(0, rows + b, b));
    }

    /// <summary>Checks h0, c0 (null for the GRU, which has no cell state) and lengths against the sequence (T, B, ·)
    /// and W_hh (G·H, H); returns the kernel shape and a private copy of the lengths (empty for none).</summary>
    private static (Kernels.LstmShape Shape, int[] Lengths) CheckLstm(string op, Tensor sequence, Tensor weightHh, Tensor h0, Tensor? c0,
        bool batchFirst, bool reverse, int[]? lengths)
    {
        int t = sequence.ShapeArray[batchFirst ? 1 : 0], b = sequence.ShapeArray[batchFirst ? 0 : 1], h = weightHh.ShapeArray[1];
        foreach ((Tensor? s, string name) in new[] { (h0, "h0"), (c0, "c0") })
        {
            if (s is null) continue;
            if (s.Dim != 2 || s.ShapeArray[0] != b || s.ShapeArray[1] != h)
                throw new ArgumentException($"{op}: {name} {s.ShapeString} must be (B, H) = ({b}, {h}) for input {sequence.ShapeString}.");
            if (s.DType != sequence.DType)
                throw new ArgumentException($"{op}: {name} is {s.DType} but the input is {sequence.DType}.");
        }
        int[] lens = lengths is null ? [] : (int[])lengths.Clone();
        if (lengths is not null && (lens.Length != b || lens.Any(l => l < 0 || l > t)))
            throw new ArgumentException($"{op}: lengths [{string.Join(", ", lens)}] must be {b} values in [0, {t}].");
        return (new Kernels.LstmShape(t, b, h, batchFirst, reverse), lens);
    }

    /// <summary>gates = bias + x·W_ihᵀ written straight into the saved gates, then the recurrence accumulates onto them.</summary>
    private static void LstmLayerForward<T>(Kernels.LstmShape shape, Tensor x, Tensor wih, Tensor? bias, Tensor whh, Tensor h0, Tensor c0,
        int[] lengths, Tensor packed, T[] saved)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, g4 = 4 * shape.Hidden, inF = wih.ShapeArray[1];
        Span<T> gates = saved.AsSpan(0, rows * g4);
        if (bias is null) gates.Clear();
        else
        {
            ReadOnlySpan<T> bs = bias.AsSpan<T>();
            for (int r = 0; r < rows; r++) bs.CopyTo(gates.Slice(r * g4, g4));
        }
        // gates (rows, 4H) += x (rows, I)·W_ihᵀ, W_ih stored (4H, I).
        Kernels.LstmKernel.Multiply(false, true, rows, g4, inF, x.AsSpan<T>(), Math.Max(inF, 1), wih.AsSpan<T>(), Math.Max(inF, 1), T.One, gates, g4);
        LstmForward<T>(shape, default, whh, h0, c0, lengths, packed, saved);
    }

    /// <summary>The recurrence's backward into a pooled dL/dgates, then dx, dW_ih and the bias gradient from it.</summary>
    private static void LstmLayerBackward<T>(Kernels.LstmShape shape, Tensor x, Tensor wih, Tensor whh, int[] lengths, T[] saved, Tensor g,
        Tensor dx, Tensor dwih, Tensor dwhh, Tensor db, Tensor dh0, Tensor dc0)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, g4 = 4 * shape.Hidden, inF = wih.ShapeArray[1];
        T[] dgates = Internal.SavedBuffers.Rent<T>(rows * g4);
        Span<T> dg = dgates.AsSpan(0, rows * g4);
        LstmBackward<T>(shape, whh, lengths, saved, g, dg, dwhh, dh0, dc0);
        // dx (rows, I) = dgates (rows, 4H)·W_ih (4H, I); dW_ih (4H, I) = dgatesᵀ·x.
        Kernels.LstmKernel.Multiply(false, false, rows, inF, g4, dg, g4, wih.AsSpan<T>(), Math.Max(inF, 1), T.Zero, dx.AsSpan<T>(), Math.Max(inF, 1));
        Kernels.LstmKernel.Multiply(true, false, g4, inF, rows, dg, g4, x.AsSpan<T>(), Math.Max(inF, 1), T.Zero, dwih.AsSpan<T>(), Math.Max(inF, 1));
        Span<T> dbs = db.AsSpan<T>();
        for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(dbs, dg.Slice(r * g4, g4), dbs);
        Internal.SavedBuffers.Return(dgates);
    }

    // The saved buffer holds the kernel's four saved arrays back to back: gates (rows, 4H), then hPrev, cPrev and
    // tanhC (rows, H) each, n = rows·H.

    private static void LstmForward<T>(Kernels.LstmShape shape, ReadOnlySpan<T> gx, Tensor w, Tensor h0, Tensor c0, int[] lengths, Tensor packed, T[] saved)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, bh = shape.Batch * shape.Hidden;
        Span<T> p = packed.AsSpan<T>();
        int n = rows * shape.Hidden;
        Span<T> s = saved;
        Kernels.LstmKernel.Forward<T>(shape, gx, w.AsSpan<T>(), h0.AsSpan<T>(), c0.AsSpan<T>(), lengths,
            p[..n], p.Slice(n, bh), p.Slice(n + bh, bh), s[..(4 * n)], s.Slice(4 * n, n), s.Slice(5 * n, n), s.Slice(6 * n, n));
    }

    private static void LstmBackward<T>(Kernels.LstmShape shape, Tensor w, int[] lengths, T[] saved, Tensor g, Span<T> dgx, Tensor dw,
        Tensor dh0, Tensor dc0)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, bh = shape.Batch * shape.Hidden;
        ReadOnlySpan<T> gs = g.AsSpan<T>();
        int n = rows * shape.Hidden;
        ReadOnlySpan<T> s = saved;
        Kernels.LstmKernel.Backward<T>(shape, w.AsSpan<T>(), lengths, s[..(4 * n)], s.Slice(4 * n, n), s.Slice(5 * n, n), s.Slice(6 * n, n),
            gs[..n], gs.Slice(n, bh), gs.Slice(n + bh, bh),
            dgx, dw.AsSpan<T>(), dh0.AsSpan<T>(), dc0.AsSpan<T>(), GC.AllocateUninitializedArray<T>(bh));
    }
}
