using Xunit;
using Nabla.Kernels;
using Nabla.Learn.Ensemble;
using Nabla.Learn.Tree;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

/// <summary>The optimised paths of the estimators against their naive oracles: the skinny products against
/// <see cref="GemmReference"/>, the radix ranking against a comparison sort, weighted (bootstrap) rows against
/// repeated rows.</summary>
public class SpeedPathTests
{
    private static double[] Random(int count, ulong seed)
    {
        var g = new Generator((long)seed);
        return Enumerable.Range(0, count).Select(_ => g.NextDouble() * 2 - 1).ToArray();
    }

    [Theory]
    [InlineData(37, 13, 1, 1)]
    [InlineData(37, 13, 10, 1)]
    [InlineData(300, 459, 10, 2)]
    [InlineData(5, 3, 7, 2)]
    public void Skinny_products_match_the_reference_gemm(int n, int f, int k, int threads)
    {
        int saved = Threading.NumThreads;
        Threading.NumThreads = threads;
        try
        {
            double[] x = Random(n * f, 1), w = Random(k * f, 2), r = Random(n * k, 3);
            var z = new double[n * k];
            var expected = new double[n * k];
            Skinny.XWt(x, n, f, w, k, z);
            GemmReference.Multiply(false, true, n, k, f, 1.0, x, f, w, f, 0.0, expected, k);
            AssertClose("X Wᵀ", expected, z, 1e-12, 1e-12);
            // accumulate: Z += X Wᵀ doubles it.
            Skinny.XWt(x, n, f, w, k, z, accumulate: true);
            AssertClose("X Wᵀ accumulated", expected.Select(v => 2 * v).ToArray(), z, 1e-12, 1e-12);
            var g = new double[k * f];
            var expectedG = new double[k * f];
            Skinny.RtX(r, n, k, x, f, g, alpha: 0.5);
            GemmReference.Multiply(true, false, k, f, n, 0.5, r, k, x, f, 0.0, expectedG, f);
            AssertClose("Rᵀ X", expectedG, g, 1e-12, 1e-12);
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }

    [Theory]
    [InlineData(37, 13, 1, 1, false)]
    [InlineData(37, 13, 1, 1, true)]
    [InlineData(70, 35, 10, 1, false)]
    [InlineData(70, 35, 10, 1, true)]
    [InlineData(131, 48, 3, 2, true)]
    [InlineData(131, 48, 7, 2, false)]
    [InlineData(3, 5, 10, 2, true)]
    public void Fused_pass_matches_the_two_products_it_fuses(int n, int f, int k, int threads, bool wide)
    {
        // Oracle: Z = X Wᵀ and G = Rᵀ X by GemmReference, with R = the block callback applied to Z (here R = Z² + row index,
        // which needs every row's scores and its absolute index) and the loss = Σ of the callback's per-block sums.
        // Shapes cover row counts not a multiple of 4 or of the 64-row block, f not a multiple of 8 or 16, k padded to 4 or
        // 5, float and double X, and both the 256- and 512-bit kernels.
        if (wide && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) return;
        int saved = Threading.NumThreads;
        bool savedWide = FusedPass.UseVector512;
        Threading.NumThreads = threads;
        FusedPass.UseVector512 = wide;
        try
        {
            double[] x = Random(n * f, 4), w = Random(k * f, 5);
            float[] xf = x.Select(v => (float)v).ToArray();
            double[] xAsFloat = xf.Select(v => (double)v).ToArray();
            foreach ((Array data, double[] exact) in new (Array, double[])[] { (x, x), (xf, xAsFloat) })
            {
                var z = new double[n * k];
                GemmReference.Multiply(false, true, n, k, f, 1.0, exact, f, w, f, 0.0, z, k);
                var r = new double[n * k];
                double expectedLoss = 0;
                var expectedSum = new double[k];
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < k; c++)
                    {
                        r[i * k + c] = z[i * k + c] * z[i * k + c] + i;
                        expectedLoss += z[i * k + c];
                        expectedSum[c] += r[i * k + c];
                    }
                var expectedG = new double[k * f];
                GemmReference.Multiply(true, false, k, f, n, 1.0, r, k, exact, f, 0.0, expectedG, f);
                FusedPass.BlockLoss block = (zb, ldz, start, count) =>
                {
                    double sum = 0;
                    for (int i = 0; i < count; i++)
                        for (int c = 0; c < k; c++)
                        {
                            sum += zb[i * ldz + c];
                            zb[i * ldz + c] = zb[i * ldz + c] * zb[i * ldz + c] + start + i;
                        }
                    return sum;
                };
                var g = new double[k * f];
                var rSum = new double[k];
                double loss = data is float[] single
                    ? FusedPass.Run(single, n, f, w, k, block, g, rSum)
                    : FusedPass.Run((double[])data, n, f, w, k, block, g, rSum);
                string what = $"{data.GetType().Name} n={n} f={f} k={k} wide={wide}";
                AssertClose($"loss {what}", expectedLoss, loss, 1e-12, 1e-12);
                AssertClose($"Rᵀ X {what}", expectedG, g, 1e-12, 1e-10);
                AssertClose($"Σ R {what}", expectedSum, rSum, 1e-12, 1e-10);
            }
        }
        finally
        {
            Threading.NumThreads = saved;
            FusedPass.UseVector512 = savedWide;
        }
    }

