using System.Text.Json;
using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>ClipGradNorm's total norm and clipped gradients against PyTorch's clip_grad_norm_, and ClipGradValue.</summary>
public sealed class ClipGradTests
{
    private static Parameter[] WithGoldenGrads(DType dtype = DType.Float64)
    {
        JsonElement grads = Golden.Root.GetProperty("clip").GetProperty("grads");
        var w = new Parameter(Tensor.Zeros([3, 2], dtype)) { Grad = Tensor.FromArray(Golden.Flat(grads[0]), 3, 2).To(dtype) };
        var b = new Parameter(Tensor.Zeros([2], dtype)) { Grad = Tensor.FromArray(Golden.Flat(grads[1]), 2).To(dtype) };
        return [w, b];
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("l1")]
    [InlineData("inf")]
    [InlineData("p3")]
    [InlineData("no-clip")]
    public void ClipGradNorm_matches_pytorch(string name)
    {
        JsonElement c = Golden.Root.GetProperty("clip").GetProperty("cases").GetProperty(name);
        double normType = c.GetProperty("norm_type").ValueKind == JsonValueKind.String ? double.PositiveInfinity : c.GetProperty("norm_type").GetDouble();
        Parameter[] ps = WithGoldenGrads();
        double total = ClipGrad.ClipGradNorm(ps, c.GetProperty("max_norm").GetDouble(), normType);
        Golden.AssertClose($"{name} total norm", [c.GetProperty("total_norm").GetDouble()], [total], 1e-13);
        for (int i = 0; i < ps.Length; i++)
            Golden.AssertClose($"{name} grad {i}", Golden.Flat(c.GetProperty("grads")[i]), ps[i].Grad!.ToArray<double>(), 1e-13, 1e-16);
    }

    [Fact]
    public void ClipGradNorm_works_on_float32_and_skips_parameters_without_gradients()
    {
        JsonElement c = Golden.Root.GetProperty("clip").GetProperty("cases").GetProperty("l2");
        Parameter[] ps = WithGoldenGrads(DType.Float32);
        var none = new Parameter(Tensor.Zeros(4));
        double total = ClipGrad.ClipGradNorm([.. ps, none], 1.0);
        Golden.AssertClose("float32 total", [c.GetProperty("total_norm").GetDouble()], [total], 1e-6);
        Golden.AssertClose("float32 grad 0", Golden.Flat(c.GetProperty("grads")[0]), ps[0].Grad!.To(DType.Float64).ToArray<double>(), 1e-6);
        Assert.Null(none.Grad);
        Assert.Equal(0, ClipGrad.ClipGradNorm([none], 1.0));
    }

    [Fact]
    public void ClipGradNorm_rejects_nonfinite_norms_on_request()
    {
        var p = new Parameter(Tensor.Zeros([2], DType.Float64)) { Grad = Tensor.FromArray([1.0, double.NaN]) };
        Assert.Contains("non-finite", Assert.Throws<InvalidOperationException>(() => ClipGrad.ClipGradNorm([p], 1.0, errorIfNonfinite: true)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradNorm([p], 1.0, normType: 0));
    }

    [Fact]
    public void ClipGradValue_clamps_every_element()
    {
        Parameter[] ps = WithGoldenGrads();
        ClipGrad.ClipGradValue(ps, 1.0);
        // Golden grads: W [[0.3, −1.2], [2.5, 0.7], [−0.4, 0.9]], b [1.5, −2.0], clamped to [−1, 1].
        Assert.Equal([0.3, -1.0, 1.0, 0.7, -0.4, 0.9], ps[0].Grad!.ToArray<double>());
        Assert.Equal([1.0, -1.0], ps[1].Grad!.ToArray<double>());
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradValue(ps, -1));
    }
}
