using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>2-D convolution (cross-correlation, as in deep learning) by im2col and a matrix product per sample,
/// forward and the three gradients. PyTorch: <c>torch.nn.functional.conv2d</c> (its input gradient is also
/// <c>conv_transpose2d</c>'s forward).</summary>
/// <remarks>
/// <para>Shapes: x (N, C, H, W); weight (Cout, C/G, KH, KW) for G groups; y (N, Cout, OH, OW). With group index q,
/// channels q·C/G … and output channels q·Cout/G … form an independent convolution.</para>
/// <para>Per sample n and group q, with col = <see cref="Im2Col"/> of the sample (C·KH·KW, OH·OW):
/// y[n, q] = W[q]·col[q] + b; dcol[q] = W[q]ᵀ·dy[n, q], folded back into dx[n]; dW[q] += dy[n, q]·col[q]ᵀ.
/// Samples are split into fixed contiguous parts run in parallel; each part unfolds one sample at a time into its
/// own scratch (which stays in cache, and no (N, C·KH·KW, OH·OW) matrix is ever held: backward unfolds again), and
/// the weight gradient is summed per part and then over parts in order, so a thread count always gives the same
/// bits. With AVX-512, blocks of samples (about 512 KiB of columns) are unfolded side by side and multiplied by the
/// <see cref="ConvTiles"/> register tiles (weights packed once per call, no packing of the columns), which keeps even
/// LeNet's 16 × 150 · 150 × 100 per-sample products wide. Elsewhere small products (few channels, the LeNet case) use
/// the register-blocked <see cref="ConvGemm"/> and larger ones the packed <see cref="Gemm"/>.</para>
/// <para>With AVX-512, ungrouped undilated convolutions skip the column matrix altogether (an implicit im2col): the
/// sample is copied into a zero-bordered buffer split into stride phases, in which every row of col is the buffer
/// read in place from a per-tap offset, so the tiles multiply the weights by the shifted input rows directly
/// (forward, and the weight gradient as dot products of dy with those rows); for stride 1 the input gradient is
/// the same sweep of dy with the flipped kernel, with nothing to fold. At ResNet's 16 to 64 channels the unfold and
/// fold cost about as much as the products they feed (each column element is used only Cout times), so this takes
/// the stride-1 3 × 3 products from 50 to 60 to about 80 GFLOP/s on one core. Outputs are computed over the padded
/// row width and the wrapped columns dropped, so the path is taken only when that wastes at most 30 %.</para>
/// </remarks>
public static class Convolution
{
    /// <summary>y = conv(x, W) + b.</summary>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="weight">Weight (Cout, C/G·KH·KW).</param>
    /// <param name="bias">Bias (Cout), or empty.</param>
    /// <param name="y">Output (N, Cout, OH, OW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G, dividing C and Cout.</param>
    /// <exception cref="ArgumentException">A span is shorter than the geometry requires.</exception>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                         ConvGeometry g, int outChannels, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(nameof(Forward), x.Length, weight.Length, y.Length, g, outChannels, groups);
        if (!bias.IsEmpty && bias.Length < outChannels) throw new ArgumentException($"Convolution.Forward: bias holds {bias.Length} of {outChannels} values.");
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        bool hasBias = !bias.IsEmpty;
        if (UseImplicit(g, groups, inputGradient: false))
        {
            ForwardImplicit(x, weight, bias, y, g, outChannels);
            return;
        }
        if (UseTiles)
        {
            ForwardTiles(x, weight, bias, y, g, outChannels, groups);
            return;
        }
        fixed (T* px = x, pw = weight, pb = bias, py = y)
        {
            nint ax = (nint)px, aw = (nint)pw, ab = (nint)pb, ay = (nint)py;
            ForSamples(g, (long)outChannels * plane * rowsG, (n0, n1) =>
            {
                T[] col = new T[g.ColumnPerSample];
                fixed (T* pc = col)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        Im2Col.UnfoldSample(new ReadOnlySpan<T>((T*)ax + (long)n * g.InputPerSample, g.InputPerSample), g, col);
                        T* yn = (T*)ay + (long)n * outChannels * plane;
                        for (int q = 0; q < groups; q++)
                            Product(coutG, plane, rowsG, (T*)aw + q * coutG * rowsG, rowsG, 1, pc + q * rowsG * plane, plane,
                                    yn + q * coutG * plane, plane, false);
                        if (hasBias)
                        {
                            for (int co = 0; co < outChannels; co++)
                            {
                                var row = new Span<T>(yn + co * plane, plane);
                                TensorPrimitives.Add(row, ((T*)ab)[co], row);
                            }
                        }
                    }
                }
            });
        }
    }

    /// <summary>dx from dy: dcol[q] = W[q]ᵀ·dy[n, q] folded back onto the input positions (dx overwritten).</summary>
    /// <param name="dy">Output gradient (N, Cout, OH, OW).</param>
    /// <param name="weight">Weight (Cout, C/G·KH·KW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <param name="dx">Input gradient (N, C, H, W).</param>
    /// <exception cref="ArgumentException">A span is shorter than the geometry requires.</exception>
    public static unsafe void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, ConvGeometry g, int outChannels,
                                               int groups, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(nameof(InputGradient), dx.Length, weight.Length, dy.Length, g, outChannels, groups);
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        if (UseImplicit(g, groups, inputGradient: true))
        {
            InputGradientImplicit(dy, weight, g, outChannels, dx);
            return;
        }
        if (UseTiles)
        {
            InputGradientTiles(dy, weight, g, outChannels, groups, dx);
            return;
        }
        fixed (T* pdy = dy, pw = weight, pdx = dx)
        {
            nint ady = (nint)pdy, aw = (nint)pw, adx = (nint)pdx;
            ForSamples(g, (long)outChannels * plane * rowsG, (n0, n1) =>
            {
                T[] dcol = new T[g.ColumnPerSample];
                fixed (T* pc = dcol)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        T* dyn = (T*)ady + (long)n * outChannels * plane;
                        // A(i, p) = W[q][p, i]: row stride 1, column stride rowsG.
                        for (int q = 0; q < groups; q++)
                            Product(rowsG, plane, coutG, (T*)aw + q * coutG * rowsG, 1, rowsG, dyn + q * coutG * plane, plane,
                                    pc + q * rowsG * plane, plane, false);
                        Im2Col.FoldSample(dcol, g, new Span<T>((T*)adx + (long)n * g.InputPerSample, g.InputPerSample));
                    }
                }
            });
        }
    }

    /// <summary>dW[q] = Σₙ dy[n, q]·col[n, q]ᵀ, with the columns unfolded again from x (dw overwritten).</summary>
    /// <param name="dy">Output gradient (N, Cout, OH, OW).</param>
    /// <param name="x">The forward input (N, C, H, W).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <param name="dw">Weight gradient (Cout, C/G·KH·KW).</param>
    /// <exception cref="ArgumentException">A span is shorter than the geometry requires.</exception>
    public static unsafe void WeightGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ConvGeometry g, int outChannels,
                                                int groups, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(nameof(WeightGradient), x.Length, dw.Length, dy.Length, g, outChannels, groups);
        if (UseImplicit(g, groups, inputGradient: false))
        {
            WeightGradientImplicit(dy, x, g, outChannels, dw);
            return;
        }
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        int size = outChannels * rowsG;
        int parts = Parts(g, (long)outChannels * plane * rowsG);
        T[] partial = new T[parts * size];
        bool tiles = UseTiles;
        // With the tiles the block width is padded to whole 512-bit vectors (the padding zeroed below).
        int v = tiles ? Vector512<T>.Count : 1;
        fixed (T* pdy = dy, px = x, pp = partial)
        {
            nint ady = (nint)pdy, ax = (nint)px, ap = (nint)pp;
            Threading.For(parts, part =>
            {
                int n0 = (int)((long)part * g.N / parts), n1 = (int)((long)(part + 1) * g.N / parts);
                T* acc = (T*)ap + (long)part * size;
                // Several samples side by side: the dot products over positions get long (fewer horizontal sums per
                // weight) while the block still fits in cache.
                int block = Math.Clamp((tiles ? TileBlockSamples<T>(g) : BlockPositions / Math.Max(plane, 1)), 1, Math.Max(n1 - n0, 1));
                int ld = RoundUp(block * plane, v);
                T[] col = new T[(long)g.ColumnRows * ld], gy = new T[(long)outChannels * ld];
                fixed (T* pc = col, pg = gy)
                {
                    for (int nb = n0; nb < n1; nb += block)
                    {
                        int count = Math.Min(block, n1 - nb), len = count * plane, padded = RoundUp(len, v);
                        for (int b = 0; b < count; b++)
                        {
                            int n = nb + b;
                            Im2Col.UnfoldSample(new ReadOnlySpan<T>((T*)ax + (long)n * g.InputPerSample, g.InputPerSample), g,
                                                new Span<T>(pc + b * plane, col.Length - b * plane), ld);
                            T* dyn = (T*)ady + (long)n * outChannels * plane;
                            for (int co = 0; co < outChannels; co++)
                                new ReadOnlySpan<T>(dyn + co * plane, plane).CopyTo(new Span<T>(pg + co * ld + b * plane, plane));
                        }
                        if (padded > len)
                        {
                            // A short last block: stale columns past len would enter the padded dot products.
                            for (int r = 0; r < g.ColumnRows; r++) new Span<T>(pc + r * ld + len, padded - len).Clear();
                            for (int co = 0; co < outChannels; co++) new Span<T>(pg + co * ld + len, padded - len).Clear();
                        }
                        for (int q = 0; q < groups; q++)
                        {
                            T* dq = pg + q * coutG * ld, cq = pc + q * rowsG * ld, wq = acc + q * coutG * rowsG;
                            if (tiles)
                                ConvTiles.RowDots(coutG, rowsG, padded, dq, ld, cq, ld, wq, rowsG);
                            else if ((long)coutG * rowsG * len <= SmallVolume * 8)
                                ConvGemm.RowDots(coutG, rowsG, len, dq, ld, cq, ld, wq, rowsG);
                            else
                                Gemm(false, true, coutG, rowsG, len, dq, ld, cq, ld, true, wq, rowsG);
                        }
                    }
                }
            });
        }
        partial.AsSpan(0, size).CopyTo(dw);
        for (int p = 1; p < parts; p++) TensorPrimitives.Add(dw[..size], partial.AsSpan(p * size, size), dw[..size]);
    }

    /// <summary>db[c] = Σ over samples and positions of dy[n, c, ·] (db overwritten).</summary>
    /// <param name="dy">Output gradient (N, Cout, OH·OW).</param>
    /// <param name="n">N.</param>
    /// <param name="channels">Cout.</param>
    /// <param name="plane">OH·OW.</param>
    /// <param name="db">Bias gradient (Cout).</param>
    public static void BiasGradient<T>(ReadOnlySpan<T> dy, int n, int channels, int plane, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        db[..channels].Clear();
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++) db[c] += TensorPrimitives.Sum(dy.Slice((s * channels + c) * plane, plane));
    }

    /// <summary>Forces the portable products (Vector&lt;T&gt; register blocks and the packed GEMM) for calls made from
    /// the current thread (tests only), so that both paths are checked on AVX-512 hardware.</summary>
    [ThreadStatic]
    internal static bool t_forcePortable;

    /// <summary>Whether the AVX-512 <see cref="ConvTiles"/> run the products of this call.</summary>
    private static bool UseTiles => ConvTiles.IsSupported && !t_forcePortable;

    /// <summary>Column-matrix bytes per block of samples on the <see cref="ConvTiles"/> path: unfolded right before
    /// its product, a 512 KiB block is still in the 1 MiB L2 when the tiles read it.</summary>
    private const int TileBlockBytes = 512 * 1024;

    /// <summary>Samples unfolded side by side per block on the tile path, so that the products are wide (hundreds
    /// of columns: few partial tiles) while the block stays in L2.</summary>
    private static unsafe int TileBlockSamples<T>(ConvGeometry g) where T : unmanaged
        => Math.Clamp(TileBlockBytes / sizeof(T) / Math.Max(g.ColumnPerSample, 1), 1, Math.Max(g.N, 1));

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Whether a convolution runs as an implicit im2col (<see cref="ImplicitSweep{T}"/>): one group, no
    /// dilation, equal strides, padding below the kernel size, the input gradient only for stride 1 (where it is a
    /// stride-1 convolution too), and output rows computed over the padded phase-plane width wasting at most 30 %
    /// (that width ≤ 1.3 × the output row width).</summary>
    private static bool UseImplicit(ConvGeometry g, int groups, bool inputGradient)
    {
        if (!UseTiles || groups != 1 || g.DH != 1 || g.DW != 1 || g.SH != g.SW || g.PH >= g.KH || g.PW >= g.KW) return false;
        if (inputGradient && g.SW != 1) return false;
        // A kernel narrower than the stride reads only some phases: the others would be copied for nothing.
        if (g.KH < g.SH || g.KW < g.SW) return false;
        int computed = inputGradient ? g.OW + 2 * (g.KW - 1 - g.PW) : (g.W + 2 * g.PW + g.SW - 1) / g.SW;
        int kept = inputGradient ? g.W : g.OW;
        return 10L * computed <= 13L * kept;
    }

    /// <summary>Copies one sample x (C, H, W) into its zero-bordered, stride-phase-split form: padded position
    /// (r, q) = (h + PH, w + PW) goes to phase (r mod S, q mod S) at (⌊r/S⌋, ⌊q/S⌋) of that phase's plane of row
    /// width wq, phase (a, b) of channel c starting at dst + c·channelStride + (a·S + b)·phaseStride. With S = 1
    /// this is the plain padded copy, row by row.</summary>
    private static unsafe void CopyPadded<T>(T* x, int c, int h, int w, int ph, int pw, int stride, int wq, T* dst, long channelStride, long phaseStride)
        where T : unmanaged
    {
        for (int ci = 0; ci < c; ci++)
        {
            T* channel = dst + ci * channelStride;
            for (int r = 0; r < h; r++)
            {
                T* src = x + ((long)ci * h + r) * w;
                int pr = r + ph;
                if (stride == 1)
                {
                    new ReadOnlySpan<T>(src, w).CopyTo(new Span<T>(channel + (long)pr * wq + pw, w));
                    continue;
                }
                T* row = channel + (pr % stride) * stride * phaseStride + (long)(pr / stride) * wq;
                // Input columns col ≡ b − PW (mod S) land in phase b at (col + PW)/S: strided copies, no division
                // per element.
                for (int b = 0; b < stride; b++)
                {
                    int first = ((b - pw) % stride + stride) % stride;
                    T* to = row + b * phaseStride + (first + pw) / stride;
                    for (int col = first; col < w; col += stride) *to++ = src[col];
                }
            }
        }
    }

    /// <summary>Offset of implicit column row (c, i, j) in the phase-split padded layout: tap (i, j) of output
    /// (oh, ow) reads padded (oh·S + i, ow·S + j), i.e. phase (i mod S, j mod S) at (oh + ⌊i/S⌋, ow + ⌊j/S⌋).</summary>
    private static void TapOffsets(nint[] offsets, int c, int kh, int kw, int stride, int wq, long channelStride, long phaseStride)
    {
        for (int ci = 0; ci < c; ci++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    offsets[(ci * kh + i) * kw + j] = (nint)(ci * channelStride + ((i % stride) * stride + j % stride) * phaseStride + (i / stride) * wq + j / stride);
    }

    /// <summary><see cref="Forward{T}"/> by <see cref="ImplicitSweep{T}"/> with A = W.</summary>
    private static unsafe void ForwardImplicit<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                                  ConvGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.ColumnRows;
        T[] packed = new T[ConvTiles.PackedLength(outChannels, k)];
        fixed (T* px = x, pw = weight, pb = bias, py = y, pk = packed)
        {
            ConvTiles.Pack(outChannels, k, pw, k, 1, pk);
            ImplicitSweep(px, g.N, g.C, g.H, g.W, g.KH, g.KW, g.PH, g.PW, g.SH, pk, outChannels, bias.IsEmpty ? null : pb, py);
        }
    }

    /// <summary><see cref="InputGradient{T}"/> for stride 1: dx is the stride-1 convolution of dy, padded by
    /// K − 1 − P, with the kernel flipped and its channel axes swapped, W′[c, co, i, j] = W[co, c, KH−1−i, KW−1−j]
    /// (dx[c, h, w] = Σ W[co, c, i, j]·dy[co, h + PH − i, w + PW − j]), run by <see cref="ImplicitSweep{T}"/>: no
    /// column matrix is folded.</summary>
    private static unsafe void InputGradientImplicit<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, ConvGeometry g, int outChannels,
                                                        Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int taps = g.KH * g.KW, k = outChannels * taps;
        T[] flipped = new T[g.C * k], packed = new T[ConvTiles.PackedLength(g.C, k)];
        for (int co = 0; co < outChannels; co++)
            for (int c = 0; c < g.C; c++)
                for (int t = 0; t < taps; t++) flipped[c * k + co * taps + (taps - 1 - t)] = weight[(co * g.C + c) * taps + t];
        fixed (T* pdy = dy, pf = flipped, pdx = dx, pk = packed)
        {
            ConvTiles.Pack(g.C, k, pf, k, 1, pk);
            ImplicitSweep(pdy, g.N, outChannels, g.OH, g.OW, g.KH, g.KW, g.KH - 1 - g.PH, g.KW - 1 - g.PW, 1, pk, g.C, null, pdx);
        }
    }

    /// <summary><see cref="WeightGradient{T}"/> without a column matrix: a block of B samples is copied into
    /// zero-bordered, stride-phase-split planes (<see cref="CopyPadded{T}"/>) laid out (C, S·S phases, B, hq, wq), so
    /// that for tap (c, i, j) the inputs under all the block's output positions Q = b·hq·wq + oh·wq + ow form one row
    /// of the buffer read in place from its <see cref="TapOffsets"/>; dy is gathered into the same position layout
    /// with zeros at the positions that are not outputs (the wrapped columns and extra rows of each sample), and
    /// dW[co, (c, i, j)] += Σ_Q dy[co, Q]·xp[offset + Q] are long dot products
    /// (<see cref="ConvTiles.RowDots{T}(int, int, int, T*, nint, T*, nint*, T*, nint)"/>). Per part sums are added
    /// in part order, as on the other paths.</summary>
    private static unsafe void WeightGradientImplicit<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ConvGeometry g, int outChannels, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int st = g.SH, hq = (g.H + 2 * g.PH + st - 1) / st, wq = (g.W + 2 * g.PW + st - 1) / st, phasePlane = hq * wq;
        int k = g.ColumnRows, size = outChannels * k, v = Vector512<T>.Count, plane = g.OutputPlane, phases = st * st;
        int parts = Parts(g, (long)outChannels * plane * k);
        // Samples per block: the padded inputs and gathered gradients of a block take about TileBlockBytes (in L2).
        int block = Math.Clamp(TileBlockBytes / sizeof(T) / Math.Max((g.C * phases + outChannels) * phasePlane, 1), 1, Math.Max((g.N + parts - 1) / parts, 1));
        int phaseStride = block * phasePlane, channelStride = phases * phaseStride, ld = RoundUp(phaseStride, v);
        // Row reads run ld past their offset, at most ⌊(KH − 1)/S⌋·wq + KW + ld − phaseStride past the last phase.
        int slack = g.KH * wq + g.KW + v;
        T[] partial = new T[parts * size];
        fixed (T* pdy = dy, px = x, pp = partial)
        {
            nint ady = (nint)pdy, ax = (nint)px, ap = (nint)pp;
            Threading.For(parts, part =>
            {
                int n0 = (int)((long)part * g.N / parts), n1 = (int)((long)(part + 1) * g.N / parts);
                T* acc = (T*)ap + (long)part * size;
                T[] padded = ArrayPool<T>.Shared.Rent(g.C * channelStride + slack), gathered = ArrayPool<T>.Shared.Rent(outChannels * ld);
                nint[] offsets = ArrayPool<nint>.Shared.Rent(k);
                TapOffsets(offsets, g.C, g.KH, g.KW, st, wq, channelStride, phaseStride);
                // Borders, non-output positions and slack stay zero: only interiors and outputs are overwritten.
                padded.AsSpan(0, g.C * channelStride + slack).Clear();
                gathered.AsSpan(0, outChannels * ld).Clear();
                fixed (T* pad = padded, gat = gathered)
                fixed (nint* off = offsets)
                {
                    for (int nb = n0; nb < n1; nb += block)
                    {
                        int count = Math.Min(block, n1 - nb);
                        if (count < block)
                        {
                            // A short last block: the samples past count must not contribute.
                            for (int ph = 0; ph < g.C * phases; ph++) new Span<T>(pad + ph * phaseStride + count * phasePlane, (block - count) * phasePlane).Clear();
                            for (int co = 0; co < outChannels; co++) new Span<T>(gat + co * ld + count * phasePlane, (block - count) * phasePlane).Clear();
                        }
                        for (int b = 0; b < count; b++)
                        {
                            T* ys = (T*)ady + (long)(nb + b) * outChannels * plane;
                            CopyPadded((T*)ax + (long)(nb + b) * g.InputPerSample, g.C, g.H, g.W, g.PH, g.PW, st, wq, pad + b * phasePlane,
                                       channelStride, phaseStride);
                            for (int co = 0; co < outChannels; co++)
                                for (int r = 0; r < g.OH; r++)
                                    new ReadOnlySpan<T>(ys + (co * g.OH + r) * g.OW, g.OW).CopyTo(new Span<T>(gat + co * ld + b * phasePlane + r * wq, g.OW));
                        }
                        ConvTiles.RowDots(outChannels, k, ld, gat, ld, pad, off, acc, k);
                    }
                }
                ArrayPool<T>.Shared.Return(padded);
                ArrayPool<T>.Shared.Return(gathered);
                ArrayPool<nint>.Shared.Return(offsets);
            });
        }
        partial.AsSpan(0, size).CopyTo(dw);
        for (int p = 1; p < parts; p++) TensorPrimitives.Add(dw[..size], partial.AsSpan(p * size, size), dw[..size]);
    }

    /// <summary>Undilated convolution with stride S, y (N, M, OH, OW) of x (N, C, H, W) with the M × C·KH·KW matrix
    /// A packed by <see cref="ConvTiles.Pack{T}"/>, without a column matrix. Each sample is copied into a
    /// zero-bordered buffer split into S × S stride phases (<see cref="CopyPadded{T}"/>; with S = 1 simply
    /// (C, H + 2·PH, W + 2·PW)), each phase plane of row width wq = ⌈Wp/S⌉; an output computed at position
    /// q = oh·wq + ow then reads, for tap (c, i, j), the phase element at q + <see cref="TapOffsets"/>(c, i, j), so
    /// every row of the implicit column matrix is the buffer read in place from its offset, and one
    /// <see cref="ConvTiles.Multiply{T}(int, int, int, T*, T*, nint*, T*, nint)"/> of width OH·wq gives the sample's
    /// outputs, of which the wq − OW wrapped columns per row are dropped when copying out (with the bias).</summary>
    private static unsafe void ImplicitSweep<T>(T* x, int n, int c, int h, int w, int kh, int kw, int ph, int pw, int stride, T* packed,
                                                int m, T* bias, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hp = h + 2 * ph, wp = w + 2 * pw, oh = (hp - kh) / stride + 1, ow = (wp - kw) / stride + 1, k = c * kh * kw;
        int hq = (hp + stride - 1) / stride, wq = (wp + stride - 1) / stride, width = oh * wq;
        int inPer = c * h * w, outPer = m * oh * ow, phasePlane = hq * wq, channelStride = stride * stride * phasePlane;
        // The tiles read whole vectors: the last tap's row may run ⌊(KW − 1)/S⌋ plus up to a vector past the buffer.
        int slack = kw + Vector512<T>.Count;
        nint ax = (nint)x, ay = (nint)y, ak = (nint)packed, ab = (nint)bias;
        int parts = (int)Math.Clamp(Math.Min(Threading.NumThreads, (long)n * m * k * width / Threading.GrainSize), 1, Math.Max(n, 1));
        Threading.For(parts, part =>
        {
            int n0 = (int)((long)part * n / parts), n1 = (int)((long)(part + 1) * n / parts);
            T[] padded = ArrayPool<T>.Shared.Rent(c * channelStride + slack), product = ArrayPool<T>.Shared.Rent(m * width);
            nint[] offsets = ArrayPool<nint>.Shared.Rent(k);
            TapOffsets(offsets, c, kh, kw, stride, wq, channelStride, phasePlane);
            // Borders and slack stay zero: only the interior is overwritten per sample.
            padded.AsSpan(0, c * channelStride + slack).Clear();
            fixed (T* pp = padded, po = product)
            fixed (nint* po2 = offsets)
            {
                for (int s = n0; s < n1; s++)
                {
                    CopyPadded((T*)ax + (long)s * inPer, c, h, w, ph, pw, stride, wq, pp, channelStride, phasePlane);
                    ConvTiles.Multiply(m, width, k, (T*)ak, pp, po2, po, width);
                    T* ys = (T*)ay + (long)s * outPer;
                    for (int co = 0; co < m; co++)
                    {
                        for (int r = 0; r < oh; r++)
                        {
                            var src = new ReadOnlySpan<T>(po + co * width + r * wq, ow);
                            var dst = new Span<T>(ys + (co * oh + r) * ow, ow);
                            if (ab != 0) TensorPrimitives.Add(src, ((T*)ab)[co], dst);
                            else src.CopyTo(dst);
                        }
                    }
                }
            }
            ArrayPool<T>.Shared.Return(padded);
            ArrayPool<T>.Shared.Return(product);
            ArrayPool<nint>.Shared.Return(offsets);
        });
    }

    /// <summary><see cref="Forward{T}"/> on the tile path: blocks of samples are unfolded side by side into one
    /// (C·KH·KW, block·OH·OW) matrix (rows padded to whole vectors), multiplied by the packed weights in one
    /// product per group, and the (Cout, block·OH·OW) result is copied to the samples' outputs with the bias
    /// added.</summary>
    private static unsafe void ForwardTiles<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                               ConvGeometry g, int outChannels, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups, rows = g.ColumnRows;
        int packedLength = ConvTiles.PackedLength(coutG, rowsG);
        int block = TileBlockSamples<T>(g), ld = RoundUp(block * plane, Vector512<T>.Count);
        bool hasBias = !bias.IsEmpty;
        T[] packed = new T[groups * packedLength];
        fixed (T* px = x, pw = weight, pb = bias, py = y, pk = packed)
        {
            for (int q = 0; q < groups; q++) ConvTiles.Pack(coutG, rowsG, pw + q * coutG * rowsG, rowsG, 1, pk + q * packedLength);
            nint ax = (nint)px, ab = (nint)pb, ay = (nint)py, ak = (nint)pk;
            ForSamples(g, (long)outChannels * plane * rowsG, (n0, n1) =>
            {
                T[] col = ArrayPool<T>.Shared.Rent(rows * ld), product = ArrayPool<T>.Shared.Rent(outChannels * ld);
                fixed (T* pc = col, po = product)
                {
                    for (int nb = n0; nb < n1; nb += block)
                    {
                        int count = Math.Min(block, n1 - nb);
                        for (int b = 0; b < count; b++)
                            Im2Col.UnfoldSample(new ReadOnlySpan<T>((T*)ax + (long)(nb + b) * g.InputPerSample, g.InputPerSample), g,
                                                new Span<T>(pc + b * plane, rows * ld - b * plane), ld);
                        for (int q = 0; q < groups; q++)
                            ConvTiles.Multiply(coutG, count * plane, rowsG, (T*)ak + q * packedLength, pc + q * rowsG * ld, ld,
                                               po + q * coutG * ld, ld);
                        for (int b = 0; b < count; b++)
                        {
                            T* yn = (T*)ay + (long)(nb + b) * outChannels * plane;
                            for (int co = 0; co < outChannels; co++)
                            {
                                var src = new ReadOnlySpan<T>(po + co * ld + b * plane, plane);
                                var dst = new Span<T>(yn + co * plane, plane);
                                if (hasBias) TensorPrimitives.Add(src, ((T*)ab)[co], dst);
                                else src.CopyTo(dst);
                            }
                        }
                    }
                }
                ArrayPool<T>.Shared.Return(col);
                ArrayPool<T>.Shared.Return(product);
            });
        }
    }

    /// <summary><see cref="InputGradient{T}"/> on the tile path: the output gradients of a block of samples are
    /// gathered side by side into one (Cout, block·OH·OW) matrix, multiplied by the packed Wᵀ of each group into
    /// the block's column gradients, which are folded back onto each sample's input.</summary>
    private static unsafe void InputGradientTiles<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, ConvGeometry g, int outChannels,
                                                     int groups, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups, rows = g.ColumnRows;
        int packedLength = ConvTiles.PackedLength(rowsG, coutG);
        int block = TileBlockSamples<T>(g), ld = RoundUp(block * plane, Vector512<T>.Count);
        T[] packed = new T[groups * packedLength];
        fixed (T* pdy = dy, pw = weight, pdx = dx, pk = packed)
        {
            // Wᵀ of group q: A(i, p) = W[q][p, i], row stride 1 and column stride rowsG.
            for (int q = 0; q < groups; q++) ConvTiles.Pack(rowsG, coutG, pw + q * coutG * rowsG, 1, rowsG, pk + q * packedLength);
            nint ady = (nint)pdy, adx = (nint)pdx, ak = (nint)pk;
            ForSamples(g, (long)outChannels * plane * rowsG, (n0, n1) =>
            {
                T[] gathered = ArrayPool<T>.Shared.Rent(outChannels * ld), dcol = ArrayPool<T>.Shared.Rent(rows * ld);
                fixed (T* pg = gathered, pc = dcol)
                {
                    for (int nb = n0; nb < n1; nb += block)
                    {
                        int count = Math.Min(block, n1 - nb);
                        for (int b = 0; b < count; b++)
                        {
                            T* dyn = (T*)ady + (long)(nb + b) * outChannels * plane;
                            for (int co = 0; co < outChannels; co++)
                                new ReadOnlySpan<T>(dyn + co * plane, plane).CopyTo(new Span<T>(pg + co * ld + b * plane, plane));
                        }
                        for (int q = 0; q < groups; q++)
                            ConvTiles.Multiply(rowsG, count * plane, coutG, (T*)ak + q * packedLength, pg + q * coutG * ld, ld,
                                               pc + q * rowsG * ld, ld);
                        for (int b = 0; b < count; b++)
                            Im2Col.FoldSample(new ReadOnlySpan<T>(pc + b * plane, rows * ld - b * plane), g,
                                              new Span<T>((T*)adx + (long)(nb + b) * g.InputPerSample, g.InputPerSample), ld);
                    }
                }
                ArrayPool<T>.Shared.Return(gathered);
                ArrayPool<T>.Shared.Return(dcol);
            });
        }
    }

    /// <summary>Per-sample products up to this m·n·k (64³, <see cref="Gemm"/>'s own small-problem bound) use
    /// <see cref="ConvGemm"/>; beyond it packing pays for itself.</summary>
    private const long SmallVolume = 64L * 64 * 64;

    /// <summary>Output positions per weight-gradient block (samples × OH·OW): 2,048 floats of every column row and
    /// dy row keep a LeNet-sized block within a 1 MiB L2 while making each dot product 2,048 long.</summary>
    private const int BlockPositions = 2048;

    private static unsafe void Product<T>(int m, int n, int k, T* a, nint ars, nint acs, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)m * n * k <= SmallVolume) ConvGemm.Panel(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate);
        else if (acs == 1) Gemm(false, false, m, n, k, a, ars, b, ldb, accumulate, c, ldc);
        else Gemm(true, false, m, n, k, a, acs, b, ldb, accumulate, c, ldc);
    }

    /// <summary>One packed GEMM on raw pointers (single-threaded when called inside a parallel part).</summary>
    private static unsafe void Gemm<T>(bool transA, bool transB, int m, int n, int k, T* a, nint lda, T* b, nint ldb, bool accumulate, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int aLen = (int)((transA ? (long)k : m) * lda), bLen = (int)((transB ? (long)n : k) * ldb), cLen = (int)(m * ldc);
        if (typeof(T) == typeof(float))
            Kernels.Gemm.Multiply(transA, transB, m, n, k, 1f, new ReadOnlySpan<float>(a, aLen), (int)lda, new ReadOnlySpan<float>(b, bLen), (int)ldb,
                                  accumulate ? 1f : 0f, new Span<float>(c, cLen), (int)ldc);
        else if (typeof(T) == typeof(double))
            Kernels.Gemm.Multiply(transA, transB, m, n, k, 1.0, new ReadOnlySpan<double>(a, aLen), (int)lda, new ReadOnlySpan<double>(b, bLen), (int)ldb,
                                  accumulate ? 1.0 : 0.0, new Span<double>(c, cLen), (int)ldc);
        else
            throw new NotSupportedException($"Convolution: element type {typeof(T).Name} is not float or double.");
    }

    /// <summary>Parts for a sample split: one per thread when the work pays for the hand-off.</summary>
    private static int Parts(ConvGeometry g, long workPerSample)
        => (int)Math.Clamp(Math.Min(Threading.NumThreads, g.N * workPerSample / Threading.GrainSize), 1, Math.Max(g.N, 1));

    private static void ForSamples(ConvGeometry g, long workPerSample, Action<int, int> body)
    {
        int parts = Parts(g, workPerSample);
        Threading.For(parts, part => body((int)((long)part * g.N / parts), (int)((long)(part + 1) * g.N / parts)));
    }

    private static void Check(string op, int xLength, int wLength, int yLength, ConvGeometry g, int outChannels, int groups)
    {
        if (groups < 1 || g.C % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Convolution.{op}: groups={groups} must divide C={g.C} and Cout={outChannels}.");
        long needX = (long)g.N * g.InputPerSample, needW = (long)outChannels * (g.ColumnRows / groups), needY = (long)g.N * outChannels * g.OutputPlane;
        if (needX > xLength || needW > wLength || needY > yLength)
            throw new ArgumentException($"Convolution.{op}: geometry {g} with Cout={outChannels} needs {needX} input, {needW} weight and {needY} output elements, got {xLength}, {wLength} and {yLength}.");
    }
}
