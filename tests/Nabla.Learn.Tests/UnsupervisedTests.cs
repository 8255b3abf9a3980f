using Xunit;
using Nabla.Learn.Cluster;
using Nabla.Learn.Decomposition;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class UnsupervisedTests
{
    // PCA through the covariance's Jacobi eigen-decomposition vs scikit-learn's LAPACK SVD: both are backward stable
    // and iris's eigenvalues (4.2, 0.24, 0.078, 0.024) are well separated, so components agree to round-off × cond.
    private const double Rtol = 1e-9, Atol = 1e-10;

    [Fact]
    public void Pca_matches_sklearn_on_iris_with_whitening()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x");
        var pca = new Pca { NComponents = 2, Whiten = true };
        Assert.Same(pca, pca.Fit(x));
        AssertClose("components", LearnFile.MatrixTensor("pca_iris.components"), pca.Components, Rtol, Atol);
        AssertClose("explained_variance", LearnFile.Vector("pca_iris.explained_variance"), D(pca.ExplainedVariance), Rtol, Atol);
        AssertClose("ratio", LearnFile.Vector("pca_iris.explained_variance_ratio"), D(pca.ExplainedVarianceRatio), Rtol, Atol);
        AssertClose("singular", LearnFile.Vector("pca_iris.singular_values"), D(pca.SingularValues), Rtol, Atol);
        AssertClose("mean", LearnFile.Vector("pca_iris.mean"), D(pca.Mean), Rtol, Atol);
        AssertClose("noise_variance", LearnFile.Scalar("pca_iris.noise_variance"), pca.NoiseVariance, Rtol, Atol);
        Tensor head = x.Narrow(0, 0, 5);
        AssertClose("transform", LearnFile.MatrixTensor("pca_iris.transform"), pca.Transform(head), Rtol, Atol);
        AssertClose("inverse", LearnFile.MatrixTensor("pca_iris.inverse"), pca.InverseTransform(pca.Transform(head)), Rtol, Atol);
    }

    [Fact]
    public void Pca_variance_fraction_picks_sklearns_component_count()
    {
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x"));
        var pca = new Pca { VarianceFraction = 0.99 };
        pca.Fit(x);
        Assert.Equal((int)LearnFile.Scalar("pca_cancer_99.n_components"), pca.NComponentsFitted);
        AssertClose("ratio", LearnFile.Vector("pca_cancer_99.explained_variance_ratio"), D(pca.ExplainedVarianceRatio), 1e-8, 1e-12);
        // The trailing eigenvalues of the 30 × 30 covariance are small (down to ~1e-4 of the largest), so their vectors
        // are determined less sharply: 1e-6 covers round-off divided by the eigen-gaps.
        AssertClose("components", LearnFile.MatrixTensor("pca_cancer_99.components"), pca.Components, 1e-6, 1e-7);
        // All components: the projection is a rotation, so the inverse reproduces the data.
        var full = new Pca();
        full.Fit(x);
        Assert.Equal(30, full.NComponentsFitted);
        Assert.Equal(1.0, D(full.ExplainedVarianceRatio).Sum(), 12);
        AssertClose("round trip", D(x), D(full.InverseTransform(full.Transform(x))), 1e-9, 1e-9);
        Assert.Throws<ArgumentException>(() => new Pca { NComponents = 31 }.Fit(x));
        Assert.Throws<ArgumentException>(() => new Pca { VarianceFraction = 1.5 }.Fit(x));
    }

    [Fact]
    public void Pca_with_more_features_than_samples_keeps_min_n_f_components()
    {
        // 5 centred samples span at most 4 directions: a 5th component has zero variance (round-off), and the
        // orthonormal components still reconstruct the data exactly.
        var g = new Generator(seed: 3);
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 5 * 8).Select(_ => g.NextNormal()).ToArray(), 5, 8);
        var pca = new Pca().Fit(x);
        Assert.Equal(5, pca.NComponentsFitted);
        double[] ratio = D(pca.ExplainedVarianceRatio);
        Assert.Equal(1.0, ratio.Sum(), 12);
        Assert.True(ratio[4] < 1e-12);
        AssertClose("round trip", D(x), D(pca.InverseTransform(pca.Transform(x))), 1e-10, 1e-10);
        double[] v = D(pca.Components);
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
                Assert.Equal(a == b ? 1.0 : 0.0, Enumerable.Range(0, 8).Sum(j => v[a * 8 + j] * v[b * 8 + j]), 12);
    }

    [Fact]
    public void KMeans_from_fixed_centres_matches_sklearn()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x");
        Tensor init = x.IndexSelect(0, Tensor.FromArray(new long[] { 0, 50, 100 }));
        var km = new KMeans { NClusters = 3, InitialCenters = init };
        km.Fit(x);
        // Lloyd from the same start is deterministic: identical labels, centres equal up to summation order.
        AssertClose("centers", LearnFile.MatrixTensor("kmeans_iris.centers"), km.ClusterCenters, 1e-12, 1e-12);
        Assert.Equal(LearnFile.Get("kmeans_iris.labels").EnumerateArray().Select(v => v.GetInt64()).ToArray(), km.Labels.ToArray<long>());
        AssertClose("inertia", LearnFile.Scalar("kmeans_iris.inertia"), km.Inertia, 1e-12, 0);
        Assert.Equal((int)LearnFile.Scalar("kmeans_iris.n_iter"), km.NIter);
        Assert.Equal(km.Labels.ToArray<long>(), km.Predict(x).ToArray<long>());
        AssertClose("score", -km.Inertia, km.Score(x), 1e-12, 0);
        Assert.Equal([150, 3], km.Transform(x).Shape);
    }

    [Fact]
    public void KMeans_plus_plus_finds_sklearns_optimum_on_iris()
    {
        // Randomised seeding (Nabla's generator, not NumPy's): with 10 restarts both reach the best known 3-cluster
        // solution of iris (inertia 78.851); a 0.1 % margin would still reject the 78.94 local optimum.
        var km = new KMeans { NClusters = 3, RandomState = 0 };
        km.Fit(LearnFile.MatrixTensor("iris.x"));
        AssertClose("inertia", LearnFile.Scalar("kmeans_iris.plusplus_inertia"), km.Inertia, 1e-3, 0);
        var random = new KMeans { NClusters = 3, Init = KMeansInit.Random, RandomState = 1 };
        random.Fit(LearnFile.MatrixTensor("iris.x"));
        AssertClose("inertia (random init)", LearnFile.Scalar("kmeans_iris.plusplus_inertia"), random.Inertia, 1e-3, 0);
    }

    [Fact]
    public void KMeans_relocates_empty_clusters_and_validates()
    {
        // Two identical starting centres: the second cluster gets no samples and must take the farthest sample.
        Tensor x = Tensor.FromArray(new double[,] { { 0 }, { 0.1 }, { 10 }, { 10.1 } });
        var km = new KMeans { NClusters = 2, InitialCenters = Tensor.FromArray(new double[,] { { 0 }, { 0 } }) };
        km.Fit(x);
        Assert.Equal(0.01, km.Inertia, 12);
        Assert.Throws<ArgumentException>(() => new KMeans { NClusters = 5 }.Fit(x));
        Assert.Throws<ArgumentException>(() => new KMeans { NClusters = 2, InitialCenters = Tensor.Zeros(3, 1) }.Fit(x));
    }
}
