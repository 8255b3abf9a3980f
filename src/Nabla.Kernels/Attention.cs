using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>Where the matrices of a batch of attention heads live, for <see cref="Attention"/> and
/// <see cref="AttentionReference"/>.</summary>
/// <remarks>Shapes: for head t in 0..BatchHeads−1, Q_t is an (L, E) row-major block at q[QueryOffsets[t]], K_t an
/// (S, E) block at k[KeyOffsets[t]], V_t an (S, Ev) block at v[ValueOffsets[t]]; offsets may repeat (broadcast
/// batch dims). Rows are QueryRowStride, KeyRowStride and ValueRowStride elements apart (0 means dense: E, E, Ev),
/// so heads can be read in place from a (N, L, H, E) projection. The optional additive mask M_t (L, S) has element (i, j) at
/// mask[MaskOffsets[t] + i·MaskRowStride + j·MaskColumnStride] (strides 0 broadcast). The output O_t is an (L, Ev)
/// block at output[OutputOffsets[t]] with rows OutputRowStride apart (null and 0: contiguous per head,
/// (BatchHeads, L, Ev)), so heads can be written straight into a (N, L, H, Ev) tensor; the log-sum-exp is
/// (BatchHeads, L). Gradients are contiguous per head, dQ (BatchHeads, L, E), dK (BatchHeads, S, E),
/// dV (BatchHeads, S, Ev), dM (BatchHeads, L, S), unless an <see cref="AttentionGradientLayout"/> places them.</remarks>
/// <param name="BatchHeads">Number of independent heads (batch × heads).</param>
/// <param name="L">Query rows per head.</param>
/// <param name="S">Key and value rows per head.</param>
/// <param name="E">Query/key width.</param>
/// <param name="Ev">Value width.</param>
/// <param name="QueryOffsets">Start of each Q_t.</param>
/// <param name="KeyOffsets">Start of each K_t.</param>
/// <param name="ValueOffsets">Start of each V_t.</param>
/// <param name="Causal">Key j is visible from query i only when j ≤ i (top-left aligned).</param>
/// <param name="MaskOffsets">Start of each M_t, or null for no additive mask.</param>
/// <param name="MaskRowStride">Elements between mask rows (0 when one row is broadcast over the queries).</param>
/// <param name="MaskColumnStride">Elements between mask columns (1, or 0 when one value is broadcast over the keys).</param>
/// <param name="QueryRowStride">Elements between query rows (at least E), or 0 for E.</param>
/// <param name="KeyRowStride">Elements between key rows (at least E), or 0 for E.</param>
/// <param name="ValueRowStride">Elements between value rows (at least Ev), or 0 for Ev.</param>
/// <param name="OutputOffsets">Start of each O_t, or null for t·L·Ev.</param>
/// <param name="OutputRowStride">Elements between output rows (at least Ev), or 0 for Ev.</param>
public sealed record AttentionLayout(int BatchHeads, int L, int S, int E, int Ev, int[] QueryOffsets, int[] KeyOffsets,
                                     int[] ValueOffsets, bool Causal = false, int[]? MaskOffsets = null,
                                     int MaskRowStride = 0, int MaskColumnStride = 1, int QueryRowStride = 0,
                                     int KeyRowStride = 0, int ValueRowStride = 0, int[]? OutputOffsets = null,
                                     int OutputRowStride = 0)
{
    /// <summary>Elements between output rows.</summary>
    internal int Os => OutputRowStride == 0 ? Ev : OutputRowStride;

    /// <summary>Start of head t's output.</summary>
    internal int OutputOffset(int t) => OutputOffsets is null ? t * L * Ev : OutputOffsets[t];

    /// <summary>Elements between query rows.</summary>
    internal int Qs => QueryRowStride == 0 ? E : QueryRowStride;

    /// <summary>Elements between key rows.</summary>
    internal int Ks => KeyRowStride == 0 ? E : KeyRowStride;

    /// <summary>Elements between value rows.</summary>
    internal int Vs => ValueRowStride == 0 ? Ev : ValueRowStride;

    /// <summary>Number of keys query row i may see before the causal cut (S without a causal mask).</summary>
    internal int VisibleKeys(int i) => Causal ? Math.Min(S, i + 1) : S;
}

