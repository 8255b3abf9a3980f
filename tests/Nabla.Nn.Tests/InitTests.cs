using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>Init: gains, bounds, sample statistics of large tensors (tolerances of about 5 standard errors),
/// orthogonality.</summary>
public sealed class InitTests
{
    private static (double Mean, double Variance) Stats(Tensor t)
    {
        double[] v = t.To(DType.Float64).ToArray<double>();
        double mean = v.Average();
        return (mean, v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    [Fact]
    public void Gains_match_pytorch()
    {
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Conv));
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Sigmoid));
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(Math.Sqrt(2 / 1.0001), Init.CalculateGain(Nonlinearity.LeakyRelu));       // default slope 0.01
        Assert.Equal(Math.Sqrt(2 / 1.04), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2));
        Assert.Equal(Math.Sqrt(1.0 / 3), Init.CalculateGain(Nonlinearity.LeakyRelu, Math.Sqrt(5)), 15);   // Linear's a = √5
        Assert.Equal(0.75, Init.CalculateGain(Nonlinearity.Selu));
    }

    [Fact]
    public void Fans_count_the_receptive_field()
    {
        Assert.Equal((3, 4), Init.CalculateFanInAndFanOut(Tensor.Zeros(4, 3)));
        Assert.Equal((2 * 9, 8 * 9), Init.CalculateFanInAndFanOut(Tensor.Zeros(8, 2, 3, 3)));
        var e = Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros(5)));
        Assert.Contains("fewer than 2 dimensions, got (5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uniform_and_normal_have_the_requested_moments()
    {
        const int N = 200_000;
        Tensor u = Init.Uniform(Tensor.Empty([N]), -2, 3, new Generator(1));
        Assert.All(u.ToArray<float>(), v => Assert.InRange(v, -2f, 3f));
        (double mean, double variance) = Stats(u);
        // U(a, b): mean (a + b)/2 = 0.5 with standard error √(25/12/N) ≈ 0.0032; variance (b − a)²/12 = 25/12.
        Assert.InRange(mean, 0.5 - 0.016, 0.5 + 0.016);
        Assert.InRange(variance, 25.0 / 12 * 0.98, 25.0 / 12 * 1.02);

        Tensor n = Init.Normal(Tensor.Empty([N], DType.Float64), 1, 2, new Generator(2));
        (mean, variance) = Stats(n);
        // N(1, 4): standard error of the mean 2/√N ≈ 0.0045; of the variance 4·√(2/N) ≈ 0.013 (0.3%).
        Assert.InRange(mean, 1 - 0.023, 1 + 0.023);
        Assert.InRange(variance, 4 * 0.985, 4 * 1.015);
    }

    [Fact]
    public void Xavier_uses_both_fans()
    {
        // (300, 500): fan_in 500, fan_out 300, 2/(fan_in + fan_out) = 1/400.
        Tensor w = Init.XavierUniform(Tensor.Empty([300, 500]), generator: new Generator(3));
        double a = Math.Sqrt(6.0 / 800);
        Assert.All(w.ToArray<float>(), v => Assert.InRange(v, -a, a));
        Assert.InRange(Stats(w).Variance, 1.0 / 400 * 0.98, 1.0 / 400 * 1.02);
        // gain 2: std = 2·√(1/400) = 0.1, variance 0.01.
        Tensor g = Init.XavierNormal(Tensor.Empty([300, 500]), gain: 2, generator: new Generator(4));
        Assert.InRange(Stats(g).Variance, 0.01 * 0.985, 0.01 * 1.015);
        Assert.InRange(Stats(g).Mean, -0.0015, 0.0015);
    }

    [Fact]
    public void Kaiming_uses_the_chosen_fan_and_gain()
    {
        // ReLU, fan_in = 300: std² = 2/300, uniform bound √3·std = √(6/300).
        Tensor u = Init.KaimingUniform(Tensor.Empty([400, 300]), mode: FanMode.FanIn, nonlinearity: Nonlinearity.Relu, generator: new Generator(5));
        double bound = Math.Sqrt(6.0 / 300);
        Assert.All(u.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
        Assert.InRange(Stats(u).Variance, 2.0 / 300 * 0.98, 2.0 / 300 * 1.02);
        // ReLU, fan_out = 400: std² = 2/400.
        Tensor n = Init.KaimingNormal(Tensor.Empty([400, 300]), mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: new Generator(6));
        Assert.InRange(Stats(n).Variance, 2.0 / 400 * 0.985, 2.0 / 400 * 1.015);
        // Default leaky_relu with a = 0: the same gain as ReLU.
        Tensor d = Init.KaimingNormal(Tensor.Empty([400, 300]), generator: new Generator(7));
        Assert.InRange(Stats(d).Variance, 2.0 / 300 * 0.985, 2.0 / 300 * 1.015);
    }

    [Theory]
    [InlineData(50, 30)]
    [InlineData(30, 50)]
    [InlineData(20, 20)]
    public void Orthogonal_gives_orthonormal_columns_or_rows(int rows, int cols)
    {
        Tensor w = Init.Orthogonal(Tensor.Empty([rows, cols]), generator: new Generator(8));
        Tensor w64 = w.To(DType.Float64);
        // Tall: WᵀW = I (columns orthonormal); wide: WWᵀ = I (rows).
        Tensor gram = rows >= cols ? w64.T.MatMul(w64) : w64.MatMul(w64.T);
        TestUtil.AssertClose("Gram matrix", Tensor.Eye(Math.Min(rows, cols), dtype: DType.Float64), gram, 1e-5, 0);
    }

    [Fact]
    public void Orthogonal_matches_pytorch_sign_convention_and_gain()
    {
        // PyTorch takes Q from the QR of a normal matrix A and flips columns so that R = QᵀA has a positive
        // diagonal. Redraw A from the same seed and check that QᵀA is upper triangular with a positive diagonal.
        const int Rows = 12, Cols = 7;
        Tensor q = Init.Orthogonal(Tensor.Empty([Rows, Cols], DType.Float64), generator: new Generator(9));
        Tensor a = Tensor.Randn([Rows, Cols], new Generator(9), DType.Float64);
        double[] r = q.T.MatMul(a).ToArray<double>();
        for (int i = 0; i < Cols; i++)
        {
            Assert.True(r[i * Cols + i] > 0, $"R[{i},{i}] = {r[i * Cols + i]}");
            for (int j = 0; j < i; j++) Assert.True(Math.Abs(r[i * Cols + j]) < 1e-12, $"R[{i},{j}] = {r[i * Cols + j]}");
        }
        TestUtil.AssertClose("QR = A", a, q.MatMul(q.T.MatMul(a)), 1e-12, 0);
        // gain scales Q: WᵀW = gain²·I; a 4-D weight is flattened to (8, 18).
        Tensor scaled = Init.Orthogonal(Tensor.Empty([8, 2, 3, 3], DType.Float64), gain: 2, generator: new Generator(10)).Reshape(8, 18);
        TestUtil.AssertClose("WWᵀ = 4I", Tensor.Eye(8, dtype: DType.Float64) * 4.0, scaled.MatMul(scaled.T), 1e-12, 0);
        Assert.Throws<ArgumentException>(() => Init.Orthogonal(Tensor.Empty([3])));
    }

    [Theory]
    [InlineData("6x4")]
    [InlineData("5x5")]
    public void Householder_Q_matches_pytorch_qr_with_sign_correction(string name)
    {
        // tools/golden/nn.py: Q, R = torch.linalg.qr(A); Q *= sign(diag(R)), as orthogonal_ does.
        System.Text.Json.JsonElement golden = NnGolden.Root.GetProperty("orthogonal").GetProperty(name);
        Tensor a = NnGolden.Tensor(golden.GetProperty("a"));
        int rows = a.Size(0), cols = a.Size(1);
        double[] values = a.ToArray<double>();
        var matrix = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) matrix[i, j] = values[i * cols + j];
        }
        double[,] q = Internal.Householder.OrthonormalFactor(matrix);
        Tensor actual = Tensor.FromArray(q);
        TestUtil.AssertClose($"Q of {name}", NnGolden.Tensor(golden.GetProperty("q")), actual, 1e-12, 1e-12);
    }

    [Fact]
    public void Constants_and_in_place_use_on_parameters()
    {
        var p = new Parameter(Tensor.Empty([2, 3]));
        Assert.Same(p, Init.Constant(p, 0.25));
        Assert.All(p.ToArray<float>(), v => Assert.Equal(0.25f, v));
        Assert.True(p.RequiresGrad && p.IsLeaf);
        Assert.All(Init.Zeros(p).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(Init.Ones(p).ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.Equal([1f, 0, 0, 0, 1, 0], Init.Eye(p).ToArray<float>());
        Init.KaimingUniform(p, generator: new Generator(11));
        Assert.True(p.RequiresGrad && p.IsLeaf);
    }
}
