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

    /// <summary>The Gram matrix XᵀX (F, F) of x (N, F), exactly symmetric: each block row of the lower triangle is one
    /// GEMM (half the flops of the full product), mirrored into the upper triangle.</summary>
    public static double[] Gram(double[] x, int n, int f)
    {
        const int block = 128;
        var g = new double[f * f];
        for (int j0 = 0; j0 < f; j0 += block)
        {
            int rows = Math.Min(block, f - j0), cols = j0 + rows;
            // G[j0.., 0..cols) = X[:, j0..]ᵀ X[:, 0..cols): A = X offset by j0 columns (transposed), B = X.
            Gemm.Multiply(transA: true, transB: false, rows, cols, n, 1, x.AsSpan(j0), f, x, f, 0, g.AsSpan(j0 * f), f);
        }
        for (int j = 0; j < f; j++)
            for (int k = j + 1; k < f; k++) g[j * f + k] = g[k * f + j];
        return g;
    }

    /// <summary>The lower-triangular Cholesky factor L of symmetric positive definite A (F, F): A = L Lᵀ.</summary>
    /// <exception cref="ArgumentException">A is not positive definite (a pivot ≤ 0).</exception>
    public static double[] Cholesky(double[] a, int f, string op)
    {
        var l = new double[f * f];
        for (int j = 0; j < f; j++)
        {
            // L[j,j]² = A[j,j] − Σ_{k<j} L[j,k]²; L[i,j] = (A[i,j] − Σ_{k<j} L[i,k] L[j,k]) / L[j,j].
            double d = a[j * f + j];
            for (int k = 0; k < j; k++) d -= l[j * f + k] * l[j * f + k];
            if (!(d > 0)) throw new ArgumentException($"{op}: the matrix is not positive definite (pivot {d} at column {j}).");
            double ljj = Math.Sqrt(d);
            l[j * f + j] = ljj;
            for (int i = j + 1; i < f; i++)
            {
                double s = a[i * f + j];
                for (int k = 0; k < j; k++) s -= l[i * f + k] * l[j * f + k];
                l[i * f + j] = s / ljj;
            }
        }
        return l;
    }

    /// <summary>The inverse of a lower-triangular L (F, F), itself lower triangular, by forward substitution.</summary>
    public static double[] InvertLower(double[] l, int f)
    {
        var inv = new double[f * f];
        for (int c = 0; c < f; c++)
        {
            // Column c of L⁻¹ solves L z = e_c; z is zero above row c.
            for (int i = c; i < f; i++)
            {
                double s = i == c ? 1 : 0;
                for (int k = c; k < i; k++) s -= l[i * f + k] * inv[k * f + c];
                inv[i * f + c] = s / l[i * f + i];
            }
        }
        return inv;
    }

    /// <summary>Solves A w = b for symmetric positive definite A (F, F) by Cholesky, A = L Lᵀ.</summary>
    /// <exception cref="ArgumentException">A is not positive definite (a pivot ≤ 0).</exception>
    public static double[] CholeskySolve(double[] a, double[] b, int f, string op)
    {
        double[] l = Cholesky(a, f, op);
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

    /// <summary>Eigen-decomposition of a symmetric matrix A (F, F): A = V diag(λ) Vᵀ.</summary>
    /// <returns>Eigenvalues in decreasing order and the matching unit eigenvectors as the rows of a (F, F) array.</returns>
    /// <remarks>Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson shifts
    /// (EISPACK's tred2 and tql2, as in JAMA's public-domain EigenvalueDecomposition): about 9F³ flops, backward
    /// stable, so eigenvalues are accurate to ε‖A‖ and eigenvectors to ε‖A‖ divided by the eigenvalue gap.</remarks>
    public static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int n)
    {
        var v = (double[])matrix.Clone();
        var d = new double[n];
        var e = new double[n];
        Tridiagonalize(v, d, e, n);
        // tql2 rotates pairs of eigenvector columns; with V transposed those are contiguous rows.
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) w[j * n + i] = v[i * n + j];
        TridiagonalQl(w, d, e, n);
        int[] order = Enumerable.Range(0, n).OrderByDescending(i => d[i]).ToArray();
        var values = new double[n];
        var vectors = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            values[r] = d[order[r]];
            Array.Copy(w, order[r] * n, vectors, r * n, n);
        }
        return (values, vectors);
    }

    /// <summary>tred2: Householder reduction of symmetric V (in place) to tridiagonal form with diagonal d and
    /// sub-diagonal e (e[0] = 0), leaving in V the orthogonal transformation Q with A = Q T Qᵀ.</summary>
    private static void Tridiagonalize(double[] v, double[] d, double[] e, int n)
    {
        for (int j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
        for (int i = n - 1; i > 0; i--)
        {
            // Scale row i to avoid under/overflow, then build the Householder vector that zeroes it left of i − 1.
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                // p = A u / h (in e), then q = p − (uᵀp / 2h) u, and A ← A − u qᵀ − q uᵀ on the leading i × i block.
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (int k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k * n + j] * d[k];
                        e[k] += v[k * n + j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }
            d[i] = h;
        }
        // Accumulate the Householder reflections into Q.
        for (int i = 0; i < n - 1; i++)
        {
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            double h = d[i + 1];
            if (h != 0)
            {
                for (int k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
                for (int j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
                    for (int k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k * n + i + 1] = 0;
        }
        for (int j = 0; j < n; j++)
        {
            d[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /// <summary>tql2: eigenvalues (into d) and eigenvectors (rotating the rows of w = Qᵀ) of the tridiagonal matrix
    /// (d, e) by QL iterations with implicit Wilkinson shifts; a sub-diagonal entry counts as zero below ε·max(|d|+|e|).</summary>
    private static void TridiagonalQl(double[] w, double[] d, double[] e, int n)
    {
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        const double eps = 2.220446049250313e-16; // 2⁻⁵², the float64 machine epsilon
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n && Math.Abs(e[m]) > eps * tst1) m++;
            if (m > l)
            {
                do
                {
                    // Shift from the leading 2 × 2 block (Wilkinson), then chase the bulge with Givens rotations.
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, el1 = e[l + 1], s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        Span<double> wi = w.AsSpan(i * n, n), wi1 = w.AsSpan((i + 1) * n, n);
                        for (int k = 0; k < n; k++)
                        {
                            h = wi1[k];
                            wi1[k] = s * wi[k] + c * h;
                            wi[k] = c * wi[k] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    /// <summary>√(a² + b²) without overflow or destructive underflow.</summary>
    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double t = y / x;
        return x * Math.Sqrt(1 + t * t);
    }
}
