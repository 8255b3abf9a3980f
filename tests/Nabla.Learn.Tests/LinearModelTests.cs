using Xunit;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class LinearModelTests
{
    // Closed forms (QR, Cholesky) in double on a well-conditioned 60 × 5 problem: round-off only.
    private const double ClosedRtol = 1e-8, ClosedAtol = 1e-10;

    // Iterative solvers: both sides minimise the same strictly convex objective to tol 1e-10..1e-12 (for logistic
    // regression the golden is scikit-learn's lbfgs result polished to max|∇| < 1e-7), so they agree on the unique
    // minimiser up to the remaining optimisation error; 1e-5 relative leaves room for it.
    private const double IterRtol = 1e-5, IterAtol = 1e-6;

    private static Tensor Xr => LearnFile.MatrixTensor("reg.x");
    private static Tensor Yr => LearnFile.VectorTensor("reg.y");

    [Fact]
    public void LinearRegression_matches_sklearn()
    {
        var model = new LinearRegression();
        model.Fit(Xr, Yr);
        AssertClose("coef", LearnFile.Vector("linear_regression.coef"), D(model.Coef), ClosedRtol, ClosedAtol);
        AssertClose("intercept", LearnFile.Scalar("linear_regression.intercept"), model.Intercept, ClosedRtol, ClosedAtol);
        AssertClose("predict", LearnFile.Vector("linear_regression.predict"), D(model.Predict(Xr.Narrow(0, 0, 5))), ClosedRtol, ClosedAtol);
        AssertClose("score", LearnFile.Scalar("linear_regression.score"), model.Score(Xr, Yr), ClosedRtol, 0);
        var raw = new LinearRegression { FitIntercept = false };
        raw.Fit(Xr, Yr);
        AssertClose("coef (no intercept)", LearnFile.Vector("linear_regression_no_intercept.coef"), D(raw.Coef), ClosedRtol, ClosedAtol);
        Assert.Equal(0.0, raw.Intercept);
    }

    [Fact]
    public void LinearRegression_rejects_rank_deficient_x()
    {
        Tensor x = Tensor.FromArray(new double[,] { { 1, 2 }, { 2, 4 }, { 3, 6 } });
        var e = Assert.Throws<ArgumentException>(() => new LinearRegression().Fit(x, Tensor.FromArray(new[] { 1.0, 2, 3 })));
        Assert.Contains("rank deficient", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ridge_matches_sklearn()
    {
        var model = new Ridge { Alpha = LearnFile.Scalar("ridge.alpha") };
        model.Fit(Xr, Yr);
        AssertClose("coef", LearnFile.Vector("ridge.coef"), D(model.Coef), ClosedRtol, ClosedAtol);
        AssertClose("intercept", LearnFile.Scalar("ridge.intercept"), model.Intercept, ClosedRtol, ClosedAtol);
        AssertClose("predict", LearnFile.Vector("ridge.predict"), D(model.Predict(Xr.Narrow(0, 0, 5))), ClosedRtol, ClosedAtol);
        var raw = new Ridge { Alpha = 2.5, FitIntercept = false };
        raw.Fit(Xr, Yr);
        AssertClose("coef (no intercept)", LearnFile.Vector("ridge_no_intercept.coef"), D(raw.Coef), ClosedRtol, ClosedAtol);
    }

    [Fact]
    public void Fit_returns_the_concrete_type_for_fluent_use()
    {
        // Covariant overrides of Estimator.Fit: no cast between Fit and Predict.
        Tensor p = new Ridge { Alpha = 2.5 }.Fit(Xr, Yr).Predict(Xr.Narrow(0, 0, 5));
        AssertClose("predict", LearnFile.Vector("ridge.predict"), D(p), ClosedRtol, ClosedAtol);
        Tensor z = new Pipeline(("scale", new StandardScaler()), ("ridge", new Ridge())).Fit(Xr, Yr).Predict(Xr);
        Assert.Equal(60, z.Size(0));
    }

    [Fact]
    public void Ridge_with_zero_alpha_is_least_squares()
    {
        var ridge = new Ridge { Alpha = 0 };
        ridge.Fit(Xr, Yr);
        AssertClose("coef", LearnFile.Vector("linear_regression.coef"), D(ridge.Coef), 1e-8, 1e-10);
    }

    [Fact]
    public void Lasso_matches_sklearn_and_zeroes_coefficients()
    {
        var model = new Lasso { Alpha = LearnFile.Scalar("lasso.alpha"), Tol = 1e-12, MaxIter = 100000 };
        model.Fit(Xr, Yr);
        AssertClose("coef", LearnFile.Vector("lasso.coef"), D(model.Coef), IterRtol, IterAtol);
        AssertClose("intercept", LearnFile.Scalar("lasso.intercept"), model.Intercept, IterRtol, IterAtol);
        AssertClose("predict", LearnFile.Vector("lasso.predict"), D(model.Predict(Xr.Narrow(0, 0, 5))), IterRtol, IterAtol);
        Assert.True(model.NIter < 100000);
        // α above max_j |x_jᵀ(y − ȳ)|/N leaves only the intercept: every coefficient is exactly zero.
        var strong = new Lasso { Alpha = 100 };
        strong.Fit(Xr, Yr);
        Assert.All(D(strong.Coef), c => Assert.Equal(0.0, c));
        Assert.Equal(D(Yr).Average(), strong.Intercept, 12);
    }

    [Fact]
    public void LogisticRegression_binary_matches_sklearn_on_breast_cancer()
    {
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x"));
        Tensor y = LearnFile.LabelTensor("cancer.y");
        var model = new LogisticRegression { C = LearnFile.Scalar("logistic_binary.C"), Tol = 1e-10, MaxIter = 10000 };
        model.Fit(x, y);
        Assert.Equal([1, 30], model.Coef.Shape);
        AssertClose("coef", LearnFile.MatrixTensor("logistic_binary.coef"), model.Coef, IterRtol, IterAtol);
        // scikit-learn's own lbfgs stops ~1e-4 short of the minimiser (its ftol test), hence the looser bound.
        AssertClose("sklearn coef", LearnFile.MatrixTensor("logistic_binary.sklearn_coef"), model.Coef, 1e-3, 1e-3);
        AssertClose("intercept", LearnFile.Vector("logistic_binary.intercept"), D(model.Intercept), IterRtol, IterAtol);
        Tensor head = x.Narrow(0, 0, 10);
        AssertClose("proba", LearnFile.MatrixTensor("logistic_binary.proba"), model.PredictProba(head), IterRtol, IterAtol);
        AssertClose("decision", LearnFile.Vector("logistic_binary.decision"), D(model.DecisionFunction(head)), IterRtol, IterAtol);
        Assert.Equal(LearnFile.Scalar("logistic_binary.score"), model.Score(x, y));
        Assert.Equal(DType.Int64, model.Predict(head).DType);
        Assert.Equal([0L, 1], model.Classes.ToArray<long>());
    }

    [Fact]
    public void LogisticRegression_multinomial_matches_sklearn_on_iris()
    {
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("iris.x"));
        Tensor y = LearnFile.LabelTensor("iris.y");
        var model = new LogisticRegression { Tol = 1e-10, MaxIter = 10000 };
        model.Fit(x, y);
        Assert.Equal([3, 4], model.Coef.Shape);
        AssertClose("coef", LearnFile.MatrixTensor("logistic_multinomial.coef"), model.Coef, IterRtol, IterAtol);
        AssertClose("sklearn coef", LearnFile.MatrixTensor("logistic_multinomial.sklearn_coef"), model.Coef, 1e-3, 1e-3);
        AssertClose("intercept", LearnFile.Vector("logistic_multinomial.intercept"), D(model.Intercept), IterRtol, IterAtol);
        int[] every15 = Enumerable.Range(0, 10).Select(i => i * 15).ToArray();
        Tensor rows = x.IndexSelect(0, Tensor.FromArray(every15.Select(i => (long)i).ToArray()));
        AssertClose("proba", LearnFile.MatrixTensor("logistic_multinomial.proba"), model.PredictProba(rows), IterRtol, IterAtol);
        Assert.Equal(LearnFile.Get("logistic_multinomial.predict").EnumerateArray().Select(v => v.GetInt64()).ToArray(), model.Predict(x).ToArray<long>());
    }

    [Fact]
    public void LogisticRegression_without_penalty_separates_and_keeps_label_values()
    {
        // Labels −1/+1 as float: the classes keep their values and dtype.
        Tensor x = Tensor.FromArray(new double[,] { { -2 }, { -1 }, { -0.5 }, { 0.5 }, { 1 }, { 2 } });
        Tensor y = Tensor.FromArray(new[] { -1.0, -1, 1, -1, 1, 1 });
        var model = new LogisticRegression { Penalty = Penalty.None };
        model.Fit(x, y);
        Assert.Equal([-1.0, 1], D(model.Classes));
        Assert.Equal(DType.Float64, model.Predict(x).DType);
        // Unpenalised maximum likelihood: at the optimum Σ (σ(z_i) − y_i) x_i = 0 and Σ (σ(z_i) − y_i) = 0 up to Tol.
        double[] p = D(model.PredictProba(x));
        double[] t = [0, 0, 1, 0, 1, 1], xs = [-2, -1, -0.5, 0.5, 1, 2];
        Assert.True(Math.Abs(xs.Select((v, i) => (p[2 * i + 1] - t[i]) * v).Sum()) < 1e-4);
        Assert.True(Math.Abs(t.Select((v, i) => p[2 * i + 1] - v).Sum()) < 1e-4);
    }

    [Theory]
    [InlineData("iris.x", "iris.y")]
    [InlineData("cancer.x", "cancer.y")]
    public void LogisticRegression_on_float32_samples_equals_the_fit_on_their_double_values(string xPath, string yPath)
    {
        // A float32 X is read as float and every product computed in double (float → double is exact), in the same order
        // as for double input: the fits on X32 and on X32 converted to double are bit-identical.
        Tensor x32 = new StandardScaler().FitTransform(LearnFile.MatrixTensor(xPath)).To(DType.Float32);
        Tensor y = LearnFile.LabelTensor(yPath);
        var single = new LogisticRegression { MaxIter = 50 }.Fit(x32, y);
        var twin = new LogisticRegression { MaxIter = 50 }.Fit(x32.To(DType.Float64), y);
        Assert.Equal(D(twin.Coef), D(single.Coef));
        Assert.Equal(D(twin.Intercept), D(single.Intercept));
        Assert.Equal(twin.NIter, single.NIter);
    }

    [Fact]
    public void LogisticRegression_rejects_non_finite_float32_samples()
    {
        Tensor x = Tensor.FromArray(new float[,] { { 0, 1 }, { 1, float.NaN }, { 2, 0 } });
        var e = Assert.Throws<ArgumentException>(() => new LogisticRegression().Fit(x, Tensor.FromArray(new[] { 0L, 1, 0 })));
        Assert.Contains("LogisticRegression.Fit: x contains NaN at [1, 1]", e.Message);
    }

    [Fact]
    public void LogisticRegression_needs_two_classes_and_valid_hyper_parameters()
    {
        Assert.Throws<ArgumentException>(() => new LogisticRegression().Fit(Tensor.Ones(3, 2), Tensor.Zeros(3)));
        Assert.Throws<ArgumentException>(() => new LogisticRegression { C = 0 }.Fit(Tensor.Ones(2, 2), Tensor.FromArray(new[] { 0.0, 1 })));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("multiclass")]
    public void Perceptron_without_shuffling_reproduces_sklearn(string problem)
    {
        (Tensor x, Tensor y) = problem == "binary"
            ? (new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x")), LearnFile.LabelTensor("cancer.y"))
            : (new StandardScaler().FitTransform(LearnFile.MatrixTensor("iris.x")), LearnFile.LabelTensor("iris.y"));
        var model = new Perceptron { Shuffle = false };
        model.Fit(x, y);
        // Same sample order and unit steps: the weights are the same sums of ±x; only the standardisation's
        // round-off (1e-15) can differ.
        AssertClose("coef", LearnFile.MatrixTensor($"perceptron.{problem}.coef"), model.Coef, 1e-9, 1e-9);
        AssertClose("intercept", LearnFile.Vector($"perceptron.{problem}.intercept"), D(model.Intercept), 1e-9, 1e-9);
        Assert.Equal((int)LearnFile.Scalar($"perceptron.{problem}.n_iter"), model.NIter);
        Assert.Equal(LearnFile.Get($"perceptron.{problem}.predict").EnumerateArray().Select(v => v.GetInt64()).ToArray(), model.Predict(x).ToArray<long>());
    }

    // Unshuffled SGD repeats scikit-learn's operations in order, with w kept as a scaled vector like its WeightVector.
    // That matters: the smooth losses on breast cancer (569 samples × ~20 epochs) amplify round-off, and storing w
    // plainly instead moves the coefficients by up to 1e-3 relative (checked by replaying the update rule in NumPy).
    // With the same representation only the dot products' summation order differs, and 1e-8 holds.
    [Theory]
    [InlineData(SgdLoss.Hinge, "hinge", "binary")]
    [InlineData(SgdLoss.Hinge, "hinge", "multiclass")]
    [InlineData(SgdLoss.LogLoss, "log_loss", "binary")]
    [InlineData(SgdLoss.LogLoss, "log_loss", "multiclass")]
    [InlineData(SgdLoss.ModifiedHuber, "modified_huber", "binary")]
    [InlineData(SgdLoss.ModifiedHuber, "modified_huber", "multiclass")]
    public void SgdClassifier_without_shuffling_reproduces_sklearn(SgdLoss loss, string key, string problem)
    {
        const double rtol = 1e-8;
        (Tensor x, Tensor y) = problem == "binary"
            ? (new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x")), LearnFile.LabelTensor("cancer.y"))
            : (new StandardScaler().FitTransform(LearnFile.MatrixTensor("iris.x")), LearnFile.LabelTensor("iris.y"));
        var model = new SgdClassifier { Loss = loss, Shuffle = false }.Fit(x, y);
        string path = $"sgd.{key}_{problem}";
        AssertClose("coef", LearnFile.MatrixTensor($"{path}.coef"), model.Coef, rtol, rtol / 10);
        AssertClose("intercept", LearnFile.Vector($"{path}.intercept"), D(model.Intercept), rtol, rtol / 10);
        Assert.Equal((int)LearnFile.Scalar($"{path}.n_iter"), model.NIter);
        if (loss == SgdLoss.Hinge) Assert.Throws<NotSupportedException>(() => model.PredictProba(x));
        else
        {
            int[] rows = Enumerable.Range(0, (x.Size(0) + 14) / 15).Select(i => i * 15).ToArray();
            Tensor sample = x.IndexSelect(0, Tensor.FromArray(rows.Select(i => (long)i).ToArray()));
            AssertClose("proba", LearnFile.MatrixTensor($"{path}.proba"), model.PredictProba(sample), rtol, rtol / 10);
        }
    }

    [Fact]
    public void SgdClassifier_invscaling_schedule_reproduces_sklearn()
    {
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("iris.x"));
        var model = new SgdClassifier { Loss = SgdLoss.LogLoss, LearningRate = LearningRate.InvScaling, Eta0 = 0.1, Alpha = 1e-3, Shuffle = false };
        model.Fit(x, LearnFile.LabelTensor("iris.y"));
        AssertClose("coef", LearnFile.MatrixTensor("sgd.invscaling.coef"), model.Coef, 1e-8, 1e-9);
        AssertClose("intercept", LearnFile.Vector("sgd.invscaling.intercept"), D(model.Intercept), 1e-8, 1e-9);
        Assert.Equal((int)LearnFile.Scalar("sgd.invscaling.n_iter"), model.NIter);
        Assert.Throws<ArgumentException>(() => new SgdClassifier { LearningRate = LearningRate.Constant }.Fit(x, LearnFile.LabelTensor("iris.y")));
    }

    [Theory]
    [InlineData(SgdRegressionLoss.SquaredError, "squared_error")]
    [InlineData(SgdRegressionLoss.Huber, "huber")]
    [InlineData(SgdRegressionLoss.EpsilonInsensitive, "epsilon_insensitive")]
    public void SgdRegressor_without_shuffling_reproduces_sklearn(SgdRegressionLoss loss, string key)
    {
        // Same update sequence and scaled weight vector as scikit-learn (see the SgdClassifier test): round-off only.
        var model = new SgdRegressor { Loss = loss, Shuffle = false }.Fit(Xr, Yr);
        AssertClose("coef", LearnFile.Vector($"sgd.regressor_{key}.coef"), D(model.Coef), 1e-8, 1e-9);
        AssertClose("intercept", LearnFile.Scalar($"sgd.regressor_{key}.intercept"), model.Intercept, 1e-8, 1e-9);
        Assert.Equal((int)LearnFile.Scalar($"sgd.regressor_{key}.n_iter"), model.NIter);
    }

    [Fact]
    public void PoissonRegressor_matches_sklearn()
    {
        Tensor x = LearnFile.MatrixTensor("poisson.x"), y = LearnFile.VectorTensor("poisson.y");
        var model = new PoissonRegressor { Alpha = LearnFile.Scalar("poisson.alpha"), Tol = 1e-10, MaxIter = 10000 }.Fit(x, y);
        AssertClose("coef", LearnFile.Vector("poisson.coef"), D(model.Coef), IterRtol, IterAtol);
        AssertClose("intercept", LearnFile.Scalar("poisson.intercept"), model.Intercept, IterRtol, IterAtol);
        AssertClose("sklearn coef", LearnFile.Vector("poisson.sklearn_coef"), D(model.Coef), 1e-3, 1e-3);
        AssertClose("D2 score", LearnFile.Scalar("poisson.score"), model.Score(x, y), 1e-6, 0);
        // μ = exp(x·w + b) exactly.
        double[] mu = D(model.Predict(x.Narrow(0, 0, 1))), x0 = D(x.Narrow(0, 0, 1)), w = D(model.Coef);
        Assert.Equal(Math.Exp(model.Intercept + x0.Zip(w).Sum(p => p.First * p.Second)), mu[0], 12);
        Assert.Throws<ArgumentException>(() => new PoissonRegressor().Fit(x, Tensor.FromArray(Enumerable.Repeat(-1.0, 80).ToArray())));
    }
}
