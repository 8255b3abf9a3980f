using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The im2col/GEMM convolution, pooling and normalisation kernels against the direct loops of
/// <see cref="ConvReference"/>, on problems large enough to take the multi-threaded paths. Tolerances: float32
/// results of sums of at most a few hundred products of values in [−1, 1] agree with float64 to 1e-4 absolute;
/// float64 results to 1e-12. Runs with the GEMM tests' collection: they change Threading.NumThreads.</summary>
[Collection(nameof(GemmTests))]
public class ConvolutionKernelTests
{
    private static double[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
    }

    private static void Close(double[] expected, ReadOnlySpan<float> actual, double tol)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    private static readonly int[][] Geometries =
    [
        // stride, padding, dilation, groups, kernel, threads, channels (C = Cout = 4 and 6: register-blocked
        // products; 48 and 40: per-sample products above 64³, the packed GEMM; on the AVX-512 tile path the same
        // cases cover partial row panels (6, 40 = 5·8 rows), partial last vectors (odd planes) and groups)
        [1, 2, 1, 1, 5, 1, 4],     // LeNet's first layer geometry
        [1, 0, 1, 1, 5, 2, 4],
        [2, 1, 1, 2, 3, 2, 4],
        [1, 1, 2, 2, 3, 2, 4],
        [3, 0, 1, 1, 1, 1, 4],
        [1, 1, 1, 1, 3, 2, 48],
        [2, 1, 1, 4, 3, 1, 48],
    ];

