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
