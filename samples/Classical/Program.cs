using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Data;
using Nabla.Learn;
using Nabla.Learn.Cluster;
using Nabla.Learn.Decomposition;
using Nabla.Learn.Ensemble;
using Nabla.Learn.Imbalance;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Mixture;
using Nabla.Learn.ModelSelection;
using Nabla.Learn.Preprocessing;
using Nabla.Learn.Tree;

// The classical toolbox on the embedded digits (1,797 8×8 images, 10 classes): supervised models with their test
// metrics, cross-validation with several scorings, PCA, k-means, a Gaussian mixture with its information criteria,
// new digits sampled from it and EM's local maxima, and a class-imbalance study (ROC vs. precision–recall, resampling).
// SVG plots go to the folder given as the first argument (default ./classical-out).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string outDir = args.Length > 0 ? args[0] : "classical-out";
Directory.CreateDirectory(outDir);
(Tensor x, Tensor y) = Digits.Load();
(Tensor xTrain, Tensor xTest, Tensor yTrain, Tensor yTest) = Validation.TrainTestSplit(x, y, 0.25, stratify: y, randomState: 0);
var scaler = new StandardScaler();
Tensor sTrain = scaler.FitTransform(xTrain), sTest = scaler.Transform(xTest);

Console.WriteLine("Supervised models on digits (test split of 450):");
var models = new (string Name, IProbabilisticClassifier Model)[]
{
    ("logistic regression", new LogisticRegression { MaxIter = 500 }),
    ("decision tree (depth 8)", new DecisionTreeClassifier { MaxDepth = 8 }),
    ("random forest (100 trees)", new RandomForestClassifier { RandomState = 0 }),
};
var rocCurves = new List<(string, double[], double[])>();
foreach ((string name, IProbabilisticClassifier model) in models)
{
    model.Fit(sTrain, yTrain);
    Tensor predicted = model.Predict(sTest), proba = model.PredictProba(sTest);
    double auc = Classification.RocAucScore(yTest, proba, MultiClass.Ovr);
    Console.WriteLine($"  {name,-26} accuracy {Classification.Accuracy(yTest, predicted):P2}  macro F1 {Classification.F1Score(yTest, predicted, Average.Macro):F4}  ROC AUC (ovr) {auc:F4}");
    // ROC curve of digit 8 against the rest (the hardest class for these models).
    Tensor isEight = yTest.Eq(8).To(DType.Int64);
    (Tensor fpr, Tensor tpr, _) = Classification.RocCurve(isEight, proba.Select(1, 8).Contiguous());
    rocCurves.Add((name, fpr.ToArray<double>(), tpr.ToArray<double>()));
    if (model is RandomForestClassifier)
        File.WriteAllText(Path.Combine(outDir, "confusion.svg"), Svg.Confusion(Classification.ConfusionMatrix(yTest, predicted, 10).ToArray<long>(), 10, $"{name}: confusion matrix"));
}
File.WriteAllText(Path.Combine(outDir, "roc.svg"), Svg.Lines(rocCurves, "ROC, digit 8 vs. rest", "false positive rate", "true positive rate"));

Console.WriteLine("\n5-fold cross-validation of logistic regression (accuracy, macro F1, ROC AUC ovr):");
CrossValidateResult cv = Validation.CrossValidate(new LogisticRegression { MaxIter = 500 }, scaler.FitTransform(x), y, new StratifiedKFold { Shuffle = true, RandomState = 0 },
                                                  "accuracy", "f1_macro", "roc_auc_ovr");
foreach ((string scoring, double[] v) in cv.TestScores)
    Console.WriteLine($"  {scoring,-12} {v.Average():F4} ± {Math.Sqrt(v.Average(t => (t - v.Average()) * (t - v.Average()))):F4}");

