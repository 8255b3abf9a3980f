using System.Numerics;
using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>
/// Gemm against the naive GemmReference. Tolerances are relative to the magnitude of each element's terms:
/// |C - ref| &lt;= tol * (k + 2) * (|alpha| * sum_p |a_ip b_pj| + |beta c_ij|), the classic (k + 2)·u error bound of a
/// dot product with a small safety factor (tol = 1e-6 float, 1e-15 double; u = 6e-8 and 1.1e-16).
/// Runs sequentially: tests change Threading.NumThreads.
/// </summary>
[Collection(nameof(GemmTests))]
[CollectionDefinition(nameof(GemmTests), DisableParallelization = true)]
public class GemmTests
{
    /// <summary>Every path the tests can force; unsupported ones are skipped at run time.</summary>
    public static TheoryData<int> Paths => new() { 0, 1, 2, 3, 4 };

    private static readonly int[] Others = [1, 7, 33];

    private static GemmPath P(int path) => (GemmPath)path;

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllSizes1To67_VaryingM_AllTransposes(int path) => VaryDimension(P(path), 0);

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllSizes1To67_VaryingN_AllTransposes(int path) => VaryDimension(P(path), 1);

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllSizes1To67_VaryingK_AllTransposes(int path) => VaryDimension(P(path), 2);

    private static void VaryDimension(GemmPath path, int dim)
    {
        if (!Gemm.IsSupported(path))
        {
            return;
        }
        var rng = new Random(100 + dim);
        for (int v = 1; v <= 67; v++)
        {
            foreach (int o1 in Others)
            {
                foreach (int o2 in Others)
                {
                    int m = dim == 0 ? v : o1;
                    int n = dim == 1 ? v : dim == 0 ? o1 : o2;
                    int k = dim == 2 ? v : o2;
                    for (int t = 0; t < 4; t++)
                    {
                        CheckFloat(path, rng, t >= 2, (t & 1) == 1, m, n, k, 1f, 0f);
                    }
                }
            }
        }
    }

