using Xunit;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class MetricsTests
{
    // Counting metrics are exact rationals; only the final division rounds.
    private const double Rtol = 1e-12, Atol = 1e-14;

    [Fact]
    public void Two_by_two_confusion_matrix_and_scores_by_hand()
    {
        // y = [1, 1, 1, 0, 0, 0, 0, 1], ŷ = [1, 0, 1, 0, 1, 0, 0, 1]:
        // TP = 3 (indices 0, 2, 7), FN = 1 (index 1), FP = 1 (index 4), TN = 3 (indices 3, 5, 6).
        Tensor y = Tensor.FromArray(new long[] { 1, 1, 1, 0, 0, 0, 0, 1 });
        Tensor p = Tensor.FromArray(new long[] { 1, 0, 1, 0, 1, 0, 0, 1 });
        Assert.Equal([3L, 1, 1, 3], Classification.ConfusionMatrix(y, p).ToArray<long>()); // rows true 0, 1; columns predicted
        Assert.Equal(0.75, Classification.Accuracy(y, p));
        // Positive 1: P = 3/(3+1), R = 3/(3+1), F1 = 0.75. Both classes are symmetric here, so macro = micro = 0.75.
        Assert.Equal((0.75, 0.75, 0.75), Classification.PrecisionRecallFScore(y, p));
        Assert.Equal(0.75, Classification.F1Score(y, p, Average.Macro));
        Assert.Equal(0.75, Classification.Precision(y, p, Average.Micro));
        Assert.Equal(0.75, Classification.Recall(y, p, Average.Weighted));
    }

    [Fact]
    public void Precision_recall_f1_match_sklearn()
    {
        Tensor y3 = LearnFile.LabelTensor("metrics.y3"), p3 = LearnFile.LabelTensor("metrics.p3");
        foreach ((string key, Average avg) in new[] { ("macro", Average.Macro), ("micro", Average.Micro), ("weighted", Average.Weighted) })
        {
            var (pr, re, f1) = Classification.PrecisionRecallFScore(y3, p3, avg);
            AssertClose(key, LearnFile.Vector($"metrics.prf.{key}"), [pr, re, f1], Rtol, Atol);
        }
        Tensor yb = LearnFile.LabelTensor("metrics.yb"), pb = LearnFile.LabelTensor("metrics.pb");
        var b = Classification.PrecisionRecallFScore(yb, pb);
        AssertClose("binary", LearnFile.Vector("metrics.prf.binary"), [b.Precision, b.Recall, b.F1], Rtol, Atol);
        var b0 = Classification.PrecisionRecallFScore(yb, pb, Average.Binary, posLabel: 0);
        AssertClose("binary pos 0", LearnFile.Vector("metrics.prf.binary_pos0"), [b0.Precision, b0.Recall, b0.F1], Rtol, Atol);
        Assert.Throws<ArgumentException>(() => Classification.PrecisionRecallFScore(y3, p3));
    }

    [Fact]
    public void Four_point_roc_curve_by_hand()
    {
        // Scores sorted decreasing: 0.8 (pos), 0.4 (neg), 0.35 (pos), 0.1 (neg). Thresholding at each score:
        //   ≥ 0.8 → TP 1, FP 0;  ≥ 0.4 → TP 1, FP 1;  ≥ 0.35 → TP 2, FP 1;  ≥ 0.1 → TP 2, FP 2.
        // With 2 positives and 2 negatives: FPR = [0, 0, .5, .5, 1], TPR = [0, .5, .5, 1, 1] after the prepended (0, 0)
        // point at threshold max + 1 = 1.8. No point is dropped: each turns a corner (second differences ≠ 0).
        // AUC = 0.5·0.5 (the step from FPR .5 to 1 at TPR 1) + 0.5·0.5 (FPR 0 to .5 at TPR .5) = 0.75:
        // of the 4 positive–negative pairs, 3 are ranked correctly (only 0.35 < 0.4 is not).
        Tensor y = Tensor.FromArray(new long[] { 0, 0, 1, 1 });
        Tensor s = Tensor.FromArray(new[] { 0.1, 0.4, 0.35, 0.8 });
        var (fpr, tpr, thr) = Classification.RocCurve(y, s);
        Assert.Equal([0.0, 0, 0.5, 0.5, 1], D(fpr));
        Assert.Equal([0.0, 0.5, 0.5, 1, 1], D(tpr));
        AssertClose("thresholds", [1.8, 0.8, 0.4, 0.35, 0.1], D(thr), 1e-15, 0);
        Assert.Equal(0.75, Classification.RocAucScore(y, s));
        // Precision–recall by hand, thresholds increasing: at 0.1 P = 2/4, R = 1; 0.35: P = 2/3, R = 1;
        // 0.4: P = 1/2, R = 1/2; 0.8: P = 1, R = 1/2; then the (1, 0) end point.
        var (prec, rec, pthr) = Classification.PrecisionRecallCurve(y, s);
        AssertClose("precision", [0.5, 2.0 / 3, 0.5, 1, 1], D(prec), 1e-15, 0);
        Assert.Equal([1.0, 1, 0.5, 0.5, 0], D(rec));
        Assert.Equal([0.1, 0.35, 0.4, 0.8], D(pthr));
        // AP = Σ (R_n − R_{n+1}) P_n = 0·.5 + .5·(2/3) + 0·.5 + .5·1 = 5/6.
        AssertClose("average precision", 5.0 / 6, Classification.AveragePrecisionScore(y, s), 1e-15, 0);
    }

    [Fact]
    public void Roc_and_pr_curves_match_sklearn_with_ties()
    {
        Tensor y = LearnFile.LabelTensor("metrics.yb"), s = LearnFile.VectorTensor("metrics.sb");
        var (fpr, tpr, thr) = Classification.RocCurve(y, s);
        AssertClose("fpr", LearnFile.Vector("metrics.roc_fpr"), D(fpr), Rtol, Atol);
        AssertClose("tpr", LearnFile.Vector("metrics.roc_tpr"), D(tpr), Rtol, Atol);
        AssertClose("thresholds", LearnFile.Vector("metrics.roc_thresholds"), D(thr), Rtol, Atol);
        AssertClose("roc_auc", LearnFile.Scalar("metrics.roc_auc"), Classification.RocAucScore(y, s), Rtol, Atol);
        var (p, r, t) = Classification.PrecisionRecallCurve(y, s);
        AssertClose("pr precision", LearnFile.Vector("metrics.pr_precision"), D(p), Rtol, Atol);
        AssertClose("pr recall", LearnFile.Vector("metrics.pr_recall"), D(r), Rtol, Atol);
        AssertClose("pr thresholds", LearnFile.Vector("metrics.pr_thresholds"), D(t), Rtol, Atol);
        AssertClose("average precision", LearnFile.Scalar("metrics.average_precision"), Classification.AveragePrecisionScore(y, s), Rtol, Atol);
    }

    [Fact]
    public void Roc_auc_needs_both_classes()
        => Assert.Throws<ArgumentException>(() => Classification.RocAucScore(Tensor.FromArray(new long[] { 1, 1 }), Tensor.FromArray(new[] { 0.2, 0.7 })));

    [Fact]
    public void Log_loss_matches_sklearn()
    {
        AssertClose("multiclass", LearnFile.Scalar("metrics.log_loss3"), Classification.LogLoss(LearnFile.LabelTensor("metrics.y3"), LearnFile.MatrixTensor("metrics.probs3")), 1e-12, 0);
        // The binary scores include exact 0 and 1, exercising the ε clipping.
        AssertClose("binary", LearnFile.Scalar("metrics.log_loss_binary"), Classification.LogLoss(LearnFile.LabelTensor("metrics.yb"), LearnFile.VectorTensor("metrics.sb")), 1e-12, 0);
        Assert.Throws<ArgumentException>(() => Classification.LogLoss(LearnFile.LabelTensor("metrics.yb"), LearnFile.MatrixTensor("metrics.probs3").Narrow(0, 0, 1)));
    }

    [Fact]
    public void Regression_metrics_match_sklearn_and_hand_values()
    {
        Tensor y = LearnFile.VectorTensor("reg.y");
        Tensor p = new LinearModel.Lasso { Alpha = 0.1, Tol = 1e-12, MaxIter = 100000 }.Fit(LearnFile.MatrixTensor("reg.x"), y).Predict(LearnFile.MatrixTensor("reg.x"));
        // The Lasso predictions agree with sklearn's to ~1e-9 (see LinearModelTests), which bounds these.
        AssertClose("mse", LearnFile.Scalar("metrics.mse"), Regression.MeanSquaredError(y, p), 1e-7, 0);
        AssertClose("mae", LearnFile.Scalar("metrics.mae"), Regression.MeanAbsoluteError(y, p), 1e-7, 0);
        AssertClose("r2", LearnFile.Scalar("metrics.r2"), Regression.R2Score(y, p), 1e-7, 0);
        // y = [1, 2, 3], ŷ = [1, 2, 5]: MSE = 4/3, MAE = 2/3, R² = 1 − 4/2 = −1.
        Tensor a = Tensor.FromArray(new[] { 1.0, 2, 3 }), b = Tensor.FromArray(new[] { 1.0, 2, 5 });
        Assert.Equal(4.0 / 3, Regression.MeanSquaredError(a, b));
        Assert.Equal(2.0 / 3, Regression.MeanAbsoluteError(a, b));
        Assert.Equal(-1.0, Regression.R2Score(a, b));
        Assert.Equal(1.0, Regression.R2Score(Tensor.Ones(3), Tensor.Ones(3)));
        Assert.Equal(0.0, Regression.R2Score(Tensor.Ones(3), Tensor.Zeros(3)));
    }
}
