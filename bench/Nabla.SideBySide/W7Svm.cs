using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Learn;
using Nabla.Learn.Ensemble;
using Nabla.Learn.Svm;

namespace Nabla.SideBySide;

/// <summary>W7 (SVM and boosting part, ../shared/anchors/w7_sklearn.py): Fashion-MNIST pixels/255. SVC(kernel='rbf',
/// C=1, gamma='scale') fitted on the first 10,000 training rows, predicting all 10,000 test rows; and a
/// HistGradientBoostingClassifier (100 iterations, 31 leaves, early stopping off) on all 60,000. Wall times of Fit and
/// Predict, and test accuracies, as bench/pytorch/w7svm.py measures scikit-learn. <c>--skip-hgb</c> runs the SVC only.</summary>
[Workload("w7svm")]
internal static class W7Svm
{
    public static JsonObject Run(string[] args)
    {
        (Tensor trainImages, Tensor trainLabels) = FashionMnist.Load(train: true);
        (Tensor testImages, Tensor testLabels) = FashionMnist.Load(train: false);
        Tensor xtr = trainImages.Reshape(-1, 784).To(DType.Float32).DivInPlace(255), xte = testImages.Reshape(-1, 784).To(DType.Float32).DivInPlace(255);
        var metrics = new JsonObject();
        Tensor xs = xtr.Slice(0, 0, 10_000).Contiguous(), ys = trainLabels.Slice(0, 0, 10_000).Contiguous();
        var sw = Stopwatch.StartNew();
        var svc = new Svc().Fit(xs, ys);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        Tensor predicted = svc.Predict(xte);
        double predict = sw.Elapsed.TotalSeconds;
        metrics["svc fit"] = Metric("s", false, fit);
        metrics["svc predict"] = Metric("s", false, predict);
        metrics["svc accuracy"] = Metric("%", true, 100 * Accuracy(predicted, testLabels));
        if (!args.Contains("--skip-hgb"))
        {
            sw.Restart();
            var hgb = new HistGradientBoostingClassifier().Fit(xtr, trainLabels);
            metrics["hgb fit"] = Metric("s", false, sw.Elapsed.TotalSeconds);
            metrics["hgb accuracy"] = Metric("%", true, 100 * hgb.Score(xte, testLabels));
        }
        return new JsonObject { ["metrics"] = metrics };
    }

    private static double Accuracy(Tensor predicted, Tensor labels)
    {
        long[] p = predicted.To(DType.Int64).ToArray<long>(), t = labels.To(DType.Int64).ToArray<long>();
        return p.Where((v, i) => v == t[i]).Count() / (double)t.Length;
    }

    private static JsonObject Metric(string unit, bool higher, double value) => new() { ["unit"] = unit, ["higher"] = higher, ["value"] = value };
}
