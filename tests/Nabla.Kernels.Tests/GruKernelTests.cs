using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The fused GRU kernel against its naive reference (<see cref="GruReference"/>: scalar loops, one sequence
/// and step at a time) in both precisions and every layout, and its independence of the thread count. The equations
/// themselves are checked against the composite ops in Nabla.Core.Tests (op catalog) and against PyTorch through
/// nn.GRU in Nabla.Nn.Tests (rnn.json goldens).</summary>
public sealed class GruKernelTests
{
    private static double[] Random(int n, int seed)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>Forward and backward of one implementation: y, hn, the saved gates and states, the gate gradients,
    /// dW_hh and dh0, concatenated.</summary>
    private static (T[] Forward, T[] Backward) Run<T>(bool reference, LstmShape shape, int[] lengths, bool withDy, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int rows = shape.Steps * shape.Batch, h = shape.Hidden, bh = shape.Batch * h;
        T[] C(double[] v) => [.. v.Select(T.CreateChecked)];
        T[] gates = C(Random(rows * 4 * h, seed)), whh = C(Random(3 * h * h, seed + 1)), h0 = C(Random(bh, seed + 2));
        T[] dy = withDy ? C(Random(rows * h, seed + 3)) : [], dhn = C(Random(bh, seed + 4));
        T[] y = new T[rows * h], hn = new T[bh], hp = new T[rows * h];
        T[] dg = new T[rows * 4 * h], dw = new T[3 * h * h], dh0 = new T[bh];
        if (reference)
        {
            GruReference.Forward<T>(shape, whh, h0, lengths, y, hn, gates, hp);
            GruReference.Backward<T>(shape, whh, lengths, gates, hp, dy, dhn, dg, dw, dh0);
        }
        else
        {
            GruKernel.Forward<T>(shape, whh, h0, lengths, y, hn, gates, hp);
            GruKernel.Backward<T>(shape, whh, lengths, gates, hp, dy, dhn, dg, dw, dh0);
        }
        return ([.. y, .. hn, .. gates, .. hp], [.. dg, .. dw, .. dh0]);
    }

    [Theory]
    [InlineData(4, 3, 5, false, false, false)]     // H = 5: every element in the scalar tail of the backward cell
    [InlineData(6, 16, 19, true, true, true)]      // B = 16 splits in two on two threads; H = 19 = vector body + tail
    [InlineData(3, 9, 32, false, true, true)]
    [InlineData(0, 4, 8, false, false, true)]      // no steps: hn = h0, dh0 = dhn, dW_hh = 0
    public void Kernel_matches_the_naive_reference(int steps, int batch, int hidden, bool batchFirst, bool reverse, bool withLengths)
    {
        var shape = new LstmShape(steps, batch, hidden, batchFirst, reverse);
        int[] lengths = withLengths ? [.. Enumerable.Range(0, batch).Select(b => b * 7 % (steps + 1))] : [];
        // float64: the two differ only in summation order and FMA contraction, ~1e-16 relative per operation, on sums
        // of ≤ 3H terms of size ≤ 1 through T steps: 1e-12 is far above that and far below any wrong term.
        (double[] f64, double[] b64) = Run<double>(false, shape, lengths, true, 1);
        (double[] rf64, double[] rb64) = Run<double>(true, shape, lengths, true, 1);
        AssertClose("float64 forward", rf64, f64, 1e-12);
        AssertClose("float64 backward", rb64, b64, 1e-12);
        // float32: the same with 2⁻²⁴ rounding, and dW_hh sums T·B products: 1e-4 covers ~100 ulps of values ≤ 10.
        (float[] f32, float[] b32) = Run<float>(false, shape, lengths, withLengths, 2);
        (float[] rf32, float[] rb32) = Run<float>(true, shape, lengths, withLengths, 2);
        AssertClose("float32 forward", [.. rf32.Select(v => (double)v)], [.. f32.Select(v => (double)v)], 1e-4);
        AssertClose("float32 backward", [.. rb32.Select(v => (double)v)], [.. b32.Select(v => (double)v)], 1e-4);
    }

    [Fact]
    public void Fused_gru_gives_the_same_bits_on_one_and_two_threads()
    {
        // B = 16 splits into two row ranges on two threads; every element must come out identical.
        var shape = new LstmShape(5, 16, 8, BatchFirst: true, Reverse: true);
        int[] lengths = [5, 3, 1, 0, 5, 2, 4, 5, 5, 5, 1, 2, 3, 4, 5, 5];
        (float[], float[]) On(int threads)
        {
            int saved = Threading.NumThreads;
            Threading.NumThreads = threads;
            try
            {
                return Run<float>(false, shape, lengths, true, 3);
            }
            finally
            {
                Threading.NumThreads = saved;
            }
        }
        (float[] f1, float[] b1) = On(1);
        (float[] f2, float[] b2) = On(2);
        Assert.Equal(f1, f2);
        Assert.Equal(b1, b2);
    }

    private static void AssertClose(string what, double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]:G17} vs {expected[i]:G17}");
    }
}