/// <summary>Where the gradients of <see cref="Attention.Backward{T}"/> are read and written, when not contiguous per
/// head: for head t, dO_t (L, Ev) at dOutput[DOutputOffsets[t]], dQ_t (L, E) at dq[DQueryOffsets[t]], dK_t (S, E)
/// at dk[DKeyOffsets[t]] and dV_t (S, Ev) at dv[DValueOffsets[t]], each with its own row stride (at least the row
/// width). The dQ, dK and dV blocks of different heads must not overlap (each head writes its own).</summary>
/// <param name="DOutputOffsets">Start of each dO_t.</param>
/// <param name="DOutputRowStride">Elements between dO rows.</param>
/// <param name="DQueryOffsets">Start of each dQ_t.</param>
/// <param name="DQueryRowStride">Elements between dQ rows.</param>
/// <param name="DKeyOffsets">Start of each dK_t.</param>
/// <param name="DKeyRowStride">Elements between dK rows.</param>
/// <param name="DValueOffsets">Start of each dV_t.</param>
/// <param name="DValueRowStride">Elements between dV rows.</param>
public sealed record AttentionGradientLayout(int[] DOutputOffsets, int DOutputRowStride, int[] DQueryOffsets, int DQueryRowStride,
                                             int[] DKeyOffsets, int DKeyRowStride, int[] DValueOffsets, int DValueRowStride)
{
    /// <summary>The contiguous-per-head layout of <paramref name="p"/>'s gradients.</summary>
    internal static AttentionGradientLayout Dense(AttentionLayout p)
    {
        int[] Offsets(int block) => Enumerable.Range(0, p.BatchHeads).Select(t => t * block).ToArray();
        return new AttentionGradientLayout(Offsets(p.L * p.Ev), p.Ev, Offsets(p.L * p.E), p.E, Offsets(p.S * p.E), p.E, Offsets(p.S * p.Ev), p.Ev);
    }
}

/// <summary>Fused scaled dot-product attention O = softmax(Q·Kᵀ·scale + M)·V over a batch of heads, forward and
/// backward, in the flash-attention style (Dao et al. 2022): no (L, S) score matrix per head is stored.
/// PyTorch 2.x: <c>F.scaled_dot_product_attention</c>.</summary>
/// <remarks>
/// <para>Forward: queries in blocks of <see cref="BlockQ"/> rows; for each block the keys in tiles of
/// <see cref="BlockK"/>. A tile's scores S = scale·Q_b·K_tᵀ (+ M) come from one GEMM into a BlockQ × BlockK
/// scratch; the softmax is accumulated online: with the running row maximum m and sum ℓ, a tile with maximum
/// m′ = max(m, max S) rescales the running output and ℓ by e^(m − m′), adds P = e^(S − m′) to ℓ and P·V_t to the
/// output. At the end O = O/ℓ, and the per-row log-sum-exp m + log ℓ is saved for backward. Under a causal mask,
/// tiles entirely above the diagonal are skipped.</para>
/// <para>Backward recomputes each tile's probabilities P = e^(S − lse) and, with D_i = Σ_c dO_ic·O_ic, forms
/// dV_t += Pᵀ·dO_b, dP = dO_b·V_tᵀ, dS = P ∘ (dP − D), dQ_b += scale·dS·K_t, dK_t += scale·dSᵀ·Q_b (and dM = dS).
/// Derivation: ∂O/∂P is V; the softmax Jacobian gives dS_ij = P_ij(dP_ij − Σ_k P_ik dP_ik), and
/// Σ_k P_ik dP_ik = Σ_k P_ik (dO_i·V_k) = dO_i·O_i = D_i.</para>
/// <para>A query row whose keys are all masked has no softmax; its output and gradients are 0 (its log-sum-exp is
/// +∞), as in PyTorch 2.5's attention. Heads run in parallel, each on one thread (results do not depend on the
/// thread count); small problems stay on the calling thread.</para>
/// </remarks>
public static class Attention
{
    /// <summary>Query rows per block (so the score scratch is BlockQ × BlockK per thread).</summary>
    public const int BlockQ = 32;

    /// <summary>Keys per tile; sequences up to this length take one tile, i.e. an exact (not online) softmax.</summary>
    public const int BlockK = 128;

