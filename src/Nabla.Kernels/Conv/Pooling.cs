using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>2-D max, average and adaptive average pooling over independent planes, forward and backward.
/// PyTorch: <c>F.max_pool2d</c>, <c>F.avg_pool2d</c>, <c>F.adaptive_avg_pool2d</c>.</summary>
/// <remarks>Shapes: x (P, H, W) with P = N·C planes (a <see cref="ConvGeometry"/> with N = P and C = 1);
/// y (P, OH, OW). Planes run in parallel; each writes only its own output.</remarks>
public static class Pooling
{
    /// <summary>y = max over each (dilated) window, padding counting as −∞; argmax receives the flat index h·W + w
    /// of the winner within its plane (the first one on ties, in row-major order), which backward routes to.</summary>
    /// <param name="x">Input (P, H, W).</param>
    /// <param name="g">Window geometry (N = P planes, C = 1).</param>
    /// <param name="y">Output (P, OH, OW).</param>
    /// <param name="argmax">Winner indices (P, OH, OW).</param>
    public static unsafe void MaxForward<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, y.Length, g, nameof(MaxForward));
        if (argmax.Length < y.Length) throw new ArgumentException($"Pooling.MaxForward: argmax holds {argmax.Length} elements, output {y.Length}.");
        fixed (T* px = x, py = y)
        fixed (int* pi = argmax)
        {
            nint ax = (nint)px, ay = (nint)py, ai = (nint)pi;
            int inPlane = g.H * g.W, outPlane = g.OutputPlane;
            bool fast2x2 = typeof(T) == typeof(float) && Avx512F.IsSupported && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2
                           && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1 && g.H == 2 * g.OH && g.W == 2 * g.OW;
            Threading.ForBlocks(g.N, (long)outPlane * g.KH * g.KW, (start, count) =>
            {
                // The vectorised 2 × 2 path handles groups of whole planes; a group holding a NaN is redone below by
                // the scalar path, whose NaN rule it does not reproduce.
                if (fast2x2)
                {
                    int group = Math.Max(1, MaxGroupElements / inPlane);
                    for (int p0 = start; p0 < start + count; p0 += group)
                    {
                        int planes = Math.Min(group, start + count - p0);
                        if (MaxGroup2x2((float*)ax + (long)p0 * inPlane, planes, g.H, g.W, (float*)ay + (long)p0 * outPlane,
                                        (int*)ai + (long)p0 * outPlane))
                            continue;
                        for (int p = p0; p < p0 + planes; p++)
                            MaxPlane(new ReadOnlySpan<T>((T*)ax + (long)p * inPlane, inPlane), g, new Span<T>((T*)ay + (long)p * outPlane, outPlane),
                                     new Span<int>((int*)ai + (long)p * outPlane, outPlane));
                    }
                    return;
                }
                for (int p = start; p < start + count; p++)
                {
                    var xs = new ReadOnlySpan<T>((T*)ax + (long)p * inPlane, inPlane);
                    var ys = new Span<T>((T*)ay + (long)p * outPlane, outPlane);
                    var idx = new Span<int>((int*)ai + (long)p * outPlane, outPlane);
                    if (g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1)
                        MaxPlane2x2(xs, g, ys, idx);
                    else
                        MaxPlane(xs, g, ys, idx);
                }
            });
        }
    }

    /// <summary>Input elements per group of planes in <see cref="MaxGroup2x2"/>: its scratch (half the input as
    /// values, half as flags) then stays within a 64 KiB stack buffer.</summary>
    private const int MaxGroupElements = 8192;

    /// <summary>2 × 2 stride-2 max pooling of <paramref name="planes"/> consecutive (h, w) float planes with even h and w,
    /// in two passes. Horizontal: since w is even, the pairs (x[2k], x[2k+1]) never straddle a row, so the whole group
    /// is one flat run of pairs, reduced 16 at a time by de-interleaving two 512-bit loads; r[k] keeps the larger and
    /// a flag whether it was the right one. Vertical: each output (oh, ow) takes the larger of r in rows 2·oh and
    /// 2·oh + 1. Both passes keep the earlier element on ties (a strict &gt;), which yields the row-major-first winner
    /// of the scalar path: a later element wins only when strictly larger than every earlier one it meets.
    /// Returns false, with the outputs unspecified, when the group holds a NaN.</summary>
    private static unsafe bool MaxGroup2x2(float* x, int planes, int h, int w, float* y, int* argmax)
    {
        int ow = w / 2, oh = h / 2, pairs = planes * h * ow;
        float* r = stackalloc float[MaxGroupElements / 2];
        int* right = stackalloc int[MaxGroupElements / 2];
        if (pairs > MaxGroupElements / 2)
        {
            // A single plane larger than the scratch: the scalar path handles it.
            return false;
        }
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        Vector512<float> nan = Vector512<float>.Zero;
        int k = 0;
        for (; k + 16 <= pairs; k += 16)
        {
            Vector512<float> a = Vector512.Load(x + 2 * k), b = Vector512.Load(x + 2 * k + 16);
            nan |= ~Vector512.Equals(a, a) | ~Vector512.Equals(b, b);
            Vector512<float> left = Avx512F.PermuteVar16x32x2(a, even, b), rightValue = Avx512F.PermuteVar16x32x2(a, odd, b);
            Vector512<float> take = Vector512.GreaterThan(rightValue, left);
            Vector512.ConditionalSelect(take, rightValue, left).Store(r + k);
            (take.AsInt32() & Vector512<int>.One).Store(right + k);
        }
        bool hasNaN = nan != Vector512<float>.Zero;
        for (; k < pairs; k++)
        {
            float a = x[2 * k], b = x[2 * k + 1];
            hasNaN |= float.IsNaN(a) | float.IsNaN(b);
            bool take = b > a;
            r[k] = take ? b : a;
            right[k] = take ? 1 : 0;
        }
        if (hasNaN) return false;
        int rows = planes * oh;
        for (int row = 0; row < rows; row++)
        {
            float* top = r + 2 * row * ow;
            int* topRight = right + 2 * row * ow;
            float* yr = y + row * ow;
            int* ir = argmax + row * ow;
            // Flat index of the output row's top-left input within its plane.
            int rowBase = 2 * (row % oh) * w;
            if (ow >= 8)
            {
                // 8 outputs at a time; the last vector ends at column ow, overlapping the one before it (rewriting the
                // same values), so no scalar tail is left.
                Vector256<int> columns = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(rowBase);
                for (int j0 = 0; j0 < ow; j0 += 8)
                {
                    int j = Math.Min(j0, ow - 8);
                    Vector256<float> t = Vector256.Load(top + j), bottom = Vector256.Load(top + ow + j);
                    Vector256<float> take = Vector256.GreaterThan(bottom, t);
                    Vector256<int> takeInt = take.AsInt32();
                    Vector256.ConditionalSelect(take, bottom, t).Store(yr + j);
                    Vector256<int> col = Vector256.ConditionalSelect(takeInt, Vector256.Load(topRight + ow + j), Vector256.Load(topRight + j));
                    (columns + Vector256.Create(2 * j) + (takeInt & Vector256.Create(w)) + col).Store(ir + j);
                }
                continue;
            }
            for (int j = 0; j < ow; j++)
            {
                float t = top[j], bottom = top[j + ow];
                bool take = bottom > t;
                yr[j] = take ? bottom : t;
                ir[j] = rowBase + (take ? w : 0) + 2 * j + (take ? topRight[j + ow] : topRight[j]);
            }
        }
        return true;
    }

    private static void MaxPlane<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> y, Span<int> argmax)
        where T : IFloatingPointIeee754<T>
    {
        for (int oh = 0; oh < g.OH; oh++)
        {
            for (int ow = 0; ow < g.OW; ow++)
            {
                T best = T.NegativeInfinity;
                int at = -1;
                for (int i = 0; i < g.KH; i++)
                {
                    int ih = oh * g.SH - g.PH + i * g.DH;
                    if ((uint)ih >= (uint)g.H) continue;
                    for (int j = 0; j < g.KW; j++)
                    {
                        int iw = ow * g.SW - g.PW + j * g.DW;
                        if ((uint)iw >= (uint)g.W) continue;
                        T v = x[ih * g.W + iw];
                        // NaN wins, as in PyTorch (a NaN in the window makes the output NaN).
                        if (at < 0 || v > best || T.IsNaN(v))
                        {
                            best = v;
                            at = ih * g.W + iw;
                            if (T.IsNaN(v)) goto done;
                        }
                    }
                }
            done:
                y[oh * g.OW + ow] = best;
                argmax[oh * g.OW + ow] = at;
            }
        }
    }

    /// <summary>The common 2 × 2, stride-2 window without padding (LeNet's pooling), without bounds tests.</summary>
    private static void MaxPlane2x2<T>(ReadOnlySpan<T> x, ConvGeometry g, Span<T> y, Span<int> argmax)
        where T : IFloatingPointIeee754<T>
    {
        int w = g.W;
        for (int oh = 0; oh < g.OH; oh++)
        {
            ReadOnlySpan<T> r0 = x.Slice(2 * oh * w, w), r1 = x.Slice((2 * oh + 1) * w, w);
            Span<T> yr = y.Slice(oh * g.OW, g.OW);
            Span<int> ir = argmax.Slice(oh * g.OW, g.OW);
            int base0 = 2 * oh * w;
            for (int ow = 0; ow < g.OW; ow++)
            {
                int c = 2 * ow;
                T best = r0[c];
                int at = base0 + c;
                // Same visiting order and rule as MaxPlane ((0,0), (0,1), (1,0), (1,1); a strictly larger value or a
                // first NaN replaces the best), written as selects rather than branches: the comparisons of random
                // activations are unpredictable.
                Take(ref best, ref at, r0[c + 1], base0 + c + 1);
                Take(ref best, ref at, r1[c], base0 + w + c);
                Take(ref best, ref at, r1[c + 1], base0 + w + c + 1);
                yr[ow] = best;
                ir[ow] = at;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Take<T>(ref T best, ref int at, T v, int index) where T : IFloatingPointIeee754<T>
    {
        // v wins when v > best, or v is NaN and best is not (a NaN best stays): !(v <= best) & best == best.
        bool take = !(v <= best) & !T.IsNaN(best);
        best = take ? v : best;
        at = take ? index : at;
    }

    /// <summary>dx[argmax] += dy for every output (dx overwritten).</summary>
    /// <param name="dy">Output gradient (P, OH, OW).</param>
    /// <param name="argmax">Winner indices from <see cref="MaxForward{T}"/>.</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="dx">Input gradient (P, H, W).</param>
    public static unsafe void MaxBackward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ConvGeometry g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(dx.Length, dy.Length, g, nameof(MaxBackward));
        fixed (T* pdy = dy, pdx = dx)
        fixed (int* pi = argmax)
        {
            nint ady = (nint)pdy, adx = (nint)pdx, ai = (nint)pi;
            int inPlane = g.H * g.W, outPlane = g.OutputPlane;
            Threading.ForBlocks(g.N, inPlane + outPlane, (start, count) =>
            {
                for (int p = start; p < start + count; p++)
                {
                    var d = new Span<T>((T*)adx + (long)p * inPlane, inPlane);
                    var gy = new ReadOnlySpan<T>((T*)ady + (long)p * outPlane, outPlane);
                    var idx = new ReadOnlySpan<int>((int*)ai + (long)p * outPlane, outPlane);
                    d.Clear();
                    for (int o = 0; o < outPlane; o++)
                    {
                        if (idx[o] >= 0) d[idx[o]] += gy[o];
                    }
                }
            });
        }
    }

    /// <summary>y = mean over each window. The divisor is the window's size clipped to the padded input when
    /// <paramref name="countIncludePad"/> (padding counts as zeros), else the number of real input elements —
    /// PyTorch's rule, including ceil-mode windows that hang past the padding.</summary>
    /// <param name="x">Input (P, H, W).</param>
    /// <param name="g">Window geometry (dilation must be 1).</param>
    /// <param name="countIncludePad">Whether padding counts in the divisor.</param>
    /// <param name="y">Output (P, OH, OW).</param>
    public static unsafe void AvgForward<T>(ReadOnlySpan<T> x, ConvGeometry g, bool countIncludePad, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, y.Length, g, nameof(AvgForward));
        fixed (T* px = x, py = y)
        {
            nint ax = (nint)px, ay = (nint)py;
            int inPlane = g.H * g.W, outPlane = g.OutputPlane;
            Threading.ForBlocks(g.N, (long)outPlane * g.KH * g.KW, (start, count) =>
            {
                for (int p = start; p < start + count; p++)
                {
                    var xs = new ReadOnlySpan<T>((T*)ax + (long)p * inPlane, inPlane);
                    var ys = new Span<T>((T*)ay + (long)p * outPlane, outPlane);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            (int h0, int h1, int w0, int w1, int divisor) = AvgWindow(g, oh, ow, countIncludePad);
                            T sum = T.Zero;
                            for (int h = h0; h < h1; h++)
                                for (int w = w0; w < w1; w++) sum += xs[h * g.W + w];
                            ys[oh * g.OW + ow] = divisor == 0 ? T.Zero : sum / T.CreateChecked(divisor);
                        }
                    }
                }
            });
        }
    }

    /// <summary>dx[h, w] = Σ over the windows containing (h, w) of dy/divisor (dx overwritten).</summary>
    /// <param name="dy">Output gradient (P, OH, OW).</param>
    /// <param name="g">Window geometry.</param>
    /// <param name="countIncludePad">As in forward.</param>
    /// <param name="dx">Input gradient (P, H, W).</param>
    public static unsafe void AvgBackward<T>(ReadOnlySpan<T> dy, ConvGeometry g, bool countIncludePad, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(dx.Length, dy.Length, g, nameof(AvgBackward));
        fixed (T* pdy = dy, pdx = dx)
        {
            nint ady = (nint)pdy, adx = (nint)pdx;
            int inPlane = g.H * g.W, outPlane = g.OutputPlane;
            Threading.ForBlocks(g.N, (long)outPlane * g.KH * g.KW, (start, count) =>
            {
                for (int p = start; p < start + count; p++)
                {
                    var d = new Span<T>((T*)adx + (long)p * inPlane, inPlane);
                    var gy = new ReadOnlySpan<T>((T*)ady + (long)p * outPlane, outPlane);
                    d.Clear();
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            (int h0, int h1, int w0, int w1, int divisor) = AvgWindow(g, oh, ow, countIncludePad);
                            if (divisor == 0) continue;
                            T share = gy[oh * g.OW + ow] / T.CreateChecked(divisor);
                            for (int h = h0; h < h1; h++)
                                for (int w = w0; w < w1; w++) d[h * g.W + w] += share;
                        }
                    }
                }
            });
        }
    }

    private static (int H0, int H1, int W0, int W1, int Divisor) AvgWindow(ConvGeometry g, int oh, int ow, bool countIncludePad)
    {
        int h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
        int h1 = Math.Min(h0 + g.KH, g.H + g.PH), w1 = Math.Min(w0 + g.KW, g.W + g.PW);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, g.H);
        w1 = Math.Min(w1, g.W);
        return (h0, h1, w0, w1, countIncludePad ? padded : Math.Max(h1 - h0, 0) * Math.Max(w1 - w0, 0));
    }

    /// <summary>Adaptive average pooling: output cell (oh, ow) averages input rows ⌊oh·H/OH⌋ … ⌈(oh+1)·H/OH⌉ − 1 and
    /// the columns likewise.</summary>
    /// <param name="x">Input (P, H, W).</param>
    /// <param name="planes">P.</param>
    /// <param name="h">H.</param>
    /// <param name="w">W.</param>
    /// <param name="oh">OH.</param>
    /// <param name="ow">OW.</param>
    /// <param name="y">Output (P, OH, OW).</param>
    public static void AdaptiveAvgForward<T>(ReadOnlySpan<T> x, int planes, int h, int w, int oh, int ow, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> xs = x.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
            {
                int h0 = i * h / oh, h1 = ((i + 1) * h + oh - 1) / oh;
                for (int j = 0; j < ow; j++)
                {
                    int w0 = j * w / ow, w1 = ((j + 1) * w + ow - 1) / ow;
                    T sum = T.Zero;
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) sum += xs[r * w + c];
                    y[(p * oh + i) * ow + j] = sum / T.CreateChecked((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    /// <summary>Backward of <see cref="AdaptiveAvgForward{T}"/>: each output's gradient spread evenly over its cell
    /// (dx overwritten).</summary>
    /// <param name="dy">Output gradient (P, OH, OW).</param>
    /// <param name="planes">P.</param>
    /// <param name="h">H.</param>
    /// <param name="w">W.</param>
    /// <param name="oh">OH.</param>
    /// <param name="ow">OW.</param>
    /// <param name="dx">Input gradient (P, H, W).</param>
    public static void AdaptiveAvgBackward<T>(ReadOnlySpan<T> dy, int planes, int h, int w, int oh, int ow, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dx[..(planes * h * w)].Clear();
        for (int p = 0; p < planes; p++)
        {
            Span<T> d = dx.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
            {
                int h0 = i * h / oh, h1 = ((i + 1) * h + oh - 1) / oh;
                for (int j = 0; j < ow; j++)
                {
                    int w0 = j * w / ow, w1 = ((j + 1) * w + ow - 1) / ow;
                    T share = dy[(p * oh + i) * ow + j] / T.CreateChecked((h1 - h0) * (w1 - w0));
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) d[r * w + c] += share;
                }
            }
        }
    }

    private static void Check(int inLength, int outLength, ConvGeometry g, string op)
    {
        if ((long)g.N * g.H * g.W > inLength || (long)g.N * g.OutputPlane > outLength)
            throw new ArgumentException($"Pooling.{op}: geometry {g} needs {(long)g.N * g.H * g.W} input and {(long)g.N * g.OutputPlane} output elements, got {inLength} and {outLength}.");
    }
}
