using Xunit;
using Nabla.Learn.Ensemble;
using Nabla.Learn.ModelSelection;
using Nabla.Learn.Tree;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class ForestTests
{
    // Randomised on both sides with different generators: compare mean 5-fold scores within a margin for the
    // seed-to-seed variation of that mean: 2 accuracy points (one test sample per fold is 0.9 points on breast cancer
    // and 3.3 on iris, averaged over 5 folds) or 0.02 in R².
    [Theory]
    [InlineData("cancer", "forests.cancer_accuracy")]
    [InlineData("iris", "forests.iris_accuracy")]
    public void Classifier_cross_validates_like_sklearn(string data, string golden)
    {
        Tensor x = LearnFile.MatrixTensor($"{data}.x"), y = LearnFile.LabelTensor($"{data}.y");
        var forest = new RandomForestClassifier { RandomState = 0 };
        double mean = Validation.CrossValidate(forest, x, y, new StratifiedKFold()).TestScores["score"].Average();
        Assert.InRange(mean, LearnFile.Vector(golden).Average() - 0.02, LearnFile.Vector(golden).Average() + 0.02);
    }

    [Fact]
    public void Regressor_cross_validates_like_sklearn()
    {
        double mean = Validation.CrossValidate(new RandomForestRegressor { RandomState = 0 }, LearnFile.MatrixTensor("reg.x"), LearnFile.VectorTensor("reg.y"), new KFold())
            .TestScores["score"].Average();
        Assert.InRange(mean, LearnFile.Vector("forests.reg_r2").Average() - 0.02, LearnFile.Vector("forests.reg_r2").Average() + 0.02);
    }

    [Fact]
    public void Forest_is_reproducible_and_averages_its_trees()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x"), y = LearnFile.LabelTensor("iris.y");
        var a = new RandomForestClassifier { NEstimators = 25, RandomState = 4 }.Fit(x, y);
        var b = new RandomForestClassifier { NEstimators = 25, RandomState = 4 }.Fit(x, y);
        Assert.Equal(D(a.PredictProba(x)), D(b.PredictProba(x)));
        Assert.Equal(1.0, D(a.FeatureImportances).Sum(), 12);
        // Without bootstrap and with all features every tree is the plain decision tree: the forest equals one tree.
        var plain = new RandomForestClassifier { NEstimators = 3, Bootstrap = false, MaxFeatures = 4, RandomState = 1 }.Fit(x, y);
        var tree = new DecisionTreeClassifier().Fit(x, y);
        Assert.Equal(D(tree.Predict(x)), D(plain.Predict(x)));
        Assert.Throws<ArgumentException>(() => new RandomForestClassifier { MaxFeatures = 5 }.Fit(x, y));
    }
}
