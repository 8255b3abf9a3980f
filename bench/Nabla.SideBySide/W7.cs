using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Learn;
using Nabla.Learn.Decomposition;
using Nabla.Learn.Ensemble;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Mixture;
using Nabla.Learn.Tree;

namespace Nabla.SideBySide;

/// <summary>W7 of ../shared/anchors/w7_sklearn.py without the SVC (measured on its own): Fashion-MNIST, 60,000 training
/// rows of pixels/255 (float32), all 10,000 test rows; LogisticRegression(max_iter=100), DecisionTreeClassifier(max_depth=10),
/// RandomForestClassifier(100 trees, n_jobs=2, so 2 threads at either thread count) and PCA(0.99, whiten) followed by
/// GaussianMixture(10, diag). Fit wall time and test accuracy per model; for PCA + GMM the fit time of both and the
/// GMM's mean log-likelihood of the whitened training data (scikit-learn's <c>gmm.score(Ztr)</c>).
/// <c>--models logreg,dtree,rf,pcagmm</c> restricts the run (all by default).</summary>
[Workload("w7")]
internal static class W7
{
    public static JsonObject Run(string[] args)
    {
        int i = Array.IndexOf(args, "--models");
        string[] models = i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',') : ["logreg", "dtree", "rf", "pcagmm"];
        (Tensor trainImages, Tensor ytr) = FashionMnist.Load(train: true);
        (Tensor testImages, Tensor yte) = FashionMnist.Load(train: false);
        Tensor xtr = trainImages.Reshape(-1, 784).DivInPlace(255), xte = testImages.Reshape(-1, 784).DivInPlace(255);
        var metrics = new JsonObject();
        foreach (string model in models)
        {
            if (model == "pcagmm")
            {
                long t0 = Stopwatch.GetTimestamp();
                var pca = new Pca { VarianceFraction = 0.99, Whiten = true };
                Tensor ztr = pca.FitTransform(xtr);
                double pcaSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                var gmm = new GaussianMixture { NComponents = 10, CovarianceType = CovarianceType.Diag, RandomState = 0 };
                gmm.Fit(ztr);
                double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                metrics["pca+gmm fit"] = Metric("s", false, seconds);
                metrics["pca+gmm log-likelihood"] = Metric("nats", true, gmm.Score(ztr));
                Console.Error.WriteLine($"w7 pcagmm: pca {pcaSeconds:F2} s ({pca.NComponentsFitted} components), gmm {seconds - pcaSeconds:F2} s " +
                                        $"({gmm.NIter} iterations, converged {gmm.Converged}), test log-likelihood {gmm.Score(pca.Transform(xte)):F4}");
                continue;
            }
            IClassifier clf = model switch
            {
                "logreg" => new LogisticRegression { MaxIter = 100 },
                "dtree" => new DecisionTreeClassifier { MaxDepth = 10 },
                "rf" => new RandomForestClassifier { NEstimators = 100, NJobs = 2, RandomState = 0 },
                _ => throw new ArgumentException($"w7: unknown model '{model}' (logreg, dtree, rf, pcagmm)."),
            };
            long start = Stopwatch.GetTimestamp();
            clf.Fit(xtr, ytr);
            double fit = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double accuracy = Classification.Accuracy(yte, clf.Predict(xte));
            metrics[$"{model} fit"] = Metric("s", false, fit);
            metrics[$"{model} accuracy"] = Metric("%", true, 100 * accuracy);
            Console.Error.WriteLine($"w7 {model}: fit {fit:F2} s, accuracy {100 * accuracy:F2} %");
        }
        return new JsonObject { ["metrics"] = metrics };
    }

    private static JsonObject Metric(string unit, bool higher, double value) => new() { ["unit"] = unit, ["higher"] = higher, ["value"] = value };
}
