using Nabla.Kernels;

namespace Nabla.Learn.LinearModel;

/// <summary>Linear classifier trained by plain stochastic gradient descent, one-vs-rest for more than two classes.
/// scikit-learn: <c>sklearn.linear_model.SGDClassifier</c>.</summary>
/// <remarks>
/// Minimises (1/N) Σ L(y_i (w·x_i + b)) + (α/2)‖w‖² (for <see cref="Penalty.L2"/>) one sample at a time, exactly in
/// scikit-learn's order of operations: score p = w·x + b, then shrink w ← (1 − ηα) w, then
/// w ← w − η L′ y x and b ← b − η L′ y (L′ = dL/dz, clipped to ±1e12). Epochs stop as for <see cref="Perceptron"/>:
/// NIterNoChange epochs in a row whose summed loss is not below the best minus Tol·N. Unshuffled training is
/// deterministic and reproduces scikit-learn's coefficients (to round-off: both store w as a scaled vector, but scikit-learn's BLAS dot products sum in another order).
/// Probabilities exist for <see cref="SgdLoss.LogLoss"/> (σ of the score, normalised over classes for one-vs-rest) and
/// <see cref="SgdLoss.ModifiedHuber"/> ((clip(score, −1, 1) + 1)/2, normalised), as in scikit-learn.
/// Shapes: X (N, F), y (N) → Coef (1, F) for two classes, else (K, F); Intercept (1) or (K).
/// </remarks>
public sealed class SgdClassifier : LinearClassifier, IProbabilisticClassifier
{

    /// <summary>The loss. scikit-learn: <c>loss='hinge'</c>.</summary>
    public SgdLoss Loss { get; init; } = SgdLoss.Hinge;

    /// <summary>The regulariser. scikit-learn: <c>penalty='l2'</c>.</summary>
    public Penalty Penalty { get; init; } = Penalty.L2;

    /// <summary>Regularisation strength α ≥ 0, also used by the optimal schedule (α &gt; 0 then). scikit-learn: <c>alpha=0.0001</c>.</summary>
    public double Alpha { get; init; } = 1e-4;

    /// <summary>Whether to fit the bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum epochs. scikit-learn: <c>max_iter=1000</c>.</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Loss-improvement tolerance per sample; null disables the stopping rule. scikit-learn: <c>tol=1e-3</c>.</summary>
    public double? Tol { get; init; } = 1e-3;

    /// <summary>Whether to shuffle the samples every epoch. scikit-learn: <c>shuffle=True</c>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The step-size schedule. scikit-learn: <c>learning_rate='optimal'</c>.</summary>
    public LearningRate LearningRate { get; init; } = LearningRate.Optimal;

    /// <summary>Initial step for the constant and invscaling schedules. scikit-learn: <c>eta0=0.0</c>.</summary>
    public double Eta0 { get; init; }

    /// <summary>Exponent of the invscaling schedule. scikit-learn: <c>power_t=0.5</c>.</summary>
    public double PowerT { get; init; } = 0.5;

    /// <summary>Epochs without improvement before stopping. scikit-learn: <c>n_iter_no_change=5</c>.</summary>
    public int NIterNoChange { get; init; } = 5;

    /// <summary>Seed of the shuffling; null draws a fresh one. scikit-learn: <c>random_state=None</c>
    /// (Nabla's generator, so shuffled runs differ from scikit-learn's).</summary>
    public long? RandomState { get; init; }

    /// <summary>Trains on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters (α &lt; 0, or α = 0 with the optimal schedule, eta0 ≤ 0
    /// with the others, MaxIter or NIterNoChange &lt; 1, Tol &lt; 0); fewer than two classes; bad shapes or non-finite input.</exception>
    public override SgdClassifier Fit(Tensor x, Tensor? y = null)
    {
        if (!(Alpha >= 0) || (LearningRate == LearningRate.Optimal && Alpha == 0) || (LearningRate != LearningRate.Optimal && !(Eta0 > 0))
            || MaxIter < 1 || NIterNoChange < 1 || Tol < 0)
            throw new ArgumentException($"SgdClassifier: invalid hyper-parameters (Alpha {Alpha}, LearningRate {LearningRate}, Eta0 {Eta0}, " +
                                        $"MaxIter {MaxIter}, NIterNoChange {NIterNoChange}, Tol {Tol}); the optimal schedule needs Alpha > 0, the others Eta0 > 0.");
        FitOneVsRest(nameof(SgdClassifier), x, y, RandomState,
                     (xd, sign, n, f, w, ref b, g) => Sgd.Train(xd, sign, n, f, w, ref b, g, LossAt, Options));
        return this;
    }

    private Sgd.Options Options => new(Penalty, Alpha, FitIntercept, MaxIter, Tol, Shuffle, LearningRate, Eta0, PowerT, NIterNoChange);

    private (double Loss, double DLoss) LossAt(double p, double y)
    {
        double z = p * y;
        switch (Loss)
        {
            case SgdLoss.Hinge:
                return z <= 1 ? (1 - z, -y) : (0, 0);
            case SgdLoss.LogLoss:
                // Beyond |z| = 18, e^(−|z|) < 1.6e-8 and the expansions below are exact to double precision (scikit-learn's cut).
                if (z > 18) return (Math.Exp(-z), -y * Math.Exp(-z));
                if (z < -18) return (-z, -y);
                return (Math.Log(1 + Math.Exp(-z)), -y / (Math.Exp(z) + 1));
            default:
                if (z >= 1) return (0, 0);
                if (z >= -1) return ((1 - z) * (1 - z), -2 * y * (1 - z));
                return (-4 * z, -4 * y);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="NotSupportedException">The loss is <see cref="SgdLoss.Hinge"/>, which gives no probabilities.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        if (Loss == SgdLoss.Hinge)
            throw new NotSupportedException("SgdClassifier.PredictProba: probabilities need Loss = LogLoss or ModifiedHuber (scikit-learn has no predict_proba for hinge either).");
        double[] z = Scores(x, out int n, out int k, nameof(PredictProba));
        int columns = k == 1 ? 2 : k;
        var p = new double[n * columns];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                double s = z[i * k + c];
                double q = Loss == SgdLoss.LogLoss ? 1 / (1 + Math.Exp(-s)) : (Math.Clamp(s, -1, 1) + 1) / 2;
                z[i * k + c] = q;
                sum += q;
            }
            if (k == 1) (p[2 * i], p[2 * i + 1]) = (1 - z[i], z[i]);
            // One-vs-rest: normalise the K binary probabilities; all zero (modified Huber) means uniform.
            else for (int c = 0; c < k; c++) p[i * k + c] = sum == 0 ? 1.0 / k : z[i * k + c] / sum;
        }
        return Tensor.FromArray(p, n, columns);
    }
}