    /// <summary>O = softmax(Q·Kᵀ·scale + M)·V per head; writes the per-row log-sum-exp for
    /// <see cref="Backward{T}"/>.</summary>
    /// <param name="q">Queries (see <see cref="AttentionLayout"/>).</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="mask">Additive mask (0 to keep, −∞ to drop, or any bias), or empty.</param>
    /// <param name="layout">Sizes and offsets.</param>
    /// <param name="scale">Multiplier of the dot products.</param>
    /// <param name="output">O, (BatchHeads, L, Ev) or as the layout's OutputOffsets place it.</param>
    /// <param name="logSumExp">log Σ_j e^(S_ij) per row, (BatchHeads, L).</param>
    public static unsafe void Forward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, ReadOnlySpan<T> mask,
                                         AttentionLayout layout, T scale, Span<T> output, Span<T> logSumExp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        Check(layout, q.Length, k.Length, v.Length, mask.Length, output.Length, logSumExp.Length);
        fixed (T* pq = q, pk = k, pv = v, pm = mask, po = output, pl = logSumExp)
        {
            nint aq = (nint)pq, ak = (nint)pk, av = (nint)pv, am = (nint)pm, ao = (nint)po, al = (nint)pl;
            ForHeads(layout, t =>
                ForwardHead(layout, t, (T*)aq, (T*)ak, (T*)av, (T*)am, scale, (T*)ao, (T*)al));
        }
    }

    /// <summary>Gradients of <see cref="Forward{T}"/> from dO, recomputing the probabilities tile by tile.</summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="mask">The forward's additive mask, or empty.</param>
    /// <param name="layout">Sizes and offsets.</param>
    /// <param name="scale">The forward's scale.</param>
    /// <param name="output">The forward's O.</param>
    /// <param name="logSumExp">The forward's log-sum-exp.</param>
    /// <param name="dOutput">dL/dO, (BatchHeads, L, Ev).</param>
    /// <param name="dq">dL/dQ, (BatchHeads, L, E), overwritten.</param>
    /// <param name="dk">dL/dK, (BatchHeads, S, E), overwritten.</param>
    /// <param name="dv">dL/dV, (BatchHeads, S, Ev), overwritten.</param>
    /// <param name="dMask">dL/dM, (BatchHeads, L, S), overwritten, or empty when the mask needs no gradient.</param>
    /// <param name="gradientLayout">Where dO, dQ, dK and dV live, or null for contiguous per head.</param>
    public static unsafe void Backward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, ReadOnlySpan<T> mask,
                                          AttentionLayout layout, T scale, ReadOnlySpan<T> output, ReadOnlySpan<T> logSumExp,
                                          ReadOnlySpan<T> dOutput, Span<T> dq, Span<T> dk, Span<T> dv, Span<T> dMask,
                                          AttentionGradientLayout? gradientLayout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        Check(layout, q.Length, k.Length, v.Length, mask.Length, output.Length, logSumExp.Length);
        AttentionGradientLayout gl = gradientLayout ?? AttentionGradientLayout.Dense(layout);
        CheckGradients(layout, gl, dOutput.Length, dq.Length, dk.Length, dv.Length, dMask.Length);
        fixed (T* pq = q, pk = k, pv = v, pm = mask, po = output, pl = logSumExp, pg = dOutput, pdq = dq, pdk = dk, pdv = dv, pdm = dMask)
        {
            nint aq = (nint)pq, ak = (nint)pk, av = (nint)pv, am = (nint)pm, ao = (nint)po, al = (nint)pl, ag = (nint)pg;
            nint adq = (nint)pdq, adk = (nint)pdk, adv = (nint)pdv, adm = (nint)pdm;
            ForHeads(layout, t =>
                BackwardHead(layout, gl, t, (T*)aq, (T*)ak, (T*)av, (T*)am, scale, (T*)ao, (T*)al, (T*)ag, (T*)adq, (T*)adk, (T*)adv, (T*)adm));
        }
    }

    /// <summary>Runs body(t) for every head: on one thread when the whole problem (L·S·(E + Ev) multiply-adds
    /// per head) is below <see cref="Threading.GrainSize"/>, where a hand-off would cost more than it saves (a
    /// decoding step against a cache, say), else parts of consecutive heads through <see cref="Threading.For"/>.</summary>
    private static void ForHeads(AttentionLayout p, Action<int> body)
    {
        long work = (long)p.BatchHeads * p.L * p.S * (p.E + p.Ev);
        if (work < Threading.GrainSize)
        {
            for (int t = 0; t < p.BatchHeads; t++) body(t);
            return;
        }
        // Consecutive heads per part: heads viewed out of a (N, L, H, E) tensor write neighbouring segments of the
        // same rows, so heads handed out one at a time to alternating threads would share cache lines on every row.
        int parts = Math.Min(p.BatchHeads, Threading.NumThreads * 4);
        Threading.For(parts, part =>
        {
            int t0 = (int)((long)p.BatchHeads * part / parts), t1 = (int)((long)p.BatchHeads * (part + 1) / parts);
            for (int t = t0; t < t1; t++) body(t);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ForwardHead<T>(AttentionLayout p, int t, T* q, T* k, T* v, T* mask, T scale, T* output, T* lse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int l = p.L, s = p.S, e = p.E, ev = p.Ev;
        T* qh = q + p.QueryOffsets[t], kh = k + p.KeyOffsets[t], vh = v + p.ValueOffsets[t];
        T* oh = output + p.OutputOffset(t), lh = lse + (nint)t * l;
        int os = p.Os;
        T* mh = p.MaskOffsets is null ? null : mask + p.MaskOffsets[t];
        int bk = Math.Min(BlockK, s);
        T[] rented = ArrayPool<T>.Shared.Rent(BlockQ * bk + 3 * BlockQ);
        fixed (T* scratch = rented)
        {
            T* sc = scratch, m = scratch + BlockQ * bk, sum = m + BlockQ, correction = sum + BlockQ;
            for (int i0 = 0; i0 < l; i0 += BlockQ)
            {
                int rows = Math.Min(BlockQ, l - i0), keys = p.VisibleKeys(i0 + rows - 1);
                for (int r = 0; r < rows; r++) new Span<T>(oh + (nint)(i0 + r) * os, ev).Clear();
                new Span<T>(m, rows).Fill(T.NegativeInfinity);
                new Span<T>(sum, rows).Clear();
                for (int j0 = 0; j0 < keys; j0 += bk)
                {
                    int cols = Math.Min(bk, keys - j0);
                    Scores(p, qh, kh, mh, scale, i0, rows, j0, cols, sc);
                    // Row maxima and shifts by row, then one exponential over the whole tile (long spans vectorise
                    // far better than one call per short row).
                    for (int r = 0; r < rows; r++)
                    {
                        T* row = sc + r * cols;
                        T mNew = T.Max(m[r], RowMax(row, cols));
                        correction[r] = T.One;
                        if (T.IsNegativeInfinity(mNew)) continue;            // nothing visible yet: e^(−∞) = 0 below
                        correction[r] = T.Exp(m[r] - mNew);                  // e^(−∞) = 0 on the first visible tile
                        m[r] = mNew;
                        AddToRow(row, cols, -mNew);
                    }
                    ExpInPlace(sc, rows * cols);
                    for (int r = 0; r < rows; r++)
                    {
                        sum[r] = sum[r] * correction[r] + RowSum(sc + r * cols, cols);
                        if (correction[r] != T.One)
                        {
                            Span<T> orow = new(oh + (nint)(i0 + r) * os, ev);
                            TensorPrimitives.Multiply(orow, correction[r], orow);
                        }
                    }
                    Mm(false, false, rows, ev, cols, T.One, sc, cols, vh + (nint)j0 * p.Vs, p.Vs, T.One, oh + (nint)i0 * os, os);
                }
                for (int r = 0; r < rows; r++)
                {
                    Span<T> orow = new(oh + (nint)(i0 + r) * os, ev);
                    if (sum[r] == T.Zero)
                    {
                        orow.Clear();                                         // every key masked: output 0
                        lh[i0 + r] = T.PositiveInfinity;
                        continue;
                    }
                    TensorPrimitives.Divide(orow, sum[r], orow);
                    lh[i0 + r] = m[r] + T.Log(sum[r]);
                }
            }
        }
        ArrayPool<T>.Shared.Return(rented);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BackwardHead<T>(AttentionLayout p, AttentionGradientLayout gl, int t, T* q, T* k, T* v, T* mask, T scale, T* output,
                                               T* lse, T* dOutput, T* dq, T* dk, T* dv, T* dMask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int l = p.L, s = p.S, e = p.E, ev = p.Ev;
        T* qh = q + p.QueryOffsets[t], kh = k + p.KeyOffsets[t], vh = v + p.ValueOffsets[t];
        T* mh = p.MaskOffsets is null ? null : mask + p.MaskOffsets[t];
        T* oh = output + p.OutputOffset(t), lh = lse + (nint)t * l, gh = dOutput + gl.DOutputOffsets[t];
        T* dqh = dq + gl.DQueryOffsets[t], dkh = dk + gl.DKeyOffsets[t], dvh = dv + gl.DValueOffsets[t];
        int os = p.Os, gs = gl.DOutputRowStride, dqs = gl.DQueryRowStride, dks = gl.DKeyRowStride, dvs = gl.DValueRowStride;
        T* dmh = dMask == null ? null : dMask + (nint)t * l * s;
        for (int i = 0; i < l; i++) new Span<T>(dqh + (nint)i * dqs, e).Clear();
        for (int j = 0; j < s; j++)
        {
            new Span<T>(dkh + (nint)j * dks, e).Clear();
            new Span<T>(dvh + (nint)j * dvs, ev).Clear();
        }
        if (dmh != null) new Span<T>(dmh, l * s).Clear();
        int bk = Math.Min(BlockK, s);
        T[] rented = ArrayPool<T>.Shared.Rent(2 * BlockQ * bk + l);
        fixed (T* scratch = rented)
        {
            T* pr = scratch, dp = scratch + BlockQ * bk, d = dp + BlockQ * bk;
            for (int i = 0; i < l; i++)
                d[i] = TensorPrimitives.Dot<T>(new ReadOnlySpan<T>(gh + (nint)i * gs, ev), new ReadOnlySpan<T>(oh + (nint)i * os, ev));
            for (int i0 = 0; i0 < l; i0 += BlockQ)
            {
                int rows = Math.Min(BlockQ, l - i0), keys = p.VisibleKeys(i0 + rows - 1);
                for (int j0 = 0; j0 < keys; j0 += bk)
                {
                    int cols = Math.Min(bk, keys - j0);
                    Scores(p, qh, kh, mh, scale, i0, rows, j0, cols, pr);
                    // P = e^(S − lse); a fully masked row has S = −∞ and lse = +∞, so P = e^(−∞) = 0.
                    for (int r = 0; r < rows; r++)
                    {
                        T rowLse = lh[i0 + r];
                        if (!T.IsPositiveInfinity(rowLse)) AddToRow(pr + r * cols, cols, -rowLse);
                    }
                    ExpInPlace(pr, rows * cols);
                    // dV_t += Pᵀ·dO_b
                    Mm(true, false, cols, ev, rows, T.One, pr, cols, gh + (nint)i0 * gs, gs, T.One, dvh + (nint)j0 * dvs, dvs);
                    // dP = dO_b·V_tᵀ, then dS = P ∘ (dP − D) in place
                    Mm(false, true, rows, cols, ev, T.One, gh + (nint)i0 * gs, gs, vh + (nint)j0 * p.Vs, p.Vs, T.Zero, dp, cols);
                    for (int r = 0; r < rows; r++)
                    {
                        SoftmaxGradientRow(dp + r * cols, pr + r * cols, cols, d[i0 + r]);
                        if (dmh != null) new ReadOnlySpan<T>(dp + r * cols, cols).CopyTo(new Span<T>(dmh + (nint)(i0 + r) * s + j0, cols));
                    }
                    // dQ_b += scale·dS·K_t,  dK_t += scale·dSᵀ·Q_b
                    Mm(false, false, rows, e, cols, scale, dp, cols, kh + (nint)j0 * p.Ks, p.Ks, T.One, dqh + (nint)i0 * dqs, dqs);
                    Mm(true, false, cols, e, rows, scale, dp, cols, qh + (nint)i0 * p.Qs, p.Qs, T.One, dkh + (nint)j0 * dks, dks);
                }
            }
        }
        ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>The (rows, cols) tile of scale·Q·Kᵀ + M at (i0, j0), with causally hidden entries −∞, into sc
    /// (row stride cols).</summary>
    private static unsafe void Scores<T>(AttentionLayout p, T* qh, T* kh, T* mh, T scale, int i0, int rows, int j0, int cols, T* sc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int e = p.E;
        Mm(false, true, rows, cols, e, scale, qh + (nint)i0 * p.Qs, p.Qs, kh + (nint)j0 * p.Ks, p.Ks, T.Zero, sc, cols);
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = new(sc + r * cols, cols);
            if (mh != null)
            {
                T* mrow = mh + (nint)(i0 + r) * p.MaskRowStride + (nint)j0 * p.MaskColumnStride;
                if (p.MaskColumnStride == 1) TensorPrimitives.Add(row, new ReadOnlySpan<T>(mrow, cols), row);
                else TensorPrimitives.Add(row, *mrow, row);
            }
            if (p.Causal)
            {
                int visible = p.VisibleKeys(i0 + r) - j0;                 // keys j0..j0+visible−1 are visible
                if (visible < cols) row[Math.Max(visible, 0)..].Fill(T.NegativeInfinity);
            }
        }
    }

    /// <summary>p[i] = e^p[i] for i in 0..n: float32 by <see cref="FastExp"/> (the runtime's float exponential
    /// works in double precision and cost more than the tile's GEMMs), float64 by TensorPrimitives.</summary>
    private static unsafe void ExpInPlace<T>(T* p, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) FastExp.Exp(new ReadOnlySpan<float>(p, n), new Span<float>(p, n));
        else TensorPrimitives.Exp(new ReadOnlySpan<T>(p, n), new Span<T>(p, n));
    }

    /// <summary>max of p[0..n), by Vector&lt;T&gt; lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe T RowMax<T>(T* p, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        T max = T.NegativeInfinity;
        if (n >= w)
        {
            var acc = new Vector<T>(T.NegativeInfinity);
            for (; i <= n - w; i += w) acc = Vector.Max(acc, Unsafe.ReadUnaligned<Vector<T>>(p + i));
            for (int c = 0; c < w; c++) max = T.Max(max, acc[c]);
        }
        for (; i < n; i++) max = T.Max(max, p[i]);
        return max;
    }

    /// <summary>Σ p[0..n), by Vector&lt;T&gt; lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe T RowSum<T>(T* p, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var acc = Vector<T>.Zero;
        for (; i <= n - w; i += w) acc += Unsafe.ReadUnaligned<Vector<T>>(p + i);
        T sum = Vector.Sum(acc);
        for (; i < n; i++) sum += p[i];
        return sum;
    }

    /// <summary>p[j] += c for j in 0..n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddToRow<T>(T* p, int n, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var vc = new Vector<T>(c);
        for (; i <= n - w; i += w) Unsafe.WriteUnaligned(p + i, Unsafe.ReadUnaligned<Vector<T>>(p + i) + vc);
        for (; i < n; i++) p[i] += c;
    }

    /// <summary>dS = P ∘ (dP − D) in place over dP, one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void SoftmaxGradientRow<T>(T* dp, T* prob, int n, T d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var vd = new Vector<T>(d);
        for (; i <= n - w; i += w)
            Unsafe.WriteUnaligned(dp + i, Unsafe.ReadUnaligned<Vector<T>>(prob + i) * (Unsafe.ReadUnaligned<Vector<T>>(dp + i) - vd));
        for (; i < n; i++) dp[i] = prob[i] * (dp[i] - d);
    }

    /// <summary>Row-major C = alpha·op(A)·op(B) + beta·C through <see cref="Gemm"/> on raw pointers.</summary>
    private static unsafe void Mm<T>(bool ta, bool tb, int m, int n, int kk, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        int aLen = ta ? (kk - 1) * lda + m : (m - 1) * lda + kk, bLen = tb ? (n - 1) * ldb + kk : (kk - 1) * ldb + n;
        aLen = Math.Max(aLen, 0);
        bLen = Math.Max(bLen, 0);
        int cLen = (m - 1) * ldc + n;
        if (typeof(T) == typeof(float))
            Gemm.Multiply(ta, tb, m, n, kk, Unsafe.As<T, float>(ref alpha), new ReadOnlySpan<float>(a, aLen), lda,
                          new ReadOnlySpan<float>(b, bLen), ldb, Unsafe.As<T, float>(ref beta), new Span<float>(c, cLen), ldc);
        else if (typeof(T) == typeof(double))
            Gemm.Multiply(ta, tb, m, n, kk, Unsafe.As<T, double>(ref alpha), new ReadOnlySpan<double>(a, aLen), lda,
                          new ReadOnlySpan<double>(b, bLen), ldb, Unsafe.As<T, double>(ref beta), new Span<double>(c, cLen), ldc);
        else throw new NotSupportedException($"Attention: element type {typeof(T).Name} is not float or double.");
    }

    internal static void Check(AttentionLayout p, int qLen, int kLen, int vLen, int maskLen, int outLen, int lseLen)
    {
        if (p.BatchHeads < 0 || p.L < 0 || p.S < 0 || p.E < 0 || p.Ev < 0)
            throw new ArgumentException($"Attention: sizes must be non-negative, got BatchHeads={p.BatchHeads}, L={p.L}, S={p.S}, E={p.E}, Ev={p.Ev}.");
        if (p.QueryOffsets.Length < p.BatchHeads || p.KeyOffsets.Length < p.BatchHeads || p.ValueOffsets.Length < p.BatchHeads
            || (p.MaskOffsets is not null && p.MaskOffsets.Length < p.BatchHeads))
            throw new ArgumentException($"Attention: every offset array needs {p.BatchHeads} entries.");
        if (p.Qs < p.E || p.Ks < p.E || p.Vs < p.Ev || p.Os < p.Ev)
            throw new ArgumentException($"Attention: row strides (query {p.Qs}, key {p.Ks}, value {p.Vs}, output {p.Os}) must be at least the row widths (E={p.E}, Ev={p.Ev}).");
        if (p.OutputOffsets is not null && p.OutputOffsets.Length < p.BatchHeads)
            throw new ArgumentException($"Attention: every offset array needs {p.BatchHeads} entries.");
        for (int t = 0; t < p.BatchHeads; t++)
        {
            Fits("query", p.QueryOffsets[t], Extent(p.L, p.Qs, p.E), qLen);
            Fits("key", p.KeyOffsets[t], Extent(p.S, p.Ks, p.E), kLen);
            Fits("value", p.ValueOffsets[t], Extent(p.S, p.Vs, p.Ev), vLen);
            if (p.MaskOffsets is not null && p.L > 0 && p.S > 0)
                Fits("mask", p.MaskOffsets[t], (long)(p.L - 1) * p.MaskRowStride + (long)(p.S - 1) * p.MaskColumnStride + 1, maskLen);
        }
        if (lseLen < (long)p.BatchHeads * p.L)
            throw new ArgumentException($"Attention: log-sum-exp holds {lseLen} elements, needs {(long)p.BatchHeads * p.L}.");
        if (p.OutputOffsets is null)
        {
            if (outLen < (long)p.BatchHeads * p.L * p.Ev)
                throw new ArgumentException($"Attention: output holds {outLen} elements, needs {(long)p.BatchHeads * p.L * p.Ev}.");
        }
        else
        {
            for (int t = 0; t < p.BatchHeads; t++) Fits("output", p.OutputOffsets[t], Extent(p.L, p.Os, p.Ev), outLen);
        }
    }

    private static void CheckGradients(AttentionLayout p, AttentionGradientLayout g, int gLen, int dqLen, int dkLen, int dvLen, int dmLen)
    {
        long bh = p.BatchHeads;
        if (dmLen != 0 && dmLen < bh * p.L * p.S)
            throw new ArgumentException($"Attention backward: dM holds {dmLen} elements, needs {bh * p.L * p.S} for BatchHeads={p.BatchHeads}, L={p.L}, S={p.S}.");
        if (g.DOutputOffsets.Length < bh || g.DQueryOffsets.Length < bh || g.DKeyOffsets.Length < bh || g.DValueOffsets.Length < bh)
            throw new ArgumentException($"Attention backward: every gradient offset array needs {bh} entries.");
        if (g.DOutputRowStride < p.Ev || g.DQueryRowStride < p.E || g.DKeyRowStride < p.E || g.DValueRowStride < p.Ev)
            throw new ArgumentException($"Attention backward: gradient row strides (dO {g.DOutputRowStride}, dQ {g.DQueryRowStride}, dK {g.DKeyRowStride}, dV {g.DValueRowStride}) must be at least the row widths (E={p.E}, Ev={p.Ev}).");
        for (int t = 0; t < bh; t++)
        {
            Fits("dO", g.DOutputOffsets[t], Extent(p.L, g.DOutputRowStride, p.Ev), gLen);
            Fits("dQ", g.DQueryOffsets[t], Extent(p.L, g.DQueryRowStride, p.E), dqLen);
            Fits("dK", g.DKeyOffsets[t], Extent(p.S, g.DKeyRowStride, p.E), dkLen);
            Fits("dV", g.DValueOffsets[t], Extent(p.S, g.DValueRowStride, p.Ev), dvLen);
        }
    }

    /// <summary>Elements spanned by <paramref name="rows"/> rows of <paramref name="width"/> at a row stride.</summary>
    private static long Extent(int rows, int stride, int width) => rows == 0 || width == 0 ? 0 : (long)(rows - 1) * stride + width;

    private static void Fits(string what, int offset, long length, int spanLength)
    {
        if (length > 0 && (offset < 0 || offset + length > spanLength))
            throw new ArgumentException($"Attention: {what} block at offset {offset} with {length} elements exceeds the span of {spanLength}.");
    }
}

