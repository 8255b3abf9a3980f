using System.Numerics;
using System.Numerics.Tensors;

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

    internal static void UnfoldSample<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> col) where T : IFloatingPointIeee754<T>
        => UnfoldSample(x, g, col, g.OutputPlane);

    /// <summary>One sample's columns with row r starting at col[r·rowStride] (rowStride ≥ OH·OW), so that several
    /// samples can sit side by side in one wider matrix.</summary>
    internal static void UnfoldSample<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> col, int rowStride) where T : IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane;
        for (int c = 0; c < g.C; c++)
        {
            ReadOnlySpan<T> xc = x.Slice(c * g.H * g.W, g.H * g.W);
            for (int i = 0; i < g.KH; i++)
            {
                for (int j = 0; j < g.KW; j++)
                {
                    Span<T> row = col.Slice(((c * g.KH + i) * g.KW + j) * rowStride, plane);
                    int iw0 = -g.PW + j * g.DW;
                    (int lo, int hi) = ValidColumns(iw0, g.SW, g.W, g.OW);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        Span<T> dst = row.Slice(oh * g.OW, g.OW);
                        int ih = oh * g.SH - g.PH + i * g.DH;
                        if ((uint)ih >= (uint)g.H)
                        {
                            dst.Clear();
                            continue;
                        }
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
                }
            }
        }
    }

    internal static void FoldSample<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> x) where T : IFloatingPointIeee754<T>
    {
        x.Clear();
        int plane = g.OutputPlane;
        for (int c = 0; c < g.C; c++)
        {
            Span<T> xc = x.Slice(c * g.H * g.W, g.H * g.W);
            for (int i = 0; i < g.KH; i++)
            {
                for (int j = 0; j < g.KW; j++)
                {
                    ReadOnlySpan<T> row = col.Slice(((c * g.KH + i) * g.KW + j) * plane, plane);
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
}
