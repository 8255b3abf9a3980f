namespace Nabla.Learn;

public static partial class Classification
{
    /// <summary>Precision, recall and F1 combined by <paramref name="average"/>.
    /// scikit-learn: <c>sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, average='binary', pos_label=1)</c>.</summary>
    /// <param name="yTrue">True labels (N), any numeric dtype.</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <param name="average">How per-class scores combine; scikit-learn's default is <see cref="Average.Binary"/>.</param>
    /// <param name="posLabel">The positive label for <see cref="Average.Binary"/>; default 1.</param>
    /// <remarks>Per class c: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R); a zero denominator gives 0
    /// (scikit-learn's <c>zero_division='warn'</c> value, without the warning). Classes are the sorted union of the labels
    /// in yTrue and yPred. Micro averaging pools TP, FP and FN over classes (for single-label multi-class data all
    /// three equal the accuracy).</remarks>
    /// <exception cref="ArgumentException">Lengths differ or are zero; Binary with more than two distinct labels.</exception>
    public static (double Precision, double Recall, double F1) PrecisionRecallFScore(
        Tensor yTrue, Tensor yPred, Average average = Average.Binary, double posLabel = 1)
    {
        (double[] t, double[] p) = Pair(yTrue, yPred, nameof(PrecisionRecallFScore));
        double[] labels = t.Concat(p).Distinct().Order().ToArray();
        if (average == Average.Binary)
        {
            if (labels.Length > 2)
                throw new ArgumentException($"PrecisionRecallFScore: Average.Binary needs at most 2 labels, found [{string.Join(", ", labels)}]; choose Micro, Macro or Weighted.");
            labels = [posLabel];
        }
        int k = labels.Length;
        var tp = new double[k];
        var predicted = new double[k];
        var support = new double[k];
        for (int i = 0; i < t.Length; i++)
        {
            int a = Array.IndexOf(labels, t[i]), b = Array.IndexOf(labels, p[i]);
            if (a >= 0) support[a]++;
            if (b >= 0) predicted[b]++;
            if (a >= 0 && a == b) tp[a]++;
        }
        if (average == Average.Micro) return Prf(tp.Sum(), predicted.Sum(), support.Sum());
        double sp = 0, sr = 0, sf = 0, total = 0;
        for (int c = 0; c < k; c++)
        {
            (double pc, double rc, double fc) = Prf(tp[c], predicted[c], support[c]);
            double w = average == Average.Weighted ? support[c] : 1;
            (sp, sr, sf, total) = (sp + w * pc, sr + w * rc, sf + w * fc, total + w);
        }
        return total == 0 ? (0, 0, 0) : (sp / total, sr / total, sf / total);
    }

    /// <summary>Precision TP/(TP+FP). scikit-learn: <c>sklearn.metrics.precision_score</c>.</summary>
    /// <param name="yTrue">True labels (N).</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <param name="average">See <see cref="PrecisionRecallFScore"/>; default Binary.</param>
    /// <param name="posLabel">Positive label for Binary; default 1.</param>
    /// <exception cref="ArgumentException">As <see cref="PrecisionRecallFScore"/>.</exception>
    public static double Precision(Tensor yTrue, Tensor yPred, Average average = Average.Binary, double posLabel = 1)
        => PrecisionRecallFScore(yTrue, yPred, average, posLabel).Precision;

    /// <summary>Recall TP/(TP+FN). scikit-learn: <c>sklearn.metrics.recall_score</c>.</summary>
    /// <param name="yTrue">True labels (N).</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <param name="average">See <see cref="PrecisionRecallFScore"/>; default Binary.</param>
    /// <param name="posLabel">Positive label for Binary; default 1.</param>
    /// <exception cref="ArgumentException">As <see cref="PrecisionRecallFScore"/>.</exception>
    public static double Recall(Tensor yTrue, Tensor yPred, Average average = Average.Binary, double posLabel = 1)
        => PrecisionRecallFScore(yTrue, yPred, average, posLabel).Recall;

