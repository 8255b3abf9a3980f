using Xunit;
using Nabla.Learn.Mixture;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class MixtureTests
{
    private static Tensor Iris => LearnFile.MatrixTensor("iris.x");

    private static GaussianMixture FromFixedStart(CovarianceType type)
    {
        Tensor precisions = type switch
        {
            CovarianceType.Full => Tensor.Eye(4, dtype: DType.Float64).Unsqueeze(0).Expand(3, 4, 4).Contiguous(),
            CovarianceType.Diag => Tensor.Ones([3, 4], DType.Float64),
            _ => Tensor.Ones([3], DType.Float64),
        };
        return new GaussianMixture
        {
            NComponents = 3,
            CovarianceType = type,
            WeightsInit = Tensor.Full([3], 1.0 / 3, DType.Float64),
            MeansInit = Iris.IndexSelect(0, Tensor.FromArray(new long[] { 0, 50, 100 })),
            PrecisionsInit = precisions,
            RandomState = 0,
        };
    }

    // EM from the same start is deterministic; the iterations agree to round-off, which the EM map contracts
    // rather than amplifies near its fixed point, so 1e-9 relative holds.
    [Theory]
    [InlineData(CovarianceType.Full, "full")]
    [InlineData(CovarianceType.Diag, "diag")]
    [InlineData(CovarianceType.Spherical, "spherical")]
    public void Em_from_a_fixed_start_matches_sklearn_on_iris(CovarianceType type, string key)
    {
        var gmm = FromFixedStart(type).Fit(Iris);
        string path = $"gmm_iris.{key}";
        Assert.Equal((int)LearnFile.Scalar($"{path}.n_iter"), gmm.NIter);
        Assert.True(gmm.Converged);
        AssertClose("weights", LearnFile.Vector($"{path}.weights"), D(gmm.Weights), 1e-9, 1e-12);
        AssertClose("means", D(LearnFile.MatrixTensor($"{path}.means")), D(gmm.Means), 1e-9, 1e-12);
        AssertClose("covariances", LearnFile.Vector($"{path}.covariances"), D(gmm.Covariances), 1e-9, 1e-12);
        AssertClose("lower_bound", LearnFile.Scalar($"{path}.lower_bound"), gmm.LowerBound, 1e-9, 0);
        Tensor rows = Iris.IndexSelect(0, Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (long)(i * 15)).ToArray()));
        AssertClose("proba", LearnFile.MatrixTensor($"{path}.proba"), gmm.PredictProba(rows), 1e-9, 1e-12);
        AssertClose("score", LearnFile.Scalar($"{path}.score"), gmm.Score(Iris), 1e-9, 0);
        AssertClose("aic", LearnFile.Scalar($"{path}.aic"), gmm.Aic(Iris), 1e-9, 0);
        AssertClose("bic", LearnFile.Scalar($"{path}.bic"), gmm.Bic(Iris), 1e-9, 0);
        Assert.Equal(LearnFile.Get($"{path}.predict").EnumerateArray().Select(v => v.GetInt64()).ToArray(), gmm.Predict(Iris).ToArray<long>());
    }

    [Fact]
    public void Sampling_reproduces_the_fitted_moments()
    {
        var gmm = FromFixedStart(CovarianceType.Full).Fit(Iris);
        (Tensor xs, Tensor ys) = gmm.Sample(20000, seed: 5);
        Assert.Equal([20000, 4], xs.Shape);
        double[] x = D(xs), w = D(gmm.Weights), m = D(gmm.Means), cov = D(gmm.Covariances);
        long[] y = ys.ToArray<long>();
        for (int c = 0; c < 3; c++)
        {
            int[] idx = Enumerable.Range(0, 20000).Where(i => y[i] == c).ToArray();
            // Count ~ Binomial(20000, π_c): within 5 standard deviations; sample mean of a ~1e4-sample group within
            // 5σ/√n_c of μ_c (σ² ≤ 0.3 for every iris component, so 5σ/√n_c < 0.04 for n_c ≥ 4000).
            double sd = Math.Sqrt(20000 * w[c] * (1 - w[c]));
            Assert.InRange(idx.Length, 20000 * w[c] - 5 * sd, 20000 * w[c] + 5 * sd);
            for (int j = 0; j < 4; j++)
            {
                double mean = idx.Average(i => x[i * 4 + j]);
                Assert.InRange(mean, m[c * 4 + j] - 5 * Math.Sqrt(cov[c * 16 + j * 5] / idx.Length), m[c * 4 + j] + 5 * Math.Sqrt(cov[c * 16 + j * 5] / idx.Length));
            }
        }
        Assert.Equal(D(xs), D(gmm.Sample(20000, seed: 5).X));
    }

    [Fact]
    public void Kmeans_start_reaches_a_good_optimum_and_validates()
    {
        // Randomised start (Nabla's k-means): with 3 inits the mixture reaches at least the fixed-start optimum's
        // log-likelihood minus 1 % (iris's 3-component full GMM optima differ by more than that only for bad starts).
        var gmm = new GaussianMixture { NComponents = 3, NInit = 3, RandomState = 0 }.Fit(Iris);
        Assert.True(gmm.LowerBound > LearnFile.Scalar("gmm_iris.full.lower_bound") - 0.01 * Math.Abs(LearnFile.Scalar("gmm_iris.full.lower_bound")));
        Assert.Equal(1.0, D(gmm.Weights).Sum(), 12);
        Assert.Throws<ArgumentException>(() => new GaussianMixture { NComponents = 3, MeansInit = Tensor.Zeros(2, 4) }.Fit(Iris));
        Assert.Throws<ArgumentException>(() => new GaussianMixture { NComponents = 151 }.Fit(Iris));
    }
    [Fact]
    public void Single_em_starts_stop_at_different_local_maxima_and_n_init_keeps_the_best()
    {
        // EM only climbs: each start ends at the local maximum of the likelihood nearest to it. On iris with
        // 6 components, ten single starts end at visibly different heights; NInit = 10 from seed 0 runs the same
        // first start as NInit = 1 from seed 0 and keeps the best of its ten, so it can only end higher or equal.
        double[] bounds = Enumerable.Range(0, 10)
            .Select(seed => new GaussianMixture { NComponents = 6, RandomState = seed }.Fit(Iris).LowerBound).ToArray();
        Assert.True(bounds.Max() - bounds.Min() > 0.01, $"bounds {string.Join(", ", bounds)}");
        var best = new GaussianMixture { NComponents = 6, NInit = 10, RandomState = 0 }.Fit(Iris);
        var single = new GaussianMixture { NComponents = 6, NInit = 1, RandomState = 0 }.Fit(Iris);
        Assert.True(best.LowerBound >= single.LowerBound, $"NInit 10: {best.LowerBound}, NInit 1: {single.LowerBound}");
    }
}
