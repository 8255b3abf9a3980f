using Xunit;
using Nabla.Learn.Ensemble;
using Nabla.Learn.ModelSelection;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class BoostingTests
{
    private static (Tensor X, Tensor Y) Reg() => (EnsembleSvm.MatrixTensor("reg.x"), EnsembleSvm.VectorTensor("reg.y"));

    // Deterministic with Subsample = 1: the trees visit features in scikit-learn's random order (its MT19937 and rand_r
    // streams), so the same splits, leaf values and sums as scikit-learn up to float64 round-off: 1e-9 relative.
    // Importances are looser (2e-3 absolute): deep in a tree, two features can cut a node into the same two sets, with
    // improvements equal in exact arithmetic; which one wins is decided by round-off in each library's summation
    // order, and the decrease is credited to that feature (predictions are identical either way).
    [Theory]
    [InlineData("squared_error", GradientBoostingLoss.SquaredError)]
    [InlineData("absolute_error", GradientBoostingLoss.AbsoluteError)]
    [InlineData("huber", GradientBoostingLoss.Huber)]
    public void Regressor_matches_sklearn(string name, GradientBoostingLoss loss)
    {
        (Tensor x, Tensor y) = Reg();
        var gb = new GradientBoostingRegressor { Loss = loss, NEstimators = 30, RandomState = 0 }.Fit(x, y);
        string g = $"gbr.{name}";
        AssertClose("predict", EnsembleSvm.Vector($"{g}.predict"), D(gb.Predict(x)), 1e-9, 1e-9);
        AssertClose("train_score", EnsembleSvm.Vector($"{g}.train_score"), D(gb.TrainScore), 1e-9, 1e-12);
        AssertClose("feature_importances", EnsembleSvm.Vector($"{g}.feature_importances"), D(gb.FeatureImportances), 0, 2e-3);
        AssertClose("staged", EnsembleSvm.Vector($"{g}.staged_predict_5"), D(gb.StagedPredict(x).ElementAt(4)), 1e-9, 1e-9);
    }

    [Fact]
    public void Shallow_regressor_with_leaf_limits_matches_sklearn()
    {
        (Tensor x, Tensor y) = Reg();
        var gb = new GradientBoostingRegressor { NEstimators = 20, LearningRate = 0.2, MaxDepth = 2, MinSamplesLeaf = 5, MinSamplesSplit = 12, RandomState = 0 }.Fit(x, y);
        AssertClose("predict", EnsembleSvm.Vector("gbr.shallow.predict"), D(gb.Predict(x)), 1e-9, 1e-9);
        AssertClose("feature_importances", EnsembleSvm.Vector("gbr.shallow.feature_importances"), D(gb.FeatureImportances), 0, 2e-3);
    }

    [Theory]
    [InlineData("gbc_binary", "bin", 30)]
    [InlineData("gbc_multi", "multi", 20)]
    public void Classifier_matches_sklearn(string g, string data, int stages)
    {
        Tensor x = EnsembleSvm.MatrixTensor($"{data}.x"), y = EnsembleSvm.LabelTensor($"{data}.y");
        var gb = new GradientBoostingClassifier { NEstimators = stages, RandomState = 0 }.Fit(x, y);
        AssertClose("proba", EnsembleSvm.Flat($"{g}.proba"), D(gb.PredictProba(x)), 1e-9, 1e-12);
        double[] decision = data == "bin" ? EnsembleSvm.Vector($"{g}.decision") : EnsembleSvm.Flat($"{g}.decision");
        AssertClose("decision", decision, D(gb.DecisionFunction(x)), 1e-9, 1e-9);
        AssertClose("train_score", EnsembleSvm.Vector($"{g}.train_score"), D(gb.TrainScore), 1e-9, 1e-12);
        AssertClose("feature_importances", EnsembleSvm.Vector($"{g}.feature_importances"), D(gb.FeatureImportances), 0, 2e-3);
        AssertClose("staged", EnsembleSvm.Flat($"{g}.staged_proba_5"), D(gb.StagedPredictProba(x).ElementAt(4)), 1e-9, 1e-12);
        Assert.Equal(EnsembleSvm.Vector($"{g}.predict"), D(gb.Predict(x)));
        Assert.Equal(D(gb.Predict(x)), D(gb.StagedPredict(x).Last()));
    }

    // Subsampled boosting is randomised on both sides with different generators: mean 5-fold scores within the
    // seed-to-seed spread of that mean, 2 accuracy points or 0.05 in R² (the regression set has 24 test samples a fold).
    [Fact]
    public void Subsampled_boosting_cross_validates_like_sklearn()
    {
        Tensor xc = EnsembleSvm.MatrixTensor("cancer.x"), yc = EnsembleSvm.LabelTensor("cancer.y");
        double acc = Validation.CrossValidate(new GradientBoostingClassifier { NEstimators = 30, MaxDepth = 2, Subsample = 0.5, RandomState = 0 }, xc, yc, new StratifiedKFold()).TestScores["score"].Average();
        Assert.InRange(acc, EnsembleSvm.Vector("gb_subsample.cancer_accuracy").Average() - 0.02, EnsembleSvm.Vector("gb_subsample.cancer_accuracy").Average() + 0.02);
        (Tensor x, Tensor y) = Reg();
        double r2 = Validation.CrossValidate(new GradientBoostingRegressor { NEstimators = 30, Subsample = 0.5, RandomState = 0 }, x, y, new KFold()).TestScores["score"].Average();
        Assert.InRange(r2, EnsembleSvm.Vector("gb_subsample.reg_r2").Average() - 0.05, EnsembleSvm.Vector("gb_subsample.reg_r2").Average() + 0.05);
    }

    [Fact]
    public void Invalid_hyper_parameters_throw()
    {
        (Tensor x, Tensor y) = Reg();
        Assert.Throws<ArgumentException>(() => new GradientBoostingRegressor { Subsample = 0 }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new GradientBoostingRegressor { LearningRate = -1 }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new GradientBoostingRegressor { Loss = GradientBoostingLoss.Huber, Alpha = 1 }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new GradientBoostingClassifier().Fit(x, Tensor.FromArray(new long[120])));
    }
}
