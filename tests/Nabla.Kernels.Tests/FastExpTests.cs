using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The float32 vector exponential against double-precision <see cref="Math.Exp"/>.</summary>
public sealed class FastExpTests
{
    [Fact]
    public void Matches_the_double_exponential_over_its_range()
    {
        // 200,001 arguments over [Min, Max] (every binade of the result), all lengths' tails covered by the odd count.
        int n = 200_001;
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = FastExp.Min + (FastExp.Max - FastExp.Min) * i / (n - 1);
        var y = new float[n];
        FastExp.Exp(x, y);
        for (int i = 0; i < n; i++)
        {
            double e = Math.Exp(x[i]);
            // Cephes' polynomial (1.2e-7) plus the reduction's and the final product's rounding (≤ 1 ulp = 1.2e-7).
            Assert.True(Math.Abs(y[i] - e) <= 2.5e-7 * e, $"exp({x[i]}) = {y[i]}, expected {e}");
        }
    }

    [Fact]
    public void Underflows_to_zero_overflows_to_infinity_and_keeps_NaN()
    {
        // 17 values: one 16-wide vector and a scalar tail (the tail uses MathF.Exp, the same limits).
        float[] x = [float.NegativeInfinity, -1000f, -87f, float.PositiveInfinity, 1000f, 89f, float.NaN, 0f, -0f, 1f, -1f, 0.5f, -0.5f, 10f, -10f, 88.5f, float.NaN];
        var y = new float[x.Length];
        FastExp.Exp(x, y);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.Equal(0f, y[2]);                        // e^−87 ≈ 1.6e-38 < 2⁻¹²⁵: flushed to 0
        Assert.Equal(float.PositiveInfinity, y[3]);
        Assert.Equal(float.PositiveInfinity, y[4]);
        Assert.Equal(float.PositiveInfinity, y[5]);
        Assert.True(float.IsNaN(y[6]) && float.IsNaN(y[16]));
        Assert.Equal(1f, y[7]);
        Assert.Equal(1f, y[8]);
        Assert.Equal(Math.Exp(88.5), y[15], 0.5e-6 * Math.Exp(88.5));
        Assert.Throws<ArgumentException>(() => FastExp.Exp(new float[4], new float[3]));
    }
}
