using Nabla.Kernels;

namespace Nabla.Learn.LinearModel;

/// <summary>Rosenblatt's perceptron, one-vs-rest for more than two classes.
/// scikit-learn: <c>sklearn.linear_model.Perceptron</c> (penalty=None, its default).</summary>
/// <remarks>
/// Stochastic gradient descent on the perceptron loss max(0, −y·(w·x + b)) with labels y = ±1 and a constant step
/// η = Eta0: visiting samples in order (shuffled each epoch when <see cref="Shuffle"/>), a sample with y·(w·x + b) ≤ 0
/// updates w ← w + η y x and b ← b + η y. After each epoch, if the summed loss did not fall below the best so far
/// minus Tol·N, a no-improvement counter grows; NIterNoChange such epochs in a row stop training (scikit-learn's
/// rule). With K ≥ 3 classes, K binary problems (class k against the rest) are trained, and the prediction is the
/// class of largest score. Unshuffled training is deterministic and reproduces scikit-learn's coefficients.
/// Shapes: X (N, F), y (N) → Coef (1, F) for two classes, else (K, F); Intercept (1) or (K).
/// </remarks>
public sealed class Perceptron : LinearClassifier
{

    /// <summary>Whether to fit the bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum epochs. scikit-learn: <c>max_iter=1000</c>.</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Loss-improvement tolerance per sample; null disables the stopping rule. scikit-learn: <c>tol=1e-3</c>.</summary>
    public double? Tol { get; init; } = 1e-3;

    /// <summary>Whether to shuffle the samples every epoch. scikit-learn: <c>shuffle=True</c>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Step size η. scikit-learn: <c>eta0=1.0</c>.</summary>
    public double Eta0 { get; init; } = 1.0;

    /// <summary>Epochs without improvement before stopping. scikit-learn: <c>n_iter_no_change=5</c>.</summary>
    public int NIterNoChange { get; init; } = 5;

    /// <summary>Seed of the shuffling; null draws a fresh one. scikit-learn: <c>random_state=None</c>
    /// (Nabla's generator, so shuffled runs differ from scikit-learn's).</summary>
    public long? RandomState { get; init; }

    /// <summary>Trains on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">MaxIter, NIterNoChange &lt; 1, Eta0 ≤ 0 or Tol &lt; 0; fewer than two classes;
    /// bad shapes or non-finite input.</exception>
    public override Perceptron Fit(Tensor x, Tensor? y = null)
    {
        if (MaxIter < 1 || NIterNoChange < 1 || !(Eta0 > 0) || Tol < 0)
            throw new ArgumentException($"Perceptron: need MaxIter ≥ 1, NIterNoChange ≥ 1, Eta0 > 0, Tol ≥ 0 or null; got {MaxIter}, {NIterNoChange}, {Eta0}, {Tol}.");
        FitOneVsRest(nameof(Perceptron), x, y, RandomState, Train);
        return this;
    }

    private int Train(double[] x, double[] y, int n, int f, Span<double> w, ref double b, Generator g)
    {
        int[] order = Enumerable.Range(0, n).ToArray();
        double best = double.PositiveInfinity;
        int noImprovement = 0, epoch = 0;
        while (epoch < MaxIter)
        {
            epoch++;
            if (Shuffle)
                for (int i = n - 1; i > 0; i--)
                {
                    int j = (int)g.NextBounded((ulong)(i + 1));
                    (order[i], order[j]) = (order[j], order[i]);
                }
            double loss = 0;
            foreach (int i in order)
            {
                ReadOnlySpan<double> xi = x.AsSpan(i * f, f);
                double p = b;
                for (int j = 0; j < f; j++) p += w[j] * xi[j];
                double margin = p * y[i];
                if (margin > 0) continue;
                loss -= margin;
                double step = Eta0 * y[i];
                for (int j = 0; j < f; j++) w[j] += step * xi[j];
                if (FitIntercept) b += step;
            }
            if (Tol is double tol && loss > best - tol * n) noImprovement++;
            else noImprovement = 0;
            best = Math.Min(best, loss);
            if (noImprovement >= NIterNoChange) break;
        }
        return epoch;
    }
}