/// <summary>The naive oracle of <see cref="Attention"/>: the full score row per query in double precision,
/// softmax and weighted sums by plain loops, and the textbook backward. Same layout and results (to rounding).</summary>
public static class AttentionReference
{
    /// <summary>Reference forward; see <see cref="Attention.Forward{T}"/>.</summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="mask">Additive mask or empty.</param>
    /// <param name="layout">Sizes and offsets.</param>
    /// <param name="scale">Multiplier of the dot products.</param>
    /// <param name="output">O, (BatchHeads, L, Ev).</param>
    /// <param name="logSumExp">Per-row log-sum-exp (+∞ for fully masked rows).</param>
    public static void Forward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, ReadOnlySpan<T> mask,
                                  AttentionLayout layout, T scale, Span<T> output, Span<T> logSumExp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        Attention.Check(layout, q.Length, k.Length, v.Length, mask.Length, output.Length, logSumExp.Length);
        AttentionLayout p = layout;
        var prob = new double[p.S];
        for (int t = 0; t < p.BatchHeads; t++)
            for (int i = 0; i < p.L; i++)
            {
                double lse = Probabilities(q, k, mask, p, double.CreateChecked(scale), t, i, prob);
                logSumExp[t * p.L + i] = T.CreateChecked(lse);
                for (int c = 0; c < p.Ev; c++)
                {
                    double acc = 0;
                    for (int j = 0; j < p.S; j++) acc += prob[j] * double.CreateChecked(v[p.ValueOffsets[t] + j * p.Vs + c]);
                    output[p.OutputOffset(t) + i * p.Os + c] = T.CreateChecked(acc);
                }
            }
    }

    /// <summary>Reference backward; see <see cref="Attention.Backward{T}"/> (dMask may be empty).</summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="mask">Additive mask or empty.</param>
    /// <param name="layout">Sizes and offsets.</param>
    /// <param name="scale">Multiplier of the dot products.</param>
    /// <param name="dOutput">dL/dO.</param>
    /// <param name="dq">dL/dQ, overwritten.</param>
    /// <param name="dk">dL/dK, overwritten.</param>
    /// <param name="dv">dL/dV, overwritten.</param>
    /// <param name="dMask">dL/dM, overwritten, or empty.</param>
    /// <param name="gradientLayout">Where dO, dQ, dK and dV live, or null for contiguous per head.</param>
    public static void Backward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, ReadOnlySpan<T> mask,
                                   AttentionLayout layout, T scale, ReadOnlySpan<T> dOutput, Span<T> dq, Span<T> dk,
                                   Span<T> dv, Span<T> dMask, AttentionGradientLayout? gradientLayout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        AttentionLayout p = layout;
        AttentionGradientLayout gl = gradientLayout ?? AttentionGradientLayout.Dense(p);
        double sc = double.CreateChecked(scale);
        for (int t = 0; t < p.BatchHeads; t++)
        {
            for (int i = 0; i < p.L; i++) dq.Slice(gl.DQueryOffsets[t] + i * gl.DQueryRowStride, p.E).Clear();
            for (int j = 0; j < p.S; j++)
            {
                dk.Slice(gl.DKeyOffsets[t] + j * gl.DKeyRowStride, p.E).Clear();
                dv.Slice(gl.DValueOffsets[t] + j * gl.DValueRowStride, p.Ev).Clear();
            }
        }
        dMask.Clear();
        var prob = new double[p.S];
        var dp = new double[p.S];
        for (int t = 0; t < p.BatchHeads; t++)
        {
            int qo = p.QueryOffsets[t], ko = p.KeyOffsets[t], vo = p.ValueOffsets[t];
            int go = gl.DOutputOffsets[t], dqo = gl.DQueryOffsets[t], dko = gl.DKeyOffsets[t], dvo = gl.DValueOffsets[t];
            for (int i = 0; i < p.L; i++)
            {
                Probabilities(q, k, mask, p, sc, t, i, prob);
                double dot = 0;
                for (int j = 0; j < p.S; j++)
                {
                    double acc = 0;
                    for (int c = 0; c < p.Ev; c++) acc += double.CreateChecked(dOutput[go + i * gl.DOutputRowStride + c]) * double.CreateChecked(v[vo + j * p.Vs + c]);
                    dp[j] = acc;
                    dot += prob[j] * acc;
                }
                for (int j = 0; j < p.S; j++)
                {
                    for (int c = 0; c < p.Ev; c++)
                        dv[dvo + j * gl.DValueRowStride + c] += T.CreateChecked(prob[j] * double.CreateChecked(dOutput[go + i * gl.DOutputRowStride + c]));
                    double ds = prob[j] * (dp[j] - dot);          // softmax Jacobian applied to dP
                    if (!dMask.IsEmpty) dMask[(t * p.L + i) * p.S + j] = T.CreateChecked(ds);
                    for (int c = 0; c < p.E; c++)
                    {
                        dq[dqo + i * gl.DQueryRowStride + c] += T.CreateChecked(sc * ds * double.CreateChecked(k[ko + j * p.Ks + c]));
                        dk[dko + j * gl.DKeyRowStride + c] += T.CreateChecked(sc * ds * double.CreateChecked(q[qo + i * p.Qs + c]));
                    }
                }
            }
        }
    }

    /// <summary>Softmax of query row i of head t into prob (zeros when every key is masked); returns its
    /// log-sum-exp (+∞ then).</summary>
    private static double Probabilities<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> mask, AttentionLayout p,
                                           double scale, int t, int i, double[] prob)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < p.S; j++)
        {
            double acc = 0;
            for (int c = 0; c < p.E; c++)
                acc += double.CreateChecked(q[p.QueryOffsets[t] + i * p.Qs + c]) * double.CreateChecked(k[p.KeyOffsets[t] + j * p.Ks + c]);
            acc *= scale;
            if (p.MaskOffsets is not null)
                acc += double.CreateChecked(mask[p.MaskOffsets[t] + i * p.MaskRowStride + j * p.MaskColumnStride]);
            if (j >= p.VisibleKeys(i)) acc = double.NegativeInfinity;
            prob[j] = acc;
            max = Math.Max(max, acc);
        }
        if (double.IsNegativeInfinity(max))
        {
            Array.Clear(prob);
            return double.PositiveInfinity;
        }
        double sum = 0;
        for (int j = 0; j < p.S; j++) sum += prob[j] = Math.Exp(prob[j] - max);
        for (int j = 0; j < p.S; j++) prob[j] /= sum;
        return max + Math.Log(sum);
    }
}
