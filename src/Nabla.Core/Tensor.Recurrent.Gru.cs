namespace Nabla;

public partial class Tensor
{
    /// <summary>One direction of a whole GRU layer, fused: the input projection x·W_ihᵀ for all steps (one GEMM), then
    /// per step the recurrent product, PyTorch's gate equations and the state update, with backpropagation through time
    /// as its own backward. PyTorch: one layer and direction of <c>torch.nn.GRU</c> (<c>torch._VF.gru</c>).</summary>
    /// <remarks>
    /// <para>Shapes: input (T, B, I) — or (B, T, I) with batchFirst; weightIh (3H, I); weightHh (3H, H); biasIh and
    /// biasHh (3H) or null; h0 (B, H). Output (T, B, H) or (B, T, H), hN (B, H).</para>
    /// <para>Per step, gates in PyTorch's order (r, z, n): r = σ(W_ir x + b_ir + W_hr h + b_hr),
    /// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h.
    /// reverse runs t = T − 1 … 0. With lengths, sequence b stops after lengths[b] steps: later outputs are 0 and its
    /// state is carried, so hN is the state at its own length (with reverse, its first step is lengths[b] − 1), as
    /// PyTorch on a packed sequence.</para>
    /// <para>The same values as the per-step composite (Linear, Chunk, Sigmoid, Tanh, Mul; tested against it, and
    /// through <c>Gru</c> against PyTorch's nn.GRU), but one autograd node: the gates of every step and their
    /// gradient live only inside the op, in pooled buffers. Backward: from dL/dgates of the backward through time,
    /// dx = dgates_ih·W_ih, dW_ih = dgates_ihᵀ·x, dW_hh = Σ_t dgates_hhᵀ·h_{t−1}, db_ih = Σ_rows dgates_ih and
    /// db_hh = Σ_rows dgates_hh, where dgates_hh differs from dgates_ih in the n block only (r⊙ of it).</para>
    /// </remarks>
    /// <param name="input">The layer's input sequence (T, B, I).</param>
    /// <param name="weightIh">W_ih (3H, I), gates in PyTorch's order (r, z, n).</param>
    /// <param name="weightHh">W_hh (3H, H).</param>
    /// <param name="biasIh">b_ih (3H) or null.</param>
    /// <param name="biasHh">b_hh (3H) or null.</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="batchFirst">input and the output are (B, T, ·).</param>
    /// <param name="reverse">Run the steps backwards in time.</param>
    /// <param name="lengths">Valid steps of each sequence, B values in [0, T], or null for all T.</param>
    /// <exception cref="ArgumentException">Shapes or dtypes disagree, or a length is outside [0, T]; the message
    /// names the shapes.</exception>
    public static (Tensor Output, Tensor HN) GruLayer(Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh,
        Tensor h0, bool batchFirst = false, bool reverse = false, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        ArgumentNullException.ThrowIfNull(h0);
        const string Op = nameof(GruLayer);
        RequireFloat(input, Op);
        DType dt = input.DType;
        if (input.Dim != 3 || weightIh.Dim != 2 || weightHh.Dim != 2 || weightIh.ShapeArray[1] != input.ShapeArray[2]
            || weightIh.ShapeArray[0] != weightHh.ShapeArray[0] || weightHh.ShapeArray[0] != 3 * weightHh.ShapeArray[1])
            throw new ArgumentException($"{Op}: input {input.ShapeString} must be (T, B, I), weightIh {weightIh.ShapeString} (3H, I) and weightHh {weightHh.ShapeString} (3H, H).");
        int g3 = weightHh.ShapeArray[0], inF = input.ShapeArray[2];
        foreach ((Tensor? bv, string name) in new[] { (biasIh, "biasIh"), (biasHh, "biasHh") })
        {
            if (bv is not null && (bv.Dim != 1 || bv.ShapeArray[0] != g3 || bv.DType != dt))
                throw new ArgumentException($"{Op}: {name} {bv.ShapeString} {bv.DType} must be ({g3}) {dt} for weightHh {weightHh.ShapeString}.");
        }
        if (weightIh.DType != dt || weightHh.DType != dt)
            throw new ArgumentException($"{Op}: input, weightIh and weightHh must share a dtype, got {dt}, {weightIh.DType}, {weightHh.DType}.");
        (Kernels.LstmShape shape, int[] lens) = CheckLstm(Op, input, weightHh, h0, null, batchFirst, reverse, lengths);
        int b = shape.Batch, h = shape.Hidden, rows = shape.Steps * b;
        Tensor x = input.ContiguousRaw(), wih = weightIh.ContiguousRaw(), whh = weightHh.ContiguousRaw();
        Tensor? bih = biasIh?.ContiguousRaw(), bhh = biasHh?.ContiguousRaw();
        // packed = [y (rows, H); hN (B, H)]: one recorded output, so one backward sees both gradients.
        Tensor packed = AllocateUninitialized(dt, [rows + b, h]);
        // What backward needs, [gates (rows, 4H) as GruKernel lays them out; h before each step (rows, H)], in one
        // pooled buffer: it never leaves this op, so it is given back as soon as no backward can read it again.
        Array saved = dt == DType.Float32 ? Internal.SavedBuffers.Rent<float>(5 * rows * h) : Internal.SavedBuffers.Rent<double>(5 * rows * h);
        if (dt == DType.Float32) GruLayerForward<float>(shape, x, wih, bih, bhh, whh, h0.ContiguousRaw(), lens, packed, (float[])saved);
        else GruLayerForward<double>(shape, x, wih, bih, bhh, whh, h0.ContiguousRaw(), lens, packed, (double[])saved);
        Tensor?[] inputs = [input, weightIh, weightHh, biasIh, biasHh, h0];
        bool[] present = [.. inputs.Select(i => i is not null)];
        Tensor recorded = Graph.Record(packed, Op, [.. inputs.Where(i => i is not null).Select(i => i!)], g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dx = AllocateUninitialized(dt, [.. x.ShapeArray]), dwih = AllocateUninitialized(dt, [g3, inF]);
            Tensor dwhh = AllocateUninitialized(dt, [g3, h]), dbih = AllocateUninitialized(dt, [g3]), dbhh = AllocateUninitialized(dt, [g3]);
            Tensor dh0 = AllocateUninitialized(dt, [b, h]);
            if (dt == DType.Float32) GruLayerBackward<float>(shape, x, wih, whh, lens, (float[])saved, gc, dx, dwih, dwhh, dbih, dbhh, dh0);
            else GruLayerBackward<double>(shape, x, wih, whh, lens, (double[])saved, gc, dx, dwih, dwhh, dbih, dbhh, dh0);
            if (!Graph.RetainingGraph) Internal.SavedBuffers.Return(saved);
            Tensor?[] all = [dx, dwih, dwhh, dbih, dbhh, dh0];
            return [.. all.Where((_, i) => present[i])];
        });
        if (recorded.GradFn is null) Internal.SavedBuffers.Return(saved);
        int[] outShape = batchFirst ? [b, shape.Steps, h] : [shape.Steps, b, h];
        return (recorded.Narrow(0, 0, rows).Reshape(outShape), recorded.Narrow(0, rows, b));
    }

    /// <summary>Writes the kernel's input rows [x·W_irᵀ + b_ir + b_hr | x·W_izᵀ + b_iz + b_hz | b_hn | x·W_inᵀ + b_in]
    /// straight into the saved gates (bias rows, then two GEMMs onto the r, z and n columns), then runs the
    /// recurrence.</summary>
    private static void GruLayerForward<T>(Kernels.LstmShape shape, Tensor x, Tensor wih, Tensor? bih, Tensor? bhh, Tensor whh, Tensor h0,
        int[] lengths, Tensor packed, T[] saved)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int h = shape.Hidden, rows = shape.Steps * shape.Batch, g4 = 4 * h, inF = wih.ShapeArray[1], ld = Math.Max(inF, 1);
        int n = rows * h, bh = shape.Batch * h;
        Span<T> gates = saved.AsSpan(0, 4 * n);
        if (bih is null && bhh is null) gates.Clear();
        else
        {
            var bias = new T[g4];
            if (bih is not null)
            {
                ReadOnlySpan<T> bi = bih.AsSpan<T>();
                bi[..(2 * h)].CopyTo(bias);
                bi.Slice(2 * h, h).CopyTo(bias.AsSpan(3 * h));
            }
            if (bhh is not null)
            {
                ReadOnlySpan<T> bb = bhh.AsSpan<T>();
                System.Numerics.Tensors.TensorPrimitives.Add(bias.AsSpan(0, 2 * h), bb[..(2 * h)], bias.AsSpan(0, 2 * h));
                bb.Slice(2 * h, h).CopyTo(bias.AsSpan(2 * h));
            }
            for (int r = 0; r < rows; r++) bias.CopyTo(gates.Slice(r * g4, g4));
        }
        // Columns [0, 2H) += x (rows, I)·W_ih[r, z]ᵀ and [3H, 4H) += x·W_ih[n]ᵀ, W_ih stored (3H, I).
        ReadOnlySpan<T> xs = x.AsSpan<T>(), ws = wih.AsSpan<T>();
        if (rows > 0)     // T = 0 or B = 0: no gates, and no n block to slice
        {
            Kernels.LstmKernel.Multiply(false, true, rows, 2 * h, inF, xs, ld, ws, ld, T.One, gates, g4);
            Kernels.LstmKernel.Multiply(false, true, rows, h, inF, xs, ld, ws[(2 * h * inF)..], ld, T.One, gates[(3 * h)..], g4);
        }
        Span<T> p = packed.AsSpan<T>();
        Kernels.GruKernel.Forward<T>(shape, whh.AsSpan<T>(), h0.AsSpan<T>(), lengths, p[..n], p.Slice(n, bh), gates, saved.AsSpan(4 * n, n));
    }

    /// <summary>The recurrence's backward into a pooled dL/dgates, then dx, dW_ih and the bias gradients from it.</summary>
    private static void GruLayerBackward<T>(Kernels.LstmShape shape, Tensor x, Tensor wih, Tensor whh, int[] lengths, T[] saved, Tensor g,
        Tensor dx, Tensor dwih, Tensor dwhh, Tensor dbih, Tensor dbhh, Tensor dh0)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int h = shape.Hidden, rows = shape.Steps * shape.Batch, g4 = 4 * h, inF = wih.ShapeArray[1], ld = Math.Max(inF, 1);
        int n = rows * h, bh = shape.Batch * h;
        T[] dgates = Internal.SavedBuffers.Rent<T>(4 * n);
        Span<T> dg = dgates.AsSpan(0, 4 * n);
        ReadOnlySpan<T> gs = g.AsSpan<T>();
        Kernels.GruKernel.Backward<T>(shape, whh.AsSpan<T>(), lengths, saved.AsSpan(0, 4 * n), saved.AsSpan(4 * n, n), gs[..n], gs.Slice(n, bh),
            dg, dwhh.AsSpan<T>(), dh0.AsSpan<T>());
        // The input part's gradient is columns [0, 2H) and [3H, 4H): dx (rows, I) = dg_rz·W_ih[r, z] + dg_n·W_ih[n];
        // dW_ih[r, z] = dg_rzᵀ·x and dW_ih[n] = dg_nᵀ·x.
        ReadOnlySpan<T> xs = x.AsSpan<T>(), ws = wih.AsSpan<T>();
        Span<T> dxs = dx.AsSpan<T>(), dws = dwih.AsSpan<T>();
        if (rows == 0) dws.Clear();     // no steps: W_ih took no part, and dx is empty
        else
        {
            Kernels.LstmKernel.Multiply(false, false, rows, inF, 2 * h, dg, g4, ws, ld, T.Zero, dxs, ld);
            Kernels.LstmKernel.Multiply(false, false, rows, inF, h, dg[(3 * h)..], g4, ws[(2 * h * inF)..], ld, T.One, dxs, ld);
            Kernels.LstmKernel.Multiply(true, false, 2 * h, inF, rows, dg, g4, xs, ld, T.Zero, dws, ld);
            Kernels.LstmKernel.Multiply(true, false, h, inF, rows, dg[(3 * h)..], g4, xs, ld, T.Zero, dws[(2 * h * inF)..], ld);
        }
        // Σ over rows of the 4H-wide gradient: db_hh = blocks (r, z, hn), db_ih = blocks (r, z, n).
        var sum = new T[g4];
        for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(sum, dg.Slice(r * g4, g4), sum);
        sum.AsSpan(0, 3 * h).CopyTo(dbhh.AsSpan<T>());
        sum.AsSpan(0, 2 * h).CopyTo(dbih.AsSpan<T>());
        sum.AsSpan(3 * h, h).CopyTo(dbih.AsSpan<T>()[(2 * h)..]);
        Internal.SavedBuffers.Return(dgates);
    }
}
