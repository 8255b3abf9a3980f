using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The vectorised float32 GELU against the double-precision oracle (<see cref="SpecialFunctions"/>).</summary>
public sealed class GeluFloatTests
{
    // Abramowitz–Stegun 7.1.26: |erf error| ≤ 1.5e-7, so |GELU error| ≤ ½|x|·1.5e-7 plus float32 rounding of the
    // inputs and outputs (≤ 2 ulps ≈ 2.4e-7 relative); the derivative adds |x|·φ(x)'s rounding. 5e-7·max(1, |x|)
    // covers both with margin and is still ~100x tighter than any effect on training.
    private static double Tol(double x) => 5e-7 * Math.Max(1, Math.Abs(x));

    private static float[] Inputs()
    {
        var xs = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 1e-4f, -1e-4f, 0.5f, -0.5f, 3f, -3f, 5.5f, -5.5f, 9f, -9f, 15f, -15f, 60f, -60f };
        for (int i = 0; i <= 4000; i++) xs.Add(-10f + i * 0.005f);
        return [.. xs];
    }

    [Fact]
    public void ForwardMatchesTheDoubleOracle()
    {
        float[] x = Inputs();
        var y = new float[x.Length];
        GeluFloat.Forward(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double e = x[i] * SpecialFunctions.NormalCdf((double)x[i]);
            Assert.True(Math.Abs(y[i] - e) <= Tol(x[i]), $"GELU({x[i]}) = {y[i]}, oracle {e}");
        }
    }

    [Fact]
    public void DerivativeMatchesTheDoubleOracle()
    {
        float[] x = Inputs();
        var y = new float[x.Length];
        GeluFloat.Derivative(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i];
            double e = SpecialFunctions.NormalCdf(d) + d * SpecialFunctions.NormalPdf(d);
            Assert.True(Math.Abs(y[i] - e) <= Tol(x[i]), $"GELU'({x[i]}) = {y[i]}, oracle {e}");
        }
    }

    [Fact]
    public void BackwardIsTheGradientTimesTheDerivative()
    {
        // The fused backward against its composite g·GELU'(x), over every length 0..40 (vector body and tail) and
        // the oracle-checked inputs with a varying gradient.
        for (int n = 0; n <= 40; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(i => -4f + 0.37f * i).ToArray();
            float[] g = Enumerable.Range(0, n).Select(i => 1.5f - 0.25f * i).ToArray();
            var d = new float[n];
            var y = new float[n];
            GeluFloat.Derivative(x, d);
            GeluFloat.Backward(x, g, y);
            for (int i = 0; i < n; i++) Assert.Equal(g[i] * d[i], y[i]);
        }
        float[] xs = Inputs();
        float[] gs = xs.Select((_, i) => (i % 7) - 3f).ToArray();
        var dx = new float[xs.Length];
        GeluFloat.Backward(xs, gs, dx);
        for (int i = 0; i < xs.Length; i++)
        {
            double v = xs[i];
            double e = gs[i] * (SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v));
            Assert.True(Math.Abs(dx[i] - e) <= 3 * Tol(xs[i]), $"g·GELU'({xs[i]}) = {dx[i]}, oracle {e}");
        }
        Assert.Throws<ArgumentException>(() => GeluFloat.Backward(new float[4], new float[3], new float[4]));
    }

    [Fact]
    public void TailsNaNAndLengthsBehave()
    {
        // Every length 0..40 exercises the 16-wide body and the scalar tail against the scalar form.
        for (int n = 0; n <= 40; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(i => -4f + 0.37f * i).ToArray();
            var y = new float[n];
            GeluFloat.Forward(x, y);
            for (int i = 0; i < n; i++) Assert.Equal(GeluFloat.ForwardScalar(x[i]), y[i], 6);
        }
        var nan = new float[17];
        nan[16] = float.NaN;
        nan[3] = float.NaN;
        var outp = new float[17];
        GeluFloat.Forward(nan, outp);
        Assert.True(float.IsNaN(outp[3]) && float.IsNaN(outp[16]));
        Assert.Equal(0f, outp[0]);
        Assert.Throws<ArgumentException>(() => GeluFloat.Forward(new float[4], new float[3]));
    }
}
