using Xunit;
using Nabla.Learn.Ensemble;
using Nabla.Learn.ModelSelection;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class HistBoostingTests
{
    // Both libraries are deterministic here but differ in float32/float64 sums and hence in near-tied splits, so the
    // comparison is by mean 5-fold score: within 2 accuracy points (one test sample per fold is 0.9 points on breast
    // cancer, 3.3 on iris and the 150-sample synthetic set: the margin allows a sample or two over all folds), 0.03 in R².
    [Theory]
    [InlineData("cancer", "hgb.cancer_accuracy", 0.02)]
    [InlineData("iris", "hgb.iris_accuracy", 0.02)]
    [InlineData("multi", "hgb.multi_accuracy", 0.04)]
    public void Classifier_cross_validates_like_sklearn(string data, string golden, double margin)
    {
        Tensor x = EnsembleSvm.MatrixTensor($"{data}.x"), y = EnsembleSvm.LabelTensor($"{data}.y");
        double mean = Validation.CrossValidate(new HistGradientBoostingClassifier(), x, y, new StratifiedKFold()).TestScores["score"].Average();
        Assert.InRange(mean, EnsembleSvm.Vector(golden).Average() - margin, EnsembleSvm.Vector(golden).Average() + margin);
    }

    [Fact]
    public void Regressor_cross_validates_like_sklearn()
    {
        double mean = Validation.CrossValidate(new HistGradientBoostingRegressor(), EnsembleSvm.MatrixTensor("reg.x"), EnsembleSvm.VectorTensor("reg.y"), new KFold()).TestScores["score"].Average();
        Assert.InRange(mean, EnsembleSvm.Vector("hgb.reg_r2").Average() - 0.03, EnsembleSvm.Vector("hgb.reg_r2").Average() + 0.03);
    }

    [Fact]
    public void Bins_are_quantiles_or_midpoints_of_distinct_values()
    {
        // Four distinct values → thresholds at their midpoints; 1.5 lies in (1, 2] → bin 1 is "≤ 1.5"; 4 lies above all.
        double[] x = [1, 2, 2, 4, 8];
        var few = new HistBinMapper(x, 5, 1, 255);
        Assert.Equal([1.5, 3, 6], few.Thresholds[0]);
        Assert.Equal(new byte[] { 0, 1, 1, 2, 3 }, few.Transform(x, 5, 1));
        // More distinct values than bins: thresholds at the 1/3 and 2/3 percentiles with numpy's 'midpoint' method:
        // positions 1/3·4 = 1.33 and 2.67 → (x[1] + x[2])/2 = 2.5 and (x[2] + x[3])/2 = 3.5.
        var quantiles = new HistBinMapper([1, 2, 3, 4, 5], 5, 1, 3);
        Assert.Equal([2.5, 3.5], quantiles.Thresholds[0]);
    }

    [Fact]
    public void Single_iteration_regression_leaves_are_shrunk_means()
    {
        // Squared error, hessian 1, λ = 0: a leaf value is −G/H·ν = ν·mean(y − ȳ) over its samples. With one leaf
        // allowed to split once (2 leaves) on a step function, the two leaves are ν·(±0.5) around the mean 0.5.
        double[] xs = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        double[] ys = xs.Select(v => v < 20 ? 0.0 : 1.0).ToArray();
        var hgb = new HistGradientBoostingRegressor { MaxIter = 1, MaxLeafNodes = 2, LearningRate = 0.5 }.Fit(Tensor.FromArray(xs, 40, 1), Tensor.FromArray(ys));
        double[] p = D(hgb.Predict(Tensor.FromArray(new double[] { 3, 30 }, 2, 1)));
        AssertClose("leaves", [0.5 - 0.25, 0.5 + 0.25], p, 0, 1e-12);
        Assert.Equal(1, hgb.NIter);
    }

    [Fact]
    public void More_iterations_lower_the_training_loss()
    {
        Tensor x = EnsembleSvm.MatrixTensor("multi.x"), y = EnsembleSvm.LabelTensor("multi.y");
        var hgb = new HistGradientBoostingClassifier { MaxIter = 30 }.Fit(x, y);
        double[] loss = D(hgb.TrainScore);
        for (int i = 1; i < loss.Length; i++) Assert.True(loss[i] <= loss[i - 1] + 1e-12, $"loss rose at {i}: {loss[i - 1]} → {loss[i]}");
        Assert.Throws<ArgumentException>(() => new HistGradientBoostingClassifier { MaxBins = 256 }.Fit(x, y));
    }
}
