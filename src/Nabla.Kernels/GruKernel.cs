using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>A whole GRU layer direction over a sequence, fused: the recurrent matrix product of every step, the gate
/// non-linearities and the state update, and the backward pass through time. PyTorch: the inner loop of
/// <c>torch.nn.GRU</c> (<c>at::gru</c>).</summary>
/// <remarks>
/// <para>PyTorch's equations, gates in its order (r, z, n): r = σ(W_ir x + b_ir + W_hr h + b_hr),
/// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h,
/// computed as n + z⊙(h − n).</para>
/// <para>Gate layout: each row of <c>gates</c> is 4H wide, [r | z | hn | n] with hn = W_hn h + b_hn. On entry the
/// caller has written [x·W_irᵀ + b_ir + b_hr | x·W_izᵀ + b_iz + b_hz | b_hn | x·W_inᵀ + b_in] (the input projection,
/// one GEMM for all steps); each step then adds h·W_hhᵀ (3H wide) onto the first three blocks in one product — so
/// b_hn, which must stay inside r⊙(·), is already in place — and overwrites the row with the activated values
/// backward needs. The gradient rows have the same layout: [da_r | da_z | d(hn) | da_n], where a_· is the
/// pre-activation; the first 3H are dL/d(h·W_hhᵀ + b_hh) and blocks (1, 2, 4) are dL/d(x·W_ihᵀ + b_ih).</para>
/// <para>Lengths, layout (<see cref="LstmShape"/>: (T, B) or (B, T) rows, reverse) and threading as
/// <see cref="LstmKernel"/>: sequence b takes steps t &lt; lengths[b] only (state carried, output 0 after); W_hh is
/// packed once per call; contiguous batch ranges run on separate threads with no synchronisation between steps, and
/// every element is computed by the same operations whatever the split, so results do not depend on the thread
/// count. Tested against <see cref="GruReference"/>.</para>
/// </remarks>
public static unsafe class GruKernel
{
    /// <summary>Runs the sequence. Writes the output y, the final state hn, the activated gates and the state before
    /// every step (what backward needs).</summary>
    /// <param name="shape">T, B, H and the layout.</param>
    /// <param name="whh">W_hh (3H, H), rows (r, z, n).</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="lengths">Valid steps per sequence (B), or empty for all T.</param>
    /// <param name="y">Output (rows, H).</param>
    /// <param name="hn">Final hidden state (B, H).</param>
    /// <param name="gates">(rows, 4H): the input part on entry, [r | z | hn | n] on return (see the class remarks).</param>
    /// <param name="hPrev">Saved hidden state before each step (rows, H).</param>
    public static void Forward<T>(LstmShape shape, ReadOnlySpan<T> whh, ReadOnlySpan<T> h0, ReadOnlySpan<int> lengths,
        Span<T> y, Span<T> hn, Span<T> gates, Span<T> hPrev)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, batch = shape.Batch, h = shape.Hidden;
        if (steps == 0)
        {
            h0.CopyTo(hn);
            return;
        }
        int first = shape.Time(0);
        for (int b = 0; b < batch; b++) h0.Slice(b * h, h).CopyTo(hPrev.Slice(shape.Row(first, b) * h, h));
        // op(B) = W_hhᵀ (H, 3H), packed once for all steps.
        var w = new GemmPrepacked<T>(true, h, 3 * h, whh, h);
        int rowsH = steps * batch * h, bh = batch * h;
        fixed (int* pl = lengths)
        fixed (T* py = y, phn = hn, pg = gates, php = hPrev)
        {
            nint ay = (nint)py, ahn = (nint)phn, ag = (nint)pg, ahp = (nint)php, al = (nint)pl;
            int nl = lengths.Length, parts = shape.Parts;
            Threading.For(parts, part =>
            {
                int b0 = batch * part / parts, b1 = batch * (part + 1) / parts;
                ForwardRows(shape, w, b0, b1, new ReadOnlySpan<int>((int*)al, nl), new Span<T>((T*)ay, rowsH),
                    new Span<T>((T*)ahn, bh), new Span<T>((T*)ag, rowsH * 4), new Span<T>((T*)ahp, rowsH));
            });
        }
    }

    /// <summary>All steps for sequences b0..b1−1.</summary>
    private static void ForwardRows<T>(LstmShape shape, GemmPrepacked<T> w, int b0, int b1, ReadOnlySpan<int> lengths,
        Span<T> y, Span<T> hn, Span<T> gates, Span<T> hPrev)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, h = shape.Hidden, g4 = 4 * h, ld = shape.RowStride;
        for (int s = 0; s < steps; s++)
        {
            int t = shape.Time(s), r0 = shape.Row(t, b0);
            bool last = s == steps - 1;
            int next = last ? -1 : shape.Time(s + 1);
            // [r | z | hn] += h_{t−1}·W_hhᵀ: (b1 − b0, H)·(H, 3H) onto the first 3H of each 4H-wide row.
            fixed (T* ph = hPrev, pg = gates)
                w.Multiply(b1 - b0, ph + (nint)r0 * h, ld * h, T.One, pg + (nint)r0 * g4, ld * g4);
            for (int b = b0; b < b1; b++)
            {
                int r = shape.Row(t, b);
                Span<T> hOut = last ? hn.Slice(b * h, h) : hPrev.Slice(shape.Row(next, b) * h, h);
                ReadOnlySpan<T> hIn = hPrev.Slice(r * h, h);
                Span<T> gr = gates.Slice(r * g4, g4);
                if (!lengths.IsEmpty && t >= lengths[b])
                {
                    // Past this sequence's end: state carried, output 0.
                    hIn.CopyTo(hOut);
                    y.Slice(r * h, h).Clear();
                    gr.Clear();
                    continue;
                }
                TensorPrimitives.Sigmoid(gr[..(2 * h)], gr[..(2 * h)]);
                ReadOnlySpan<T> rg = gr[..h], z = gr.Slice(h, h), hh = gr.Slice(2 * h, h);
                Span<T> n = gr.Slice(3 * h, h);
                // n = tanh(a_n + r⊙hn); h' = n + z⊙(h − n).
                TensorPrimitives.FusedMultiplyAdd(rg, hh, n, n);
                TensorPrimitives.Tanh(n, n);
                TensorPrimitives.Subtract(hIn, n, hOut);
                TensorPrimitives.FusedMultiplyAdd(z, hOut, n, hOut);
                hOut.CopyTo(y.Slice(r * h, h));
            }
        }
    }

    /// <summary>Backpropagation through time. Given dL/dy (may be empty: no loss on the outputs) and dL/dhn (may be
    /// empty: zero), writes the gate gradients, dL/dW_hh (overwritten) and dL/dh0.</summary>
    /// <param name="shape">As in <see cref="Forward"/>.</param>
    /// <param name="whh">W_hh (3H, H).</param>
    /// <param name="lengths">As in <see cref="Forward"/>.</param>
    /// <param name="gates">Saved by <see cref="Forward"/>: (rows, 4H) [r | z | hn | n].</param>
    /// <param name="hPrev">Saved by <see cref="Forward"/>.</param>
    /// <param name="dy">dL/dy (rows, H) or empty.</param>
    /// <param name="dhn">dL/dhn (B, H) or empty.</param>
    /// <param name="dgates">(rows, 4H) [da_r | da_z | d(hn) | da_n], written (see the class remarks).</param>
    /// <param name="dwhh">dL/dW_hh (3H, H), written.</param>
    /// <param name="dh0">dL/dh0 (B, H), written (it doubles as the running dL/dh).</param>
    public static void Backward<T>(LstmShape shape, ReadOnlySpan<T> whh, ReadOnlySpan<int> lengths, ReadOnlySpan<T> gates,
        ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dy, ReadOnlySpan<T> dhn, Span<T> dgates, Span<T> dwhh, Span<T> dh0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, batch = shape.Batch, h = shape.Hidden;
        if (dhn.IsEmpty) dh0.Clear(); else dhn.CopyTo(dh0);
        // op(B) = W_hh (3H, H), packed once for all steps.
        var w = new GemmPrepacked<T>(false, 3 * h, h, whh, h);
        int rowsH = steps * batch * h, bh = batch * h;
        fixed (T* pg = gates, php = hPrev, pdy = dy, pdg = dgates, pdh = dh0)
        fixed (int* pl = lengths)
        {
            nint ag = (nint)pg, ahp = (nint)php, ady = (nint)pdy, adg = (nint)pdg, adh = (nint)pdh, al = (nint)pl;
            int nl = lengths.Length, ndy = dy.Length, parts = shape.Parts;
            Threading.For(parts, part =>
            {
                int b0 = batch * part / parts, b1 = batch * (part + 1) / parts;
                BackwardRows(shape, w, b0, b1, new ReadOnlySpan<int>((int*)al, nl), new ReadOnlySpan<T>((T*)ag, rowsH * 4),
                    new ReadOnlySpan<T>((T*)ahp, rowsH), new ReadOnlySpan<T>((T*)ady, ndy), new Span<T>((T*)adg, rowsH * 4),
                    new Span<T>((T*)adh, bh));
            });
        }
        // dW_hh = Σ_t d(h·W_hhᵀ)_tᵀ·h_{t−1} over all rows at once: (3H, rows)·(rows, H), the first 3H of each row.
        LstmKernel.Multiply(true, false, 3 * h, h, steps * batch, dgates, 4 * h, hPrev, h, T.Zero, dwhh, h);
    }

    /// <summary>All steps, backwards, for sequences b0..b1−1.</summary>
    private static void BackwardRows<T>(LstmShape shape, GemmPrepacked<T> w, int b0, int b1, ReadOnlySpan<int> lengths,
        ReadOnlySpan<T> gates, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dy, Span<T> dgates, Span<T> dh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, h = shape.Hidden, g4 = 4 * h, ld = shape.RowStride;
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = shape.Time(s), r0 = shape.Row(t, b0);
            for (int b = b0; b < b1; b++)
            {
                int r = shape.Row(t, b);
                Span<T> dg = dgates.Slice(r * g4, g4);
                if (!lengths.IsEmpty && t >= lengths[b])
                {
                    dg.Clear();     // the state was copied: dh passes through, and the product below adds 0 to it
                    continue;
                }
                CellBackward(gates.Slice(r * g4, g4), hPrev.Slice(r * h, h), dy.IsEmpty ? default : dy.Slice(r * h, h), dh.Slice(b * h, h), dg);
            }
            // dL/dh_{t−1} = dĥ⊙z (left in dh by CellBackward) + d(h·W_hhᵀ)_t·W_hh: (b1 − b0, 3H)·(3H, H), accumulated.
            fixed (T* pd = dgates, ph = dh)
                w.Multiply(b1 - b0, pd + (nint)r0 * g4, ld * g4, T.One, ph + (nint)b0 * h, h);
        }
    }

    /// <summary>One cell's backward for one sequence. In: the saved row [r | z | hn | n], h before the step, dL/dy
    /// of the step (or empty) and the running dL/dh'. Out: the gradient row into dg, and dĥ⊙z (the direct part of
    /// dL/dh) into dh.</summary>
    /// <remarks>With dĥ = dh' + dy and h' = n + z⊙(h − n): dn = dĥ⊙(1 − z); da_n = dn⊙(1 − n²);
    /// d(hn) = da_n⊙r; da_r = da_n⊙hn⊙r(1 − r); da_z = dĥ⊙(h − n)⊙z(1 − z); dh = dĥ⊙z.</remarks>
    private static void CellBackward<T>(ReadOnlySpan<T> gate, ReadOnlySpan<T> hIn, ReadOnlySpan<T> dy, Span<T> dh, Span<T> dg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = hIn.Length, j = 0;
        ReadOnlySpan<T> gr = gate[..h], gz = gate.Slice(h, h), ghn = gate.Slice(2 * h, h), gn = gate.Slice(3 * h, h);
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var one = Vector<T>.One;
            for (; j <= h - Vector<T>.Count; j += Vector<T>.Count)
            {
                var r = new Vector<T>(gr[j..]);
                var z = new Vector<T>(gz[j..]);
                var hh = new Vector<T>(ghn[j..]);
                var n = new Vector<T>(gn[j..]);
                var d = new Vector<T>(dh[j..]);
                if (!dy.IsEmpty) d += new Vector<T>(dy[j..]);
                var dan = d * (one - z) * (one - n * n);
                (dan * hh * r * (one - r)).CopyTo(dg[j..]);
                (d * (new Vector<T>(hIn[j..]) - n) * z * (one - z)).CopyTo(dg[(h + j)..]);
                (dan * r).CopyTo(dg[(2 * h + j)..]);
                dan.CopyTo(dg[(3 * h + j)..]);
                (d * z).CopyTo(dh[j..]);
            }
        }
        for (; j < h; j++)
        {
            T r = gr[j], z = gz[j], hh = ghn[j], n = gn[j];
            T d = dy.IsEmpty ? dh[j] : dh[j] + dy[j];
            T dan = d * (T.One - z) * (T.One - n * n);
            dg[j] = dan * hh * r * (T.One - r);
            dg[h + j] = d * (hIn[j] - n) * z * (T.One - z);
            dg[2 * h + j] = dan * r;
            dg[3 * h + j] = dan;
            dh[j] = d * z;
        }
    }
}