    /// <summary>F1 = 2PR/(P+R). scikit-learn: <c>sklearn.metrics.f1_score</c>.</summary>
    /// <param name="yTrue">True labels (N).</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <param name="average">See <see cref="PrecisionRecallFScore"/>; default Binary.</param>
    /// <param name="posLabel">Positive label for Binary; default 1.</param>
    /// <exception cref="ArgumentException">As <see cref="PrecisionRecallFScore"/>.</exception>
    public static double F1Score(Tensor yTrue, Tensor yPred, Average average = Average.Binary, double posLabel = 1)
        => PrecisionRecallFScore(yTrue, yPred, average, posLabel).F1;

    private static (double P, double R, double F) Prf(double tp, double predicted, double support)
    {
        double p = predicted == 0 ? 0 : tp / predicted, r = support == 0 ? 0 : tp / support;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }

    /// <summary>Log loss (cross-entropy) of predicted probabilities. scikit-learn: <c>sklearn.metrics.log_loss(y_true, y_pred, eps='auto')</c>.</summary>
    /// <param name="yTrue">True labels (N); the sorted distinct labels are the classes.</param>
    /// <param name="probabilities">(N, K) probabilities in class order, or (N) the probability of the larger of two labels.</param>
    /// <param name="labels">The classes of the probability columns (K), sorted; default the distinct labels of yTrue.
    /// scikit-learn: <c>labels=None</c>. Needed when a subset of the data (a test fold) lacks some class.</param>
    /// <remarks>−(1/N) Σ_i log p_i,y_i after clipping p to [ε, 1−ε] with ε = 2⁻⁵² (float64 machine epsilon) and
    /// renormalising each row to sum 1, as scikit-learn does.</remarks>
    /// <exception cref="ArgumentException">Lengths differ; the number of columns is not the number of classes;
    /// a label is not among <paramref name="labels"/>; non-finite probabilities.</exception>
    public static double LogLoss(Tensor yTrue, Tensor probabilities, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        double[] t = Floats(yTrue, nameof(LogLoss), nameof(yTrue));
        double[] classes = Input.Encode(t, out int[] codes);
        if (labels is not null)
        {
            classes = Floats(labels, nameof(LogLoss), nameof(labels)).Order().ToArray();
            for (int i = 0; i < t.Length; i++)
                if ((codes[i] = Array.BinarySearch(classes, t[i])) < 0)
                    throw new ArgumentException($"LogLoss: label {t[i]} at [{i}] is not among the labels [{string.Join(", ", classes)}].", nameof(yTrue));
        }
        double[] p;
        int k;
        if (probabilities.Dim == 1)
        {
            double[] q = Input.Vector(probabilities, nameof(LogLoss), nameof(probabilities), t.Length);
            k = 2;
            p = new double[2 * q.Length];
            for (int i = 0; i < q.Length; i++) (p[2 * i], p[2 * i + 1]) = (1 - q[i], q[i]);
        }
        else
        {
            p = Input.Matrix(probabilities, nameof(LogLoss), nameof(probabilities), out int n, out k);
            if (n != t.Length) throw new ArgumentException($"LogLoss: {t.Length} labels but {n} probability rows.", nameof(probabilities));
        }
        if (k != classes.Length || k < 2)
            throw new ArgumentException($"LogLoss: yTrue has {classes.Length} classes [{string.Join(", ", classes)}] but the probabilities have {k} columns.", nameof(probabilities));
        const double eps = 2.220446049250313e-16; // float64 machine epsilon, 2⁻⁵²
        double loss = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.Clamp(p[i * k + c], eps, 1 - eps);
            loss -= Math.Log(Math.Clamp(p[i * k + codes[i]], eps, 1 - eps) / sum);
        }
        return loss / t.Length;
    }

    private static double[] Floats(Tensor t, string op, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        return Input.Vector(t, op, name, t.Dim == 1 ? t.Size(0) : -1);
    }

    private static (double[] T, double[] P) Pair(Tensor yTrue, Tensor yPred, string op)
    {
        double[] t = Floats(yTrue, op, nameof(yTrue)), p = Floats(yPred, op, nameof(yPred));
        if (t.Length != p.Length || t.Length == 0)
            throw new ArgumentException($"{op}: {t.Length} true labels and {p.Length} predictions (need the same non-zero count).");
        return (t, p);
    }
}
