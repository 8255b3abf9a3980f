using Nabla;
using Nabla.Core.Tests.Ops;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary><see cref="Tensor.GruLayer"/> beyond its op-catalog rows (forward against the composite, float64
/// gradcheck, float32 forward): every gradient against the composite's, float32 gradients, bit-exact repeats, the
/// lifetime of its pooled saved buffer (as <see cref="LstmSavedBufferTests"/>), zero steps and bad shapes.</summary>
public sealed class GruLayerTests
{
    private const int T = 5, B = 3, H = 4, I = 3;

    /// <summary>(input, W_ih, W_hh, b_ih, b_hh, h0), N(0, 0.25) each, leaves requiring grad.</summary>
    private static Tensor[] Inputs(long seed, DType dtype = DType.Float32, bool batchFirst = false)
    {
        var g = new Generator(seed);
        Tensor R(params int[] shape) => (Tensor.Randn(shape, g) * 0.5).To(dtype).Detach().RequireGrad();
        return [batchFirst ? R(B, T, I) : R(T, B, I), R(3 * H, I), R(3 * H, H), R(3 * H), R(3 * H), R(B, H)];
    }

    /// <summary>Σ w⊙output + ½ Σ h_n with distinct weights per output element, so every gradient entry is exercised.</summary>
    private static Tensor Loss(Tensor[] x, bool batchFirst = false, bool reverse = false, int[]? lengths = null)
    {
        (Tensor y, Tensor hn) = Tensor.GruLayer(x[0], x[1], x[2], x[3], x[4], x[5], batchFirst, reverse, lengths);
        return Weighted(y, hn);
    }

    private static Tensor Weighted(Tensor y, Tensor hn)
    {
        Tensor wy = (Tensor.Arange(T * B * H).Reshape(y.Shape) / 100.0).To(y.DType);
        return (y * wy).Sum() + (hn * 0.5).Sum();
    }

    private static float[][] Grads(Tensor loss, Tensor[] x, bool retain = false)
        => [.. Autograd.Grad([loss], x, retainGraph: retain).Select(g => g!.ToArray<float>())];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Gradients_match_the_per_step_composite_in_float64(bool batchFirst, bool reverse)
    {
        // Same function, different operation order (fused FMAs, one GEMM over all steps for W_hh): float64 sums of
        // a few dozen terms of size ≤ 1 agree to ~1e-15; 1e-12 absolute + 1e-10 relative leaves room for T = 5 steps.
        int[] lengths = [5, 2, 0];
        Tensor[] x = Inputs(1, DType.Float64, batchFirst);
        Tensor?[] fused = Autograd.Grad([Loss(x, batchFirst, reverse, lengths)], x);
        Tensor composite = OpCatalog.GruComposite(x, batchFirst, reverse, lengths);
        int outs = T * B * H;
        Tensor y = composite.Narrow(0, 0, outs).Reshape(batchFirst ? [B, T, H] : [T, B, H]), hn = composite.Narrow(0, outs, B * H).Reshape(B, H);
        Tensor?[] expected = Autograd.Grad([Weighted(y, hn)], x);
        for (int i = 0; i < x.Length; i++) AssertClose($"input {i}", expected[i]!, fused[i]!, 1e-12, 1e-10);
    }

    [Fact]
    public void Float32_gradients_match_float64()
    {
        // The float32 kernel path (its own SIMD widths and GEMM micro-kernel) against the float64 one on the same
        // values: float32 rounding, ~2⁻²⁴ relative per operation through 5 steps, well inside 1e-5.
        Tensor[] x64 = Inputs(2, DType.Float64);
        Tensor[] x32 = [.. x64.Select(t => t.Detach().To(DType.Float32).RequireGrad())];
        Tensor?[] g64 = Autograd.Grad([Loss(x64, lengths: [4, 5, 1])], x64);
        Tensor?[] g32 = Autograd.Grad([Loss(x32, lengths: [4, 5, 1])], x32);
        for (int i = 0; i < x64.Length; i++) AssertClose($"input {i}", g64[i]!, g32[i]!.To(DType.Float64), 1e-5, 1e-5);
    }

    [Fact]
    public void Repeated_runs_give_the_same_bits()
    {
        Tensor[] x = Inputs(3);
        (Tensor y1, Tensor h1) = Tensor.GruLayer(x[0], x[1], x[2], x[3], x[4], x[5]);
        float[][] first = Grads(Weighted(y1, h1), x);
        (Tensor y2, Tensor h2) = Tensor.GruLayer(x[0], x[1], x[2], x[3], x[4], x[5]);
        float[][] second = Grads(Weighted(y2, h2), x);
        Assert.Equal(y1.ToArray<float>(), y2.ToArray<float>());
        Assert.Equal(h1.ToArray<float>(), h2.ToArray<float>());
        for (int i = 0; i < x.Length; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void A_retained_graph_backpropagates_twice_with_the_same_saved_values()
    {
        Tensor[] x = Inputs(4);
        Tensor loss = Loss(x);
        float[][] first = Grads(loss, x, retain: true);
        // Another sequence of the same shape, forward and backward, between the two passes: it would take and
        // overwrite the first graph's buffer had the retained backward given it back.
        Tensor[] other = Inputs(5);
        Grads(Loss(other), other);
        Loss(other);
        float[][] second = Grads(loss, x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void A_graph_kept_alive_is_not_overwritten_by_later_sequences_of_the_same_shape()
        => SavedBufferChecks.KeptGraphIsNotOverwritten(Inputs(6), Inputs(7), Inputs(8), x => Loss(x), (l, x) => Grads(l, x));

    [Fact]
    public void A_layer_over_zero_steps_passes_the_state_through()
    {
        // T = 0: no step runs, so hN = h0; d(2·Σ hN) is 2 for h0 and 0 for the weights and biases.
        Tensor[] x = Inputs(9);
        x[0] = Tensor.Zeros([0, B, I]).RequireGrad();
        (Tensor y, Tensor hn) = Tensor.GruLayer(x[0], x[1], x[2], x[3], x[4], x[5]);
        Assert.Equal(new[] { 0, B, H }, y.Shape);
        Assert.Equal(x[5].ToArray<float>(), hn.ToArray<float>());
        Tensor?[] g = Autograd.Grad([hn.Sum() * 2.0], x);
        for (int i = 1; i < 5; i++) Assert.All(g[i]!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(g[5]!.ToArray<float>(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Bad_shapes_name_the_op_and_the_shapes()
    {
        Tensor[] x = Inputs(10);
        var e1 = Assert.Throws<ArgumentException>(() => Tensor.GruLayer(x[0], x[1], Tensor.Zeros(4 * H, H), null, null, x[5]));
        Assert.Contains("GruLayer: input (5, 3, 3) must be (T, B, I), weightIh (12, 3) (3H, I) and weightHh (16, 4) (3H, H)", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => Tensor.GruLayer(x[0], x[1], x[2], Tensor.Zeros(3 * H + 1), null, x[5]));
        Assert.Contains("GruLayer: biasIh (13) Float32 must be (12) Float32", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<ArgumentException>(() => Tensor.GruLayer(x[0], x[1], x[2], null, null, Tensor.Zeros(B + 1, H)));
        Assert.Contains("GruLayer: h0 (4, 4) must be (B, H) = (3, 4)", e3.Message, StringComparison.Ordinal);
        var e4 = Assert.Throws<ArgumentException>(() => Tensor.GruLayer(x[0], x[1], x[2], null, null, x[5], lengths: [1, 6, 2]));
        Assert.Contains("GruLayer: lengths [1, 6, 2] must be 3 values in [0, 5]", e4.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(string what, Tensor expected, Tensor actual, double atol, double rtol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double[] e = expected.To(DType.Float64).ToArray<double>(), a = actual.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]), $"{what}[{i}]: {a[i]:G17} vs {e[i]:G17}");
    }
}