/// <summary>The naive GRU sequence: the same arguments, layout and results as <see cref="GruKernel"/>, by scalar loops
/// (dot products for the recurrent products, one step and one sequence at a time), as the oracle in tests.</summary>
public static class GruReference
{
    /// <summary>As <see cref="GruKernel.Forward{T}"/>.</summary>
    /// <param name="shape">T, B, H and the layout.</param>
    /// <param name="whh">W_hh (3H, H).</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="lengths">Valid steps per sequence (B), or empty for all T.</param>
    /// <param name="y">Output (rows, H).</param>
    /// <param name="hn">Final hidden state (B, H).</param>
    /// <param name="gates">(rows, 4H): the input part on entry, [r | z | hn | n] on return.</param>
    /// <param name="hPrev">Saved hidden state before each step (rows, H).</param>
    public static void Forward<T>(LstmShape shape, ReadOnlySpan<T> whh, ReadOnlySpan<T> h0, ReadOnlySpan<int> lengths,
        Span<T> y, Span<T> hn, Span<T> gates, Span<T> hPrev)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = shape.Hidden, g4 = 4 * h;
        var state = new T[h];
        for (int b = 0; b < shape.Batch; b++)
        {
            h0.Slice(b * h, h).CopyTo(state);
            for (int s = 0; s < shape.Steps; s++)
            {
                int t = shape.Time(s), r = shape.Row(t, b);
                state.CopyTo(hPrev.Slice(r * h, h));
                Span<T> g = gates.Slice(r * g4, g4);
                if (lengths.Length > 0 && t >= lengths[b])
                {
                    y.Slice(r * h, h).Clear();
                    g.Clear();
                    continue;
                }
                for (int j = 0; j < 3 * h; j++)
                {
                    T acc = T.Zero;
                    for (int k = 0; k < h; k++) acc += state[k] * whh[j * h + k];
                    g[j] += acc;
                }
                for (int j = 0; j < h; j++)
                {
                    T rj = T.One / (T.One + T.Exp(-g[j])), zj = T.One / (T.One + T.Exp(-g[h + j]));
                    T nj = T.Tanh(g[3 * h + j] + rj * g[2 * h + j]);
                    g[j] = rj;
                    g[h + j] = zj;
                    g[3 * h + j] = nj;
                    state[j] = (T.One - zj) * nj + zj * state[j];
                }
                state.CopyTo(y.Slice(r * h, h));
            }
            state.CopyTo(hn.Slice(b * h, h));
        }
    }

    /// <summary>As <see cref="GruKernel.Backward{T}"/>.</summary>
    /// <param name="shape">As in <see cref="Forward"/>.</param>
    /// <param name="whh">W_hh (3H, H).</param>
    /// <param name="lengths">As in <see cref="Forward"/>.</param>
    /// <param name="gates">Saved by <see cref="Forward"/>.</param>
    /// <param name="hPrev">Saved by <see cref="Forward"/>.</param>
    /// <param name="dy">dL/dy (rows, H) or empty.</param>
    /// <param name="dhn">dL/dhn (B, H) or empty.</param>
    /// <param name="dgates">(rows, 4H) [da_r | da_z | d(hn) | da_n], written.</param>
    /// <param name="dwhh">dL/dW_hh (3H, H), written.</param>
    /// <param name="dh0">dL/dh0 (B, H), written.</param>
    public static void Backward<T>(LstmShape shape, ReadOnlySpan<T> whh, ReadOnlySpan<int> lengths, ReadOnlySpan<T> gates,
        ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dy, ReadOnlySpan<T> dhn, Span<T> dgates, Span<T> dwhh, Span<T> dh0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = shape.Hidden, g4 = 4 * h;
        dwhh.Clear();
        var d = new T[h];
        for (int b = 0; b < shape.Batch; b++)
        {
            if (dhn.IsEmpty) Array.Clear(d); else dhn.Slice(b * h, h).CopyTo(d);
            for (int s = shape.Steps - 1; s >= 0; s--)
            {
                int t = shape.Time(s), r = shape.Row(t, b);
                Span<T> dg = dgates.Slice(r * g4, g4);
                if (lengths.Length > 0 && t >= lengths[b])
                {
                    dg.Clear();
                    continue;
                }
                ReadOnlySpan<T> g = gates.Slice(r * g4, g4), hp = hPrev.Slice(r * h, h);
                var direct = new T[h];
                for (int j = 0; j < h; j++)
                {
                    T dj = d[j] + (dy.IsEmpty ? T.Zero : dy[r * h + j]);
                    T rj = g[j], zj = g[h + j], hhj = g[2 * h + j], nj = g[3 * h + j];
                    T dan = dj * (T.One - zj) * (T.One - nj * nj);
                    dg[j] = dan * hhj * rj * (T.One - rj);
                    dg[h + j] = dj * (hp[j] - nj) * zj * (T.One - zj);
                    dg[2 * h + j] = dan * rj;
                    dg[3 * h + j] = dan;
                    direct[j] = dj * zj;
                }
                for (int k = 0; k < h; k++)
                {
                    T acc = direct[k];
                    for (int j = 0; j < 3 * h; j++) acc += dg[j] * whh[j * h + k];
                    d[k] = acc;
                }
                for (int j = 0; j < 3 * h; j++)
                {
                    for (int k = 0; k < h; k++) dwhh[j * h + k] += dg[j] * hp[k];
                }
            }
            d.CopyTo(dh0.Slice(b * h, h));
        }
    }
}
