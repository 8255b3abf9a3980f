using Xunit;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class SagaTests
{
    // scikit-learn's SAGA run to tol 1e-12 gives the minimiser; Nabla's SAGA (its own sample order) to tol 1e-7 (L1) or 1e-9 lands
    // within ~1e-6 of it (relative weight change per epoch bounds the distance for this linearly converging method).
    [Theory]
    [InlineData("cancer_l1")]
    [InlineData("iris_elasticnet")]
    public void Saga_matches_sklearn(string name)
    {
        bool cancer = name == "cancer_l1";
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor(cancer ? "cancer.x" : "iris.x")), y = LearnFile.LabelTensor(cancer ? "cancer.y" : "iris.y");
        var m = new LogisticRegression
        {
            Solver = Solver.Saga, Penalty = cancer ? Penalty.L1 : Penalty.ElasticNet, C = cancer ? 0.1 : 0.5, L1Ratio = 0.5,
            Tol = cancer ? 1e-7 : 1e-9, MaxIter = 100000, RandomState = 0,
        }.Fit(x, y);
        AssertClose("coef", Golden.Extra.MatrixTensor($"saga.{name}.coef"), m.Coef, 1e-4, 2e-5);
        AssertClose("intercept", Golden.Extra.VectorTensor($"saga.{name}.intercept"), m.Intercept, 1e-4, 2e-5);
        AssertClose("proba", Golden.Extra.MatrixTensor($"saga.{name}.proba"), m.PredictProba(x.Narrow(0, 0, 5)), 1e-4, 1e-5);
        if (cancer)
        {
            // L1 zeroes exactly the weights scikit-learn zeroes.
            double[] expected = Golden.Extra.MatrixTensor("saga.cancer_l1.coef").ToArray<double>(), actual = D(m.Coef);
            Assert.Equal(expected.Select(v => v == 0), actual.Select(v => v == 0));
        }
    }

    [Fact]
    public void Saga_with_l2_reaches_the_lbfgs_minimiser_and_l1_needs_saga()
    {
        // Same objective up to the factor N: Σℓ + ‖W‖²/(2C) versus (1/N)Σℓ + ‖W‖²/(2CN).
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("iris.x")), y = LearnFile.LabelTensor("iris.y");
        var lbfgs = new LogisticRegression { C = 0.7, Tol = 1e-10, MaxIter = 10000 }.Fit(x, y);
        var saga = new LogisticRegression { Solver = Solver.Saga, C = 0.7, Tol = 1e-10, MaxIter = 100000, RandomState = 3 }.Fit(x, y);
        AssertClose("coef", lbfgs.Coef, saga.Coef, 1e-5, 1e-6);
        Assert.Throws<ArgumentException>(() => new LogisticRegression { Penalty = Penalty.L1 }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new SgdClassifier { Penalty = Penalty.L1 }.Fit(x, y));
    }
}