var pca = new Pca { VarianceFraction = 0.9 };
Tensor z = pca.FitTransform(scaler.FitTransform(x));
Console.WriteLine($"\nPCA: {pca.NComponentsFitted} components keep 90 % of the variance; the first two explain {pca.ExplainedVarianceRatio.Narrow(0, 0, 2).Sum().Item<double>():P1}.");
double[] z2 = z.Narrow(1, 0, 2).Contiguous().ToArray<double>();
File.WriteAllText(Path.Combine(outDir, "pca.svg"), Svg.Scatter(z2, y.ToArray<long>(), "digits on the first two principal components"));

var kmeans = new KMeans { NClusters = 10, RandomState = 0 }.Fit(z);
Console.WriteLine($"k-means (10 clusters) on the PCA features: inertia {kmeans.Inertia:F1} after {kmeans.NIter} iterations.");

Console.WriteLine("\nGaussian mixtures on the first two components, chosen by BIC:");
Tensor zz = z.Narrow(1, 0, 2).Contiguous();
GaussianMixture? best = null;
foreach (int k in new[] { 2, 4, 6, 8, 10, 12 })
{
    var gmm = new GaussianMixture { NComponents = k, CovarianceType = CovarianceType.Full, RandomState = 0 }.Fit(zz);
    double bic = gmm.Bic(zz);
    Console.WriteLine($"  K = {k,2}: log-likelihood {gmm.Score(zz):F4} per sample, AIC {gmm.Aic(zz):F1}, BIC {bic:F1}");
    if (best is null || bic < best.Bic(zz)) best = gmm;
}
Console.WriteLine($"  lowest BIC: K = {best!.NComponents}");
File.WriteAllText(Path.Combine(outDir, "gmm.svg"), Svg.Ellipses(z2, best.Means.ToArray<double>(), best.Covariances.ToArray<double>(), best.NComponents,
                                                                  $"GaussianMixture (K = {best.NComponents}, full): 2σ ellipses"));

// A GMM is a generative model: draw new points from the chosen mixture and plot them beside the data.
(Tensor drawn, Tensor drawnComponent) = best.Sample(600, seed: 0);
File.WriteAllText(Path.Combine(outDir, "gmm-samples.svg"), Svg.Scatter(drawn.ToArray<double>(), drawnComponent.ToArray<long>(),
                                                                        $"600 points sampled from the K = {best.NComponents} mixture, by component"));

// EM climbs to a local maximum of the likelihood: single starts from different seeds end at different heights.
Console.WriteLine("\nEM from 6 random starts (K = 10, full, first 10 components, one initialisation each): final mean log-likelihood");
Tensor z10 = z.Narrow(1, 0, 10).Contiguous();
double[] heights = Enumerable.Range(0, 6).Select(seed =>
    new GaussianMixture { NComponents = 10, CovarianceType = CovarianceType.Full, RandomState = seed }.Fit(z10).Score(z10)).ToArray();
Console.WriteLine($"  {string.Join("  ", heights.Select(h => h.ToString("F4", CultureInfo.InvariantCulture)))}  (spread {heights.Max() - heights.Min():F4}; NInit keeps the best of several starts)");

