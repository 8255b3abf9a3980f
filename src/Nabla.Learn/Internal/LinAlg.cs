using Nabla.Kernels;

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

    /// <summary>Gram matrix XᵀX (F, F) and the vector Xᵀy (F), by the blocked GEMM kernel.</summary>
    public static (double[] Gram, double[] Xty) Normal(double[] x, double[] y, int n, int f)
    {
        var g = new double[f * f];
        var b = new double[f];
        Gemm.Multiply(transA: true, transB: false, f, f, n, 1, x, f, x, f, 0, g, f);
        Gemm.Multiply(transA: true, transB: false, f, 1, n, 1, x, f, y, 1, 0, b, 1);
        // GEMM's blocked summation order can differ between G[j,k] and G[k,j] in the last bit; Cholesky reads only
        // the lower triangle, but the eigen-solver needs an exactly symmetric matrix.
        for (int j = 0; j < f; j++)
            for (int k = 0; k < j; k++) g[k * f + j] = g[j * f + k];
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

    /// <summary>Eigen-decomposition of a symmetric matrix A (F, F) by cyclic Jacobi rotations: A = V diag(λ) Vᵀ.</summary>
    /// <returns>Eigenvalues in decreasing order and the matching unit eigenvectors as the rows of a (F, F) array.</returns>
    /// <remarks>Each rotation zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass is below
    /// 1e-30 of the total (round-off level, ~(1e-15)²), which takes O(log) sweeps once quadratic convergence sets in.
    /// Jacobi is accurate to high relative precision for symmetric matrices but costs O(F³) per sweep.</remarks>
    public static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int f)
    {
        var a = (double[])matrix.Clone();
        var v = new double[f * f];
        for (int i = 0; i < f; i++) v[i * f + i] = 1;
        double total = a.Sum(x => x * x);
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < f; p++)
                for (int q = p + 1; q < f; q++) off += 2 * a[p * f + q] * a[p * f + q];
            if (off <= 1e-30 * total) break;
            for (int p = 0; p < f; p++)
                for (int q = p + 1; q < f; q++)
                {
                    double apq = a[p * f + q];
                    if (apq == 0) continue;
                    // Rotation angle φ with tan 2φ = 2a_pq/(a_qq − a_pp); t = tan φ chosen as the smaller root for stability.
                    double theta = (a[q * f + q] - a[p * f + p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < f; k++)
                    {
                        // A ← A J (columns p, q).
                        double akp = a[k * f + p], akq = a[k * f + q];
                        a[k * f + p] = c * akp - s * akq;
                        a[k * f + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < f; k++)
                    {
                        // A ← Jᵀ A (rows p, q).
                        double apk = a[p * f + k], aqk = a[q * f + k];
                        a[p * f + k] = c * apk - s * aqk;
                        a[q * f + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < f; k++)
                    {
                        double vkp = v[k * f + p], vkq = v[k * f + q];
                        v[k * f + p] = c * vkp - s * vkq;
                        v[k * f + q] = s * vkp + c * vkq;
                    }
                }
        }
        int[] order = Enumerable.Range(0, f).OrderByDescending(i => a[i * f + i]).ToArray();
        var values = new double[f];
        var vectors = new double[f * f];
        for (int r = 0; r < f; r++)
        {
            values[r] = a[order[r] * f + order[r]];
            for (int k = 0; k < f; k++) vectors[r * f + k] = v[k * f + order[r]];
        }
        return (values, vectors);
    }
}
