using Xunit;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class GlmTests
{
    // Both sides minimise the same strictly convex objective to tight tolerances (Nabla: max|∇| ≤ 1e-10), so
    // coefficients agree to ~1e-6 relative (the L-BFGS stopping points, not the optimum, differ).
    [Theory]
    [InlineData("normal_identity", Family.Normal, Link.Auto, "y")]
    [InlineData("normal_log", Family.Normal, Link.Log, "positive")]
    [InlineData("poisson_log", Family.Poisson, Link.Auto, "counts")]
    public void Tweedie_glms_match_sklearn(string name, Family family, Link link, string target)
    {
        Tensor x = LearnFile.MatrixTensor("reg.x");
        Tensor y = target == "y" ? LearnFile.VectorTensor("reg.y") : Golden.Extra.VectorTensor($"glm.{target}");
        var m = new GeneralizedLinearRegressor { Family = family, Link = link, Alpha = 0.3, Tol = 1e-10, MaxIter = 10000 }.Fit(x, y);
        string p = $"glm.{name}";
        AssertClose("coef", Golden.Extra.Vector($"{p}.coef"), D(m.Coef), 1e-6, 1e-7);
        AssertClose("intercept", Golden.Extra.Scalar($"{p}.intercept"), m.Intercept, 1e-6, 1e-7);
        AssertClose("predict", Golden.Extra.Vector($"{p}.predict"), D(m.Predict(x.Narrow(0, 0, 5))), 1e-6, 1e-7);
        AssertClose("D²", Golden.Extra.Scalar($"{p}.score"), m.Score(x, y), 1e-7, 1e-8);
    }

    [Fact]
    public void Bernoulli_logit_is_logistic_regression_with_c_one_over_alpha_n()
    {
        Tensor xs = new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x"));
        Tensor y = LearnFile.LabelTensor("cancer.y").To(DType.Float64);
        double alpha = Golden.Extra.Scalar("glm.bernoulli_logit.alpha");
        var m = new GeneralizedLinearRegressor { Family = Family.Bernoulli, Alpha = alpha, Tol = 1e-10, MaxIter = 10000 }.Fit(xs, y);
        AssertClose("coef", Golden.Extra.Vector("glm.bernoulli_logit.coef"), D(m.Coef), 1e-5, 1e-6);
        AssertClose("intercept", Golden.Extra.Scalar("glm.bernoulli_logit.intercept"), m.Intercept, 1e-5, 1e-6);
        AssertClose("proba", Golden.Extra.Vector("glm.bernoulli_logit.proba"), D(m.Predict(xs.Narrow(0, 0, 5))), 1e-6, 1e-7);
    }

    [Fact]
    public void Normal_identity_without_penalty_is_least_squares_and_bad_input_throws()
    {
        // α = 0, Normal/identity: the normal equations' solution, i.e. LinearRegression's.
        Tensor x = LearnFile.MatrixTensor("reg.x"), y = LearnFile.VectorTensor("reg.y");
        var glm = new GeneralizedLinearRegressor { Alpha = 0, Tol = 1e-10, MaxIter = 10000 }.Fit(x, y);
        var ols = new LinearRegression().Fit(x, y);
        AssertClose("coef", D(ols.Coef), D(glm.Coef), 1e-7, 1e-8);
        Assert.Throws<ArgumentException>(() => new GeneralizedLinearRegressor { Family = Family.Poisson, Link = Link.Identity }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new GeneralizedLinearRegressor { Family = Family.Poisson }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new GeneralizedLinearRegressor { Family = Family.Bernoulli }.Fit(x, y));
    }
}
