using Xunit;

namespace Nabla.Vision.Tests;

public sealed class FilterTests
{
    /// <summary>A 5×5 vertical step edge: columns 0, 0, 1, 1, 1 (dark left, bright right).</summary>
    private static Tensor Step() => Tensor.FromArray(Enumerable.Range(0, 25).Select(i => i % 5 >= 2 ? 1f : 0f).ToArray(), 1, 5, 5);

    private static float[] Row(Tensor t, int y) => t.Reshape(5, 5).Narrow(0, y, 1).ToArray<float>();

    [Fact]
    public void Sobel_on_a_step_edge_by_hand()
    {
        // Gx at (y, x) with a column-constant image = (I[x+1] − I[x−1]) · (1 + 2 + 1).
        // x = 1: (1 − 0)·4 = 4; x = 2: (1 − 0)·4 = 4; x = 0 (Reflect: I[−1] = I[1] = 0): 0; x = 3: 1 − 1 = 0;
        // x = 4 (I[5] = I[3] = 1): 0. Gy = 0: every column is constant.
        Tensor gx = Filters.SobelX(Step());
        for (int y = 0; y < 5; y++) Assert.Equal(new float[] { 0, 4, 4, 0, 0 }, Row(gx, y));
        Assert.All(Filters.SobelY(Step()).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal(gx.ToArray<float>(), Filters.SobelMagnitude(Step()).ToArray<float>());
        // Zero border: the top row loses the weight-1 neighbour above: (1 − 0)·(2 + 1) = 3 at x = 1, 2, and at x = 4
        // the right neighbour is 0: (0 − 1)·3 = −3 (−4 on interior rows).
        Tensor zero = Filters.SobelX(Step(), BorderMode.Zero);
        Assert.Equal(new float[] { 0, 3, 3, 0, -3 }, Row(zero, 0));
        Assert.Equal(new float[] { 0, 4, 4, 0, -4 }, Row(zero, 2));
        // Replicate: I[5] = I[4] = 1 → 0 at x = 4; the row above row 0 is row 0 → 4 everywhere on the edge.
        Assert.Equal(new float[] { 0, 4, 4, 0, 0 }, Row(Filters.SobelX(Step(), BorderMode.Replicate), 0));
        // The transposed edge (a horizontal step, bright below) has Gy = 4 on the two rows next to it.
        Tensor gy = Filters.SobelY(Step().Permute(0, 2, 1).Contiguous());
        Assert.Equal(new float[] { 4, 4, 4, 4, 4 }, Row(gy, 1));
        // A diagonal gradient: Gx = Gy = 4 → magnitude 4√2 at the centre of the ramp I = (x + y)/8.
        Tensor ramp = Tensor.FromArray(Enumerable.Range(0, 25).Select(i => (i % 5 + i / 5) / 8f).ToArray(), 5, 5);
        Assert.Equal(Math.Sqrt(2) * 8 / 8, Filters.SobelMagnitude(ramp).Reshape(25).ToArray<float>()[12], 5);
    }

    [Fact]
    public void Laplacian_on_a_step_edge_by_hand()
    {
        // 4 neighbours, interior rows: x = 1: 0 + 1 + 0 + 0 − 4·0 = 1; x = 2: 0 + 1 + 1 + 1 − 4·1 = −1; else 0.
        Assert.Equal(new float[] { 0, 1, -1, 0, 0 }, Row(Filters.Laplacian(Step()), 2));
        // 8 neighbours: x = 1 sees the three 1s of column 2: 3 − 8·0 = 3; x = 2 sees 5 ones: 5 − 8 = −3.
        Assert.Equal(new float[] { 0, 3, -3, 0, 0 }, Row(Filters.Laplacian(Step(), 8), 2));
        // A linear ramp has zero second derivative away from the borders.
        Tensor ramp = Tensor.FromArray(Enumerable.Range(0, 25).Select(i => (float)(i % 5)).ToArray(), 5, 5);
        Assert.Equal(new float[] { 0, 0, 0 }, Filters.Laplacian(ramp).Narrow(0, 2, 1).Narrow(1, 1, 3).ToArray<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => Filters.Laplacian(ramp, 6));
    }

    [Fact]
    public void Convolution_flips_the_kernel_and_correlation_does_not()
    {
        // An impulse at the centre: correlation returns the kernel rotated by 180°, convolution the kernel itself.
        var impulse = new float[25];
        impulse[12] = 1;
        Tensor image = Tensor.FromArray(impulse, 5, 5);
        Tensor kernel = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 3, 3);
        Tensor conv = Filters.Convolve2d(image, kernel).Narrow(0, 1, 3).Narrow(1, 1, 3);
        Tensor corr = Filters.Correlate2d(image, kernel).Narrow(0, 1, 3).Narrow(1, 1, 3);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, conv.ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 }, corr.ToArray<float>());
    }

    [Fact]
    public void Border_index_mapping()
    {
        // n = 4 (a b c d): Reflect … c b | a b c d | c b a b …, period 2(n − 1) = 6.
        Assert.Equal(new[] { 3, 2, 1, 0, 1, 2, 3, 2, 1, 0 }, Enumerable.Range(-3, 10).Select(i => Filters.Index(i, 4, BorderMode.Reflect)).ToArray());
        Assert.Equal(1, Filters.Index(-7, 4, BorderMode.Reflect));
        Assert.Equal(0, Filters.Index(9, 1, BorderMode.Reflect));
        Assert.Equal(new[] { 0, 0, 3, 3 }, new[] { -2, -1, 4, 5 }.Select(i => Filters.Index(i, 4, BorderMode.Replicate)).ToArray());
        Assert.Equal(new[] { -1, -1, 2 }, new[] { -1, 4, 2 }.Select(i => Filters.Index(i, 4, BorderMode.Zero)).ToArray());
    }

    [Theory]
    [InlineData(BorderMode.Zero)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    public void Fast_correlation_matches_the_naive_reference(BorderMode border)
    {
        Tensor image = Tensor.Rand([23, 37], new Generator(1));
        // Kernels wider than the image's halo, non-square, 1×1, and larger than a tiny image (reflecting twice).
        foreach ((int kh, int kw) in new[] { (3, 5), (5, 3), (1, 1), (7, 7) })
        {
            Tensor kernel = Tensor.Randn([kh, kw], new Generator(kh * 10 + kw));
            float[] fast = Filters.Correlate2d(image, kernel, border).ToArray<float>();
            double[] slow = Filters.ReferenceCorrelate2d(image, kernel, border).ToArray<double>();
            for (int i = 0; i < fast.Length; i++) Assert.True(Math.Abs(slow[i] - fast[i]) <= 1e-5, $"{kh}×{kw} [{i}]: {fast[i]} vs {slow[i]}");
        }
        Tensor tiny = Tensor.Rand([2, 3], new Generator(2));
        Tensor big = Tensor.Randn([7, 7], new Generator(3));
        float[] f = Filters.Correlate2d(tiny, big, border).ToArray<float>();
        double[] s = Filters.ReferenceCorrelate2d(tiny, big, border).ToArray<double>();
        for (int i = 0; i < f.Length; i++) Assert.True(Math.Abs(s[i] - f[i]) <= 1e-5, $"[{i}]: {f[i]} vs {s[i]}");
    }

    [Theory]
    [InlineData(BorderMode.Zero)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    public void Separable_blur_equals_the_direct_2d_gaussian(BorderMode border)
    {
        Tensor image = Tensor.Rand([3, 11, 17], new Generator(4));
        Tensor g = Filters.GaussianKernel1d(1.3);
        Tensor direct2d = g.Reshape(-1, 1) * g.Reshape(1, -1); // G(x, y) = g(x)·g(y)
        float[] separable = Filters.GaussianBlur(image, 1.3, border: border).ToArray<float>();
        float[] direct = Filters.Correlate2d(image, direct2d, border).ToArray<float>();
        for (int i = 0; i < direct.Length; i++) Assert.True(Math.Abs(direct[i] - separable[i]) <= 1e-6, $"[{i}]: {separable[i]} vs {direct[i]}");
    }

    [Fact]
    public void Gaussian_kernel_by_hand()
    {
        // Size 2⌈3σ⌉ + 1: σ = 1 → 7, σ = 0.5 → 5, σ = 0.34 → 2·2 + 1 = 5, σ = 0.3 → 2·1 + 1 = 3.
        Assert.Equal(7, Filters.GaussianKernelSize(1));
        Assert.Equal(5, Filters.GaussianKernelSize(0.5));
        Assert.Equal(5, Filters.GaussianKernelSize(0.34));
        Assert.Equal(3, Filters.GaussianKernelSize(0.3));
        // σ = 1, size 3: [e^(−1/2), 1, e^(−1/2)] / (1 + 2e^(−1/2)) = [0.274068619, 0.451862762, 0.274068619].
        float[] k = Filters.GaussianKernel1d(1, 3).ToArray<float>();
        Assert.Equal(0.274068619f, k[0], 6);
        Assert.Equal(0.451862762f, k[1], 6);
        Assert.Equal(k[0], k[2]);
        foreach (double sigma in new[] { 0.3, 1.0, 2.5, 7.0 })
            Assert.Equal(1.0, Filters.GaussianKernel1d(sigma).ToArray<float>().Sum(v => (double)v), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => Filters.GaussianKernel1d(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Filters.GaussianKernel1d(1, 4));
    }

    [Fact]
    public void Blur_keeps_constant_images_and_filters_each_plane()
    {
        Tensor flat = Tensor.Full([2, 6, 6], 0.25);
        foreach (BorderMode b in new[] { BorderMode.Replicate, BorderMode.Reflect })
            Assert.All(Filters.GaussianBlur(flat, 2, border: b).ToArray<float>(), v => Assert.Equal(0.25f, v, 6));
        // (N, C, H, W): each plane on its own, as filtering planes one at a time.
        Tensor batch = Tensor.Rand([2, 3, 5, 6], new Generator(5));
        Tensor whole = Filters.Laplacian(batch);
        Tensor one = Filters.Laplacian(batch.Narrow(0, 1, 1).Narrow(1, 2, 1).Reshape(5, 6));
        Assert.Equal(one.ToArray<float>(), whole.Narrow(0, 1, 1).Narrow(1, 2, 1).Reshape(5, 6).ToArray<float>());
        Assert.Throws<ArgumentException>(() => Filters.Correlate2d(batch, Tensor.Ones(2, 2)));
        Assert.Throws<ArgumentException>(() => Filters.SobelX(Tensor.Ones(4)));
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        // 3×300×300 with a 5×5 kernel: 2.25 M multiply-adds per plane, far above the grain size, so rows split.
        Tensor image = Tensor.Rand([3, 300, 300], new Generator(6));
        Tensor kernel = Tensor.Randn([5, 5], new Generator(7));
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            float[] one = Filters.Correlate2d(image, kernel).ToArray<float>();
            Threading.NumThreads = 2;
            Assert.Equal(one, Filters.Correlate2d(image, kernel).ToArray<float>());
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }
}

/// <summary>Filters against scipy.ndimage and PyTorch (tools/golden/filters.py).</summary>
public sealed class FilterGoldenTests
{
    private static readonly Lazy<System.Text.Json.JsonElement> Golden = new(() => System.Text.Json.JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "filters.json"))).RootElement);

    private static Tensor Matrix(System.Text.Json.JsonElement e)
    {
        double[][] rows = [.. e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        return Tensor.FromArray(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
    }

    private static void Close(System.Text.Json.JsonElement expected, Tensor actual)
    {
        double[] e = Matrix(expected).ToArray<double>();
        float[] a = actual.ToArray<float>();
        Assert.Equal(e.Length, a.Length);
        // Float32 arithmetic on values of order 1–10: 1e-5 absolute.
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5, $"[{i}]: {a[i]} vs {e[i]}");
    }

    [Theory]
    [InlineData(BorderMode.Zero)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    public void Correlate_and_convolve_match_scipy_in_every_border_mode(BorderMode border)
    {
        Tensor image = Matrix(Golden.Value.GetProperty("image")), kernel = Matrix(Golden.Value.GetProperty("kernel"));
        Close(Golden.Value.GetProperty("correlate").GetProperty(border.ToString()), Filters.Correlate2d(image, kernel, border));
        Close(Golden.Value.GetProperty("convolve").GetProperty(border.ToString()), Filters.Convolve2d(image, kernel, border));
    }

    [Fact]
    public void Sobel_laplacian_and_blur_match_pytorch_and_scipy()
    {
        Tensor image = Matrix(Golden.Value.GetProperty("image"));
        Close(Golden.Value.GetProperty("sobel_x"), Filters.SobelX(image));
        Close(Golden.Value.GetProperty("sobel_y"), Filters.SobelY(image));
        Close(Golden.Value.GetProperty("laplacian4"), Filters.Laplacian(image));
        Close(Golden.Value.GetProperty("laplacian8"), Filters.Laplacian(image, 8));
        Close(Golden.Value.GetProperty("gaussian_1.5"), Filters.GaussianBlur(image, 1.5));
    }
}
