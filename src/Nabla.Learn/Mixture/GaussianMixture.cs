using Nabla.Kernels;
using Nabla.Learn.Cluster;

namespace Nabla.Learn.Mixture;

/// <summary>A mixture of K Gaussians fitted by expectation–maximisation.
/// scikit-learn: <c>sklearn.mixture.GaussianMixture</c> (tied covariances excepted).</summary>
/// <remarks>
/// p(x) = Σ_k π_k 𝒩(x; μ_k, Σ_k). E-step: responsibilities r_ik = π_k 𝒩(x_i; μ_k, Σ_k) / p(x_i), in log space.
/// M-step: N_k = Σ_i r_ik (+10ε against empty components), π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k,
/// Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k + RegCovar·I (only the diagonal for Diag, its mean for Spherical).
/// Densities use the Cholesky factor P of each precision: log 𝒩 = −½(F log 2π + ‖(x − μ)ᵀP‖²) + log det P.
/// EM stops when the mean log-likelihood changes by less than Tol, or after MaxIter iterations; the best of NInit
/// runs (highest final log-likelihood) is kept. Responsibilities start from a one-run <see cref="KMeans"/> labelling,
/// then any of WeightsInit, MeansInit and PrecisionsInit replace what they give, as in scikit-learn.
/// Shapes: X (N, F) → Weights (K), Means (K, F), Covariances (K, F, F) | (K, F) | (K); PredictProba (N, K).
/// </remarks>
public sealed class GaussianMixture : Estimator
{
    /// <summary>scikit-learn adds 10 machine epsilons to every N_k so that an empty component divides by a tiny number, not 0.</summary>
    private const double NkFloor = 10 * 2.220446049250313e-16;

    private double[]? _weights, _means, _covariances, _precChol;
    private double? _lowerBound;
    private int? _nIter;
    private bool? _converged;

    /// <summary>Number of components K. scikit-learn: <c>n_components=1</c>.</summary>
    public int NComponents { get; init; } = 1;

    /// <summary>Covariance shape. scikit-learn: <c>covariance_type='full'</c>.</summary>
    public CovarianceType CovarianceType { get; init; } = CovarianceType.Full;

    /// <summary>Convergence threshold on the change of the mean log-likelihood. scikit-learn: <c>tol=1e-3</c>.</summary>
    public double Tol { get; init; } = 1e-3;

    /// <summary>Added to the covariance diagonals so they stay positive definite. scikit-learn: <c>reg_covar=1e-6</c>.</summary>
    public double RegCovar { get; init; } = 1e-6;

    /// <summary>Maximum EM iterations per run. scikit-learn: <c>max_iter=100</c>.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Number of initialisations; the best run is kept. scikit-learn: <c>n_init=1</c>.</summary>
    public int NInit { get; init; } = 1;

    /// <summary>Initial weights (K), summing to 1. scikit-learn: <c>weights_init=None</c>.</summary>
    public Tensor? WeightsInit { get; init; }

    /// <summary>Initial means (K, F). scikit-learn: <c>means_init=None</c>.</summary>
    public Tensor? MeansInit { get; init; }

    /// <summary>Initial precisions (inverse covariances): (K, F, F), (K, F) or (K) by <see cref="CovarianceType"/>.
    /// scikit-learn: <c>precisions_init=None</c>.</summary>
    public Tensor? PrecisionsInit { get; init; }

    /// <summary>Seed of the k-means initialisation and of <see cref="Sample"/>; null draws a fresh one.
    /// scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <summary>Mixing weights π (K). scikit-learn: <c>weights_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Weights => Tensor.FromArray(Fitted(_weights));

    /// <summary>Component means (K, F). scikit-learn: <c>means_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Means => Tensor.FromArray(Fitted(_means), NComponents, NFeaturesIn);

    /// <summary>Component covariances: (K, F, F) Full, (K, F) Diag, (K) Spherical. scikit-learn: <c>covariances_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Covariances => Tensor.FromArray(Fitted(_covariances), CovarianceShape(NFeaturesIn));

    /// <summary>Mean log-likelihood of the training data at the end of the kept run. scikit-learn: <c>lower_bound_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double LowerBound => Fitted(_lowerBound);

    /// <summary>EM iterations of the kept run. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    /// <summary>Whether the kept run met Tol. scikit-learn: <c>converged_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public bool Converged => Fitted(_converged);

