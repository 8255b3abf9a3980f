namespace Nabla.Nn.Internal;

/// <summary>QR decomposition by Householder reflections, in double precision, for <see cref="Init.Orthogonal"/>.</summary>
internal static class Householder
{
    /// <summary>The thin Q (m × n) of A = QR for a tall A (m ≥ n), with column signs chosen so that R's diagonal
    /// is non-negative (the unique such Q when A has full rank, as PyTorch's sign correction produces).</summary>
    public static double[,] OrthonormalFactor(double[,] a)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        var r = (double[,])a.Clone();
        var vs = new double[n][];
        var diagonal = new double[n];
        for (int k = 0; k < n; k++)
        {
            // Reflect column k below the diagonal onto α·e₁ with α = −sign(x₀)‖x‖ (the sign that avoids cancellation):
            // H = I − 2vvᵀ with v = (x − αe₁)/‖x − αe₁‖.
            double norm = 0;
            for (int i = k; i < m; i++) norm += r[i, k] * r[i, k];
            norm = Math.Sqrt(norm);
            double alpha = r[k, k] > 0 ? -norm : norm;
            var v = new double[m - k];
            for (int i = k; i < m; i++) v[i - k] = r[i, k];
            v[0] -= alpha;
            double vnorm = 0;
            foreach (double x in v) vnorm += x * x;
            vnorm = Math.Sqrt(vnorm);
            if (vnorm > 0)
            {
                for (int i = 0; i < v.Length; i++) v[i] /= vnorm;
                for (int j = k; j < n; j++)
                {
                    double dot = 0;
                    for (int i = k; i < m; i++) dot += v[i - k] * r[i, j];
                    for (int i = k; i < m; i++) r[i, j] -= 2 * v[i - k] * dot;
                }
            }
            vs[k] = v;
            diagonal[k] = r[k, k];
        }
        // Q = H₀H₁…Hₙ₋₁ applied to the first n columns of the identity, innermost reflection first.
        var q = new double[m, n];
        for (int i = 0; i < n; i++) q[i, i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            double[] v = vs[k];
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i, j];
                for (int i = k; i < m; i++) q[i, j] -= 2 * v[i - k] * dot;
            }
        }
        // A = QR = (Q·D)(D·R) with D = diag(sign(R_kk)): flipping column k of Q makes R_kk positive.
        for (int j = 0; j < n; j++)
        {
            if (diagonal[j] >= 0) continue;
            for (int i = 0; i < m; i++) q[i, j] = -q[i, j];
        }
        return q;
    }
}
