namespace Nabla.Learn;

/// <summary>Limited-memory BFGS (Nocedal 1980, "Updating quasi-Newton matrices with limited storage") in double,
/// for the smooth convex objectives of the linear models.</summary>
internal static class Lbfgs
{
    /// <summary>Returns f(w) and writes ∇f(w) into grad.</summary>
    public delegate double Objective(double[] w, double[] grad);

    /// <summary>History length: SciPy's default <c>maxcor=10</c>, which scikit-learn's lbfgs solver uses.</summary>
    private const int Memory = 10;

    /// <summary>Armijo sufficient-decrease constant c₁ (the usual 1e-4 of Nocedal &amp; Wright, Algorithm 3.1).</summary>
    private const double ArmijoC1 = 1e-4;

    /// <summary>Relative decrease below which progress has stalled: scikit-learn's <c>ftol = 64·eps</c>.</summary>
    private const double Ftol = 64 * 2.220446049250313e-16;

    /// <summary>Halvings of the step before the line search gives up: 2⁻⁶⁰ is below double resolution of any step.</summary>
    private const int MaxHalvings = 60;

    /// <summary>Minimises f from w (updated in place) until max|∇f| ≤ gtol, progress stalls, or maxIter iterations.</summary>
    /// <returns>The iterations run.</returns>
    public static int Minimize(Objective fg, double[] w, int maxIter, double gtol)
    {
        int p = w.Length;
        var g = new double[p];
        double f = fg(w, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var trial = new double[p];
        var gNew = new double[p];
        int iter = 0;
        while (iter < maxIter && MaxAbs(g) > gtol)
        {
            iter++;
            double[] d = Direction(g, s, y, rho);
            double slope = Dot(g, d);
            if (slope >= 0)
            {
                // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                d = Direction(g, s, y, rho);
                slope = Dot(g, d);
            }
            // The first step has no curvature information: scale it to length 1 as SciPy's L-BFGS-B does.
            double t = s.Count == 0 ? 1 / Math.Sqrt(Dot(g, g)) : 1;
            double fNew = double.NaN;
            int halvings = 0;
            for (; halvings <= MaxHalvings; halvings++, t /= 2)
            {
                for (int i = 0; i < p; i++) trial[i] = w[i] + t * d[i];
                fNew = fg(trial, gNew);
                if (fNew <= f + ArmijoC1 * t * slope) break;
            }
            if (halvings > MaxHalvings) break;
            var sk = new double[p];
            var yk = new double[p];
            for (int i = 0; i < p; i++) (sk[i], yk[i]) = (trial[i] - w[i], gNew[i] - g[i]);
            double sy = Dot(sk, yk);
            // Keep the pair only with positive curvature sᵀy > 0, so the implicit inverse Hessian stays positive definite;
            // 1e-300 (near the smallest normal double) also keeps ρ = 1/sᵀy finite.
            if (sy > 1e-300)
            {
                if (s.Count == Memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            Array.Copy(trial, w, p);
            Array.Copy(gNew, g, p);
            double decrease = (f - fNew) / Math.Max(Math.Max(Math.Abs(f), Math.Abs(fNew)), 1);
            f = fNew;
            if (decrease <= Ftol) break;
        }
        return iter;
    }

    /// <summary>d = −H∇f by the two-loop recursion, with H₀ = (sᵀy / yᵀy) I from the newest pair.</summary>
    private static double[] Direction(double[] g, List<double[]> s, List<double[]> y, List<double> rho)
    {
        int m = s.Count;
        var q = (double[])g.Clone();
        var alpha = new double[m];
        for (int k = m - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * Dot(s[k], q);
            Axpy(-alpha[k], y[k], q);
        }
        double gamma = m == 0 ? 1 : Dot(s[m - 1], y[m - 1]) / Dot(y[m - 1], y[m - 1]);
        for (int i = 0; i < q.Length; i++) q[i] *= gamma;
        for (int k = 0; k < m; k++)
        {
            double beta = rho[k] * Dot(y[k], q);
            Axpy(alpha[k] - beta, s[k], q);
        }
        for (int i = 0; i < q.Length; i++) q[i] = -q[i];
        return q;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