// Class imbalance: digit 8 against the rest on the first ten principal components, keeping only one 8 in ten
// (about 1 % positives). ROC AUC stays high because the many negatives keep the false-positive rate small; average
// precision shows how few of the flagged digits are really 8s. Resampling the training set trades precision for recall.
Console.WriteLine("\nClass imbalance: digit 8 vs. rest with 1 in 10 of the 8s kept (PCA features, logistic regression):");
long[] digit = y.ToArray<long>();
int eightsSeen = 0;
long[] kept = Enumerable.Range(0, digit.Length).Where(i => digit[i] != 8 || eightsSeen++ % 10 == 0).Select(i => (long)i).ToArray();
Tensor keptIndex = Tensor.FromArray(kept);
Tensor xi = z10.IndexSelect(0, keptIndex), yi = y.IndexSelect(0, keptIndex).Eq(8).To(DType.Int64);
(Tensor xiTrain, Tensor xiTest, Tensor yiTrain, Tensor yiTest) = Validation.TrainTestSplit(xi, yi, 0.5, stratify: yi, randomState: 0);
Console.WriteLine($"  {yiTrain.Sum().Item<long>()} positives of {yiTrain.Size(0)} training samples, {yiTest.Sum().Item<long>()} of {yiTest.Size(0)} test samples");
var imbalanceCurves = new List<(string, double[], double[])>();
var samplers = new (string Name, ISampler? Sampler)[]
{
    ("as is", null),
    ("random oversampling", new RandomOverSampler { RandomState = 0 }),
    ("SMOTE", new Smote { RandomState = 0 }),
    ("random undersampling", new RandomUnderSampler { RandomState = 0 }),
};
foreach ((string name, ISampler? sampler) in samplers)
{
    (Tensor xs, Tensor ys) = sampler is null ? (xiTrain, yiTrain) : sampler.FitResample(xiTrain, yiTrain);
    var clf = new LogisticRegression { MaxIter = 500 }.Fit(xs, ys);
    Tensor score = clf.PredictProba(xiTest).Select(1, 1).Contiguous(), predictedEight = clf.Predict(xiTest);
    Console.WriteLine($"  {name,-21} ROC AUC {Classification.RocAucScore(yiTest, score):F3}  average precision {Classification.AveragePrecisionScore(yiTest, score):F3}"
                      + $"  recall {Classification.Recall(yiTest, predictedEight):F3}  precision {Classification.Precision(yiTest, predictedEight):F3}  F1 {Classification.F1Score(yiTest, predictedEight):F3}");
    if (sampler is null)
    {
        (Tensor fpr, Tensor tpr, _) = Classification.RocCurve(yiTest, score);
        (Tensor precision, Tensor recall, _) = Classification.PrecisionRecallCurve(yiTest, score);
        imbalanceCurves.Add(("ROC: TPR against FPR", fpr.ToArray<double>(), tpr.ToArray<double>()));
        imbalanceCurves.Add(("PR: precision against recall", recall.ToArray<double>(), precision.ToArray<double>()));
    }
}
File.WriteAllText(Path.Combine(outDir, "imbalance.svg"), Svg.Lines(imbalanceCurves, "digit 8 vs. rest, 1 % positives: ROC and PR", "FPR / recall", "TPR / precision"));
Console.WriteLine($"\nWrote {outDir}/: confusion.svg, roc.svg, pca.svg, gmm.svg, gmm-samples.svg, imbalance.svg");

