namespace Nabla.Learn;

/// <summary>Classification metrics on Int64 label tensors. scikit-learn: <c>sklearn.metrics</c>.</summary>
public static partial class Classification
{
    private static long[] Labels(Tensor t, string op, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Dim != 1) throw new ArgumentException($"{op}: {name} must be 1-D, got shape ({string.Join(", ", t.Shape)}).", name);
        return t.DType == DType.Int64 ? t.ToArray<long>() : t.To(DType.Int64).ToArray<long>();
    }

    /// <summary>Fraction of predictions equal to the true labels. scikit-learn: <c>accuracy_score</c>.</summary>
    /// <param name="yTrue">True labels (N).</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static double Accuracy(Tensor yTrue, Tensor yPred)
    {
        long[] t = Labels(yTrue, nameof(Accuracy), nameof(yTrue)), p = Labels(yPred, nameof(Accuracy), nameof(yPred));
        if (t.Length != p.Length || t.Length == 0)
            throw new ArgumentException($"Accuracy: {t.Length} true labels and {p.Length} predictions (need the same non-zero count).");
        int hits = 0;
        for (int i = 0; i < t.Length; i++) hits += t[i] == p[i] ? 1 : 0;
        return (double)hits / t.Length;
    }

    /// <summary>The confusion matrix C with C[i, j] = number of samples of true class i predicted as j.
    /// scikit-learn: <c>confusion_matrix</c>.</summary>
    /// <param name="yTrue">True labels (N), in 0..numClasses−1.</param>
    /// <param name="yPred">Predicted labels (N).</param>
    /// <param name="numClasses">Number of classes; default max label + 1.</param>
    /// <returns>Int64 tensor (numClasses, numClasses).</returns>
    /// <exception cref="ArgumentException">The lengths differ or a label is out of range.</exception>
    public static Tensor ConfusionMatrix(Tensor yTrue, Tensor yPred, int? numClasses = null)
    {
        long[] t = Labels(yTrue, nameof(ConfusionMatrix), nameof(yTrue)), p = Labels(yPred, nameof(ConfusionMatrix), nameof(yPred));
        if (t.Length != p.Length)
            throw new ArgumentException($"ConfusionMatrix: {t.Length} true labels and {p.Length} predictions.");
        int c = numClasses ?? (int)(t.Concat(p).DefaultIfEmpty(-1).Max() + 1);
        var m = new long[c * c];
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] < 0 || t[i] >= c || p[i] < 0 || p[i] >= c)
                throw new ArgumentException($"ConfusionMatrix: sample {i} has label {t[i]} and prediction {p[i]}, outside 0..{c - 1}.");
            m[t[i] * c + p[i]]++;
        }
        return Tensor.FromArray(m, c, c);
    }
}
