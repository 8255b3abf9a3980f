using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>The problem shape of a fused LSTM sequence: T steps of a batch of B sequences with hidden size H.</summary>
/// <param name="Steps">T.</param>
/// <param name="Batch">B.</param>
/// <param name="Hidden">H.</param>
/// <param name="BatchFirst">Rows are stored (B, T) rather than (T, B): row(t, b) = b·T + t instead of t·B + b.</param>
/// <param name="Reverse">Steps run from t = T − 1 down to 0 (the backward direction of a bidirectional layer).</param>
public readonly record struct LstmShape(int Steps, int Batch, int Hidden, bool BatchFirst, bool Reverse)
{
    /// <summary>The row of step t of sequence b in the (T, B) or (B, T) layout.</summary>
    public int Row(int t, int b) => BatchFirst ? b * Steps + t : t * Batch + b;

    /// <summary>Rows between sequence b and b + 1 at a fixed step (the leading-dimension factor of a step's matrix).</summary>
    public int RowStride => BatchFirst ? Steps : 1;

    /// <summary>The time step processed s-th.</summary>
    public int Time(int s) => Reverse ? Steps - 1 - s : s;

    /// <summary>Batch rows per thread below which splitting the batch does not pay for the hand-off.</summary>
    private const int MinRowsPerPart = 8;

    /// <summary>How many contiguous batch ranges the fused recurrent kernels run in parallel.</summary>
    internal int Parts => Math.Max(1, Math.Min(Threading.NumThreads, Batch / MinRowsPerPart));
}

