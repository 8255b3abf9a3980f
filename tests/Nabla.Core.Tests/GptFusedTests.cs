using Xunit;

namespace Nabla.Core.Tests;

/// <summary>The float32 fast paths the char-GPT workload runs through (the op catalog's gradchecks run in float64)
/// against float64 composites of the same float32 inputs.</summary>
public sealed class GptFusedTests
{
    [Fact]
    public void Float32_gelu_forward_and_fused_backward_match_the_float64_formula()
    {
        // 3 × 40,001 elements: several threads' ranges and a scalar tail; values over [−8, 8].
        var gen = new Generator(7);
        Tensor x = (Tensor.Rand([3, 40_001], gen, DType.Float64) * 16 - 8).To(DType.Float32).RequireGrad();
        Tensor w = Tensor.Randn([3, 40_001], gen, DType.Float32);
        Tensor y = x.Gelu();
        (y * w).Sum().Backward();

        // GELU(x) = x·Φ(x), GELU'(x) = Φ(x) + x·φ(x), with Φ(x) = ½(1 + erf(x/√2)), in float64.
        double[] xs = x.Detach().To(DType.Float64).ToArray<double>(), ws = w.To(DType.Float64).ToArray<double>();
        float[] ys = y.ToArray<float>(), gs = x.Grad!.ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            double v = xs[i];
            double cdf = Nabla.Kernels.SpecialFunctions.NormalCdf(v), pdf = Nabla.Kernels.SpecialFunctions.NormalPdf(v);
            // erf to 1.5e-7 (Abramowitz–Stegun) plus float32 rounding: 5e-7·max(1, |x|), times |w| ≲ 5 for the gradient.
            double tol = 5e-7 * Math.Max(1, Math.Abs(v));
            Assert.True(Math.Abs(ys[i] - v * cdf) <= tol, $"GELU({v}) = {ys[i]}");
            Assert.True(Math.Abs(gs[i] - ws[i] * (cdf + v * pdf)) <= tol * Math.Max(1, Math.Abs(ws[i])), $"dGELU({v})·{ws[i]} = {gs[i]}");
        }
    }
}
