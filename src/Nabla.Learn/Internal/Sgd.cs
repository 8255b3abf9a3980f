using Nabla.Learn.LinearModel;

namespace Nabla.Learn;

/// <summary>scikit-learn's plain SGD loop (<c>_sgd_fast._plain_sgd</c>) for one linear model, shared by
/// <see cref="SgdClassifier"/> and <see cref="SgdRegressor"/>.</summary>
internal static class Sgd
{
    /// <summary>Bound on |L′| (scikit-learn's MAX_DLOSS), against overflow on huge margins or residuals.</summary>
    private const double MaxDLoss = 1e12;

    /// <summary>The loss at score p for target y, and its derivative dL/dp.</summary>
    public delegate (double Loss, double DLoss) LossFunction(double p, double y);

    /// <summary>The hyper-parameters the loop reads.</summary>
    public readonly record struct Options(Penalty Penalty, double Alpha, bool FitIntercept, int MaxIter, double? Tol, bool Shuffle,
                                          LearningRate LearningRate, double Eta0, double PowerT, int NIterNoChange);

    /// <summary>Runs SGD epochs on one linear model (w, b) until the stopping rule or MaxIter; returns the epochs run.</summary>
    public static int Train(double[] x, double[] y, int n, int f, Span<double> w, ref double b, Generator g, LossFunction lossAt, Options o)
    {
        if (o.Penalty is not (Penalty.None or Penalty.L2))
            throw new ArgumentException($"SGD: penalty {o.Penalty} is not supported here (None or L2).");
        // Optimal schedule: η_t = 1/(α(t₀ + t − 1)), with η₁ = typw/max(1, L′(−typw, y = 1)) and typw = √(1/√α), the
        // typical weight size (Bottou). L′ is negative there for every classification and regression loss here, so η₁ = typw; the max keeps
        // scikit-learn's general formula.
        double typw = Math.Sqrt(1 / Math.Sqrt(o.Alpha));
        double optimalInit = o.LearningRate == LearningRate.Optimal ? 1 / (typw / Math.Max(1, lossAt(-typw, 1).DLoss) * o.Alpha) : 0;
        int[] order = Enumerable.Range(0, n).ToArray();
        double best = double.PositiveInfinity, t = 1;
        int noImprovement = 0, epoch = 0;
        // w = scale·v (Bottou's trick, as scikit-learn's WeightVector): the L2 shrink multiplies the scalar in O(1)
        // instead of every weight, and v is folded back once the scale drops below 1e-9 (scikit-learn's threshold), before
        // update/scale could lose precision.
        double scale = 1;
        while (epoch < o.MaxIter)
        {
            epoch++;
            if (o.Shuffle)
                for (int i = n - 1; i > 0; i--)
                {
                    int j = (int)g.NextBounded((ulong)(i + 1));
                    (order[i], order[j]) = (order[j], order[i]);
                }
            double sumLoss = 0;
            foreach (int i in order)
            {
                ReadOnlySpan<double> xi = x.AsSpan(i * f, f);
                double eta = o.LearningRate switch
                {
                    LearningRate.Optimal => 1 / (o.Alpha * (optimalInit + t - 1)),
                    LearningRate.InvScaling => o.Eta0 / Math.Pow(t, o.PowerT),
                    _ => o.Eta0,
                };
                double dot = 0;
                for (int j = 0; j < f; j++) dot += w[j] * xi[j];
                double p = dot * scale + b;
                (double loss, double dloss) = lossAt(p, y[i]);
                sumLoss += loss;
                double update = -eta * Math.Clamp(dloss, -MaxDLoss, MaxDLoss);
                if (o.Penalty == Penalty.L2)
                {
                    // Gradient step on (α/2)‖w‖², applied before the loss step; never flips the sign of w.
                    scale *= Math.Max(0, 1 - eta * o.Alpha);
                    if (scale < 1e-9)
                    {
                        for (int j = 0; j < f; j++) w[j] *= scale;
                        scale = 1;
                    }
                }
                if (update != 0)
                {
                    double step = update / scale;
                    for (int j = 0; j < f; j++) w[j] += step * xi[j];
                    if (o.FitIntercept) b += update;
                }
                t++;
            }
            if (o.Tol is double tol && sumLoss > best - tol * n) noImprovement++;
            else noImprovement = 0;
            best = Math.Min(best, sumLoss);
            if (noImprovement >= o.NIterNoChange) break;
        }
        for (int j = 0; j < f; j++) w[j] *= scale;
        return epoch;
    }
}