    /// <summary>Every geometry on the portable products and, where the hardware has AVX-512, on the tiles.</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool> Cases
    {
        get
        {
            var data = new TheoryData<int, int, int, int, int, int, int, bool>();
            foreach (int[] c in Geometries)
            {
                data.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6], true);
                data.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6], false);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_gradients_match_direct_loops(int s, int p, int d, int groups, int k, int threads, int channels, bool portable)
    {
        int saved = Threading.NumThreads;
        Threading.NumThreads = threads;
        Convolution.t_forcePortable = portable;
        try
        {
            const int n = 9, h = 16, w = 13;
            int c = channels, cout = channels == 4 ? 6 : 40;
            int oh = ConvGeometry.OutputSize(h, k, s, p, d), ow = ConvGeometry.OutputSize(w, k, s, p, d);
            var g = new ConvGeometry(n, c, h, w, k, k, s, s, p, p, d, d, oh, ow);
            double[] x = Random(n * c * h * w, 1), wt = Random(cout * c / groups * k * k, 2), b = Random(cout, 3);
            float[] xf = x.Select(v => (float)v).ToArray(), wf = wt.Select(v => (float)v).ToArray(), bf = b.Select(v => (float)v).ToArray();
            var y = new float[n * cout * oh * ow];
            Convolution.Forward<float>(xf, wf, bf, y, g, cout, groups);
            Close(ConvReference.Conv2d(x, wt, b, g, cout, groups), y, 1e-4 * c);

            // dx of L = Σ dy·y is the transposed convolution of dy (ConvReference.ConvTranspose2d with the roles of
            // input and output swapped); dW[o, c, i, j] = Σ dy[n, o, ·]·x[n, c, shifted ·], checked by direct loops.
            double[] dy = Random(y.Length, 4);
            float[] dyf = dy.Select(v => (float)v).ToArray();
            var dx = new float[x.Length];
            Convolution.InputGradient<float>(dyf, wf, g, cout, groups, dx);
            var gt = new ConvGeometry(n, cout, oh, ow, k, k, s, s, p, p, d, d, h, w);
            Close(ConvReference.ConvTranspose2d(dy, wt, null, gt, c, groups), dx, 1e-4 * cout);

            var dw = new float[wt.Length];
            Convolution.WeightGradient<float>(dyf, xf, g, cout, groups, dw);
            double[] expectedDw = ExpectedWeightGradient(dy, x, g, cout, groups);
            Close(expectedDw, dw, 2e-3);   // sums of n·oh·ow ≈ 1,900 products: float32 error grows with the count
        }
        finally
        {
            Threading.NumThreads = saved;
            Convolution.t_forcePortable = false;
        }
    }

    /// <summary>dW[o, c, i, j] = Σ over samples and output positions of dy[n, o, ·]·x[n, c, shifted ·], by direct
    /// loops.</summary>
    private static double[] ExpectedWeightGradient(double[] dy, double[] x, ConvGeometry g, int cout, int groups)
    {
        int cg = g.C / groups, og = cout / groups, k = g.KH;
        var expected = new double[cout * cg * g.KH * g.KW];
        for (int o = 0; o < cout; o++)
            for (int ci = 0; ci < cg; ci++)
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                    {
                        double sum = 0;
                        for (int sn = 0; sn < g.N; sn++)
                            for (int yh = 0; yh < g.OH; yh++)
                                for (int yw = 0; yw < g.OW; yw++)
                                {
                                    int ih = yh * g.SH - g.PH + i * g.DH, iw = yw * g.SW - g.PW + j * g.DW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    sum += dy[((sn * cout + o) * g.OH + yh) * g.OW + yw] * x[((sn * g.C + o / og * cg + ci) * g.H + ih) * g.W + iw];
                                }
                        expected[((o * cg + ci) * k + i) * g.KW + j] = sum;
                    }
        return expected;
    }

    [Theory]
    [InlineData(1, 0, 1, 1, 5, 6, 16, 2, false)]    // LeNet's second layer on odd 11 × 17 planes
    [InlineData(1, 0, 1, 1, 5, 6, 16, 2, true)]
    [InlineData(1, 2, 1, 1, 5, 1, 6, 1, false)]     // LeNet's first layer: one input channel, padding
    [InlineData(2, 1, 1, 1, 3, 16, 32, 2, false)]   // ResNet's strided 3 × 3
    [InlineData(2, 0, 1, 1, 1, 16, 32, 1, false)]   // ResNet's 1 × 1 projection
    [InlineData(1, 2, 2, 3, 3, 6, 9, 2, false)]     // dilation and groups with 3 rows per group
    [InlineData(1, 1, 1, 1, 3, 3, 27, 1, true)]
    [InlineData(1, 1, 1, 1, 3, 3, 27, 1, false)]    // stride 1 on AVX-512: the implicit im2col (17 + 2 ≤ 1.3·17)
    [InlineData(1, 2, 1, 1, 5, 2, 9, 2, false)]     // implicit with a 5 × 5 kernel, two threads
    public void Float64_forward_and_gradients_match_direct_loops(int s, int p, int d, int groups, int k, int c, int cout, int threads, bool portable)
    {
        int saved = Threading.NumThreads;
        Threading.NumThreads = threads;
        Convolution.t_forcePortable = portable;
        try
        {
            const int n = 5, h = 11, w = 17;
            int oh = ConvGeometry.OutputSize(h, k, s, p, d), ow = ConvGeometry.OutputSize(w, k, s, p, d);
            var g = new ConvGeometry(n, c, h, w, k, k, s, s, p, p, d, d, oh, ow);
            double[] x = Random(n * c * h * w, 11), wt = Random(cout * c / groups * k * k, 12), b = Random(cout, 13);
            var y = new double[n * cout * oh * ow];
            Convolution.Forward<double>(x, wt, b, y, g, cout, groups);
            // float64 sums of at most 16·25 products of values in [−1, 1]: rounding far below 1e-12.
            double[] expectedY = ConvReference.Conv2d(x, wt, b, g, cout, groups);
            for (int i = 0; i < y.Length; i++) Assert.Equal(expectedY[i], y[i], 1e-12);

            double[] dy = Random(y.Length, 14);
            var dx = new double[x.Length];
            Convolution.InputGradient<double>(dy, wt, g, cout, groups, dx);
            var gt = new ConvGeometry(n, cout, oh, ow, k, k, s, s, p, p, d, d, h, w);
            double[] expectedDx = ConvReference.ConvTranspose2d(dy, wt, null, gt, c, groups);
            for (int i = 0; i < dx.Length; i++) Assert.Equal(expectedDx[i], dx[i], 1e-12);

            var dw = new double[wt.Length];
            Convolution.WeightGradient<double>(dy, x, g, cout, groups, dw);
            double[] expectedDw = ExpectedWeightGradient(dy, x, g, cout, groups);
            for (int i = 0; i < dw.Length; i++) Assert.Equal(expectedDw[i], dw[i], 1e-11);   // sums of up to 935 products
        }
        finally
        {
            Threading.NumThreads = saved;
            Convolution.t_forcePortable = false;
        }
    }

    /// <summary>The implicit im2col (AVX-512 only; elsewhere these run the other paths) at ResNet's shapes: the
    /// one-channel stem, 16 channels on 28 × 28, 64 on 7 × 7 (padded width 9 = 1.29·7, products 63 wide: a partial
    /// last vector), the stride-2 3 × 3 downsampling convolutions (stride-phase-split input; even and odd padding),
    /// plus an unpadded 3 × 3, a 5 × 5 with padding 2 and a stride-3 5 × 5; float64 against the direct loops,
    /// forward, input gradient (for stride 1 the flipped-kernel sweep of dy) and weight gradient.</summary>
    [Theory]
    [InlineData(1, 16, 28, 3, 1, 1, 3)]
    [InlineData(16, 16, 28, 3, 1, 1, 3)]
    [InlineData(64, 24, 7, 3, 1, 1, 3)]
    [InlineData(64, 24, 7, 3, 1, 1, 20)]   // weight gradient blocks of 9 samples (512 KiB of float64 / (88 planes of 9·9)): a short third block
    [InlineData(5, 7, 12, 3, 0, 1, 3)]
    [InlineData(3, 10, 20, 5, 2, 1, 3)]
    [InlineData(16, 32, 28, 3, 1, 2, 3)]   // ResNet's layer2.0.conv1
    [InlineData(32, 20, 14, 3, 1, 2, 7)]   // layer3.0.conv1 (odd padded width 16 → 8 per phase)
    [InlineData(6, 9, 15, 4, 2, 2, 3)]     // odd input, even kernel, padding 2
    [InlineData(4, 5, 23, 5, 1, 3, 4)]     // stride 3: nine phases
    public void Implicit_path_matches_direct_loops(int c, int cout, int size, int k, int p, int stride, int n)
    {
        int saved = Threading.NumThreads;
        Threading.NumThreads = 1;   // one part: the blocks are as described
        try
        {
            Check(c, cout, size, k, p, stride, n);
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }

    private static void Check(int c, int cout, int size, int k, int p, int stride, int n)
    {
        int o = ConvGeometry.OutputSize(size, k, stride, p);
        var g = new ConvGeometry(n, c, size, size, k, k, stride, stride, p, p, 1, 1, o, o);
        double[] x = Random(n * c * size * size, 21), wt = Random(cout * c * k * k, 22), b = Random(cout, 23);
        var y = new double[n * cout * o * o];
        Convolution.Forward<double>(x, wt, b, y, g, cout, 1);
        // float64 sums of at most 64·9 products of values in [−1, 1]: rounding far below 1e-11.
        double[] expectedY = ConvReference.Conv2d(x, wt, b, g, cout, 1);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expectedY[i], y[i], 1e-11);

        double[] dy = Random(y.Length, 24);
        var dx = new double[x.Length];
        Convolution.InputGradient<double>(dy, wt, g, cout, 1, dx);
        double[] expectedDx = ConvReference.ConvTranspose2d(dy, wt, null, new ConvGeometry(n, cout, o, o, k, k, stride, stride, p, p, 1, 1, size, size), c, 1);
        for (int i = 0; i < dx.Length; i++) Assert.Equal(expectedDx[i], dx[i], 1e-11);

        var dw = new double[wt.Length];
        Convolution.WeightGradient<double>(dy, x, g, cout, 1, dw);
        double[] expectedDw = ExpectedWeightGradient(dy, x, g, cout, 1);
        for (int i = 0; i < dw.Length; i++) Assert.Equal(expectedDw[i], dw[i], 1e-10);   // sums of up to 3·28·28 or 20·7·7 products
    }

    [Fact]
    public void Unfold_and_fold_are_adjoint()
    {
        // ⟨Fold(c), x⟩ = ⟨c, Unfold(x)⟩ for all x, c: the defining property of the adjoint, in float64.
        var g = new ConvGeometry(3, 2, 7, 6, 3, 2, 2, 1, 1, 1, 2, 1, ConvGeometry.OutputSize(7, 3, 2, 1, 2), ConvGeometry.OutputSize(6, 2, 1, 1, 1));
        double[] x = Random(3 * g.InputPerSample, 5), c = Random(3 * g.ColumnPerSample, 6);
        var ux = new double[c.Length];
        var fc = new double[x.Length];
        Im2Col.Unfold<double>(x, g, ux);
        Im2Col.Fold<double>(c, g, fc);
        double left = fc.Zip(x, (a, b) => a * b).Sum(), right = c.Zip(ux, (a, b) => a * b).Sum();
        Assert.Equal(right, left, 1e-12);
    }

    [Theory]
    [InlineData(2, 2, 0, 1, false)]   // the 2×2 fast path
    [InlineData(3, 2, 1, 2, true)]
    [InlineData(3, 1, 1, 1, false)]
    public void Max_and_average_pooling_match_direct_loops(int k, int s, int p, int d, bool ceil)
    {
        const int planes = 40, h = 12, w = 11;
        int oh = ConvGeometry.OutputSize(h, k, s, p, d, ceil), ow = ConvGeometry.OutputSize(w, k, s, p, d, ceil);
        var g = new ConvGeometry(planes, 1, h, w, k, k, s, s, p, p, d, d, oh, ow);
        double[] x = Random(planes * h * w, 7);
        var y = new double[planes * oh * ow];
        var idx = new int[y.Length];
        Pooling.MaxForward<double>(x, g, y, idx);
        Assert.Equal(ConvReference.MaxPool2d(x, g), y);
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], x[i / (oh * ow) * h * w + idx[i]]);
        if (d != 1) return;
        foreach (bool include in new[] { true, false })
        {
            Pooling.AvgForward<double>(x, g, include, y);
            double[] expected = ConvReference.AvgPool2d(x, g, include);
            for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(300, 28, 28, false)]   // LeNet's first pooling: many groups of planes, odd pair count per group tail
    [InlineData(301, 10, 10, false)]   // LeNet's second pooling
    [InlineData(7, 4, 6, true)]        // a NaN: the group falls back to the scalar path
    [InlineData(3, 2, 2, false)]
    [InlineData(2, 130, 130, false)]   // a plane larger than the vectorised path's scratch
    public void Float_2x2_max_pooling_matches_the_scalar_path_including_ties(int planes, int h, int w, bool withNaN)
    {
        var g = new ConvGeometry(planes, 1, h, w, 2, 2, 2, 2, 0, 0, 1, 1, h / 2, w / 2);
        // Values on a grid of 5 levels, so that most windows hold ties and the first-winner rule is exercised.
        var rng = new System.Random(11);
        float[] xf = new float[planes * h * w];
        for (int i = 0; i < xf.Length; i++) xf[i] = rng.Next(5) - 2;
        if (withNaN) { xf[3 * h * w + w + 3] = float.NaN; xf[3 * h * w + 2] = float.NaN; }
        double[] xd = Array.ConvertAll(xf, v => (double)v);
        int outLength = planes * g.OutputPlane;
        var yf = new float[outLength];
        var yd = new double[outLength];
        int[] idxf = new int[outLength], idxd = new int[outLength];
        Pooling.MaxForward<float>(xf, g, yf, idxf);
        Pooling.MaxForward<double>(xd, g, yd, idxd);   // the double type always takes the scalar path
        Assert.Equal(idxd, idxf);
        for (int i = 0; i < outLength; i++) Assert.Equal(yd[i], (double)yf[i]);
        // The oracle's LINQ Max skips NaN (PyTorch propagates it, as the scalar path does), so it only judges NaN-free input.
        if (!withNaN) Assert.Equal(ConvReference.MaxPool2d(xd, g), yd);
    }

    [Fact]
    public void Output_size_follows_the_formula()
    {
        // ⌊(W + 2P − D(F − 1) − 1)/S⌋ + 1, worked by hand:
        Assert.Equal(28, ConvGeometry.OutputSize(28, 5, 1, 2));         // (28 + 4 − 4 − 1)/1 + 1: LeNet conv1 keeps 28
        Assert.Equal(10, ConvGeometry.OutputSize(14, 5));               // (14 − 4 − 1)/1 + 1 = 10: LeNet conv2
        Assert.Equal(14, ConvGeometry.OutputSize(28, 2, 2));            // ⌊27/2⌋ + 1 = 14: 2×2 pooling
        Assert.Equal(6, ConvGeometry.OutputSize(10, 3, 1, 0, 2));       // (10 − 4 − 1)/1 + 1 = 6: dilation 2
        Assert.Equal(3, ConvGeometry.OutputSize(7, 3, 2));              // ⌊4/2⌋ + 1 = 3: the notes' (W − F)/S + 1
        Assert.Equal(2, ConvGeometry.OutputSize(6, 3, 2));              // ⌊3/2⌋ + 1 = 2
        Assert.Equal(3, ConvGeometry.OutputSize(6, 3, 2, ceilMode: true));        // ⌈3/2⌉ + 1 = 3, starts at 4 < 6
        Assert.Equal(3, ConvGeometry.OutputSize(5, 2, 2, 1, ceilMode: true));     // ⌈5/2⌉ + 1 = 4, but (4−1)·2 = 6 ≥ 5 + 1: 3
        Assert.Equal(0, ConvGeometry.OutputSize(3, 5));                 // kernel longer than the input
    }
}
