namespace Nabla.Learn;

/// <summary>SAGA (Defazio, Bach &amp; Lacoste-Julien 2014) for L1/L2/elastic-net penalised logistic regression, as
/// scikit-learn's <c>solver='saga'</c> runs it.</summary>
/// <remarks>
/// Minimises (1/N) Σ_i ℓ_i(W) + (α/2)‖W‖² + β‖W‖₁ (the intercept unpenalised), ℓ the binary (K = 1, sigmoid) or
/// multinomial (softmax) log-loss. Each step draws a sample i uniformly (with replacement), replaces its stored
/// loss gradient g_i = ∂ℓ_i/∂z (K numbers; the full gradient is g_i x_i) and moves
/// W ← prox_{ηβ‖·‖₁}(W(1 − ηα) − η (g_i − g_i^old) x_i − η Ḡ), with Ḡ the mean of the stored gradients over the samples
/// seen so far, then soft-thresholds. Step η = 1/(2L + min(2Nα, L)) with L = ¼(max_i ‖x_i‖² + [intercept]) + α
/// (scikit-learn's <c>get_auto_step_size</c> for SAGA). Stops when max|ΔW| / max|W| over an epoch of N steps is at most
/// tol, or after maxIter epochs.
/// </remarks>
internal static class Saga
{
    /// <summary>Fits W (k, f) and b (k) in place; returns the epochs run. codes are class indices (binary: 0/1 with k = 1).</summary>
    public static int Fit(double[] x, int n, int f, int[] codes, int k, double alpha, double beta, bool intercept, int maxIter, double tol,
                          Generator g, double[] w, double[] b)
    {
        double maxSq = 0;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < f; j++) s += x[i * f + j] * x[i * f + j];
            maxSq = Math.Max(maxSq, s);
        }
        double lipschitz = 0.25 * (maxSq + (intercept ? 1 : 0)) + alpha;
        double step = 1 / (2 * lipschitz + Math.Min(2 * n * alpha, lipschitz));
        var stored = new double[n * k];
        var seen = new bool[n];
        var sumGrad = new double[k * f];
        var sumB = new double[k];
        var z = new double[k];
        var previous = new double[k * f];
        int nSeen = 0, epoch = 0;
        while (epoch < maxIter)
        {
            epoch++;
            Array.Copy(w, previous, w.Length);
            for (int t = 0; t < n; t++)
            {
                int i = (int)g.NextBounded((ulong)n);
                if (!seen[i]) (seen[i], nSeen) = (true, nSeen + 1);
                ReadOnlySpan<double> xi = x.AsSpan(i * f, f);
                for (int c = 0; c < k; c++)
                {
                    double s = b[c];
                    for (int j = 0; j < f; j++) s += w[c * f + j] * xi[j];
                    z[c] = s;
                }
                // ∂ℓ/∂z: σ(z) − y (binary) or softmax(z) − onehot(y).
                if (k == 1) z[0] = (z[0] >= 0 ? 1 / (1 + Math.Exp(-z[0])) : Math.Exp(z[0]) / (1 + Math.Exp(z[0]))) - codes[i];
                else
                {
                    double m = z.Max(), sum = 0;
                    for (int c = 0; c < k; c++) sum += Math.Exp(z[c] - m);
                    for (int c = 0; c < k; c++) z[c] = Math.Exp(z[c] - m) / sum - (c == codes[i] ? 1 : 0);
                }
                for (int c = 0; c < k; c++)
                {
                    double delta = z[c] - stored[i * k + c];
                    stored[i * k + c] = z[c];
                    Span<double> wc = w.AsSpan(c * f, f), gc = sumGrad.AsSpan(c * f, f);
                    for (int j = 0; j < f; j++)
                    {
                        gc[j] += delta * xi[j];
                        double v = wc[j] * (1 - step * alpha) - step * (delta * xi[j] + gc[j] / nSeen);
                        // prox of ηβ|·|: soft thresholding.
                        wc[j] = v > step * beta ? v - step * beta : v < -step * beta ? v + step * beta : 0;
                    }
                    sumB[c] += delta;
                    if (intercept) b[c] -= step * (delta + sumB[c] / nSeen);
                }
            }
            double maxChange = 0, maxWeight = 0;
            for (int a = 0; a < w.Length; a++)
            {
                maxChange = Math.Max(maxChange, Math.Abs(w[a] - previous[a]));
                maxWeight = Math.Max(maxWeight, Math.Abs(w[a]));
            }
            if (maxWeight == 0 ? maxChange == 0 : maxChange / maxWeight <= tol) break;
        }
        return epoch;
    }
}
