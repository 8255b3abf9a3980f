using Xunit;

namespace Nabla.Nn.Tests.Attention;

/// <summary>The LayerNorm module: names, init, the normalisation and its repr.</summary>
public sealed class LayerNormTests
{
    [Fact]
    public void Normalises_each_row_and_applies_gamma_and_beta()
    {
        // Row (1, 2, 3, 6): μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, so x̂ = (−2, −1, 0, 3)/√(3.5 + ε).
        // γ = (1, 2, 1, 1), β = (0, 0, 1, −1): y = x̂·γ + β.
        var ln = new LayerNorm(4, dtype: DType.Float64);
        ln.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray([1.0, 2, 1, 1]),
            ["bias"] = Tensor.FromArray([0.0, 0, 1, -1]),
        });
        double r = 1 / Math.Sqrt(3.5 + 1e-5);
        Tensor y = ln.Forward(Tensor.FromArray(new double[,] { { 1, 2, 3, 6 } }));
        TestUtil.AssertClose("LayerNorm", Tensor.FromArray(new[,] { { -2 * r, -2 * r, 1, 3 * r - 1 } }), y, 1e-12, 1e-12);
    }

    [Fact]
    public void Registers_weight_ones_and_bias_zeros_under_pytorch_names()
    {
        var ln = new LayerNorm([2, 3]);
        Assert.Equal(["weight", "bias"], ln.StateDict().Keys);
        Assert.All(ln.Weight!.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(ln.Bias!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal([2, 3], ln.Weight.Shape);
        Assert.Equal("LayerNorm((2, 3), eps=1e-05, elementwise_affine=True)", ln.ToString());
        Assert.Equal("LayerNorm((4,), eps=1e-05, elementwise_affine=False)", new LayerNorm(4, elementwiseAffine: false).ToString());
        Assert.Empty(new LayerNorm(4, elementwiseAffine: false).StateDict());
    }

    [Fact]
    public void Rejects_an_input_whose_trailing_dims_differ()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerNorm(4).Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("(2, 5)", e.Message, StringComparison.Ordinal);
    }
}