/// <summary>A whole LSTM layer direction over a sequence, fused: the recurrent matrix product of every step, the
/// gate non-linearities and the state update, and the backward pass through time. PyTorch: the inner loop of
/// <c>torch.nn.LSTM</c> (<c>at::lstm</c>).</summary>
/// <remarks>
/// <para>Per step, with gates = x·W_ihᵀ + b_ih + b_hh (precomputed for all steps as one GEMM by the caller, the
/// argument <c>gx</c>) + h·W_hhᵀ split in PyTorch's order (i, f, g, o):
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c' = f⊙c + i⊙g; h' = o⊙tanh(c').</para>
/// <para>Lengths: sequence b takes steps t &lt; lengths[b] only; at the others its state is carried unchanged and
/// its output is 0, so the final state is the state at its own length (packed sequences).</para>
/// <para>All per-step buffers are in the (T, B) or (B, T) row layout of the input, so one step's B rows form a matrix
/// with leading dimension RowStride·width, and dW_hh = Σ_t dgates_tᵀ·h_{t−1} is a single GEMM over all T·B rows
/// at the end of the backward pass rather than T small ones.</para>
/// <para>Speed: W_hh is packed for the micro-kernel once per call (<see cref="GemmPrepacked{T}"/>), not once per
/// step; and the sequences of the batch, being independent until dW_hh, are split into contiguous row ranges, one per
/// thread, each running all T steps with no synchronisation between steps. Every element is computed by the same
/// operations whatever the split, so results do not depend on the thread count.</para>
/// </remarks>
public static unsafe class LstmKernel
{
    /// <summary>Runs the sequence. Writes the output y, the final state (hn, cn), and what backward needs: the
    /// activated gates, the state before every step and tanh of every new cell state.</summary>
    /// <param name="shape">T, B, H and the layout.</param>
    /// <param name="gx">Input part of the gates, (rows, 4H) in the layout, biases included; or empty when
    /// <paramref name="gates"/> already holds it on entry (each step then accumulates onto it, saving a buffer).</param>
    /// <param name="whh">W_hh (4H, H).</param>
    /// <param name="h0">Initial hidden state (B, H).</param>
    /// <param name="c0">Initial cell state (B, H).</param>
    /// <param name="lengths">Valid steps per sequence (B), or empty for all T.</param>
    /// <param name="y">Output (rows, H).</param>
    /// <param name="hn">Final hidden state (B, H).</param>
    /// <param name="cn">Final cell state (B, H).</param>
    /// <param name="gates">Saved activated gates (rows, 4H).</param>
    /// <param name="hPrev">Saved hidden state before each step (rows, H).</param>
    /// <param name="cPrev">Saved cell state before each step (rows, H).</param>
    /// <param name="tanhC">Saved tanh(c') of each step (rows, H).</param>
    public static void Forward<T>(LstmShape shape, ReadOnlySpan<T> gx, ReadOnlySpan<T> whh, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        ReadOnlySpan<int> lengths, Span<T> y, Span<T> hn, Span<T> cn, Span<T> gates, Span<T> hPrev, Span<T> cPrev, Span<T> tanhC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, batch = shape.Batch, h = shape.Hidden;
        if (steps == 0)
        {
            h0.CopyTo(hn);
            c0.CopyTo(cn);
            return;
        }
        // The state before the first processed step is (h0, c0).
        int first = shape.Time(0);
        for (int b = 0; b < batch; b++)
        {
            int r = shape.Row(first, b);
            h0.Slice(b * h, h).CopyTo(hPrev.Slice(r * h, h));
            c0.Slice(b * h, h).CopyTo(cPrev.Slice(r * h, h));
        }
        // op(B) = W_hhᵀ (H, 4H), packed once for all steps.
        var w = new GemmPrepacked<T>(true, h, 4 * h, whh, h);
        int rowsH = steps * batch * h, bh = batch * h;
        fixed (T* pgx = gx)
        fixed (int* pl = lengths)
        fixed (T* py = y, phn = hn, pcn = cn, pg = gates, php = hPrev, pcp = cPrev, ptc = tanhC)
        {
            nint agx = (nint)pgx, ay = (nint)py, ahn = (nint)phn, acn = (nint)pcn, ag = (nint)pg, ahp = (nint)php, acp = (nint)pcp, atc = (nint)ptc;
            nint al = (nint)pl;
            int nl = lengths.Length, ngx = gx.IsEmpty ? 0 : rowsH * 4;
            int parts = shape.Parts;
            Threading.For(parts, part =>
            {
                int b0 = batch * part / parts, b1 = batch * (part + 1) / parts;
                ForwardRows(shape, w, b0, b1, new ReadOnlySpan<T>((T*)agx, ngx), new ReadOnlySpan<int>((int*)al, nl),
                    new Span<T>((T*)ay, rowsH), new Span<T>((T*)ahn, bh), new Span<T>((T*)acn, bh), new Span<T>((T*)ag, rowsH * 4),
                    new Span<T>((T*)ahp, rowsH), new Span<T>((T*)acp, rowsH), new Span<T>((T*)atc, rowsH));
            });
        }
    }

    /// <summary>All steps for sequences b0..b1−1.</summary>
    private static void ForwardRows<T>(LstmShape shape, GemmPrepacked<T> w, int b0, int b1, ReadOnlySpan<T> gx, ReadOnlySpan<int> lengths,
        Span<T> y, Span<T> hn, Span<T> cn, Span<T> gates, Span<T> hPrev, Span<T> cPrev, Span<T> tanhC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, h = shape.Hidden, g4 = 4 * h, ld = shape.RowStride;
        for (int s = 0; s < steps; s++)
        {
            int t = shape.Time(s), r0 = shape.Row(t, b0);
            bool last = s == steps - 1;
            int next = last ? -1 : shape.Time(s + 1);
            // gates_t = h_{t−1}·W_hhᵀ: (b1 − b0, H)·(H, 4H), rows ld apart in the layout; gx_t is added row by row
            // below, while the row is in L1, rather than copied into gates first (one pass less over 4·rows·H values).
            // Without gx, gates_t holds the input part already and the product accumulates onto it.
            fixed (T* ph = hPrev, pg = gates)
                w.Multiply(b1 - b0, ph + (nint)r0 * h, ld * h, gx.IsEmpty ? T.One : T.Zero, pg + (nint)r0 * g4, ld * g4);
            for (int b = b0; b < b1; b++)
            {
                int r = shape.Row(t, b);
                Span<T> hOut = last ? hn.Slice(b * h, h) : hPrev.Slice(shape.Row(next, b) * h, h);
                Span<T> cOut = last ? cn.Slice(b * h, h) : cPrev.Slice(shape.Row(next, b) * h, h);
                ReadOnlySpan<T> hIn = hPrev.Slice(r * h, h), cIn = cPrev.Slice(r * h, h);
                if (!lengths.IsEmpty && t >= lengths[b])
                {
                    // Past this sequence's end: state carried, output 0.
                    hIn.CopyTo(hOut);
                    cIn.CopyTo(cOut);
                    y.Slice(r * h, h).Clear();
                    gates.Slice(r * g4, g4).Clear();
                    tanhC.Slice(r * h, h).Clear();
                    continue;
                }
                Span<T> gr = gates.Slice(r * g4, g4);
                if (!gx.IsEmpty) TensorPrimitives.Add(gr, gx.Slice(r * g4, g4), gr);
                TensorPrimitives.Sigmoid(gr[..(2 * h)], gr[..(2 * h)]);
                TensorPrimitives.Tanh(gr.Slice(2 * h, h), gr.Slice(2 * h, h));
                TensorPrimitives.Sigmoid(gr.Slice(3 * h, h), gr.Slice(3 * h, h));
                ReadOnlySpan<T> i = gr[..h], f = gr.Slice(h, h), gg = gr.Slice(2 * h, h), o = gr.Slice(3 * h, h);
                // c' = f⊙c + i⊙g; h' = o⊙tanh(c').
                TensorPrimitives.Multiply(f, cIn, cOut);
                TensorPrimitives.FusedMultiplyAdd(i, gg, cOut, cOut);
                Span<T> tc = tanhC.Slice(r * h, h);
                TensorPrimitives.Tanh(cOut, tc);
                TensorPrimitives.Multiply(o, tc, hOut);
                hOut.CopyTo(y.Slice(r * h, h));
            }
        }
    }

    /// <summary>Backpropagation through time. Given dL/dy (may be empty: no loss on the outputs) and dL/d(hn, cn)
    /// (each may be empty: zero), writes dL/dgx, dL/dW_hh (overwritten), and dL/d(h0, c0).</summary>
    /// <param name="shape">As in <see cref="Forward"/>.</param>
    /// <param name="whh">W_hh (4H, H).</param>
    /// <param name="lengths">As in <see cref="Forward"/>.</param>
    /// <param name="gates">Saved by <see cref="Forward"/>.</param>
    /// <param name="hPrev">Saved by <see cref="Forward"/>.</param>
    /// <param name="cPrev">Saved by <see cref="Forward"/>.</param>
    /// <param name="tanhC">Saved by <see cref="Forward"/>.</param>
    /// <param name="dy">dL/dy (rows, H) or empty.</param>
    /// <param name="dhn">dL/dhn (B, H) or empty.</param>
    /// <param name="dcn">dL/dcn (B, H) or empty.</param>
    /// <param name="dgx">dL/dgx (rows, 4H), written.</param>
    /// <param name="dwhh">dL/dW_hh (4H, H), written.</param>
    /// <param name="dh0">dL/dh0 (B, H), written (it doubles as the running dL/dh).</param>
    /// <param name="dc0">dL/dc0 (B, H), written (it doubles as the running dL/dc).</param>
    /// <param name="scratch">B·H elements.</param>
    public static void Backward<T>(LstmShape shape, ReadOnlySpan<T> whh, ReadOnlySpan<int> lengths, ReadOnlySpan<T> gates,
        ReadOnlySpan<T> hPrev, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> dy, ReadOnlySpan<T> dhn,
        ReadOnlySpan<T> dcn, Span<T> dgx, Span<T> dwhh, Span<T> dh0, Span<T> dc0, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, batch = shape.Batch, h = shape.Hidden, g4 = 4 * h;
        if (dhn.IsEmpty) dh0.Clear(); else dhn.CopyTo(dh0);
        if (dcn.IsEmpty) dc0.Clear(); else dcn.CopyTo(dc0);
        // op(B) = W_hh (4H, H), packed once for all steps.
        var w = new GemmPrepacked<T>(false, g4, h, whh, h);
        int rowsH = steps * batch * h, bh = batch * h;
        fixed (T* pg = gates, pc = cPrev, ptc = tanhC, pdy = dy, pdgx = dgx, pdh = dh0, pdc = dc0, ps = scratch)
        fixed (int* pl = lengths)
        {
            nint ag = (nint)pg, ac = (nint)pc, atc = (nint)ptc, ady = (nint)pdy, adgx = (nint)pdgx, adh = (nint)pdh, adc = (nint)pdc, asc = (nint)ps, al = (nint)pl;
            int nl = lengths.Length, ndy = dy.Length;
            int parts = shape.Parts;
            Threading.For(parts, part =>
            {
                int b0 = batch * part / parts, b1 = batch * (part + 1) / parts;
                BackwardRows(shape, w, b0, b1, new ReadOnlySpan<int>((int*)al, nl), new ReadOnlySpan<T>((T*)ag, rowsH * 4),
                    new ReadOnlySpan<T>((T*)ac, rowsH), new ReadOnlySpan<T>((T*)atc, rowsH), new ReadOnlySpan<T>((T*)ady, ndy),
                    new Span<T>((T*)adgx, rowsH * 4), new Span<T>((T*)adh, bh), new Span<T>((T*)adc, bh), new Span<T>((T*)asc, bh));
            });
        }
        // dW_hh = Σ_t dgates_tᵀ·h_{t−1} over all rows at once: (4H, rows)·(rows, H).
        Mm(true, false, g4, h, steps * batch, dgx, g4, hPrev, h, T.Zero, dwhh, h);
    }

    /// <summary>All steps, backwards, for sequences b0..b1−1.</summary>
    private static void BackwardRows<T>(LstmShape shape, GemmPrepacked<T> w, int b0, int b1, ReadOnlySpan<int> lengths,
        ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> dy, Span<T> dgx, Span<T> dh, Span<T> dc, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = shape.Steps, h = shape.Hidden, g4 = 4 * h, ld = shape.RowStride;
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = shape.Time(s), r0 = shape.Row(t, b0);
            for (int b = b0; b < b1; b++)
            {
                int r = shape.Row(t, b);
                Span<T> dg = dgx.Slice(r * g4, g4);
                if (!lengths.IsEmpty && t >= lengths[b])
                {
                    dg.Clear();     // the state was copied, so dh and dc pass through unchanged
                    continue;
                }
                CellBackward(gates.Slice(r * g4, g4), tanhC.Slice(r * h, h), cPrev.Slice(r * h, h),
                             dy.IsEmpty ? default : dy.Slice(r * h, h), dh.Slice(b * h, h), dc.Slice(b * h, h), dg);
            }
            // dL/dh_{t−1} = dgates_t·W_hh: (b1 − b0, 4H)·(4H, H).
            fixed (T* pd = dgx, ps = scratch)
                w.Multiply(b1 - b0, pd + (nint)r0 * g4, ld * g4, T.Zero, ps + (nint)b0 * h, h);
            for (int b = b0; b < b1; b++)
            {
                if (lengths.IsEmpty || t < lengths[b]) scratch.Slice(b * h, h).CopyTo(dh.Slice(b * h, h));
            }
        }
    }

    /// <summary>One cell's backward for one sequence. In: activated gates (i, f, g, o), tanh(c'), c, dL/dy of the step
    /// (or empty), and the running dL/dh' and dL/dc'. Out: dL/d(gate pre-activations) into dg; dL/dc into dc (in
    /// place). dh is used as scratch for dL/dh' + dL/dy.</summary>
    /// <remarks>With dĥ = dh' + dy: do = dĥ⊙tanh c'·o(1 − o); dĉ = dc' + dĥ⊙o⊙(1 − tanh²c');
    /// di = dĉ⊙g·i(1 − i); dg = dĉ⊙i·(1 − g²); df = dĉ⊙c·f(1 − f); dc = dĉ⊙f.</remarks>
    private static void CellBackward<T>(ReadOnlySpan<T> gate, ReadOnlySpan<T> tc, ReadOnlySpan<T> c, ReadOnlySpan<T> dy,
        Span<T> dh, Span<T> dc, Span<T> dg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = tc.Length, j = 0;
        ReadOnlySpan<T> gi = gate[..h], gf = gate.Slice(h, h), gg = gate.Slice(2 * h, h), go = gate.Slice(3 * h, h);
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var one = Vector<T>.One;
            for (; j <= h - Vector<T>.Count; j += Vector<T>.Count)
            {
                var i = new Vector<T>(gi[j..]);
                var f = new Vector<T>(gf[j..]);
                var g = new Vector<T>(gg[j..]);
                var o = new Vector<T>(go[j..]);
                var t = new Vector<T>(tc[j..]);
                var dhv = new Vector<T>(dh[j..]);
                if (!dy.IsEmpty) dhv += new Vector<T>(dy[j..]);
                var dcv = new Vector<T>(dc[j..]) + dhv * o * (one - t * t);
                (dhv * t * o * (one - o)).CopyTo(dg[(3 * h + j)..]);
                (dcv * g * i * (one - i)).CopyTo(dg[j..]);
                (dcv * new Vector<T>(c[j..]) * f * (one - f)).CopyTo(dg[(h + j)..]);
                (dcv * i * (one - g * g)).CopyTo(dg[(2 * h + j)..]);
                (dcv * f).CopyTo(dc[j..]);
            }
        }
        for (; j < h; j++)
        {
            T i = gi[j], f = gf[j], g = gg[j], o = go[j], t = tc[j];
            T dhv = dy.IsEmpty ? dh[j] : dh[j] + dy[j];
            T dcv = dc[j] + dhv * o * (T.One - t * t);
            dg[3 * h + j] = dhv * t * o * (T.One - o);
            dg[j] = dcv * g * i * (T.One - i);
            dg[h + j] = dcv * c[j] * f * (T.One - f);
            dg[2 * h + j] = dcv * i * (T.One - g * g);
            dc[j] = dcv * f;
        }
    }

    /// <summary><see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// for either precision (alpha 1): the input projection of a fused LSTM or GRU layer and its gradients.</summary>
    /// <param name="transA">op(A) = Aᵀ.</param>
    /// <param name="transB">op(B) = Bᵀ.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="a">A, row stride lda.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B, row stride ldb.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="beta">C = op(A)·op(B) + beta·C.</param>
    /// <param name="c">C, row stride ldc.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Multiply<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Mm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);

    private static void Mm<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Multiply(transA, transB, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                          float.CreateTruncating(beta), MemoryMarshal.Cast<T, float>(c), ldc);
        else if (typeof(T) == typeof(double))
            Gemm.Multiply(transA, transB, m, n, k, 1d, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb,
                          double.CreateTruncating(beta), MemoryMarshal.Cast<T, double>(c), ldc);
        else throw new NotSupportedException($"Lstm: element type {typeof(T).Name} is not supported (float or double).");
    }
}