    [Fact]
    public void Ranks_are_dense_and_ordered_for_float_and_double_columns()
    {
        // Column 0 holds float32 values (radix path) with −0 and +0 (one value), negatives and repeats; column 1 a
        // value that is not a float32 (comparison-sort path). Ranks: column 0 sorted distinct = [−2.5, −1, 0, 3].
        double[] x = [3, 0.1, -1, 0.1, -0.0, 0.2, 0, 0.1, -2.5, 0.3, 3, 0.1];
        var bins = new BinnedFeatures(x, 6, 2);
        Assert.Equal([-2.5, -1, 0, 3], bins.Values[0]);
        Assert.Equal([3, 1, 2, 2, 0, 3], bins.Codes[..6]);
        Assert.Equal([0.1, 0.2, 0.3], bins.Values[1]);
        Assert.Equal([0, 0, 1, 0, 2, 0], bins.Codes[6..]);
        Assert.Equal(4, bins.MaxBins);
    }

    [Fact]
    public void Weighted_rows_grow_the_same_tree_as_repeated_rows()
    {
        // A bootstrap sample given as multiplicities must equal the tree grown on the physically repeated rows.
        Tensor x = LearnFile.MatrixTensor("iris.x"), y = LearnFile.LabelTensor("iris.y");
        var g = new Generator(3);
        long[] draw = Enumerable.Range(0, 150).Select(_ => (long)g.NextBounded(150)).Order().ToArray();
        Tensor rows = Tensor.FromArray(draw);
        var repeated = new DecisionTreeClassifier().Fit(x.IndexSelect(0, rows), y.IndexSelect(0, rows));
        double[] d = x.To(DType.Float64).ToArray<double>().Select(v => (double)(float)v).ToArray();
        var weighted = new DecisionTreeClassifier();
        weighted.Grow(d, draw.Select(i => (int)i).ToArray(), 4, y.ToArray<long>().Select(v => (int)v).ToArray(), new double[150], 3, Criterion.Gini, 4, null);
        Assert.Equal(repeated.NodeCount, weighted.NodeCount);
        Assert.Equal(D(repeated.FeatureImportances), weighted.RawImportances);
    }

    [Fact]
    public void Forest_with_njobs_is_reproducible_across_thread_counts()
    {
        Tensor x = LearnFile.MatrixTensor("cancer.x"), y = LearnFile.LabelTensor("cancer.y");
        var one = new RandomForestClassifier { NEstimators = 8, RandomState = 2, NJobs = 1 }.Fit(x, y);
        var two = new RandomForestClassifier { NEstimators = 8, RandomState = 2, NJobs = 2 }.Fit(x, y);
        Assert.Equal(D(one.PredictProba(x)), D(two.PredictProba(x)));
        Assert.Throws<ArgumentException>(() => new RandomForestClassifier { NJobs = 0 }.Fit(x, y));
    }
}
