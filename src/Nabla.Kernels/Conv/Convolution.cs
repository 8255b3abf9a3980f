using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>2-D convolution (cross-correlation, as in deep learning) by im2col and GEMM, forward and the three
/// gradients. PyTorch: <c>torch.nn.functional.conv2d</c> (its backward is also <c>conv_transpose2d</c>'s forward).</summary>
/// <remarks>
/// <para>Shapes: x (N, C, H, W); weight (Cout, C/G, KH, KW) for G groups; y (N, Cout, OH, OW); col the per-sample
/// column matrices (N, C·KH·KW, OH·OW) of <see cref="Im2Col"/>. With group index q, channels q·C/G … and output
/// channels q·Cout/G … form an independent convolution.</para>
/// <para>y[n, q] = W[q] · col[n, q] is a batched GEMM (one per sample and group, the weight shared): the product
/// lands directly in NCHW order, with no transposition pass. Gradients: dcol[n, q] = W[q]ᵀ · dy[n, q] folded back
/// into dx; dW[q] = Σₙ dy[n, q] · col[n, q]ᵀ, accumulated per thread over a fixed split of the samples and then
/// summed in order, so a thread count always gives the same bits.</para>
/// </remarks>
public static class Convolution
{
    /// <summary>y = conv(x, W) + b. col receives the unfolded input, which <see cref="WeightGradient{T}"/> needs.</summary>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="weight">Weight (Cout, C/G·KH·KW).</param>
    /// <param name="bias">Bias (Cout), or empty.</param>
    /// <param name="y">Output (N, Cout, OH, OW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G, dividing C and Cout.</param>
    /// <param name="col">Scratch for the columns (N, C·KH·KW, OH·OW).</param>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                  ConvGeometry g, int outChannels, int groups, Span<T> col)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Im2Col.Unfold(x, g, col);
        Multiply(weight, bias, col, y, g, outChannels, groups);
    }

    /// <summary>y = W · col + b for already unfolded columns (the GEMM half of <see cref="Forward{T}"/>).</summary>
    /// <param name="weight">Weight (Cout, C/G·KH·KW).</param>
    /// <param name="bias">Bias (Cout), or empty.</param>
    /// <param name="col">Columns (N, C·KH·KW, OH·OW).</param>
    /// <param name="y">Output (N, Cout, OH, OW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    public static void Multiply<T>(ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, ReadOnlySpan<T> col, Span<T> y,
                                   ConvGeometry g, int outChannels, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        if (!bias.IsEmpty)
        {
            for (int n = 0; n < g.N; n++)
                for (int co = 0; co < outChannels; co++) y.Slice((n * outChannels + co) * plane, plane).Fill(bias[co]);
        }
        T beta = bias.IsEmpty ? T.Zero : T.One;
        for (int q = 0; q < groups; q++)
        {
            Batched(false, false, coutG, plane, rowsG, weight[(q * coutG * rowsG)..], rowsG, 0,
                    col[(q * rowsG * plane)..], plane, g.ColumnPerSample, beta,
                    y[(q * coutG * plane)..], plane, (long)outChannels * plane, g.N);
        }
    }

    /// <summary>dx from dy: dcol[n, q] = W[q]ᵀ · dy[n, q], folded back onto the input positions (dx overwritten).</summary>
    /// <param name="dy">Output gradient (N, Cout, OH, OW).</param>
    /// <param name="weight">Weight (Cout, C/G·KH·KW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <param name="dcol">Scratch (N, C·KH·KW, OH·OW).</param>
    /// <param name="dx">Input gradient (N, C, H, W).</param>
    public static void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, ConvGeometry g, int outChannels,
                                        int groups, Span<T> dcol, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        for (int q = 0; q < groups; q++)
        {
            Batched(true, false, rowsG, plane, coutG, weight[(q * coutG * rowsG)..], rowsG, 0,
                    dy[(q * coutG * plane)..], plane, (long)outChannels * plane, T.Zero,
                    dcol[(q * rowsG * plane)..], plane, g.ColumnPerSample, g.N);
        }
        Im2Col.Fold<T>(dcol, g, dx);
    }

    /// <summary>dW[q] = Σₙ dy[n, q] · col[n, q]ᵀ (dw overwritten).</summary>
    /// <param name="dy">Output gradient (N, Cout, OH, OW).</param>
    /// <param name="col">The forward columns (N, C·KH·KW, OH·OW).</param>
    /// <param name="g">Geometry of the input sweep.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <param name="dw">Weight gradient (Cout, C/G·KH·KW).</param>
    public static unsafe void WeightGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> col, ConvGeometry g, int outChannels,
                                                int groups, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.OutputPlane, coutG = outChannels / groups, rowsG = g.ColumnRows / groups;
        int size = outChannels * rowsG;
        long work = (long)size * plane;
        // The GEMM never splits its k (= samples × positions here), so the samples are split instead, one partial
        // sum per part; below the grain size one part does everything.
        int parts = (int)Math.Clamp(Math.Min(Threading.NumThreads, (long)g.N * work / Threading.GrainSize), 1, Math.Max(g.N, 1));
        T[] partial = parts == 1 ? [] : new T[(parts - 1) * size];
        fixed (T* pdy = dy, pcol = col, pdw = dw, pp = partial)
        {
            nint ady = (nint)pdy, acol = (nint)pcol, adw = (nint)pdw, ap = (nint)pp;
            int dyLen = dy.Length, colLen = col.Length;
            Threading.For(parts, part =>
            {
                int n0 = (int)((long)part * g.N / parts), n1 = (int)((long)(part + 1) * g.N / parts);
                var dst = part == 0 ? new Span<T>((T*)adw, size) : new Span<T>((T*)ap + (long)(part - 1) * size, size);
                var dys = new ReadOnlySpan<T>((T*)ady, dyLen);
                var cols = new ReadOnlySpan<T>((T*)acol, colLen);
                if (n0 == n1) dst.Clear();
                for (int n = n0; n < n1; n++)
                {
                    for (int q = 0; q < groups; q++)
                    {
                        Batched(false, true, coutG, rowsG, plane,
                                dys[(int)(((long)n * outChannels + q * coutG) * plane)..], plane, 0,
                                cols[(int)((long)n * g.ColumnPerSample + (long)q * rowsG * plane)..], plane, 0,
                                n == n0 ? T.Zero : T.One, dst[(q * coutG * rowsG)..], rowsG, 0, 1);
                    }
                }
            });
        }
        for (int p = 1; p < parts; p++) TensorPrimitives.Add(dw[..size], partial.AsSpan((p - 1) * size, size), dw[..size]);
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

    private static void Batched<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda, long strideA,
                                   ReadOnlySpan<T> b, int ldb, long strideB, T beta, Span<T> c, int ldc, long strideC, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.MultiplyBatched(transA, transB, m, n, k, 1f, Cast<T, float>(a), lda, strideA, Cast<T, float>(b), ldb, strideB,
                                 float.CreateTruncating(beta), CastMutable<T, float>(c), ldc, strideC, batch);
        else if (typeof(T) == typeof(double))
            Gemm.MultiplyBatched(transA, transB, m, n, k, 1.0, Cast<T, double>(a), lda, strideA, Cast<T, double>(b), ldb, strideB,
                                 double.CreateTruncating(beta), CastMutable<T, double>(c), ldc, strideC, batch);
        else
            throw new NotSupportedException($"Convolution: element type {typeof(T).Name} is not float or double.");
    }

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> s) where TFrom : unmanaged where TTo : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(s);

    private static Span<TTo> CastMutable<TFrom, TTo>(Span<TFrom> s) where TFrom : unmanaged where TTo : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(s);
}