    private int[] CovarianceShape(int f) => CovarianceType switch
    {
        CovarianceType.Full => [NComponents, f, f],
        CovarianceType.Diag => [NComponents, f],
        _ => [NComponents],
    };

    private int CovarianceSize(int f) => CovarianceShape(f).Aggregate(1, (a, b) => a * b) / NComponents;

    /// <summary>Fits the mixture to <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">NComponents outside 1..N; Tol, RegCovar &lt; 0; MaxIter, NInit &lt; 1; an
    /// init of the wrong shape or a precision that is not positive definite; non-finite input.</exception>
    public override GaussianMixture Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        int k = NComponents;
        if (k < 1 || k > n) throw new ArgumentException($"GaussianMixture: NComponents must be in 1..{n} (the number of samples), got {k}.");
        if (!(Tol >= 0) || !(RegCovar >= 0) || MaxIter < 1 || NInit < 1)
            throw new ArgumentException($"GaussianMixture: need Tol ≥ 0, RegCovar ≥ 0, MaxIter ≥ 1, NInit ≥ 1; got {Tol}, {RegCovar}, {MaxIter}, {NInit}.");
        var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        // X² (elementwise) once per fit for the Diag and Spherical E- and M-steps.
        double[]? squares = CovarianceType == CovarianceType.Full ? null : Squares(d);
        (double[] W, double[] M, double[] C, double[] P, double Bound, int Iter, bool Conv)? best = null;
        for (int run = 0; run < NInit; run++)
        {
            var kmeans = new KMeans { NClusters = k, NInit = 1, RandomState = (long)(g.NextUInt64() >> 1) }.Fit(x);
            long[] labels = kmeans.Labels.ToArray<long>();
            var resp = new double[n * k];
            for (int i = 0; i < n; i++) resp[i * k + labels[i]] = 1;
            (double[] w, double[] m, double[] c) = MStep(d, squares, resp, n, f);
            if (WeightsInit is not null) w = Check(WeightsInit, [k], nameof(WeightsInit));
            if (MeansInit is not null) m = Check(MeansInit, [k, f], nameof(MeansInit));
            double[] p = PrecisionsInit is not null ? PrecisionCholeskyFromPrecisions(Check(PrecisionsInit, CovarianceShape(f), nameof(PrecisionsInit)), f) : PrecisionCholesky(c, f);
            double bound = double.NegativeInfinity;
            bool converged = false;
            int iter = 0;
            while (iter < MaxIter)
            {
                iter++;
                double previous = bound;
                bound = EStep(d, squares, n, f, w, m, p, resp);
                (w, m, c) = MStep(d, squares, resp, n, f);
                p = PrecisionCholesky(c, f);
                if (Math.Abs(bound - previous) < Tol)
                {
                    converged = true;
                    break;
                }
            }
            if (best is null || bound > best.Value.Bound) best = (w, m, c, p, bound, iter, converged);
        }
        (_weights, _means, _covariances, _precChol) = (best!.Value.W, best.Value.M, best.Value.C, best.Value.P);
        (_lowerBound, _nIter, _converged) = (best.Value.Bound, best.Value.Iter, best.Value.Conv);
        return this;
    }

    private static double[] Check(Tensor t, int[] shape, string name)
    {
        if (!t.Shape.SequenceEqual(shape))
            throw new ArgumentException($"GaussianMixture: {name} has shape ({string.Join(", ", t.Shape)}) but needs ({string.Join(", ", shape)}).", name);
        return Input.Doubles(t);
    }

    /// <summary>Weights, means and covariances from responsibilities (N, K), by GEMM as scikit-learn computes them:
    /// μ = Rᵀ X / N_k; Full: Σ_k = (r_k ∘ (X − μ_k))ᵀ (X − μ_k) / N_k; Diag: Σ_k = Rᵀ X² / N_k − μ_k² (elementwise);
    /// Spherical: the mean of the diagonal; each plus RegCovar on the diagonal.</summary>
    private (double[] W, double[] M, double[] C) MStep(double[] d, double[]? squares, double[] resp, int n, int f)
    {
        int k = NComponents;
        var nk = new double[k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++) nk[c] += resp[i * k + c];
        for (int c = 0; c < k; c++) nk[c] += NkFloor;
        var means = new double[k * f];
        Skinny.RtX(resp, n, k, d, f, means);
        for (int a = 0; a < means.Length; a++) means[a] /= nk[a / f];
        int size = CovarianceSize(f);
        var cov = new double[k * size];
        if (CovarianceType == CovarianceType.Full)
        {
            var diff = new double[n * f];
            var weighted = new double[n * f];
            for (int c = 0; c < k; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    double r = resp[i * k + c];
                    for (int j = 0; j < f; j++)
                    {
                        double t = d[i * f + j] - means[c * f + j];
                        diff[i * f + j] = t;
                        weighted[i * f + j] = r * t;
                    }
                }
                Span<double> block = cov.AsSpan(c * f * f, f * f);
                Gemm.Multiply(transA: true, transB: false, f, f, n, 1 / nk[c], weighted, f, diff, f, 0, block, f);
                // Exactly symmetric (GEMM's summation order may differ between [a, b] and [b, a]), plus RegCovar·I.
                for (int a = 0; a < f; a++)
                {
                    for (int b2 = 0; b2 < a; b2++) block[b2 * f + a] = block[a * f + b2];
                    block[a * f + a] += RegCovar;
                }
            }
        }
        else
        {
            squares ??= Squares(d);
            var second = new double[k * f];
            Skinny.RtX(resp, n, k, squares, f, second);
            for (int c = 0; c < k; c++)
            {
                double sum = 0;
                for (int j = 0; j < f; j++)
                {
                    double m = means[c * f + j], v = second[c * f + j] / nk[c] - m * m + RegCovar;
                    if (CovarianceType == CovarianceType.Diag) cov[c * f + j] = v;
                    else sum += v;
                }
                if (CovarianceType == CovarianceType.Spherical) cov[c] = sum / f;
            }
        }
        double total = nk.Sum();
        return (nk.Select(v => v / total).ToArray(), means, cov);
    }

    /// <summary>The elementwise squares of x.</summary>
    private static double[] Squares(double[] x)
    {
        var s = new double[x.Length];
        for (int i = 0; i < x.Length; i++) s[i] = x[i] * x[i];
        return s;
    }

    /// <summary>Cholesky factors P of the precisions, Σ⁻¹ = P Pᵀ: P = (L⁻¹)ᵀ with Σ = L Lᵀ (upper triangular) for Full,
    /// 1/σ elementwise otherwise.</summary>
    private double[] PrecisionCholesky(double[] cov, int f)
    {
        if (CovarianceType != CovarianceType.Full) return cov.Select(v => 1 / Math.Sqrt(v)).ToArray();
        var p = new double[cov.Length];
        for (int c = 0; c < NComponents; c++)
        {
            double[] l = LinAlg.Cholesky(cov[(c * f * f)..((c + 1) * f * f)], f,
                "GaussianMixture.Fit (a covariance is singular; increase RegCovar or reduce NComponents)");
            double[] inv = LinAlg.InvertLower(l, f);
            for (int a = 0; a < f; a++)
                for (int b = 0; b < f; b++) p[c * f * f + a * f + b] = inv[b * f + a];
        }
        return p;
    }

    /// <summary>From user precisions: the lower Cholesky factor of each precision matrix (Full), √ otherwise.</summary>
    private double[] PrecisionCholeskyFromPrecisions(double[] precisions, int f)
    {
        if (CovarianceType != CovarianceType.Full) return precisions.Select(v => v > 0 ? Math.Sqrt(v) : throw new ArgumentException($"GaussianMixture: PrecisionsInit has a non-positive entry {v}.")).ToArray();
        var p = new double[precisions.Length];
        for (int c = 0; c < NComponents; c++)
            LinAlg.Cholesky(precisions[(c * f * f)..((c + 1) * f * f)], f, "GaussianMixture: PrecisionsInit").CopyTo(p, c * f * f);
        return p;
    }

    /// <summary>Per sample and component: log π_k + log 𝒩(x_i; μ_k, Σ_k), (N, K).</summary>
    /// <remarks>The Mahalanobis term ‖(x − μ)ᵀP‖² by GEMM, as scikit-learn: Full: ‖x P_k − μ_k P_k‖² per component;
    /// Diag (precisions π = P²): Σ μ²π − 2 x·(μ∘π) + x²·π; Spherical: π (‖x‖² − 2 x·μ + ‖μ‖²).</remarks>
    private double[] WeightedLogProb(double[] d, double[]? squares, int n, int f, double[] w, double[] m, double[] p)
    {
        int k = NComponents;
        var q = new double[n * k];
        var constant = new double[k];
        for (int c = 0; c < k; c++)
        {
            // log det P: the sum of log diagonal entries (Full), of logs (Diag), F·log(1/σ) (Spherical).
            double logDet = CovarianceType switch
            {
                CovarianceType.Full => Enumerable.Range(0, f).Sum(a => Math.Log(p[c * f * f + a * f + a])),
                CovarianceType.Diag => Enumerable.Range(0, f).Sum(a => Math.Log(p[c * f + a])),
                _ => f * Math.Log(p[c]),
            };
            constant[c] = -0.5 * f * Math.Log(2 * Math.PI) + logDet + Math.Log(w[c]);
        }
        switch (CovarianceType)
        {
            case CovarianceType.Full:
            {
                var y = new double[n * f];
                var shift = new double[f];
                for (int c = 0; c < k; c++)
                {
                    ReadOnlySpan<double> pc = p.AsSpan(c * f * f, f * f);
                    Gemm.Multiply(transA: false, transB: false, n, f, f, 1, d, f, pc, f, 0, y, f);
                    Gemm.Multiply(transA: false, transB: false, 1, f, f, 1, m.AsSpan(c * f, f), f, pc, f, 0, shift, f);
                    for (int i = 0; i < n; i++)
                    {
                        double sum = 0;
                        for (int j = 0; j < f; j++)
                        {
                            double t = y[i * f + j] - shift[j];
                            sum += t * t;
                        }
                        q[i * k + c] = sum;
                    }
                }
                break;
            }
            case CovarianceType.Diag:
            {
                var precision = new double[k * f];
                var scaledMeans = new double[k * f];
                var offset = new double[k];
                for (int a = 0; a < k * f; a++)
                {
                    precision[a] = p[a] * p[a];
                    scaledMeans[a] = -2 * m[a] * precision[a];
                    offset[a / f] += m[a] * m[a] * precision[a];
                }
                squares ??= Squares(d);
                Skinny.XWt(squares, n, f, precision, k, q);
                Skinny.XWt(d, n, f, scaledMeans, k, q, accumulate: true);
                for (int a = 0; a < q.Length; a++) q[a] += offset[a % k];
                break;
            }
            default:
            {
                var norms = new double[k];
                for (int a = 0; a < k * f; a++) norms[a / f] += m[a] * m[a];
                Skinny.XWt(d, n, f, m.Select(v => -2 * v).ToArray(), k, q);
                for (int i = 0; i < n; i++)
                {
                    double xx = 0;
                    for (int j = 0; j < f; j++) xx += d[i * f + j] * d[i * f + j];
                    for (int c = 0; c < k; c++) q[i * k + c] = (q[i * k + c] + xx + norms[c]) * p[c] * p[c];
                }
                break;
            }
        }
        for (int a = 0; a < q.Length; a++) q[a] = -0.5 * q[a] + constant[a % k];
        return q;
    }

    /// <summary>Writes log-space-normalised responsibilities (as probabilities) into resp; returns the mean log-likelihood.</summary>
    private double EStep(double[] d, double[]? squares, int n, int f, double[] w, double[] m, double[] p, double[] resp)
    {
        int k = NComponents;
        double[] lp = WeightedLogProb(d, squares, n, f, w, m, p);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double norm = LogSumExp(lp.AsSpan(i * k, k));
            total += norm;
            for (int c = 0; c < k; c++) resp[i * k + c] = Math.Exp(lp[i * k + c] - norm);
        }
        return total / n;
    }

    private static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity, s = 0;
        foreach (double v in z) max = Math.Max(max, v);
        foreach (double v in z) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }

    /// <summary>Responsibilities p(component k | x_i) (N, K). scikit-learn: <c>predict_proba(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        var resp = new double[n * NComponents];
        EStep(d, null, n, NFeaturesIn, _weights!, _means!, _precChol!, resp);
        return Tensor.FromArray(resp, n, NComponents);
    }

    /// <summary>The most likely component of each sample (N), Int64. scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int k = NComponents;
        double[] lp = WeightedLogProb(d, null, n, NFeaturesIn, _weights!, _means!, _precChol!);
        var labels = new long[n];
        for (int i = 0; i < n; i++)
            for (int c = 1; c < k; c++) if (lp[i * k + c] > lp[i * k + labels[i]]) labels[i] = c;
        return Tensor.FromArray(labels);
    }

    /// <summary>log p(x_i) for each sample (N). scikit-learn: <c>score_samples(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor ScoreSamples(Tensor x) => Tensor.FromArray(LogLikelihoods(x, nameof(ScoreSamples)));

    private double[] LogLikelihoods(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        int k = NComponents;
        double[] lp = WeightedLogProb(d, null, n, NFeaturesIn, _weights!, _means!, _precChol!);
        return Enumerable.Range(0, n).Select(i => LogSumExp(lp.AsSpan(i * k, k))).ToArray();
    }

    /// <summary>Mean log-likelihood (1/N) Σ log p(x_i). scikit-learn: <c>score(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public double Score(Tensor x) => LogLikelihoods(x, nameof(Score)).Average();

    /// <summary>Number of free parameters: K−1 weights, K·F means and K covariances of F(F+1)/2, F or 1 entries.</summary>
    private int FreeParameters()
    {
        int f = NFeaturesIn, k = NComponents;
        int perCov = CovarianceType switch { CovarianceType.Full => f * (f + 1) / 2, CovarianceType.Diag => f, _ => 1 };
        return k * perCov + k * f + k - 1;
    }

    /// <summary>Akaike information criterion −2 log L + 2p on <paramref name="x"/> (lower is better). scikit-learn: <c>aic(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public double Aic(Tensor x) => -2 * LogLikelihoods(x, nameof(Aic)).Sum() + 2 * FreeParameters();

    /// <summary>Bayesian information criterion −2 log L + p ln N on <paramref name="x"/> (lower is better). scikit-learn: <c>bic(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public double Bic(Tensor x)
    {
        double[] ll = LogLikelihoods(x, nameof(Bic));
        return -2 * ll.Sum() + FreeParameters() * Math.Log(ll.Length);
    }

    /// <summary>Draws <paramref name="nSamples"/> new samples: counts per component from the weights, then
    /// μ_k + L_k z with z ~ 𝒩(0, I) and Σ_k = L_k L_kᵀ. scikit-learn: <c>sample(n_samples=1)</c>.</summary>
    /// <param name="nSamples">How many samples; default 1.</param>
    /// <param name="seed">Seed; null uses <see cref="RandomState"/> (or a fresh seed when that is null too).</param>
    /// <returns>Samples (nSamples, F), Float64, grouped by component, and their components (nSamples), Int64.</returns>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">nSamples &lt; 1.</exception>
    public (Tensor X, Tensor Y) Sample(int nSamples = 1, long? seed = null)
    {
        double[] w = Fitted(_weights), m = _means!, cov = _covariances!;
        if (nSamples < 1) throw new ArgumentException($"GaussianMixture.Sample: nSamples must be at least 1, got {nSamples}.", nameof(nSamples));
        int f = NFeaturesIn, k = NComponents;
        var g = new Generator(seed ?? RandomState ?? System.Random.Shared.NextInt64());
        var counts = new int[k];
        for (int s = 0; s < nSamples; s++)
        {
            double u = g.NextDouble(), acc = 0;
            int c = k - 1;
            for (int j = 0; j < k; j++) if ((acc += w[j]) > u) { c = j; break; }
            counts[c]++;
        }
        var xs = new double[nSamples * f];
        var ys = new long[nSamples];
        int row = 0;
        var z = new double[f];
        for (int c = 0; c < k; c++)
        {
            double[]? l = CovarianceType == CovarianceType.Full ? LinAlg.Cholesky(cov[(c * f * f)..((c + 1) * f * f)], f, "GaussianMixture.Sample") : null;
            for (int s = 0; s < counts[c]; s++, row++)
            {
                for (int j = 0; j < f; j++) z[j] = g.NextNormal();
                for (int a = 0; a < f; a++)
                {
                    double v = m[c * f + a];
                    if (l is not null) for (int b = 0; b <= a; b++) v += l[a * f + b] * z[b];
                    else v += Math.Sqrt(CovarianceType == CovarianceType.Diag ? cov[c * f + a] : cov[c]) * z[a];
                    xs[row * f + a] = v;
                }
                ys[row] = c;
            }
        }
        return (Tensor.FromArray(xs, nSamples, f), Tensor.FromArray(ys));
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        (_weights, _means, _covariances, _precChol) = (null, null, null, null);
        (_lowerBound, _nIter, _converged) = (null, null, null);
    }
}
