namespace Nabla.Learn.Svm;

/// <summary>Probability estimates for SVMs: Platt's sigmoid on decision values, and pairwise coupling of the
/// one-vs-one probabilities into class probabilities. libsvm's <c>sigmoid_train</c>, <c>sigmoid_predict</c> and
/// <c>multiclass_probability</c>.</summary>
internal static class Platt
{
    /// <summary>Probabilities are clipped to [MinProbability, 1 − MinProbability] before coupling (libsvm's min_prob).</summary>
    private const double MinProbability = 1e-7;

    /// <summary>Fits P(y = +1 | f) = 1 / (1 + exp(A f + B)) by Newton's method with backtracking on the regularised
    /// targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2) (Platt 2000; Lin, Lin and Weng 2007, "A note on Platt's probabilistic
    /// outputs for support vector machines").</summary>
    public static (double A, double B) Fit(double[] dec, sbyte[] y)
    {
        const int maxIter = 100;
        const double minStep = 1e-10, sigma = 1e-12, eps = 1e-5;
        int l = dec.Length;
        double prior1 = y.Count(v => v > 0), prior0 = l - prior1;
        double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
        var t = new double[l];
        for (int i = 0; i < l; i++) t[i] = y[i] > 0 ? hi : lo;
        double a = 0, b = Math.Log((prior0 + 1) / (prior1 + 1));
        double fval = Objective(dec, t, a, b);
        for (int iter = 0; iter < maxIter; iter++)
        {
            double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
            for (int i = 0; i < l; i++)
            {
                double fApB = dec[i] * a + b, p, q;
                if (fApB >= 0)
                {
                    p = Math.Exp(-fApB) / (1.0 + Math.Exp(-fApB));
                    q = 1.0 / (1.0 + Math.Exp(-fApB));
                }
                else
                {
                    p = 1.0 / (1.0 + Math.Exp(fApB));
                    q = Math.Exp(fApB) / (1.0 + Math.Exp(fApB));
                }
                double d2 = p * q;
                h11 += dec[i] * dec[i] * d2;
                h22 += d2;
                h21 += dec[i] * d2;
                double d1 = t[i] - p;
                g1 += dec[i] * d1;
                g2 += d1;
            }
            if (Math.Abs(g1) < eps && Math.Abs(g2) < eps) break;
            double det = h11 * h22 - h21 * h21;
            double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
            double gd = g1 * dA + g2 * dB;
            double step = 1;
            while (step >= minStep)
            {
                double newA = a + step * dA, newB = b + step * dB;
                double newF = Objective(dec, t, newA, newB);
                if (newF < fval + 0.0001 * step * gd)
                {
                    (a, b, fval) = (newA, newB, newF);
                    break;
                }
                step /= 2.0;
            }
            if (step < minStep) break;
        }
        return (a, b);
    }

    /// <summary>The cross-entropy of the sigmoid, written to avoid overflow on either sign of A f + B.</summary>
    private static double Objective(double[] dec, double[] t, double a, double b)
    {
        double f = 0;
        for (int i = 0; i < dec.Length; i++)
        {
            double fApB = dec[i] * a + b;
            f += fApB >= 0 ? t[i] * fApB + Math.Log(1 + Math.Exp(-fApB)) : (t[i] - 1) * fApB + Math.Log(1 + Math.Exp(fApB));
        }
        return f;
    }

    /// <summary>1 / (1 + exp(A f + B)), computed without overflow.</summary>
    public static double Predict(double dec, double a, double b)
    {
        double fApB = dec * a + b;
        return fApB >= 0 ? Math.Exp(-fApB) / (1.0 + Math.Exp(-fApB)) : 1.0 / (1 + Math.Exp(fApB));
    }

    /// <summary>Class probabilities p (k) from pairwise probabilities r[i, j] ≈ P(i | i or j), by the second method of
    /// Wu, Lin and Weng (2004), "Probability estimates for multi-class classification by pairwise coupling":
    /// minimise Σ_i Σ_{j≠i} (r_ji p_i − r_ij p_j)² on the simplex by a fixed-point iteration.</summary>
    public static double[] Couple(double[,] r, int k)
    {
        int maxIter = Math.Max(100, k);
        var p = new double[k];
        var q = new double[k, k];
        var qp = new double[k];
        double eps = 0.005 / k;
        for (int t = 0; t < k; t++)
        {
            p[t] = 1.0 / k;
            q[t, t] = 0;
            for (int j = 0; j < t; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = q[j, t];
            }
            for (int j = t + 1; j < k; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = -r[j, t] * r[t, j];
            }
        }
        for (int iter = 0; iter < maxIter; iter++)
        {
            double pQp = 0;
            for (int t = 0; t < k; t++)
            {
                qp[t] = 0;
                for (int j = 0; j < k; j++) qp[t] += q[t, j] * p[j];
                pQp += p[t] * qp[t];
            }
            double maxError = 0;
            for (int t = 0; t < k; t++) maxError = Math.Max(maxError, Math.Abs(qp[t] - pQp));
            if (maxError < eps) break;
            for (int t = 0; t < k; t++)
            {
                double diff = (-qp[t] + pQp) / q[t, t];
                p[t] += diff;
                pQp = (pQp + diff * (diff * q[t, t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
                for (int j = 0; j < k; j++)
                {
                    qp[j] = (qp[j] + diff * q[t, j]) / (1 + diff);
                    p[j] /= 1 + diff;
                }
            }
        }
        return p;
    }

    /// <summary>Class probabilities of one sample from its one-vs-one decision values (pairs in (0,1), (0,2), …
    /// order) and each pair's sigmoid.</summary>
    public static double[] Probabilities(ReadOnlySpan<double> dec, double[] probA, double[] probB, int k)
    {
        var r = new double[k, k];
        int p = 0;
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++, p++)
            {
                r[i, j] = Math.Clamp(Predict(dec[p], probA[p], probB[p]), MinProbability, 1 - MinProbability);
                r[j, i] = 1 - r[i, j];
            }
        return k == 2 ? [r[0, 1], r[1, 0]] : Couple(r, k);
    }
}
