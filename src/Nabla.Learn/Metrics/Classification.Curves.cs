namespace Nabla.Learn;

public static partial class Classification
{
    /// <summary>Receiver operating characteristic: false and true positive rates at each distinct score threshold.
    /// scikit-learn 1.2: <c>sklearn.metrics.roc_curve(y_true, y_score, pos_label=None, drop_intermediate=True)</c>.</summary>
    /// <param name="yTrue">True binary labels (N).</param>
    /// <param name="yScore">Scores (N), larger meaning more positive (probabilities or decision values).</param>
    /// <param name="posLabel">The positive label; default 1.</param>
    /// <returns>Float64 tensors Fpr, Tpr and Thresholds of equal length: thresholds decreasing, the first
    /// max(score)+1 (a point (0, 0) that no sample reaches), then every kept distinct score.</returns>
    /// <remarks>Sorting by decreasing score, at each distinct score s: TP(s) = positives with score ≥ s,
    /// FP(s) = negatives with score ≥ s; FPR = FP/FP_total, TPR = TP/TP_total. drop_intermediate removes points
    /// collinear on a horizontal or vertical run (where the second difference of both FP and TP is 0), which
    /// leaves the area unchanged. Without negatives FPR is NaN (and without positives TPR), as in scikit-learn.</remarks>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a score is not finite.</exception>
    public static (Tensor Fpr, Tensor Tpr, Tensor Thresholds) RocCurve(Tensor yTrue, Tensor yScore, double posLabel = 1)
    {
        (double[] fps, double[] tps, double[] thr) = BinaryCurve(yTrue, yScore, posLabel, nameof(RocCurve));
        var keep = new List<int>();
        for (int i = 0; i < fps.Length; i++)
            if (fps.Length <= 2 || i == 0 || i == fps.Length - 1
                || fps[i - 1] - 2 * fps[i] + fps[i + 1] != 0 || tps[i - 1] - 2 * tps[i] + tps[i + 1] != 0)
                keep.Add(i);
        int m = keep.Count + 1;
        double[] fpr = new double[m], tpr = new double[m], thresholds = new double[m];
        thresholds[0] = thr[keep[0]] + 1;
        double fpTotal = fps[^1], tpTotal = tps[^1];
        for (int j = 1; j < m; j++)
        {
            int i = keep[j - 1];
            fpr[j] = fps[i] / fpTotal;
            tpr[j] = tps[i] / tpTotal;
            thresholds[j] = thr[i];
        }
        // The prepended (0, 0) point divides 0 by the totals too, so a zero total yields NaN throughout.
        fpr[0] = 0 / fpTotal;
        tpr[0] = 0 / tpTotal;
        return (Tensor.FromArray(fpr), Tensor.FromArray(tpr), Tensor.FromArray(thresholds));
    }

    /// <summary>Area under the ROC curve (trapezoidal rule). scikit-learn: <c>sklearn.metrics.roc_auc_score</c> for binary y.</summary>
    /// <param name="yTrue">True binary labels (N).</param>
    /// <param name="yScore">Scores (N) of the positive class.</param>
    /// <param name="posLabel">The positive label; default 1 (scikit-learn takes the larger label).</param>
    /// <remarks>AUC = Σ (FPR_{i+1} − FPR_i)(TPR_{i+1} + TPR_i)/2 over <see cref="RocCurve"/>'s points; it equals the
    /// probability that a random positive scores above a random negative, ties counting one half.</remarks>
    /// <exception cref="ArgumentException">Only one class is present in yTrue; lengths differ.</exception>
    public static double RocAucScore(Tensor yTrue, Tensor yScore, double posLabel = 1)
    {
        (Tensor fprT, Tensor tprT, _) = RocCurve(yTrue, yScore, posLabel);
        double[] fpr = fprT.ToArray<double>(), tpr = tprT.ToArray<double>();
        if (double.IsNaN(fpr[^1]) || double.IsNaN(tpr[^1]))
            throw new ArgumentException("RocAucScore: only one class is present in yTrue; ROC AUC is not defined.", nameof(yTrue));
        double area = 0;
        for (int i = 1; i < fpr.Length; i++) area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        return area;
    }

