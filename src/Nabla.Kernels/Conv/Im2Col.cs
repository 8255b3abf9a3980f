using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>Unfolding of convolution windows into columns (im2col) and its adjoint (col2im), so that a convolution
/// becomes one GEMM per sample: y (Cout, OH·OW) = W (Cout, C·KH·KW) · col (C·KH·KW, OH·OW). PyTorch:
/// <c>torch.nn.functional.unfold</c> / <c>fold</c>.</summary>
/// <remarks>Shapes: x (N, C, H, W) contiguous; col (N, C·KH·KW, OH·OW), row r = (c·KH + i)·KW + j holding, at
/// column oh·OW + ow, the input x[n, c, oh·SH − PH + i·DH, ow·SW − PW + j·DW] (0 outside the input). Samples are
/// processed in parallel (each writes only its own slice), so results do not depend on the thread count.</remarks>
public static class Im2Col
{
    /// <summary>Writes the column matrix of every sample.</summary>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="g">The window geometry.</param>
    /// <param name="col">Output (N, C·KH·KW, OH·OW).</param>
    /// <exception cref="ArgumentException">A span is shorter than the geometry requires.</exception>
    public static unsafe void Unfold<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> col) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, col.Length, g, nameof(Unfold));
        fixed (T* px = x, pc = col)
        {
            nint ax = (nint)px, ac = (nint)pc;
            int inPer = g.InputPerSample, colPer = g.ColumnPerSample;
            Threading.ForBlocks(g.N, colPer, (start, count) =>
            {
                for (int n = start; n < start + count; n++)
                    UnfoldSample(new ReadOnlySpan<T>((T*)ax + (long)n * inPer, inPer), g, new Span<T>((T*)ac + (long)n * colPer, colPer));
            });
        }
    }

    /// <summary>The adjoint of <see cref="Unfold{T}"/>: x = Σ over windows of the column entries at the positions
    /// they were read from (overlapping windows add up). x is overwritten.</summary>
    /// <param name="col">Columns (N, C·KH·KW, OH·OW).</param>
    /// <param name="g">The window geometry.</param>
    /// <param name="x">Output (N, C, H, W).</param>
    /// <exception cref="ArgumentException">A span is shorter than the geometry requires.</exception>
    public static unsafe void Fold<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, col.Length, g, nameof(Fold));
        fixed (T* px = x, pc = col)
        {
            nint ax = (nint)px, ac = (nint)pc;
            int inPer = g.InputPerSample, colPer = g.ColumnPerSample;
            Threading.ForBlocks(g.N, colPer, (start, count) =>
            {
                for (int n = start; n < start + count; n++)
                    FoldSample(new ReadOnlySpan<T>((T*)ac + (long)n * colPer, colPer), g, new Span<T>((T*)ax + (long)n * inPer, inPer));
            });
        }
    }

    private static void Check(int xLength, int colLength, ConvGeometry g, string op)
    {
        if ((long)g.N * g.InputPerSample > xLength || (long)g.N * g.ColumnPerSample > colLength)
            throw new ArgumentException($"Im2Col.{op}: geometry {g} needs {(long)g.N * g.InputPerSample} input and {(long)g.N * g.ColumnPerSample} column elements, got {xLength} and {colLength}.");
    }

    /// <summary>Valid output columns [lo, hi) of a kernel tap whose first input column is iw0 = −PW + j·DW.</summary>
    private static (int Lo, int Hi) ValidColumns(int iw0, int sw, int w, int ow)
    {
        // 0 ≤ iw0 + o·sw < w  ⇔  o ≥ ⌈−iw0/sw⌉ and o ≤ ⌊(w − 1 − iw0)/sw⌋.
        int lo = iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw;
        int hi = w - 1 - iw0 < 0 ? 0 : (w - 1 - iw0) / sw + 1;
        lo = Math.Min(lo, ow);
        hi = Math.Clamp(hi, lo, ow);
        return (lo, hi);
    }

    internal static void UnfoldSample<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> col) where T : unmanaged, IFloatingPointIeee754<T>
        => UnfoldSample(x, g, col, g.OutputPlane);

    /// <summary>Kernel columns × vectors per output row up to which
    /// <see cref="UnfoldSample{T}(ReadOnlySpan{T}, ConvGeometry, Span{T}, int)"/> copies rows as whole masked vectors
    /// (its masks then take at most 4 KiB of stack).</summary>
    private const int MaxUnfoldMasks = 64;

    /// <summary>One sample's columns with row r starting at col[r·rowStride] (rowStride ≥ OH·OW), so that several
    /// samples can sit side by side in one wider matrix.</summary>
    /// <remarks>With 512-bit vectors, stride 1 or (float) 2, an output row is written as whole vectors: lane o of the
    /// row reads input column iw0 + o·SW (the stride-2 lanes de-interleaved from two loads) and is masked to zero
    /// outside the tap's valid columns [lo, hi). The last vector may run past the row into later rows of the same
    /// tap plane, which are written after it, so the last row of each plane (and any row whose loads would leave the
    /// sample's input) takes the element-wise path.</remarks>
    internal static unsafe void UnfoldSample<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> col, int rowStride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, v = Vector512<T>.Count, chunks = (g.OW + v - 1) / v;
        bool vectors = Vector512.IsHardwareAccelerated && g.KW * chunks <= MaxUnfoldMasks
                       && (g.SW == 1 || (g.SW == 2 && typeof(T) == typeof(float) && Avx512F.IsSupported));
        // The valid-column masks depend on the tap column j only: built once per call.
        Vector512<T>* masks = stackalloc Vector512<T>[vectors ? g.KW * chunks : 0];
        for (int j = 0; vectors && j < g.KW; j++)
        {
            (int lo, int hi) = ValidColumns(-g.PW + j * g.DW, g.SW, g.W, g.OW);
            for (int k = 0; k < chunks; k++)
            {
                Vector512<T> lane = Vector512<T>.Indices + Vector512.Create(T.CreateTruncating(k * v));
                masks[j * chunks + k] = Vector512.GreaterThanOrEqual(lane, Vector512.Create(T.CreateTruncating(lo)))
                                        & Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(hi)));
            }
        }
        fixed (T* px = x, pcol = col)
        {
            for (int c = 0; c < g.C; c++)
            {
                ReadOnlySpan<T> xc = x.Slice(c * g.H * g.W, g.H * g.W);
                for (int i = 0; i < g.KH; i++)
                {
                    for (int j = 0; j < g.KW; j++)
                    {
                        Span<T> row = col.Slice(((c * g.KH + i) * g.KW + j) * rowStride, plane);
                        T* prow = pcol + ((c * g.KH + i) * g.KW + j) * rowStride;
                        int iw0 = -g.PW + j * g.DW;
                        (int lo, int hi) = ValidColumns(iw0, g.SW, g.W, g.OW);
                        bool full = lo == 0 && hi == g.OW;
                        Vector512<T>* mask = masks + j * chunks;
                        // Rows whose input row exists: ih = oh·SH − PH + i·DH in [0, H).
                        int rowBase = i * g.DH - g.PH;
                        int ohLo = Math.Min(g.OH, rowBase >= 0 ? 0 : (-rowBase + g.SH - 1) / g.SH);
                        int ohHi = Math.Clamp(g.H - 1 - rowBase < 0 ? 0 : (g.H - 1 - rowBase) / g.SH + 1, ohLo, g.OH);
                        row[..(ohLo * g.OW)].Clear();
                        // Rows written as whole vectors: the last vector must stay within the tap plane (it spills
                        // into later rows only, all written after it) and the loads within the sample's input,
                        // from = base + oh·SH·W.
                        int vecStart = ohHi, vecEnd = ohHi;
                        long inputBase = (long)c * g.H * g.W + (long)rowBase * g.W + iw0, step = (long)g.SH * g.W;
                        int reach = g.SW * chunks * v;
                        if (vectors && plane >= chunks * v)
                        {
                            long first = inputBase >= 0 ? 0 : (-inputBase + step - 1) / step;
                            long lastByInput = (x.Length - reach - inputBase) < 0 ? -1 : (x.Length - reach - inputBase) / step;
                            long lastByPlane = (plane - chunks * v) / g.OW;
                            vecStart = (int)Math.Clamp(first, ohLo, ohHi);
                            vecEnd = (int)Math.Clamp(Math.Min(lastByInput, lastByPlane) + 1, vecStart, ohHi);
                        }
                        for (int oh = ohLo; oh < vecStart; oh++) CopyRow(xc, g, row.Slice(oh * g.OW, g.OW), oh * g.SH + rowBase, iw0, lo, hi);
                        T* src = px + inputBase + vecStart * step, to = prow + vecStart * g.OW;
                        if (g.SW != 1)
                        {
                            for (int oh = vecStart; oh < vecEnd; oh++, src += step, to += g.OW)
                                for (int k = 0; k < chunks; k++) Vector512.Store(EvenLanes(src + 2 * k * v) & mask[k], to + k * v);
                        }
                        else if (full && chunks == 1)
                        {
                            for (int oh = vecStart; oh < vecEnd; oh++, src += step, to += g.OW) Vector512.Store(Vector512.Load(src), to);
                        }
                        else
                        {
                            for (int oh = vecStart; oh < vecEnd; oh++, src += step, to += g.OW)
                                for (int k = 0; k < chunks; k++) Vector512.Store(Vector512.Load(src + k * v) & mask[k], to + k * v);
                        }
                        for (int oh = vecEnd; oh < ohHi; oh++) CopyRow(xc, g, row.Slice(oh * g.OW, g.OW), oh * g.SH + rowBase, iw0, lo, hi);
                        // Cleared last: the vector rows above may have spilled into these.
                        row[(ohHi * g.OW)..].Clear();
                    }
                }
            }
        }
    }

    /// <summary>One output row of a tap element by element: zeros outside the valid columns [lo, hi), else input
    /// row ih of the channel at columns iw0 + o·SW.</summary>
    private static void CopyRow<T>(ReadOnlySpan<T> xc, ConvGeometry g, Span<T> dst, int ih, int iw0, int lo, int hi) where T : IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> src = xc.Slice(ih * g.W, g.W);
        dst[..lo].Clear();
        if (g.SW == 1)
        {
            src.Slice(iw0 + lo, hi - lo).CopyTo(dst[lo..hi]);
        }
        else
        {
            for (int o = lo; o < hi; o++) dst[o] = src[iw0 + o * g.SW];
        }
        dst[hi..].Clear();
    }

    /// <summary>Elements 0, 2, …, 30 of the 32 floats at <paramref name="src"/> (a stride-2 row), as one vector.</summary>
    private static unsafe Vector512<T> EvenLanes<T>(T* src) where T : unmanaged
    {
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        return Avx512F.PermuteVar16x32x2(Vector512.Load((float*)src), even, Vector512.Load((float*)src + 16)).As<float, T>();
    }

    internal static void FoldSample<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => FoldSample(col, g, x, g.OutputPlane);

    /// <summary>One sample's fold with row r of its columns starting at col[r·rowStride] (rowStride ≥ OH·OW), the
    /// adjoint of <see cref="UnfoldSample{T}(ReadOnlySpan{T}, ConvGeometry, Span{T}, int)"/>.</summary>
    internal static void FoldSample<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> x, int rowStride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        x.Clear();
        int plane = g.OutputPlane;
        if (g.SW == 1 && Vector512.IsHardwareAccelerated && g.KW * ((g.W + Vector512<T>.Count - 1) / Vector512<T>.Count) <= MaxFoldMasks)
        {
            FoldRows(col, g, x, rowStride);
            return;
        }
        for (int c = 0; c < g.C; c++)
        {
            Span<T> xc = x.Slice(c * g.H * g.W, g.H * g.W);
            for (int i = 0; i < g.KH; i++)
            {
                for (int j = 0; j < g.KW; j++)
                {
                    ReadOnlySpan<T> row = col.Slice(((c * g.KH + i) * g.KW + j) * rowStride, plane);
                    int iw0 = -g.PW + j * g.DW;
                    (int lo, int hi) = ValidColumns(iw0, g.SW, g.W, g.OW);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        ReadOnlySpan<T> src = row.Slice(oh * g.OW, g.OW);
                        Span<T> dst = xc.Slice(ih * g.W, g.W);
                        if (g.SW == 1)
                        {
                            Span<T> d = dst.Slice(iw0 + lo, hi - lo);
                            TensorPrimitives.Add(d, src[lo..hi], d);
                        }
                        else
                        {
                            for (int o = lo; o < hi; o++) dst[iw0 + o * g.SW] += src[o];
                        }
                    }
                }
            }
        }
    }
    /// <summary>Kernel taps × vectors per input row up to which <see cref="FoldRows{T}"/> keeps its lane masks on
    /// the stack (4 KiB of float masks).</summary>
    private const int MaxFoldMasks = 64;

    /// <summary>The fold for stride-1 rows, one input row at a time: for each (c, i, oh) the target input row
    /// ih = oh − PH + i·DH is loaded vector by vector, the KW taps' column rows are added in registers, each shifted
    /// by its tap offset iw0 = −PW + j·DW and masked to its valid columns, and the row is stored once. Adding the
    /// taps one row span at a time instead would store to overlapping, shifted addresses back to back, which stalls
    /// store-to-load forwarding. Lanes past the row are loaded and stored back unchanged (they belong to this
    /// sample's next row, processed by the same thread); near the ends of the spans a lane-by-lane copy through a
    /// stack vector replaces the out-of-range loads.</summary>
    private static unsafe void FoldRows<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> x, int rowStride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector512<T>.Count, chunks = (g.W + v - 1) / v;
        Vector512<T>* masks = stackalloc Vector512<T>[g.KW * chunks];
        int* first = stackalloc int[g.KW], last = stackalloc int[g.KW];
        for (int j = 0; j < g.KW; j++)
        {
            int iw0 = -g.PW + j * g.DW;
            (int lo, int hi) = ValidColumns(iw0, 1, g.W, g.OW);
            // Valid input columns of tap j: [iw0 + lo, iw0 + hi).
            first[j] = iw0 + lo;
            last[j] = iw0 + hi;
            for (int k = 0; k < chunks; k++)
            {
                Vector512<T> lane = Vector512<T>.Indices + Vector512.Create(T.CreateTruncating(k * v));
                masks[j * chunks + k] = Vector512.GreaterThanOrEqual(lane, Vector512.Create(T.CreateTruncating(first[j])))
                                        & Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(last[j])));
            }
        }
        T* spill = stackalloc T[Vector512<T>.Count];
        fixed (T* px = x, pc = col)
        {
            for (int c = 0; c < g.C; c++)
            {
                for (int i = 0; i < g.KH; i++)
                {
                    T* rows = pc + (long)(c * g.KH + i) * g.KW * rowStride;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        int target = (c * g.H + ih) * g.W;
                        for (int k = 0; k < chunks; k++)
                        {
                            int cs = k * v;
                            bool inside = target + cs + v <= x.Length;
                            Vector512<T> acc = inside ? Vector512.Load(px + target + cs) : default;
                            for (int j = 0; j < g.KW; j++)
                            {
                                if (last[j] <= cs || first[j] >= cs + v) continue;
                                // Lane l holds input column cs + l, i.e. output column cs + l − iw0 of tap j.
                                long from = (long)j * rowStride + oh * g.OW + cs - (-g.PW + j * g.DW);
                                T* src = rows + from;
                                Vector512<T> values;
                                if (src >= pc && src + v <= pc + col.Length)
                                {
                                    values = Vector512.Load(src);
                                }
                                else
                                {
                                    for (int l = 0; l < v; l++)
                                        spill[l] = cs + l >= first[j] && cs + l < last[j] ? src[l] : T.Zero;
                                    values = Vector512.Load(spill);
                                }
                                acc += values & masks[j * chunks + k];
                            }
                            if (inside)
                            {
                                Vector512.Store(acc, px + target + cs);
                            }
                            else
                            {
                                acc.Store(spill);
                                for (int l = 0; l < v && cs + l < g.W; l++) px[target + cs + l] += spill[l];
                            }
                        }
                    }
                }
            }
        }
    }
}