/// <summary>Minimal SVG plots: a 400×400 plot area with a margin, data mapped linearly into it.</summary>
internal static class Svg
{
    private const int Size = 400, Margin = 40;
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static StringBuilder Start(string title)
    {
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size + 2 * Margin}\" height=\"{Size + 2 * Margin}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append($"<text x=\"{Margin}\" y=\"{Margin / 2}\" font-size=\"13\">{title}</text>");
        sb.Append($"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Size}\" height=\"{Size}\" fill=\"none\" stroke=\"#999\"/>");
        return sb;
    }

    public static string Lines(List<(string Name, double[] X, double[] Y)> series, string title, string xLabel, string yLabel)
    {
        StringBuilder sb = Start(title);
        for (int s = 0; s < series.Count; s++)
        {
            (string name, double[] xs, double[] ys) = series[s];
            string points = string.Join(" ", xs.Select((v, i) => $"{Margin + v * Size:F1},{Margin + (1 - ys[i]) * Size:F1}"));
            sb.Append($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{Colors[s]}\" stroke-width=\"2\"/>");
            sb.Append($"<text x=\"{Margin + Size - 170}\" y=\"{Margin + Size - 15 * (series.Count - s)}\" fill=\"{Colors[s]}\">{name}</text>");
        }
        sb.Append($"<text x=\"{Margin + Size / 2 - 40}\" y=\"{Size + Margin + 25}\">{xLabel}</text>");
        sb.Append($"<text x=\"10\" y=\"{Margin + Size / 2}\" transform=\"rotate(-90 10 {Margin + Size / 2})\">{yLabel}</text>");
        return sb.Append("</svg>\n").ToString();
    }

    public static string Confusion(long[] m, int k, string title)
    {
        StringBuilder sb = Start(title);
        double cell = (double)Size / k, max = m.Max();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double shade = m[i * k + j] / max;
                sb.Append($"<rect x=\"{Margin + j * cell:F1}\" y=\"{Margin + i * cell:F1}\" width=\"{cell:F1}\" height=\"{cell:F1}\" fill=\"rgb({(int)(255 - 200 * shade)},{(int)(255 - 120 * shade)},255)\"/>");
                sb.Append($"<text x=\"{Margin + (j + 0.3) * cell:F1}\" y=\"{Margin + (i + 0.6) * cell:F1}\">{m[i * k + j]}</text>");
            }
        sb.Append($"<text x=\"{Margin + Size / 2 - 30}\" y=\"{Size + Margin + 25}\">predicted</text>");
        return sb.Append("</svg>\n").ToString();
    }

    private static (Func<double, double> X, Func<double, double> Y) Scale(double[] xy)
    {
        double[] xs = xy.Where((_, i) => i % 2 == 0).ToArray(), ys = xy.Where((_, i) => i % 2 == 1).ToArray();
        (double x0, double x1, double y0, double y1) = (xs.Min(), xs.Max(), ys.Min(), ys.Max());
        return (v => Margin + (v - x0) / (x1 - x0) * Size, v => Margin + (1 - (v - y0) / (y1 - y0)) * Size);
    }

    public static string Scatter(double[] xy, long[] labels, string title)
    {
        StringBuilder sb = Start(title);
        var (sx, sy) = Scale(xy);
        for (int i = 0; i < labels.Length; i++)
            sb.Append($"<circle cx=\"{sx(xy[2 * i]):F1}\" cy=\"{sy(xy[2 * i + 1]):F1}\" r=\"2\" fill=\"{Colors[labels[i] % 10]}\" opacity=\"0.7\"/>");
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>Points in grey and each component's 2σ ellipse: the covariance's eigenvectors scaled by 2√λ.</summary>
    public static string Ellipses(double[] xy, double[] means, double[] cov, int k, string title)
    {
        StringBuilder sb = Start(title);
        var (sx, sy) = Scale(xy);
        for (int i = 0; i < xy.Length / 2; i++)
            sb.Append($"<circle cx=\"{sx(xy[2 * i]):F1}\" cy=\"{sy(xy[2 * i + 1]):F1}\" r=\"1.5\" fill=\"#bbb\"/>");
        for (int c = 0; c < k; c++)
        {
            double a = cov[c * 4], b = cov[c * 4 + 1], d = cov[c * 4 + 3];
            // Eigen-decomposition of [[a, b], [b, d]]: λ = (a + d)/2 ± √(((a − d)/2)² + b²), angle ½·atan2(2b, a − d).
            double mid = (a + d) / 2, r = Math.Sqrt((a - d) * (a - d) / 4 + b * b), angle = 0.5 * Math.Atan2(2 * b, a - d);
            double l1 = 2 * Math.Sqrt(mid + r), l2 = 2 * Math.Sqrt(Math.Max(mid - r, 0));
            var pts = Enumerable.Range(0, 73).Select(t =>
            {
                double th = t * Math.PI / 36;
                double px = means[2 * c] + l1 * Math.Cos(th) * Math.Cos(angle) - l2 * Math.Sin(th) * Math.Sin(angle);
                double py = means[2 * c + 1] + l1 * Math.Cos(th) * Math.Sin(angle) + l2 * Math.Sin(th) * Math.Cos(angle);
                return $"{sx(px):F1},{sy(py):F1}";
            });
            sb.Append($"<polyline points=\"{string.Join(" ", pts)}\" fill=\"none\" stroke=\"{Colors[c % 10]}\" stroke-width=\"2\"/>");
        }
        return sb.Append("</svg>\n").ToString();
    }
}
