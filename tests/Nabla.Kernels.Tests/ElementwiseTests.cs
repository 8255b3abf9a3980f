using System.Numerics;
using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>Every span (SIMD) form against its one-element-at-a-time loop, for every length 0..256 and for
/// slices that start one element in (misaligned), in float and double.</summary>
public sealed class ElementwiseTests
{
    private const int MaxLength = 256;

    private static T[] Data<T>(int n, int seed, double low, double high) where T : IFloatingPointIeee754<T>
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => T.CreateChecked(low + (high - low) * r.NextDouble())).ToArray();
    }

    // SIMD transcendental approximations may differ from the scalar library by a few ulps.
    private static void AssertUlps<T>(string op, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, int n) where T : IFloatingPointIeee754<T>
    {
        T tol = typeof(T) == typeof(float) ? T.CreateChecked(4e-7) : T.CreateChecked(1e-15);
        for (int i = 0; i < n; i++)
        {
            T e = expected[i], a = actual[i];
            bool ok = (T.IsNaN(e) && T.IsNaN(a)) || e == a || T.Abs(e - a) <= tol * T.Max(T.One, T.Abs(e));
            Assert.True(ok, $"{op}<{typeof(T).Name}> length {n}, element {i}: span {a}, scalar {e}");
        }
    }

    private static void CheckUnary<T, TOp>(double low, double high) where T : IFloatingPointIeee754<T> where TOp : IUnaryOperator<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach (int offset in new[] { 0, 1 })
            {
                T[] x = Data<T>(n + offset, n, low, high);
                var simd = new T[n + offset];
                var scalar = new T[n + offset];
                TOp.Invoke(x.AsSpan(offset), simd.AsSpan(offset));
                Elementwise.Loop<T, TOp>(x.AsSpan(offset), scalar.AsSpan(offset));
                AssertUlps(typeof(TOp).Name, scalar.AsSpan(offset), simd.AsSpan(offset), n);
            }
        }
    }

    private static void CheckBinary<T, TOp>(double low, double high) where T : IFloatingPointIeee754<T> where TOp : IBinaryOperator<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach (int offset in new[] { 0, 1 })
            {
                T[] x = Data<T>(n + offset, n, low, high), y = Data<T>(n + offset, n + 1000, low, high);
                T s = T.CreateChecked(0.75);
                var simd = new T[n + offset];
                var scalar = new T[n + offset];
                TOp.Invoke(x.AsSpan(offset), y.AsSpan(offset), simd.AsSpan(offset));
                Elementwise.Loop<T, TOp>(x.AsSpan(offset), y.AsSpan(offset), scalar.AsSpan(offset));
                AssertUlps(typeof(TOp).Name + " span-span", scalar.AsSpan(offset), simd.AsSpan(offset), n);
                TOp.Invoke(x.AsSpan(offset), s, simd.AsSpan(offset));
                Elementwise.Loop<T, TOp>(x.AsSpan(offset), s, scalar.AsSpan(offset));
                AssertUlps(typeof(TOp).Name + " span-scalar", scalar.AsSpan(offset), simd.AsSpan(offset), n);
                TOp.Invoke(s, y.AsSpan(offset), simd.AsSpan(offset));
                Elementwise.Loop<T, TOp>(s, y.AsSpan(offset), scalar.AsSpan(offset));
                AssertUlps(typeof(TOp).Name + " scalar-span", scalar.AsSpan(offset), simd.AsSpan(offset), n);
            }
        }
    }

    private static void Unary<TF, TD>(double low, double high)
        where TF : IUnaryOperator<float>
        where TD : IUnaryOperator<double>
    {
        CheckUnary<float, TF>(low, high);
        CheckUnary<double, TD>(low, high);
    }

    private static void Binary<TF, TD>(double low, double high)
        where TF : IBinaryOperator<float>
        where TD : IBinaryOperator<double>
    {
        CheckBinary<float, TF>(low, high);
        CheckBinary<double, TD>(low, high);
    }

    [Fact] public void Negate() => Unary<NegateOperator<float>, NegateOperator<double>>(-3, 3);
    [Fact] public void Abs() => Unary<AbsOperator<float>, AbsOperator<double>>(-3, 3);
    [Fact] public void Sign() => Unary<SignOperator<float>, SignOperator<double>>(-3, 3);
    [Fact] public void Exp() => Unary<ExpOperator<float>, ExpOperator<double>>(-20, 20);
    [Fact] public void Log() => Unary<LogOperator<float>, LogOperator<double>>(1e-3, 100);
    [Fact] public void Log1p() => Unary<Log1pOperator<float>, Log1pOperator<double>>(-0.9, 10);
    [Fact] public void Sqrt() => Unary<SqrtOperator<float>, SqrtOperator<double>>(0, 100);
    [Fact] public void Rsqrt() => Unary<RsqrtOperator<float>, RsqrtOperator<double>>(0.01, 100);
    [Fact] public void Sin() => Unary<SinOperator<float>, SinOperator<double>>(-10, 10);
    [Fact] public void Cos() => Unary<CosOperator<float>, CosOperator<double>>(-10, 10);
    [Fact] public void Sigmoid() => Unary<SigmoidOperator<float>, SigmoidOperator<double>>(-20, 20);
    [Fact] public void Tanh() => Unary<TanhOperator<float>, TanhOperator<double>>(-10, 10);
    [Fact] public void Relu() => Unary<ReluOperator<float>, ReluOperator<double>>(-3, 3);
    [Fact] public void Step() => Unary<StepOperator<float>, StepOperator<double>>(-3, 3);
    [Fact] public void Gelu() => Unary<GeluOperator<float>, GeluOperator<double>>(-6, 6);
    [Fact] public void GeluTanh() => Unary<GeluTanhOperator<float>, GeluTanhOperator<double>>(-6, 6);

    [Fact] public void Add() => Binary<AddOperator<float>, AddOperator<double>>(-3, 3);
    [Fact] public void Subtract() => Binary<SubtractOperator<float>, SubtractOperator<double>>(-3, 3);
    [Fact] public void Multiply() => Binary<MultiplyOperator<float>, MultiplyOperator<double>>(-3, 3);
    [Fact] public void Divide() => Binary<DivideOperator<float>, DivideOperator<double>>(0.5, 3);
    [Fact] public void Pow() => Binary<PowOperator<float>, PowOperator<double>>(0.1, 3);
    [Fact] public void Maximum() => Binary<MaximumOperator<float>, MaximumOperator<double>>(-3, 3);
    [Fact] public void Minimum() => Binary<MinimumOperator<float>, MinimumOperator<double>>(-3, 3);
    [Fact] public void ReluGradient() => Binary<ReluGradientOperator<float>, ReluGradientOperator<double>>(-3, 3);

    /// <summary>Lengths around the piece boundaries of <see cref="CacheChunks"/> (64 KB: 16,384 floats, 8,192
    /// doubles): every span form must give the same values as the scalar loop across the joins.</summary>
    [Theory]
    [InlineData(16383)]
    [InlineData(16384)]
    [InlineData(16385)]
    [InlineData(3 * 16384 + 17)]
    public void Long_spans_run_in_pieces_and_match_the_loop(int n)
    {
        foreach (int offset in new[] { 0, 1 })
        {
            float[] x = Data<float>(n + offset, 1, -3, 3), y = Data<float>(n + offset, 2, 0.5, 3);
            var simd = new float[n + offset];
            var scalar = new float[n + offset];
            AddOperator<float>.Invoke(x.AsSpan(offset), y.AsSpan(offset), simd.AsSpan(offset));
            Elementwise.Loop<float, AddOperator<float>>(x.AsSpan(offset), y.AsSpan(offset), scalar.AsSpan(offset));
            AssertUlps("Add pieces", scalar.AsSpan(offset), simd.AsSpan(offset), n);
            DivideOperator<float>.Invoke(2f, y.AsSpan(offset), simd.AsSpan(offset));
            Elementwise.Loop<float, DivideOperator<float>>(2f, y.AsSpan(offset), scalar.AsSpan(offset));
            AssertUlps("Divide scalar-span pieces", scalar.AsSpan(offset), simd.AsSpan(offset), n);
            SubtractOperator<float>.Invoke(x.AsSpan(offset), 0.25f, simd.AsSpan(offset));
            Elementwise.Loop<float, SubtractOperator<float>>(x.AsSpan(offset), 0.25f, scalar.AsSpan(offset));
            AssertUlps("Subtract span-scalar pieces", scalar.AsSpan(offset), simd.AsSpan(offset), n);
            ExpOperator<float>.Invoke(x.AsSpan(offset), simd.AsSpan(offset));
            Elementwise.Loop<float, ExpOperator<float>>(x.AsSpan(offset), scalar.AsSpan(offset));
            AssertUlps("Exp pieces", scalar.AsSpan(offset), simd.AsSpan(offset), n);

            double[] xd = Data<double>(n + offset, 3, -3, 3), zd = Data<double>(n + offset, 4, -3, 3);
            var d = new double[n + offset];
            Elementwise.MultiplyAdd<double>(xd.AsSpan(offset), -0.5, zd.AsSpan(offset), d.AsSpan(offset));
            for (int i = offset; i < n + offset; i++) Assert.Equal(xd[i] * -0.5 + zd[i], d[i], 1e-15);
        }
    }

    [Fact]
    public void Long_spans_of_different_lengths_still_throw()
    {
        // The pieces are cut only for consistent spans; a mismatch reaches TensorPrimitives whole and fails there.
        const int n = 5 * 16384;
        Assert.Throws<ArgumentException>(() => AddOperator<float>.Invoke(new float[n], new float[n - 1], new float[n]));
        Assert.Throws<ArgumentException>(() => ExpOperator<float>.Invoke(new float[n], new float[n - 1]));
        Assert.Throws<ArgumentException>(() => Elementwise.MultiplyAdd<float>(new float[n], 1f, new float[n + 1], new float[n]));
    }

    [Fact]
    public void Too_short_destination_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Elementwise.Loop<float, ExpOperator<float>>(new float[4], new float[3]));
        Assert.Contains("destination has 3 elements, 4 needed", e.Message);
        Assert.Throws<ArgumentException>(() => Elementwise.Loop<float, AddOperator<float>>(new float[4], new float[3], new float[4]));
    }

    [Fact]
    public void Reductions_match_naive_loops_for_every_length()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            double[] x = Data<double>(n + 1, n, -2, 2);
            ReadOnlySpan<double> s = x.AsSpan(1);
            var dst = new double[1];
            Reduce.Apply<double, SumReducer<double>>(s, 1, n, 1, dst);
            Assert.Equal(s.ToArray().Sum(), dst[0], 1e-12);
            if (n == 0) continue;
            Reduce.Apply<double, MaxReducer<double>>(s, 1, n, 1, dst);
            Assert.Equal(s.ToArray().Max(), dst[0]);
            Reduce.Apply<double, MinReducer<double>>(s, 1, n, 1, dst);
            Assert.Equal(s.ToArray().Min(), dst[0]);
        }
    }

    [Fact]
    public void Middle_axis_reduction_combines_rows()
    {
        // x (2, 3, 2) = 0..11: Σ over the middle axis = [[0+2+4, 1+3+5], [6+8+10, 7+9+11]].
        double[] x = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        var y = new double[4];
        Reduce.Apply<double, SumReducer<double>>(x, 2, 3, 2, y);
        Assert.Equal([6.0, 9, 24, 27], y);
        Reduce.Apply<double, ProductReducer<double>>(x, 2, 3, 2, y);
        Assert.Equal([0.0, 15, 480, 693], y);
    }

    [Fact]
    public void Summing_rows_in_registers_gives_the_bits_of_adding_them_one_at_a_time()
    {
        // The oracle adds row k into the running row for k = 1..r-1 in order, as the generic middle-axis path did;
        // float addition is not associative, so only the same order gives the same bits. Widths cover the 4-vector
        // block, the single-vector loop and the scalar tail (Vector<float>.Count = 8 or 16 here); inner = 1 sums each
        // row whole (TensorPrimitives.Sum), another order.
        foreach (int inner in new[] { 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 128 })
        {
            foreach (int r in new[] { 1, 2, 5, 37 })
            {
                const int outer = 2;
                float[] x = Data<float>(outer * r * inner, inner * 31 + r, -2, 2);
                var expected = new float[outer * inner];
                for (int o = 0; o < outer; o++)
                {
                    for (int i = 0; i < inner; i++)
                    {
                        float sum = x[o * r * inner + i];
                        for (int k = 1; k < r; k++) sum += x[(o * r + k) * inner + i];
                        expected[o * inner + i] = sum;
                    }
                }
                var y = new float[outer * inner];
                Reduce.Apply<float, SumReducer<float>>(x, outer, r, inner, y);
                Assert.Equal(expected, y);
                double[] xd = [.. x.Select(v => (double)v)];
                var yd = new double[outer * inner];
                Reduce.Apply<double, SumReducer<double>>(xd, outer, r, inner, yd);
                for (int j = 0; j < yd.Length; j++)
                {
                    double sum = xd[j / inner * r * inner + j % inner];
                    for (int k = 1; k < r; k++) sum += xd[(j / inner * r + k) * inner + j % inner];
                    Assert.Equal(sum, yd[j]);
                }
            }
        }
    }

    [Fact]
    public void ArgExtreme_takes_the_first_of_ties_and_NaN_as_maximum()
    {
        var idx = new long[2];
        Reduce.ArgExtreme<double>([1, 3, 3, 0, 2, double.NaN, 5, 1], 2, 4, max: true, idx);
        Assert.Equal([1L, 1], idx);
    }

    [Fact]
    public void Softmax_kernels_match_naive_formulas()
    {
        for (int n = 1; n <= 40; n++)
        {
            double[] x = Data<double>(3 * n, n, -30, 30);
            var y = new double[3 * n];
            var ly = new double[3 * n];
            Softmax.Forward<double>(x, y, 3, n);
            Softmax.LogForward<double>(x, ly, 3, n);
            for (int r = 0; r < 3; r++)
            {
                double[] row = x.Skip(r * n).Take(n).ToArray();
                double m = row.Max(), sum = row.Sum(v => Math.Exp(v - m));
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(Math.Exp(row[i] - m) / sum, y[r * n + i], 1e-14);
                    Assert.Equal(row[i] - m - Math.Log(sum), ly[r * n + i], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void Erf_matches_tabulated_values()
    {
        // Abramowitz and Stegun, Table 7.1 (and erf(−x) = −erf(x)); erfc(5) from the asymptotic tables.
        Assert.Equal(0.5204998778130465, SpecialFunctions.Erf(0.5), 1e-15);
        Assert.Equal(0.8427007929497149, SpecialFunctions.Erf(1.0), 1e-15);
        Assert.Equal(0.9953222650189527, SpecialFunctions.Erf(2.0), 1e-15);
        Assert.Equal(-0.9999992569016276, SpecialFunctions.Erf(-3.5), 1e-15);
        Assert.Equal(1.5374597944280349e-12, SpecialFunctions.Erfc(5.0), 1e-25);
        Assert.Equal(0.5, SpecialFunctions.NormalCdf(0.0), 1e-16);
    }

    [Fact]
    public void Threading_default_and_setter()
    {
        int before = Threading.NumThreads;
        Assert.True(before >= 1);
        Threading.NumThreads = 1;
        var seen = new int[8];
        Threading.For(8, i => seen[i] = i + 1);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => Threading.NumThreads = 0);
        Threading.NumThreads = before;
    }
}
