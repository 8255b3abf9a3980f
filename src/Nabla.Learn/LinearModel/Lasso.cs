namespace Nabla.Learn.LinearModel;

/// <summary>Least squares with an L1 penalty, by cyclic coordinate descent: minimises
/// (1/(2N))‖y − X w − b‖² + α‖w‖₁. scikit-learn: <c>sklearn.linear_model.Lasso</c>.</summary>
/// <remarks>On centred data, each coordinate step solves its one-dimensional problem exactly:
/// w_j ← S(x_jᵀ r_j, Nα) / ‖x_j‖² with r_j the residual without feature j and S(z, t) = sign(z)·max(|z| − t, 0)
/// the soft threshold. Stops when the duality gap of the N-scaled problem ½‖r‖² + Nα‖w‖₁ falls below
/// Tol·‖y‖² (scikit-learn's criterion), or after MaxIter sweeps.
/// Shapes: X (N, F), y (N) → Coef (F), Intercept scalar.</remarks>
public sealed class Lasso : LinearRegressor
{
    /// <summary>Penalty strength α ≥ 0. scikit-learn: <c>alpha=1.0</c>.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Maximum number of sweeps over the features. scikit-learn: <c>max_iter=1000</c>.</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Duality-gap tolerance, relative to ‖y‖². scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Sweeps run by the last Fit. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    private int? _nIter;

    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <returns>This estimator.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, an input is not finite, or the problem is singular.</exception>
    public override Lasso Fit(Tensor x, Tensor? y = null) => (Lasso)base.Fit(x, y);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Alpha is negative, MaxIter &lt; 1 or Tol &lt; 0.</exception>
    private protected override double[] Solve(double[] x, double[] y, int n, int f)
    {
        if (!(Alpha >= 0) || MaxIter < 1 || !(Tol >= 0))
            throw new ArgumentException($"Lasso: need Alpha ≥ 0, MaxIter ≥ 1, Tol ≥ 0; got {Alpha}, {MaxIter}, {Tol}.");
        double l1 = Alpha * n;
        var w = new double[f];
        var r = (double[])y.Clone();
        var norm2 = new double[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) norm2[j] += x[i * f + j] * x[i * f + j];
        double tol = Tol * y.Sum(v => v * v);
        int sweep = 0;
        while (sweep < MaxIter)
        {
            sweep++;
            for (int j = 0; j < f; j++)
            {
                if (norm2[j] == 0) continue;
                // z = x_jᵀ(r + x_j w_j): the correlation with the residual that excludes feature j.
                double z = 0;
                for (int i = 0; i < n; i++) z += x[i * f + j] * r[i];
                z += norm2[j] * w[j];
                double next = Math.Sign(z) * Math.Max(Math.Abs(z) - l1, 0) / norm2[j];
                double delta = next - w[j];
                if (delta != 0)
                {
                    for (int i = 0; i < n; i++) r[i] -= delta * x[i * f + j];
                    w[j] = next;
                }
            }
            if (DualityGap(x, y, r, w, n, f, l1) <= tol) break;
        }
        _nIter = sweep;
        return w;
    }

    /// <summary>Gap between primal P(w) = ½‖r‖² + λ‖w‖₁ and the dual at the scaled residual θ = c·r,
    /// c = min(1, λ/‖Xᵀr‖_∞), as in scikit-learn's <c>enet_coordinate_descent</c>; it bounds P(w) − P(w*).</summary>
    private static double DualityGap(double[] x, double[] y, double[] r, double[] w, int n, int f, double l1)
    {
        double maxCorr = 0;
        for (int j = 0; j < f; j++)
        {
            double c = 0;
            for (int i = 0; i < n; i++) c += x[i * f + j] * r[i];
            maxCorr = Math.Max(maxCorr, Math.Abs(c));
        }
        double rNorm2 = r.Sum(v => v * v), ry = 0;
        for (int i = 0; i < n; i++) ry += r[i] * y[i];
        double scale = maxCorr > l1 ? l1 / maxCorr : 1;
        double gap = 0.5 * rNorm2 * (1 + scale * scale);
        return gap + l1 * w.Sum(Math.Abs) - scale * ry;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        base.ResetFitted();
        _nIter = null;
    }
}