    /// <summary>KC, NC (B block columns at full depth) and MB of the packed driver that <paramref name="path"/> runs
    /// (AVX-512's for the others).</summary>
    private static (int KC, int NC, int MB) Blocks<T>(GemmPath path)
        where T : unmanaged, IFloatingPointIeee754<T> => path switch
    {
        GemmPath.Avx2 => (GemmDriver<T, Avx2Kernel<T>>.KC, GemmDriver<T, Avx2Kernel<T>>.NC,
            GemmDriver<T, Avx2Kernel<T>>.MB),
        GemmPath.Vector => (GemmDriver<T, VectorKernel<T>>.KC, GemmDriver<T, VectorKernel<T>>.NC,
            GemmDriver<T, VectorKernel<T>>.MB),
        _ => (GemmDriver<T, Avx512Kernel<T>>.KC, GemmDriver<T, Avx512Kernel<T>>.NC,
            GemmDriver<T, Avx512Kernel<T>>.MB),
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void CrossesCacheBlocks_Float(int path)
    {
        if (!Gemm.IsSupported(P(path)))
        {
            return;
        }
        var rng = new Random(7);
        (int kc, int nc, int mb) = Blocks<float>(P(path));
        // k > 2 KC, n > 2 NC (at full depth: NC shrinks to the L2 budget only when k >= KC), m > 2 MB in turn, each
        // with ragged edges, so beta is applied once and later k blocks accumulate.
        CheckFloat(P(path), rng, false, false, 37, 45, 2 * kc + 77, 1f, 0.5f);
        CheckFloat(P(path), rng, true, true, 29, 2 * nc + 33, kc + 19, -1.5f, 0f);
        CheckFloat(P(path), rng, true, false, 2 * mb + 41, 35, 9, 1f, 1f);
        CheckFloat(P(path), rng, false, true, 70, nc + 90, kc + 3, 0.25f, 2f);
    }

    /// <summary>
    /// The packed driver reads op(A) stored transposed and op(B) not transposed in place, packing only ragged edge
    /// panels. Reading in place changes only where the kernel's operands come from, so the result must equal, bit for
    /// bit, the one with every panel packed, and match the reference. Shapes: full and ragged MR / NR edges, two KC
    /// blocks (the second merged with beta = 1), more than MB rows, tiles entirely inside the edge (m &lt; MR,
    /// n &lt; NR), row strides larger than the stored width, strides of 4 KiB (1024 floats), which the driver
    /// packs instead of reading in place, and a small m with n over two column blocks (the A-resident nest).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void InPlacePanels_BitIdenticalToFullyPacked(int path)
    {
        GemmPath p = P(path);
        if (!Gemm.IsSupported(p) || p == GemmPath.Small)
        {
            return;
        }
        var rng = new Random(31);
        (int kc, int nc, int mb) = Blocks<float>(p);
        (int M, int N, int K, int Pad)[] shapes =
            [(2 * mb + 5, 3 * 32 + 7, kc + 37, 0), (64, 64, 40, 0), (5, 11, 70, 0), (41, 70, kc + 9, 3),
                (24, 24, 24, 1000), (21, 2 * nc + 45, kc + 13, 0)];
        // One thread: the whole product goes through one nest (with more, parts of C could each take another).
        WithThreads(1, () => InPlaceShapes(p, rng, shapes));
    }

    private static void InPlaceShapes(GemmPath p, Random rng, (int M, int N, int K, int Pad)[] shapes)
    {
        foreach ((int m, int n, int k, int pad) in shapes)
        {
            foreach ((float alpha, float beta) in new[] { (1f, 0f), (-1.5f, 0.5f), (0.5f, 1f) })
            {
                for (int t = 0; t < 4; t++)
                {
                    bool ta = t >= 2, tb = (t & 1) == 1;
                    int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad;
                    float[] a = Random(rng, (ta ? k : m) * lda), b = Random(rng, (tb ? n : k) * ldb);
                    float[] c0 = Random(rng, m * n);
                    float[] expected = (float[])c0.Clone(), inPlace = (float[])c0.Clone(), packed = (float[])c0.Clone();
                    GemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, n);
                    Run(p, () => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, inPlace, n));
                    Run(p, () =>
                    {
                        Gemm.PackAllPanels = true;
                        try
                        {
                            Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, packed, n);
                        }
                        finally
                        {
                            Gemm.PackAllPanels = false;
                        }
                    });
                    Assert.Equal(packed, inPlace);
                    AssertClose(expected, inPlace, Bound(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, n), 1e-6,
                        $"in place path={p} ta={ta} tb={tb} m={m} n={n} k={k} pad={pad}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Double_AllTransposes_AndBlocks(int path)
    {
        if (!Gemm.IsSupported(P(path)))
        {
            return;
        }
        var rng = new Random(11);
        int[] sizes = [1, 2, 5, 8, 13, 17, 31, 33, 64, 67];
        foreach (int s in sizes)
        {
            for (int t = 0; t < 4; t++)
            {
                CheckDouble(P(path), rng, t >= 2, (t & 1) == 1, s, 67 - s + 1, s + 3, 1.0, 0.0);
            }
        }
        (int kc, int nc, int mb) = Blocks<double>(P(path));
        CheckDouble(P(path), rng, false, true, 25, nc + 6, 2 * kc + 5, 0.5, -1.0);
        CheckDouble(P(path), rng, true, false, 2 * mb + 30, 20, 7, 2.0, 0.5);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void AlphaBeta_Cases(int path)
    {
        if (!Gemm.IsSupported(P(path)))
        {
            return;
        }
        var rng = new Random(3);
        foreach ((float alpha, float beta) in new[] { (1f, 0f), (1f, 1f), (1f, 0.5f), (-2f, 0.5f), (0.5f, -1f) })
        {
            for (int t = 0; t < 4; t++)
            {
                CheckFloat(P(path), rng, t >= 2, (t & 1) == 1, 19, 41, 23, alpha, beta);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BetaZero_IgnoresNaNInC(int path)
    {
        if (!Gemm.IsSupported(P(path)))
        {
            return;
        }
        var rng = new Random(5);
        int m = 30, n = 50, k = 20;
        float[] a = Random(rng, m * k), b = Random(rng, k * n);
        float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        float[] expected = new float[m * n];
        GemmReference.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
        Run(P(path), () => Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
        AssertClose(expected, c, Bound(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), 1e-6);
    }

    [Fact]
    public void AlphaZero_ScalesC_WithoutReadingAB()
    {
        float[] a = Enumerable.Repeat(float.NaN, 12).ToArray(), b = Enumerable.Repeat(float.NaN, 12).ToArray();
        float[] c = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        Gemm.Multiply(false, false, 3, 3, 4, 0f, a, 4, b, 3, 0.5f, c, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f }, c);
        float[] d = Enumerable.Repeat(float.NaN, 9).ToArray();
        Gemm.Multiply(false, false, 3, 3, 4, 0f, a, 4, b, 3, 0f, d, 3);
        Assert.All(d, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void KZero_IsBetaTimesC()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply(false, false, 2, 3, 0, 1f, [], 0, [], 3, 2f, c, 3);
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, c);
        double[] d = [double.NaN, 1, double.NaN, 4];
        Gemm.Multiply(true, true, 2, 2, 0, 1.0, [], 2, [], 0, 0.0, d, 2);
        Assert.Equal(new double[] { 0, 0, 0, 0 }, d);
    }

    [Fact]
    public void DegenerateShapes()
    {
        var rng = new Random(9);
        foreach (GemmPath path in AllSupported())
        {
            for (int t = 0; t < 4; t++)
            {
                CheckFloat(path, rng, t >= 2, (t & 1) == 1, 1, 300, 1, 1f, 0f);
                CheckFloat(path, rng, t >= 2, (t & 1) == 1, 1000, 1, 1000, 1f, 0.5f);
                CheckFloat(path, rng, t >= 2, (t & 1) == 1, 1, 1, 500, 1f, 0f);
                CheckFloat(path, rng, t >= 2, (t & 1) == 1, 300, 300, 1, 1f, 0f);
            }
        }
        // Empty C: nothing is touched, empty spans are fine.
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Multiply(false, false, 5, 0, 3, 1f, new float[15], 3, [], 0, 0f, [], 0);
    }

    [Fact]
    public void StridedInputs_AllPaths()
    {
        var rng = new Random(13);
        foreach (GemmPath path in AllSupported())
        {
            for (int t = 0; t < 4; t++)
            {
                bool ta = t >= 2, tb = (t & 1) == 1;
                int m = 37, n = 53, k = 29;
                int lda = (ta ? m : k) + 5, ldb = (tb ? k : n) + 3, ldc = n + 7;
                float[] a = Random(rng, (ta ? k : m) * lda);
                float[] b = Random(rng, (tb ? n : k) * ldb);
                float[] c0 = Random(rng, m * ldc);
                float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
                GemmReference.Multiply(ta, tb, m, n, k, 1.5f, a, lda, b, ldb, 0.5f, expected, ldc);
                Run(path, () => Gemm.Multiply(ta, tb, m, n, k, 1.5f, a, lda, b, ldb, 0.5f, actual, ldc));
                AssertClose(expected, actual, Bound(ta, tb, m, n, k, 1.5f, a, lda, b, ldb, 0.5f, c0, ldc), 1e-6);
                // The padding between rows of C is never written.
                for (int i = 0; i < m; i++)
                {
                    for (int j = n; j < ldc && i * ldc + j < c0.Length; j++)
                    {
                        Assert.Equal(c0[i * ldc + j], actual[i * ldc + j]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Batched_WithBroadcast_FloatAndDouble()
    {
        var rng = new Random(17);
        int m = 21, n = 34, k = 15, batch = 5;
        foreach (int threads in new[] { 1, 2 })
        {
            WithThreads(threads, () =>
            {
                // A broadcast (strideA 0), B and C strided with a gap between matrices.
                float[] a = Random(rng, m * k), b = Random(rng, batch * (k * n + 4));
                float[] c0 = Random(rng, batch * (m * n + 2));
                float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
                GemmReference.MultiplyBatched(false, false, m, n, k, 1f, a, k, 0, b, n, k * n + 4, 0.5f, expected, n,
                    m * n + 2, batch);
                Gemm.MultiplyBatched(false, false, m, n, k, 1f, a, k, 0, b, n, k * n + 4, 0.5f, actual, n,
                    m * n + 2, batch);
                AssertClose(expected, actual, MaxBound(expected, k), 1e-6);

                double[] ad = RandomD(rng, batch * k * m), bd = RandomD(rng, n * k);
                double[] ed = new double[batch * m * n], cd = new double[batch * m * n];
                GemmReference.MultiplyBatched(true, true, m, n, k, 1.0, ad, m, k * m, bd, k, 0, 0.0, ed, n, m * n,
                    batch);
                Gemm.MultiplyBatched(true, true, m, n, k, 1.0, ad, m, k * m, bd, k, 0, 0.0, cd, n, m * n, batch);
                AssertClose(ed, cd, MaxBound(ed, k), 1e-15);
            });
        }
    }

    [Fact]
    public void Batched_LargeProducts_Parallel()
    {
        var rng = new Random(19);
        int m = 130, n = 150, k = 100, batch = 3;
        float[] a = Random(rng, batch * m * k), b = Random(rng, n * k);
        float[] expected = new float[batch * m * n], actual = new float[batch * m * n];
        GemmReference.MultiplyBatched(false, true, m, n, k, 1f, a, k, m * k, b, k, 0, 0f, expected, n, m * n, batch);
        WithThreads(2, () => Gemm.MultiplyBatched(false, true, m, n, k, 1f, a, k, m * k, b, k, 0, 0f, actual, n,
            m * n, batch));
        AssertClose(expected, actual, MaxBound(expected, k), 1e-6);
    }

    [Fact]
    public void Parallel_MatchesReference_SplittingEitherDimension()
    {
        var rng = new Random(23);
        WithThreads(2, () =>
        {
            for (int t = 0; t < 4; t++)
            {
                CheckFloat(GemmPath.Auto, rng, t >= 2, (t & 1) == 1, 100, 333, 97, 1f, 0f);
                CheckFloat(GemmPath.Auto, rng, t >= 2, (t & 1) == 1, 333, 100, 97, 1f, 0.5f);
                CheckDouble(GemmPath.Auto, rng, t >= 2, (t & 1) == 1, 150, 121, 130, 1.0, 0.0);
            }
        });
    }

    [Fact]
    public void Deterministic_SameCallTwiceWithTwoThreads_AndAcrossThreadCounts()
    {
        var rng = new Random(29);
        // Shapes splitting n only, m only, both, a single row of tiles (8 x 1000), and the small path.
        foreach ((int m, int n, int k) in new[] { (257, 263, 700), (500, 131, 345), (8, 1000, 500), (64, 64, 64) })
        {
            float[] a = Random(rng, m * k), b = Random(rng, n * k);
            float[] c1 = new float[m * n], c2 = new float[m * n], c3 = new float[m * n], c4 = new float[m * n];
            WithThreads(2, () =>
            {
                Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c1, n);
                Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c2, n);
            });
            WithThreads(1, () => Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c3, n));
            WithThreads(3, () => Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c4, n));
            Assert.Equal(c1, c2);
            Assert.Equal(c1, c3);
            Assert.Equal(c1, c4);
        }
    }

    [Fact]
    public void InvalidArguments_Throw_WithSizesInMessage()
    {
        float[] small = new float[10], big = new float[100];
        var e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, false, 3, 4, 4, 1f, small, 4, big, 4, 0f, big, 4));
        Assert.Contains("a has 10 elements but op(A) 3x4 with lda 4 needs 12", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, false, -1, 4, 4, 1f, big, 4, big, 4, 0f, big, 4));
        Assert.Contains("m=-1", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, false, 3, 4, 5, 1f, big, 4, big, 4, 0f, big, 4));
        Assert.Contains("lda 4 is smaller than the stored row width 5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, true, 3, 4, 5, 1f, big, 5, small, 5, 0f, big, 4));
        Assert.Contains("b has 10 elements but op(B) 5x4 (stored transposed, 4x5) with ldb 5 needs 20", e.Message,
            StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, false, 3, 4, 5, 1f, big, 5, big, 4, 0f, small, 4));
        Assert.Contains("c has 10 elements but C 3x4 with ldc 4 needs 12", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.MultiplyBatched(false, false, 3, 3, 3, 1f, big, 3, 9, big, 3, 9, 0f, big, 3, 0, 2));
        Assert.Contains("strideC", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.MultiplyBatched(false, false, 3, 3, 3, 1f, big, 3, 50, big, 3, 9, 0f, big, 3, 9, 3));
        Assert.Contains("needs 109 for 3 matrices with stride 50", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyBatched(false, false, 3, 3, 3, 1f, big, 3,
            long.MaxValue / 2, big, 3, 9, 0f, big, 3, 9, 3));
        Assert.Contains("a has 100 elements", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(false, false, 3, 4, 4, 1f, big, -4, big, 4, 0f, big, 4));
        Assert.Contains("lda -4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(
            () => GemmReference.Multiply(false, false, 3, 4, 4, 1f, small, 4, big, 4, 0f, big, 4));
        Assert.Contains("needs 12", e.Message, StringComparison.Ordinal);
    }

    // ---- helpers ----

    private static IEnumerable<GemmPath> AllSupported() =>
        new[] { GemmPath.Auto, GemmPath.Small, GemmPath.Vector, GemmPath.Avx2, GemmPath.Avx512 }
            .Where(Gemm.IsSupported);

    private static void Run(GemmPath path, Action action)
    {
        GemmPath saved = Gemm.ForcedPath;
        Gemm.ForcedPath = path;
        try
        {
            action();
        }
        finally
        {
            Gemm.ForcedPath = saved;
        }
    }

    private static void WithThreads(int threads, Action action)
    {
        int saved = Threading.NumThreads;
        Threading.NumThreads = threads;
        try
        {
            action();
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }

    private static void CheckFloat(GemmPath path, Random rng, bool ta, bool tb, int m, int n, int k, float alpha,
        float beta)
    {
        int lda = ta ? m : k, ldb = tb ? k : n;
        float[] a = Random(rng, m * k), b = Random(rng, k * n), c0 = Random(rng, m * n);
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
        GemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, n);
        Run(path, () => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, actual, n));
        AssertClose(expected, actual, Bound(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, n), 1e-6,
            $"float path={path} ta={ta} tb={tb} m={m} n={n} k={k}");
    }

    private static void CheckDouble(GemmPath path, Random rng, bool ta, bool tb, int m, int n, int k, double alpha,
        double beta)
    {
        int lda = ta ? m : k, ldb = tb ? k : n;
        double[] a = RandomD(rng, m * k), b = RandomD(rng, k * n), c0 = RandomD(rng, m * n);
        double[] expected = (double[])c0.Clone(), actual = (double[])c0.Clone();
        GemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, n);
        Run(path, () => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, actual, n));
        AssertClose(expected, actual, Bound(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, n), 1e-15,
            $"double path={path} ta={ta} tb={tb} m={m} n={n} k={k}");
    }

    /// <summary>Per element (k + 2) * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|), computed in double.</summary>
    private static double[] Bound<T>(bool ta, bool tb, int m, int n, int k, T alpha, T[] a, int lda, T[] b, int ldb,
        T beta, T[] c, int ldc)
        where T : IFloatingPointIeee754<T>
    {
        var bound = new double[c.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateTruncating(ta ? a[p * lda + i] : a[i * lda + p]);
                    double y = double.CreateTruncating(tb ? b[j * ldb + p] : b[p * ldb + j]);
                    s += Math.Abs(x * y);
                }
                double old = beta == T.Zero ? 0 : Math.Abs(double.CreateTruncating(beta * c[i * ldc + j]));
                bound[i * ldc + j] = (k + 2) * (Math.Abs(double.CreateTruncating(alpha)) * s + old);
            }
        }
        return bound;
    }

    /// <summary>A uniform bound (k + 2) * (k / 4 + max|c| + 1) for inputs in [-1, 1) (|a b| &lt;= 1).</summary>
    private static double[] MaxBound<T>(T[] expected, int k)
        where T : IFloatingPointIeee754<T>
    {
        double max = expected.Max(x => Math.Abs(double.CreateTruncating(x)));
        return Enumerable.Repeat((k + 2) * (k + max + 1), expected.Length).ToArray();
    }

    private static void AssertClose<T>(T[] expected, T[] actual, double[] bound, double tol, string what = "")
        where T : IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), x = double.CreateTruncating(actual[i]);
            double allowed = tol * bound[i] + double.Epsilon;
            if (!(Math.Abs(e - x) <= allowed) && !(double.IsNaN(e) && double.IsNaN(x)))
            {
                Assert.Fail($"{what}: element {i} expected {e} got {x} (allowed error {allowed})");
            }
        }
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = (float)(2 * rng.NextDouble() - 1);
        }
        return x;
    }

    private static double[] RandomD(Random rng, int count)
    {
        var x = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = 2 * rng.NextDouble() - 1;
        }
        return x;
    }
}
