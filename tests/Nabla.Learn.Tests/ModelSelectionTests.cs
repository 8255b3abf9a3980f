using Xunit;
using Nabla.Learn.LinearModel;
using Nabla.Learn.ModelSelection;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class ModelSelectionTests
{
    private static int[][] Folds(string path) => LearnFile.Get(path).EnumerateArray().Select(f => f.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

    [Fact]
    public void KFold_matches_sklearn()
    {
        var folds = new KFold().Split(Tensor.Zeros(13, 2)).ToArray();
        Assert.Equal(Folds("model_selection.kfold_13_5"), folds.Select(f => f.Test).ToArray());
        foreach ((int[] train, int[] test) in folds) Assert.Equal(Enumerable.Range(0, 13), train.Concat(test).Order());
    }

    [Fact]
    public void StratifiedKFold_matches_sklearn()
    {
        Tensor y = LearnFile.LabelTensor("model_selection.y_strat");
        var folds = new StratifiedKFold { NSplits = 3 }.Split(Tensor.Zeros(20, 1), y).ToArray();
        Assert.Equal(Folds("model_selection.stratified_3"), folds.Select(f => f.Test).ToArray());
    }

    [Fact]
    public void Shuffled_splitters_are_seeded_partitions()
    {
        Tensor x = Tensor.Zeros(23, 1);
        Tensor y = Tensor.FromArray(Enumerable.Range(0, 23).Select(i => (long)(i % 3 == 0 ? 1 : 0)).ToArray());
        foreach (ICrossValidator cv in new ICrossValidator[] { new KFold { Shuffle = true, RandomState = 3 }, new StratifiedKFold { Shuffle = true, RandomState = 3 } })
        {
            var a = cv.Split(x, y).ToArray();
            var b = cv.Split(x, y).ToArray();
            Assert.Equal(a.Select(f => f.Test), b.Select(f => f.Test));
            Assert.Equal(Enumerable.Range(0, 23), a.SelectMany(f => f.Test).Order());
        }
        Assert.NotEqual(new KFold().Split(x).First().Test, new KFold { Shuffle = true, RandomState = 3 }.Split(x).First().Test);
        Assert.Throws<ArgumentException>(() => new KFold { NSplits = 24 }.Split(x));
        Assert.Throws<ArgumentNullException>(() => new StratifiedKFold().Split(x));
    }

    [Fact]
    public void TrainTestSplit_sizes_seeds_and_stratification()
    {
        const int n = 40;
        Tensor x = Tensor.FromArray(Enumerable.Range(0, n * 2).Select(i => (double)i).ToArray(), n, 2);
        // 30 of class 0 and 10 of class 1.
        Tensor y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % 4 == 0 ? 1 : 0)).ToArray());
        var (xTrain, xTest, yTrain, yTest) = Validation.TrainTestSplit(x, y, testSize: 0.3, randomState: 1);
        // ⌈0.3·40⌉ = 12 test samples, as scikit-learn.
        Assert.Equal([28, 2], xTrain.Shape);
        Assert.Equal([12, 2], xTest.Shape);
        Assert.Equal(12, yTest.Size(0));
        // Rows stay paired with their labels: x[i] = (2i, 2i+1) and y[i] = 1 iff i % 4 == 0.
        double[] xt = D(xTest);
        long[] yt = yTest.ToArray<long>();
        for (int r = 0; r < 12; r++) Assert.Equal((int)xt[2 * r] / 2 % 4 == 0 ? 1L : 0, yt[r]);
        var again = Validation.TrainTestSplit(x, y, testSize: 0.3, randomState: 1);
        Assert.Equal(D(xTest), D(again.XTest));
        Assert.Equal(D(xTrain).Concat(D(xTest)).Order(), D(x));
        // Stratified: 12·10/40 = 3 positives in the test set exactly, 7 in the training set.
        var s = Validation.TrainTestSplit(x, y, testSize: 0.3, stratify: y, randomState: 5);
        Assert.Equal(3, s.YTest.ToArray<long>().Sum());
        Assert.Equal(7, s.YTrain.ToArray<long>().Sum());
        var fixedSplit = Validation.TrainTestSplit(x, y, testSize: 0.25, shuffle: false);
        Assert.Equal(Enumerable.Range(30, 10).Select(i => (double)(2 * i)), D(fixedSplit.XTest).Where((_, i) => i % 2 == 0));
        Assert.Throws<ArgumentException>(() => Validation.TrainTestSplit(x, y, testSize: 1));
        Assert.Throws<ArgumentException>(() => Validation.TrainTestSplit(x, y, shuffle: false, stratify: y));
    }

    [Fact]
    public void CrossValidate_regression_matches_sklearn()
    {
        var result = Validation.CrossValidate(new LinearRegression(), LearnFile.MatrixTensor("reg.x"), LearnFile.VectorTensor("reg.y"), new KFold(),
                                              "r2", "neg_mean_squared_error", "neg_mean_absolute_error");
        foreach (string name in new[] { "r2", "neg_mean_squared_error", "neg_mean_absolute_error" })
            AssertClose(name, LearnFile.Vector($"cross_validate.regression.{name}"), result.TestScores[name], 1e-8, 1e-10);
        Assert.Equal(5, result.FitTime.Length);
        Assert.All(result.FitTime.Concat(result.ScoreTime), t => Assert.True(t >= 0));
    }

    [Fact]
    public void CrossValidate_classification_matches_sklearn()
    {
        Tensor x = new StandardScaler().FitTransform(LearnFile.MatrixTensor("cancer.x")), y = LearnFile.LabelTensor("cancer.y");
        var model = new LogisticRegression { C = 0.5, Tol = 1e-10, MaxIter = 10000 };
        string[] names = ["accuracy", "f1", "f1_macro", "roc_auc", "neg_log_loss"];
        var result = Validation.CrossValidate(model, x, y, scoring: names);
        // Counting scores agree exactly: no test sample sits within the solvers' ~1e-4 disagreement of the boundary.
        foreach (string name in new[] { "accuracy", "f1", "f1_macro" })
            AssertClose(name, LearnFile.Vector($"cross_validate.classification.{name}"), result.TestScores[name], 1e-12, 0);
        // scikit-learn's lbfgs stops ~1e-4 from the minimiser (see LinearModelTests), so probabilities differ at that level.
        AssertClose("roc_auc", LearnFile.Vector("cross_validate.classification.roc_auc"), result.TestScores["roc_auc"], 1e-3, 0);
        AssertClose("neg_log_loss", LearnFile.Vector("cross_validate.classification.neg_log_loss"), result.TestScores["neg_log_loss"], 1e-3, 0);
        Assert.Throws<NotFittedException>(() => model.Coef);
        Assert.Throws<ArgumentException>(() => Validation.CrossValidate(model, x, y, scoring: "nope"));
        Assert.Equal(5, Validation.CrossValidate(model, x, y).TestScores["score"].Length);
    }

    [Fact]
    public void GridSearchCV_picks_the_best_candidate_and_refits_it()
    {
        Tensor x = LearnFile.MatrixTensor("reg.x"), y = LearnFile.VectorTensor("reg.y");
        double[] alphas = [1000, 0.1, 100];
        var search = new GridSearchCV(alphas.Select(a => new Ridge { Alpha = a }))
        {
            Scoring = "neg_mean_squared_error",
            Cv = new KFold(),
        }.Fit(x, y);
        // Each mean equals CrossValidate's on the same folds; the weakest penalty fits this low-noise data best.
        for (int c = 0; c < alphas.Length; c++)
        {
            double[] folds = Validation.CrossValidate(new Ridge { Alpha = alphas[c] }, x, y, new KFold(), "neg_mean_squared_error").TestScores["neg_mean_squared_error"];
            Assert.Equal(folds.Average(), D(search.MeanTestScore)[c], 12);
        }
        Assert.Equal(1, search.BestIndex);
        Assert.Equal(D(search.MeanTestScore).Max(), search.BestScore);
        Assert.Equal(D(new Ridge { Alpha = 0.1 }.Fit(x, y).Coef), D(((Ridge)search.BestEstimator).Coef));
        Assert.Equal(D(search.BestEstimator.Predict(x)), D(search.Predict(x)));
        Assert.Throws<NotFittedException>(() => ((Ridge)search.Candidates[0]).Coef);
        Assert.Throws<ArgumentException>(() => new GridSearchCV([]));
    }
}
