namespace Nabla.Learn;

/// <summary>Regression metrics on 1-D tensors. scikit-learn: <c>sklearn.metrics</c>.</summary>
public static class Regression
{
    /// <summary>Mean squared error (1/N) Σ (y − ŷ)². scikit-learn: <c>sklearn.metrics.mean_squared_error</c>.</summary>
    /// <param name="yTrue">True targets (N).</param>
    /// <param name="yPred">Predictions (N).</param>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a value is not finite.</exception>
    public static double MeanSquaredError(Tensor yTrue, Tensor yPred)
    {
        (double[] t, double[] p) = Pair(yTrue, yPred, nameof(MeanSquaredError));
        return t.Select((v, i) => (v - p[i]) * (v - p[i])).Average();
    }

    /// <summary>Mean absolute error (1/N) Σ |y − ŷ|. scikit-learn: <c>sklearn.metrics.mean_absolute_error</c>.</summary>
    /// <param name="yTrue">True targets (N).</param>
    /// <param name="yPred">Predictions (N).</param>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a value is not finite.</exception>
    public static double MeanAbsoluteError(Tensor yTrue, Tensor yPred)
    {
        (double[] t, double[] p) = Pair(yTrue, yPred, nameof(MeanAbsoluteError));
        return t.Select((v, i) => Math.Abs(v - p[i])).Average();
    }

    /// <summary>Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)². scikit-learn: <c>sklearn.metrics.r2_score</c>.</summary>
    /// <param name="yTrue">True targets (N).</param>
    /// <param name="yPred">Predictions (N).</param>
    /// <remarks>1 is a perfect fit, 0 is predicting the mean, and it can be negative. For constant yTrue it is 1 if the
    /// predictions are exact and 0 otherwise (scikit-learn's <c>force_finite=True</c>).</remarks>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a value is not finite.</exception>
    public static double R2Score(Tensor yTrue, Tensor yPred)
    {
        (double[] t, double[] p) = Pair(yTrue, yPred, nameof(R2Score));
        return R2(t, p);
    }

    internal static double R2(double[] t, double[] p)
    {
        double mean = t.Average(), res = 0, tot = 0;
        for (int i = 0; i < t.Length; i++)
        {
            res += (t[i] - p[i]) * (t[i] - p[i]);
            tot += (t[i] - mean) * (t[i] - mean);
        }
        if (tot == 0) return res == 0 ? 1 : 0;
        return 1 - res / tot;
    }

    private static (double[] T, double[] P) Pair(Tensor yTrue, Tensor yPred, string op)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        double[] t = Input.Vector(yTrue, op, nameof(yTrue), yTrue.Dim == 1 ? yTrue.Size(0) : -1);
        double[] p = Input.Vector(yPred, op, nameof(yPred), yPred.Dim == 1 ? yPred.Size(0) : -1);
        if (t.Length != p.Length || t.Length == 0)
            throw new ArgumentException($"{op}: {t.Length} targets and {p.Length} predictions (need the same non-zero count).");
        return (t, p);
    }
}
