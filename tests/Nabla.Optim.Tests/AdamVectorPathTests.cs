using Nabla.Optim;
using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Adam's SIMD loop against its scalar loop: updating 1,003 elements in one call (vector body plus a
/// tail) must give bit-identical results to updating them one element per call (scalar only).</summary>
public sealed class AdamVectorPathTests
{
    [Theory]
    [InlineData(false, false, false, 0.0)]
    [InlineData(false, false, false, 0.01)]
    [InlineData(true, false, false, 0.0)]
    [InlineData(false, true, false, 0.0)]
    [InlineData(false, false, true, 0.05)]
    public void Vector_and_scalar_updates_are_bit_identical(bool amsgrad, bool maximize, bool decoupled, double weightDecay)
    {
        const int n = 1003;
        var r = new Random(5);
        float[] Make(double scale) => Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() - 0.5) * scale)).ToArray();
        float[] p1 = Make(2), g = Make(1), m1 = Make(0.1), v1 = Make(0.01).Select(Math.Abs).ToArray(), x1 = v1.Select(v => v * 1.5f).ToArray();
        float[] p2 = (float[])p1.Clone(), m2 = (float[])m1.Clone(), v2 = (float[])v1.Clone(), x2 = (float[])x1.Clone();
        for (int step = 1; step <= 3; step++)
        {
            Adam.Update<float>(p1, g, m1, v1, x1, step, 1e-3, 0.9, 0.999, 1e-8, weightDecay, amsgrad, maximize, decoupled);
            for (int i = 0; i < n; i++)
                Adam.Update<float>(p2.AsSpan(i, 1), g.AsSpan(i, 1), m2.AsSpan(i, 1), v2.AsSpan(i, 1), x2.AsSpan(i, 1), step,
                                   1e-3, 0.9, 0.999, 1e-8, weightDecay, amsgrad, maximize, decoupled);
        }
        Assert.Equal(p2, p1);
        Assert.Equal(m2, m1);
        Assert.Equal(v2, v1);
        Assert.Equal(x2, x1);
    }
}