    /// <summary>Precision and recall at each distinct score threshold.
    /// scikit-learn 1.2: <c>sklearn.metrics.precision_recall_curve(y_true, probas_pred, pos_label=None)</c>.</summary>
    /// <param name="yTrue">True binary labels (N).</param>
    /// <param name="probasPred">Scores (N) of the positive class.</param>
    /// <param name="posLabel">The positive label; default 1.</param>
    /// <returns>Precision and Recall (T+1) and Thresholds (T) for the T distinct scores in increasing order; the
    /// last point is precision 1, recall 0 with no threshold.</returns>
    /// <remarks>At threshold s: precision = TP(s)/(TP(s)+FP(s)), recall = TP(s)/TP_total (1 everywhere without
    /// positives, as scikit-learn).</remarks>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a score is not finite.</exception>
    public static (Tensor Precision, Tensor Recall, Tensor Thresholds) PrecisionRecallCurve(Tensor yTrue, Tensor probasPred, double posLabel = 1)
    {
        (double[] fps, double[] tps, double[] thr) = BinaryCurve(yTrue, probasPred, posLabel, nameof(PrecisionRecallCurve));
        int t = fps.Length;
        double[] precision = new double[t + 1], recall = new double[t + 1], thresholds = new double[t];
        double tpTotal = tps[^1];
        for (int j = 0; j < t; j++)
        {
            int i = t - 1 - j; // reversed, so that recall decreases
            double predictedPositive = tps[i] + fps[i];
            precision[j] = predictedPositive == 0 ? 0 : tps[i] / predictedPositive;
            recall[j] = tpTotal == 0 ? 1 : tps[i] / tpTotal;
            thresholds[j] = thr[i];
        }
        (precision[t], recall[t]) = (1, 0);
        return (Tensor.FromArray(precision), Tensor.FromArray(recall), Tensor.FromArray(thresholds));
    }

    /// <summary>Average precision: the precision–recall curve summarised as Σ_n (R_n − R_{n−1}) P_n.
    /// scikit-learn: <c>sklearn.metrics.average_precision_score</c> for binary y.</summary>
    /// <param name="yTrue">True binary labels (N).</param>
    /// <param name="yScore">Scores (N) of the positive class.</param>
    /// <param name="posLabel">The positive label; default 1.</param>
    /// <remarks>A step-wise (not trapezoidal) integral over <see cref="PrecisionRecallCurve"/>'s points, so it is not
    /// optimistic about interpolated precision.</remarks>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a score is not finite.</exception>
    public static double AveragePrecisionScore(Tensor yTrue, Tensor yScore, double posLabel = 1)
    {
        (Tensor pT, Tensor rT, _) = PrecisionRecallCurve(yTrue, yScore, posLabel);
        double[] p = pT.ToArray<double>(), r = rT.ToArray<double>();
        double ap = 0;
        for (int i = 0; i + 1 < r.Length; i++) ap -= (r[i + 1] - r[i]) * p[i];
        return ap;
    }

    /// <summary>scikit-learn's <c>_binary_clf_curve</c>: cumulative FP and TP counts at each distinct score, scores decreasing.</summary>
    private static (double[] Fps, double[] Tps, double[] Thresholds) BinaryCurve(Tensor yTrue, Tensor yScore, double posLabel, string op)
    {
        (double[] t, double[] s) = Pair(yTrue, yScore, op);
        int[] order = Enumerable.Range(0, s.Length).OrderByDescending(i => s[i]).ToArray();
        var fps = new List<double>();
        var tps = new List<double>();
        var thr = new List<double>();
        double tp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (t[order[k]] == posLabel) tp++;
            // A threshold point closes each run of equal scores: all samples scoring ≥ s are predicted positive.
            if (k == order.Length - 1 || s[order[k + 1]] != s[order[k]])
            {
                tps.Add(tp);
                fps.Add(k + 1 - tp);
                thr.Add(s[order[k]]);
            }
        }
        return (fps.ToArray(), tps.ToArray(), thr.ToArray());
    }
}
