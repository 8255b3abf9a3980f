namespace Nabla.Learn;

/// <summary>How <see cref="Classification.RocAucScore(Tensor, Tensor, MultiClass, Average)"/> reduces K classes to
/// binary problems. scikit-learn: the <c>multi_class</c> argument of <c>roc_auc_score</c>.</summary>
public enum MultiClass
{
    /// <summary>One-vs-rest: each class against all others, scored by its own probability column. scikit-learn: <c>'ovr'</c>.</summary>
    Ovr,

    /// <summary>One-vs-one (Hand &amp; Till 2001): every pair of classes on the samples of those two classes.
    /// scikit-learn: <c>'ovo'</c>.</summary>
    Ovo,
}

public static partial class Classification
{
    /// <summary>Multi-class area under the ROC curve from class probabilities.
    /// scikit-learn: <c>roc_auc_score(y_true, y_score, multi_class='ovr'|'ovo', average='macro'|'weighted')</c>.</summary>
    /// <param name="yTrue">True labels (N); the classes are its sorted distinct values, column c of
    /// <paramref name="yScore"/> belonging to the c-th.</param>
    /// <param name="yScore">Probabilities (N, K), each row summing to 1.</param>
    /// <param name="multiClass">One-vs-rest or one-vs-one.</param>
    /// <param name="average"><see cref="Average.Macro"/> (unweighted mean) or <see cref="Average.Weighted"/>.</param>
    /// <remarks>OvR: AUC_c = AUC(y = c, score_c), averaged over classes, weighted by the class counts n_c when Weighted.
    /// OvO: for each pair a &lt; b, on the samples of class a or b, A(a, b) = (AUC(y = a, score_a) + AUC(y = b, score_b)) / 2,
    /// averaged over pairs, weighted by the pair's share (n_a + n_b) / N when Weighted.</remarks>
    /// <exception cref="ArgumentException">Shapes disagree, K differs from the number of classes in yTrue (or is below 3),
    /// rows do not sum to 1, or the average is Binary or Micro.</exception>
    public static double RocAucScore(Tensor yTrue, Tensor yScore, MultiClass multiClass, Average average = Average.Macro)
    {
        const string op = nameof(RocAucScore);
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yScore);
        if (average is not (Average.Macro or Average.Weighted))
            throw new ArgumentException($"{op}: multi-class ROC AUC averages 'Macro' or 'Weighted', got {average}.", nameof(average));
        double[] y = Input.Doubles(yTrue);
        if (yTrue.Dim != 1 || yScore.Dim != 2 || yScore.Size(0) != y.Length)
            throw new ArgumentException($"{op}: need yTrue (N) and yScore (N, K), got ({string.Join(", ", yTrue.Shape)}) and ({string.Join(", ", yScore.Shape)}).");
        double[] classes = Input.Encode(y, out int[] codes);
        int n = y.Length, k = yScore.Size(1);
        if (k != classes.Length || k < 3)
            throw new ArgumentException($"{op}: yScore has {k} columns but yTrue has {classes.Length} classes (multi-class needs the same number, at least 3).");
        double[] s = Input.Doubles(yScore);
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += s[i * k + c];
            // numpy.allclose(1, sum): |sum − 1| ≤ 1e-8 + 1e-5·1, scikit-learn's check that the scores are probabilities.
            if (!(Math.Abs(sum - 1) <= 1e-8 + 1e-5))
                throw new ArgumentException($"{op}: row {i} of yScore sums to {sum}; multi-class ROC AUC needs probabilities summing to 1.");
        }
        var counts = new int[k];
        foreach (int c in codes) counts[c]++;
        double total = 0, weights = 0;
        if (multiClass == MultiClass.Ovr)
        {
            for (int c = 0; c < k; c++)
            {
                double auc = BinaryAuc(codes, s, k, c, Enumerable.Range(0, n));
                double w = average == Average.Weighted ? counts[c] : 1;
                (total, weights) = (total + w * auc, weights + w);
            }
            return total / weights;
        }
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
            {
                int[] rows = Enumerable.Range(0, n).Where(i => codes[i] == a || codes[i] == b).ToArray();
                double auc = (BinaryAuc(codes, s, k, a, rows) + BinaryAuc(codes, s, k, b, rows)) / 2;
                double w = average == Average.Weighted ? (double)rows.Length / n : 1;
                (total, weights) = (total + w * auc, weights + w);
            }
        return total / weights;
    }

    /// <summary>AUC of "class c" against the rest over the given rows, scored by column c.</summary>
    private static double BinaryAuc(int[] codes, double[] scores, int k, int c, IEnumerable<int> rows)
    {
        int[] r = rows.ToArray();
        Tensor truth = Tensor.FromArray(r.Select(i => codes[i] == c ? 1L : 0L).ToArray());
        Tensor score = Tensor.FromArray(r.Select(i => scores[i * k + c]).ToArray());
        return RocAucScore(truth, score);
    }
}
