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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attention_on_heads_viewed_out_of_projections_matches_the_composite(bool float32)
    {
        // Q, K, V as a transformer makes them: (N, T, H·E) → View (N, T, H, E) → Transpose (N, H, T, E), from a packed
        // (N, T, 3·H·E) projection (K) and from their own projections (Q, V); the output merged back by
        // Transpose + Contiguous + View. The fused op then writes its output and the gradients of Q, K and V in
        // that interleaved order; values and gradients must equal the composite softmax(Q·Kᵀ/√E + causal)·V.
        const int n = 2, t = 37, h = 3, e = 8;
        DType dt = float32 ? DType.Float32 : DType.Float64;
        var gen = new Generator(11);
        Tensor pq = Tensor.Randn([n, t, h * e], gen, DType.Float64).To(dt).RequireGrad();
        Tensor packed = Tensor.Randn([n, t, 3 * h * e], gen, DType.Float64).To(dt).RequireGrad();
        Tensor pv = Tensor.Randn([n, t, h * e], gen, DType.Float64).To(dt).RequireGrad();
        Tensor w = Tensor.Randn([n, t, h * e], gen, DType.Float64).To(dt);
        Tensor Heads(Tensor x) => x.View(n, t, h, e).Transpose(1, 2);
        Tensor Merge(Tensor y) => y.Transpose(1, 2).Contiguous().View(n, t, h * e);

        Tensor fused = Merge(Tensor.ScaledDotProductAttention(Heads(pq), Heads(packed.Narrow(2, h * e, h * e)), Heads(pv), isCausal: true));
        (fused * w).Sum().Backward();

        Tensor rq = pq.Detach().To(DType.Float64).RequireGrad(), rp = packed.Detach().To(DType.Float64).RequireGrad(), rv = pv.Detach().To(DType.Float64).RequireGrad();
        Tensor expected = Merge(Ops.OpCatalog.AttentionReference(Heads(rq), Heads(rp.Narrow(2, h * e, h * e)), Heads(rv), null, true));
        (expected * w.To(DType.Float64)).Sum().Backward();

        // float64: exact up to summation order; float32: the same inputs, float32 dot products of length ≤ 37·8.
        double tol = float32 ? 2e-4 : 1e-11;
        Ops.GradCheckTests.AssertClose("output", expected, fused, tol, tol);
        Ops.GradCheckTests.AssertClose("dQ projection", rq.Grad!, pq.Grad!, tol, tol);
        Ops.GradCheckTests.AssertClose("dPacked", rp.Grad!, packed.Grad!, tol, tol);
        Ops.GradCheckTests.AssertClose("dV projection", rv.Grad!, pv.Grad!, tol, tol);
    }

    [Fact]
    public void LayerNorm_over_many_rows_matches_the_composite()
    {
        // 1,000 rows of 128: split into per-thread blocks whose weight/bias gradients are summed afterwards (with
        // ≥ 2 threads); float64 against the composite (x − mean)/√(var + ε)·w + b.
        var gen = new Generator(3);
        Tensor x = (Tensor.Randn([10, 100, 128], gen, DType.Float64) * 2 + 1).RequireGrad();
        Tensor w = (Tensor.Randn([128], gen, DType.Float64) + 1).RequireGrad(), b = Tensor.Randn([128], gen, DType.Float64).RequireGrad();
        Tensor proj = Tensor.Randn([10, 100, 128], gen, DType.Float64);
        (x.LayerNorm([128], w, b) * proj).Sum().Backward();
        Tensor x2 = x.Detach().RequireGrad(), w2 = w.Detach().RequireGrad(), b2 = b.Detach().RequireGrad();
        Tensor mu = x2.Mean([-1], keepDim: true), variance = (x2 - mu).Pow(2).Mean([-1], keepDim: true);
        Tensor composite = (x2 - mu) / (variance + 1e-5).Sqrt() * w2 + b2;
        (composite * proj).Sum().Backward();
        Ops.GradCheckTests.AssertClose("dx", x2.Grad!, x.Grad!, 1e-10, 1e-10);
        Ops.GradCheckTests.AssertClose("dw", w2.Grad!, w.Grad!, 1e-10, 1e-10);
        Ops.GradCheckTests.AssertClose("db", b2.Grad!, b.Grad!, 1e-10, 1e-10);
    }
}
