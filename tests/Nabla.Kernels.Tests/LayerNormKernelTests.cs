using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The register-blocked LayerNorm kernel against its row-by-row oracle, LayerNormReference.</summary>
public sealed class LayerNormKernelTests
{
    [Theory]
    [InlineData(37, 128, true, true)]
    [InlineData(5, 64, false, true)]
    [InlineData(9, 16, true, false)]
    [InlineData(3, 48, false, false)]
    [InlineData(4, 20, true, true)]     // not a multiple of the vector width: the reference path
    public void Vector_path_matches_the_reference(int rows, int d, bool affine, bool needDx)
    {
        var rng = new Random(rows * 100 + d);
        float[] R(int n, double scale, double shift) => Enumerable.Range(0, n).Select(_ => (float)(shift + scale * (rng.NextDouble() * 2 - 1))).ToArray();
        // Rows with a large common offset (μ ≈ 3) so that the centring matters.
        float[] x = R(rows * d, 2, 3), w = affine ? R(d, 1, 1) : [], b = affine ? R(d, 1, 0) : [], dy = R(rows * d, 1, 0);
        float[] y = new float[rows * d], y2 = new float[rows * d], mu = new float[rows], mu2 = new float[rows], rs = new float[rows], rs2 = new float[rows];
        LayerNorm.Forward<float>(x, w, b, y, mu, rs, rows, d, 1e-5f);
        LayerNormReference.Forward<float>(x, w, b, y2, mu2, rs2, rows, d, 1e-5f);
        // Both are float32 sums of d terms in different orders: |error| ≲ d·ulp relative to the row's scale.
        Close(y2, y, 2e-5);
        Close(mu2, mu, 2e-6);
        Close(rs2, rs, 2e-5);

        float[] dx = needDx ? new float[rows * d] : [], dx2 = needDx ? new float[rows * d] : [];
        float[] dw = affine ? new float[d] : [], dw2 = affine ? new float[d] : [], db = affine ? new float[d] : [], db2 = affine ? new float[d] : [];
        LayerNorm.Backward<float>(x, w, mu, rs, dy, dx, dw, db, rows, d, new float[2 * d]);
        LayerNormReference.Backward<float>(x, w, mu, rs, dy, dx2, dw2, db2, rows, d, new float[2 * d]);
        Close(dx2, dx, 5e-5);
        Close(dw2, dw, 5e-5);
        Close(db2, db, 5e-5);
    }

    [Fact]
    public void Short_spans_are_rejected()
        => Assert.Throws<ArgumentException>(() => LayerNorm.Forward<float>(new float[100], default, default, new float[128], new float[1], new float[1], 1, 128, 1e-5f));

    private static void Close(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}]: {actual[i]}, expected {expected[i]}");
    }
}
