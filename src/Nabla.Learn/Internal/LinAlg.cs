namespace Nabla.Learn;

/// <summary>Dense double-precision linear algebra on row-major arrays, for the closed-form estimators.</summary>
internal static class LinAlg
{
    /// <summary>Column means (F) of the row-major matrix x (N, F).</summary>
    public static double[] ColumnMeans(double[] x, int n, int f)
    {
        var mean = new double[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) mean[j] += x[i * f + j];
        for (int j = 0; j < f; j++) mean[j] /= n;
        return mean;
    }

    /// <summary>Gram matrix XᵀX (F, F) and the vector Xᵀy (F).</summary>
    public static (double[] Gram, double[] Xty) Normal(double[] x, double[] y, int n, int f)
    {
        var g = new double[f * f];
        var b = new double[f];
        for (int i = 0; i < n; i++)
        {
            int row = i * f;
            for (int j = 0; j < f; j++)
            {
                double xij = x[row + j];
                b[j] += xij * y[i];
                for (int k = j; k < f; k++) g[j * f + k] += xij * x[row + k];
            }
        }
        for (int j = 0; j < f; j++)
            for (int k = 0; k < j; k++) g[j * f + k] = g[k * f + j];
        return (g, b);
    }

    /// <summary>Solves A w = b for symmetric positive definite A (F, F) by Cholesky, A = L Lᵀ.</summary>
    /// <exception cref="ArgumentException">A is not positive definite (a pivot ≤ 0).</exception>
    public static double[] CholeskySolve(double[] a, double[] b, int f, string op)
    {
        var l = new double[f * f];
        for (int j = 0; j < f; j++)
        {
            // L[j,j]² = A[j,j] − Σ_{k<j} L[j,k]²; L[i,j] = (A[i,j] − Σ_{k<j} L[i,k] L[j,k]) / L[j,j].
            double d = a[j * f + j];
            for (int k = 0; k < j; k++) d -= l[j * f + k] * l[j * f + k];
            if (!(d > 0)) throw new ArgumentException($"{op}: the system matrix is not positive definite (pivot {d} at column {j}).");
            double ljj = Math.Sqrt(d);
            l[j * f + j] = ljj;
            for (int i = j + 1; i < f; i++)
            {
                double s = a[i * f + j];
                for (int k = 0; k < j; k++) s -= l[i * f + k] * l[j * f + k];
                l[i * f + j] = s / ljj;
            }
        }
        // Forward substitution L z = b, then back substitution Lᵀ w = z.
        var w = (double[])b.Clone();
        for (int i = 0; i < f; i++)
        {
            for (int k = 0; k < i; k++) w[i] -= l[i * f + k] * w[k];
            w[i] /= l[i * f + i];
        }
        for (int i = f - 1; i >= 0; i--)
        {
            for (int k = i + 1; k < f; k++) w[i] -= l[k * f + i] * w[k];
            w[i] /= l[i * f + i];
        }
        return w;
    }

    /// <summary>Least squares min ‖X w − y‖₂ by Householder QR (X = QR, then R w = Qᵀy); X (N, F) with N ≥ F.</summary>
    /// <remarks>QR works on X itself, so its error grows with cond(X), not cond(X)² as the normal equations' would.</remarks>
    /// <exception cref="ArgumentException">N &lt; F, or X is rank deficient (|R[j,j]| ≤ 1e-12·max|R|: the
    /// threshold is ~4500 machine epsilons, far above round-off for well-posed problems).</exception>
    public static double[] LeastSquares(double[] x, double[] y, int n, int f, string op)
    {
        if (n < f) throw new ArgumentException($"{op}: {n} samples cannot determine {f} coefficients; use Ridge for under-determined problems.");
        var a = (double[])x.Clone();
        var b = (double[])y.Clone();
        var diag = new double[f];
        for (int j = 0; j < f; j++)
        {
            // Householder reflector H = I − 2vvᵀ/(vᵀv) zeroing column j below the diagonal; v = a − α e_j,
            // α = −sign(a_jj)‖a‖ to avoid cancellation.
            double norm = 0;
            for (int i = j; i < n; i++) norm += a[i * f + j] * a[i * f + j];
            norm = Math.Sqrt(norm);
            double alpha = a[j * f + j] > 0 ? -norm : norm;
            diag[j] = alpha;
            if (norm == 0) continue;
            a[j * f + j] -= alpha;
            double vv = 0;
            for (int i = j; i < n; i++) vv += a[i * f + j] * a[i * f + j];
            for (int k = j + 1; k < f; k++)
            {
                double dot = 0;
                for (int i = j; i < n; i++) dot += a[i * f + j] * a[i * f + k];
                double s = 2 * dot / vv;
                for (int i = j; i < n; i++) a[i * f + k] -= s * a[i * f + j];
            }
            double db = 0;
            for (int i = j; i < n; i++) db += a[i * f + j] * b[i];
            double sb = 2 * db / vv;
            for (int i = j; i < n; i++) b[i] -= sb * a[i * f + j];
        }
        double maxDiag = diag.Max(Math.Abs);
        var w = new double[f];
        for (int j = f - 1; j >= 0; j--)
        {
            if (Math.Abs(diag[j]) <= 1e-12 * maxDiag)
                throw new ArgumentException($"{op}: X is rank deficient (column {j} is a linear combination of the others); use Ridge.");
            double s = b[j];
            for (int k = j + 1; k < f; k++) s -= a[j * f + k] * w[k];
            w[j] = s / diag[j];
        }
        return w;
    }
}
