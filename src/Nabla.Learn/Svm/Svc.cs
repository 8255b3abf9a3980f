using Nabla.Kernels;

namespace Nabla.Learn.Svm;

/// <summary>C-support vector classification with a kernel, solved by SMO, multi-class by one-vs-one voting.
/// scikit-learn: <c>sklearn.svm.SVC</c> (libsvm; Chang and Lin 2011).</summary>
/// <remarks>
/// <para>For each pair of classes (a, b), a &lt; b, with y = +1 on a and −1 on b, solves the dual
/// min ½ αᵀQα − Σα subject to yᵀα = 0, 0 ≤ α ≤ C, where Q_ij = y_i y_j k(x_i, x_j) (see <see cref="SmoSolver"/>), giving the
/// decision f(x) = Σ_i y_i α_i k(x_i, x) − ρ. The support vectors are the samples with α_i &gt; 0: only they enter f.
/// The margin 1/‖w‖ is maximised while the hinge loss max(0, 1 − y f(x)) is paid with weight C. A sample's class is
/// the one with most pairwise wins (the lower class on ties).</para>
/// <para>Speed: the kernel matrix of the training set is computed once by GEMM (float32 when large; see
/// <see cref="KernelFunction"/>) when it fits in 2 GiB, and the one-vs-one problems run in parallel on
/// <see cref="Threading.NumThreads"/> threads; larger sets compute kernel rows on demand into an LRU cache of
/// <see cref="CacheSize"/> MB per problem. Prediction is one kernel matrix against the support vectors and one GEMM
/// with the dual coefficients.</para>
/// <para>With <see cref="Probability"/>, each pair's Platt sigmoid is fitted to decision values from an internal 5-fold
/// cross-validation (folds drawn from <see cref="RandomState"/>, so they differ from libsvm's) and the pairwise
/// probabilities are coupled (Wu, Lin and Weng 2004) into <see cref="PredictProba"/>.</para>
/// Shapes: X (N, F), y (N) → Predict (N), DecisionFunction (N, K) or (N) for two classes, PredictProba (N, K).
/// </remarks>
public sealed class Svc : Estimator, IProbabilisticClassifier
{
    private double[]? _classes, _sv, _svNorms, _rho, _probA, _probB;
    private double[][]? _dualCoef;
    private int[]? _support, _nSupport;
    private DType _yType;
    private KernelFunction? _kernel;

    /// <summary>Inverse regularisation strength: the weight of the hinge losses (&gt; 0). scikit-learn: <c>C=1.0</c>.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>The kernel. scikit-learn: <c>kernel='rbf'</c>.</summary>
    public SvmKernel Kernel { get; init; } = SvmKernel.Rbf;

    /// <summary>Degree of the polynomial kernel. scikit-learn: <c>degree=3</c>.</summary>
    public int Degree { get; init; } = 3;

    /// <summary>γ of the RBF, polynomial and sigmoid kernels. scikit-learn: <c>gamma='scale'</c>.</summary>
    public SvmGamma Gamma { get; init; } = SvmGamma.Scale;

    /// <summary>Constant term of the polynomial and sigmoid kernels. scikit-learn: <c>coef0=0.0</c>.</summary>
    public double Coef0 { get; init; }

    /// <summary>Stopping tolerance on the maximal KKT violation. scikit-learn: <c>tol=1e-3</c>.</summary>
    public double Tol { get; init; } = 1e-3;

    /// <summary>Iteration limit per binary problem; −1 is libsvm's max(10⁷, 100 l). scikit-learn: <c>max_iter=-1</c>.</summary>
    public long MaxIter { get; init; } = -1;

    /// <summary>libsvm's shrinking heuristic. scikit-learn: <c>shrinking=True</c>.</summary>
    public bool Shrinking { get; init; } = true;

    /// <summary>Whether to fit Platt sigmoids for <see cref="PredictProba"/> (six times the fitting work).
    /// scikit-learn: <c>probability=False</c>.</summary>
    public bool Probability { get; init; }

    /// <summary>Kernel-row cache per binary problem, in MB (used when the kernel matrix is not precomputed).
    /// scikit-learn: <c>cache_size=200</c>.</summary>
    public double CacheSize { get; init; } = 200;

    /// <summary>Layout of <see cref="DecisionFunction"/> for more than two classes.
    /// scikit-learn: <c>decision_function_shape='ovr'</c>.</summary>
    public DecisionFunctionShape DecisionFunctionShape { get; init; } = DecisionFunctionShape.Ovr;

    /// <summary>Seed of the probability cross-validation folds; null draws a fresh one. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    /// <summary>The support vectors (S, F), grouped by class in class order. scikit-learn: <c>support_vectors_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor SupportVectors => Tensor.FromArray(Fitted(_sv), _support!.Length, NFeaturesIn);

    /// <summary>Training-set indices of the support vectors (S). scikit-learn: <c>support_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Support => Tensor.FromArray(Fitted(_support).Select(i => (long)i).ToArray());

    /// <summary>Support vectors per class (K). scikit-learn: <c>n_support_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor NSupport => Tensor.FromArray(Fitted(_nSupport).Select(i => (long)i).ToArray());

    /// <summary>Dual coefficients y_i α_i (K−1, S): for a support vector of class c, row r holds its coefficient in the
    /// problem of c against class r (r &lt; c) or r + 1 (r ≥ c); negated for two classes so that positive decisions
    /// mean Classes[1]. scikit-learn: <c>dual_coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor DualCoef
    {
        get
        {
            double[][] d = Fitted(_dualCoef);
            int s = _support!.Length;
            var flat = new double[d.Length * s];
            double sign = _classes!.Length == 2 ? -1 : 1;
            for (int r = 0; r < d.Length; r++)
                for (int i = 0; i < s; i++) flat[r * s + i] = sign * d[r][i];
            return Tensor.FromArray(flat, d.Length, s);
        }
    }

    /// <summary>Intercepts −ρ of the K(K−1)/2 one-vs-one problems (negated for two classes). scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Intercept
    {
        get
        {
            double sign = Fitted(_classes).Length == 2 ? 1 : -1;
            return Tensor.FromArray(_rho!.Select(r => sign * r).ToArray());
        }
    }

    /// <summary>Platt sigmoid slopes A per pair (K(K−1)/2); P = 1/(1 + exp(A f + B)). scikit-learn: <c>probA_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    /// <exception cref="InvalidOperationException">Fitted without <see cref="Probability"/>.</exception>
    public Tensor ProbA => Tensor.FromArray(RequireProbability(nameof(ProbA)).A);

    /// <summary>Platt sigmoid offsets B per pair (K(K−1)/2). scikit-learn: <c>probB_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    /// <exception cref="InvalidOperationException">Fitted without <see cref="Probability"/>.</exception>
    public Tensor ProbB => Tensor.FromArray(RequireProbability(nameof(ProbB)).B);

    private (double[] A, double[] B) RequireProbability(string member)
    {
        Fitted(_classes, member);
        if (_probA is null) throw new InvalidOperationException($"Svc.{member}: fit with Probability = true to estimate probabilities.");
        return (_probA, _probB!);
    }

    /// <summary>Fits the one-vs-one SVMs on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, fewer than two classes, bad shapes or non-finite input.</exception>
    public override Svc Fit(Tensor x, Tensor? y = null)
    {
        if (!(C > 0) || !(Tol > 0) || Degree < 0 || !(CacheSize > 0))
            throw new ArgumentException($"Svc: need C > 0, Tol > 0, Degree ≥ 0, CacheSize > 0; got C={C}, Tol={Tol}, Degree={Degree}, CacheSize={CacheSize}.");
        double[] d = FitInput(x, out int n, out int f);
        double[] labels = Input.Vector(y, "Svc.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        int k = classes.Length;
        if (k < 2) throw new ArgumentException($"Svc.Fit: y has {k} class; need at least two.", nameof(y));
        var kernel = new KernelFunction(Kernel, Gamma.Resolve(d, f, "Svc.Fit"), Degree, Coef0);

        // Samples grouped by class (stable), as libsvm groups them: class c occupies [start[c], start[c] + count[c]).
        int[] order = Enumerable.Range(0, n).OrderBy(i => codes[i]).ToArray();
        var count = new int[k];
        foreach (int c in codes) count[c]++;
        var start = new int[k];
        for (int c = 1; c < k; c++) start[c] = start[c - 1] + count[c - 1];
        var xs = new double[n * f];
        for (int i = 0; i < n; i++) Array.Copy(d, order[i] * f, xs, i * f, f);
        var store = new KernelStore(kernel, xs, n, f);

        int pairs = k * (k - 1) / 2;
        var pairClasses = new (int A, int B)[pairs];
        for (int a = 0, p = 0; a < k; a++)
            for (int b = a + 1; b < k; b++) pairClasses[p++] = (a, b);
        var coef = new double[pairs][];
        var rho = new double[pairs];
        double[]? probA = Probability ? new double[pairs] : null, probB = Probability ? new double[pairs] : null;
        var master = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        long[] seeds = Enumerable.Range(0, pairs).Select(_ => (long)(master.NextUInt64() >> 1)).ToArray();
        long cacheBytes = (long)(CacheSize * (1 << 20));

        void SolvePair(int p)
        {
            (int a, int b) = pairClasses[p];
            int[] idx = [.. Enumerable.Range(start[a], count[a]), .. Enumerable.Range(start[b], count[b])];
            sbyte[] sign = [.. Enumerable.Repeat((sbyte)1, count[a]), .. Enumerable.Repeat((sbyte)-1, count[b])];
            if (Probability) (probA![p], probB![p]) = CrossValidatedSigmoid(store, idx, sign, new Generator(seeds[p]), cacheBytes);
            (coef[p], rho[p]) = SolveBinary(store, idx, sign, cacheBytes);
        }

        // The problems only read the shared precomputed matrix, so they run in parallel; on-demand kernel rows use the
        // threads inside each problem's inner products instead.
        if (store.Precomputed) Threading.For(pairs, SolvePair);
        else for (int p = 0; p < pairs; p++) SolvePair(p);

        var nonzero = new bool[n];
        for (int p = 0; p < pairs; p++)
        {
            (int a, int b) = pairClasses[p];
            for (int t = 0; t < count[a]; t++) if (coef[p][t] != 0) nonzero[start[a] + t] = true;
            for (int t = 0; t < count[b]; t++) if (coef[p][count[a] + t] != 0) nonzero[start[b] + t] = true;
        }
        var svIndex = new int[n];
        int s = 0;
        for (int i = 0; i < n; i++) svIndex[i] = nonzero[i] ? s++ : -1;
        var sv = new double[s * f];
        var support = new int[s];
        var nSupport = new int[k];
        for (int i = 0; i < n; i++)
        {
            if (!nonzero[i]) continue;
            Array.Copy(xs, i * f, sv, svIndex[i] * f, f);
            support[svIndex[i]] = order[i];
            nSupport[codes[order[i]]]++;
        }
        var dual = new double[k - 1][];
        for (int r = 0; r < k - 1; r++) dual[r] = new double[s];
        for (int p = 0; p < pairs; p++)
        {
            (int a, int b) = pairClasses[p];
            for (int t = 0; t < count[a]; t++) if (nonzero[start[a] + t]) dual[b - 1][svIndex[start[a] + t]] = coef[p][t];
            for (int t = 0; t < count[b]; t++) if (nonzero[start[b] + t]) dual[a][svIndex[start[b] + t]] = coef[p][count[a] + t];
        }
        (_classes, _yType, _kernel) = (classes, y!.DType, kernel);
        (_sv, _svNorms, _support, _nSupport, _dualCoef, _rho) = (sv, KernelFunction.Norms(sv, s, f), support, nSupport, dual, rho);
        (_probA, _probB) = (probA, probB);
        return this;
    }

    private (double[] Coef, double Rho) SolveBinary(KernelStore store, int[] idx, sbyte[] y, long cacheBytes)
        => new SmoSolver(new QMatrix(store, idx, y, cacheBytes), y, C, C, Tol).Solve(MaxIter, Shrinking);

    /// <summary>libsvm's <c>svm_binary_svc_probability</c>: decision values of each sample from an SVM trained on the
    /// other four of five random folds, then Platt's fit on them.</summary>
    private (double A, double B) CrossValidatedSigmoid(KernelStore store, int[] idx, sbyte[] y, Generator g, long cacheBytes)
    {
        const int folds = 5;
        int l = idx.Length;
        int[] perm = Enumerable.Range(0, l).ToArray();
        for (int i = 0; i < l; i++)
        {
            int j = i + (int)g.NextBounded((ulong)(l - i));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        var dec = new double[l];
        var row = new double[l];
        for (int fold = 0; fold < folds; fold++)
        {
            int begin = fold * l / folds, end = (fold + 1) * l / folds;
            int[] train = [.. perm[..begin], .. perm[end..]];
            sbyte[] ty = train.Select(t => y[t]).ToArray();
            int positives = ty.Count(v => v > 0), negatives = ty.Length - positives;
            if (positives == 0 || negatives == 0)
            {
                // One class only: a constant decision, as libsvm.
                double constant = positives > 0 ? 1 : negatives > 0 ? -1 : 0;
                for (int t = begin; t < end; t++) dec[perm[t]] = constant;
                continue;
            }
            int[] trainIdx = train.Select(t => idx[t]).ToArray();
            (double[] coef, double rho) = SolveBinary(store, trainIdx, ty, cacheBytes);
            Span<double> kr = row.AsSpan(0, trainIdx.Length);
            for (int t = begin; t < end; t++)
            {
                store.Row(idx[perm[t]], trainIdx, kr);
                double v = -rho;
                for (int u = 0; u < trainIdx.Length; u++) v += coef[u] * kr[u];
                dec[perm[t]] = v;
            }
        }
        return Platt.Fit(dec, y);
    }

    /// <summary>One-vs-one decision values (n, P) of validated rows, pair p = (a, b) positive for class a.</summary>
    private double[] PairDecisions(double[] d, int n)
    {
        int k = _classes!.Length, pairs = k * (k - 1) / 2, s = _support!.Length, f = NFeaturesIn;
        // W (S, P): the coefficient of support vector i in pair p, zero when its class is not in the pair.
        var w = new double[s * pairs];
        var svStart = new int[k + 1];
        for (int c = 0; c < k; c++) svStart[c + 1] = svStart[c] + _nSupport![c];
        for (int a = 0, p = 0; a < k; a++)
            for (int b = a + 1; b < k; b++, p++)
            {
                for (int i = svStart[a]; i < svStart[a + 1]; i++) w[i * pairs + p] = _dualCoef![b - 1][i];
                for (int i = svStart[b]; i < svStart[b + 1]; i++) w[i * pairs + p] = _dualCoef![a][i];
            }
        var dec = new double[n * pairs];
        double[] norms = KernelFunction.Norms(d, n, f);
        // Blocks of rows bound the kernel matrix's memory (block × S values).
        const int block = 2048;
        for (int r0 = 0; r0 < n; r0 += block)
        {
            int m = Math.Min(block, n - r0);
            double[] xb = d[(r0 * f)..((r0 + m) * f)];
            (float[]? single, double[]? kd) = _kernel!.Matrix(xb, norms[r0..(r0 + m)], m, _sv!, _svNorms!, s, f);
            kd ??= Array.ConvertAll(single!, v => (double)v);
            Gemm.Multiply(false, false, m, pairs, s, 1.0, kd, s, w, pairs, 0.0, dec.AsSpan(r0 * pairs, m * pairs), pairs);
        }
        for (int i = 0; i < n; i++)
            for (int p = 0; p < pairs; p++) dec[i * pairs + p] -= _rho![p];
        return dec;
    }

    private double[] PredictLabels(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        int k = _classes!.Length, pairs = k * (k - 1) / 2;
        double[] dec = PairDecisions(d, n);
        var labels = new double[n];
        var votes = new int[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(votes);
            for (int a = 0, p = 0; a < k; a++)
                for (int b = a + 1; b < k; b++, p++) votes[dec[i * pairs + p] > 0 ? a : b]++;
            int best = 0;
            for (int c = 1; c < k; c++) if (votes[c] > votes[best]) best = c;
            labels[i] = _classes[best];
        }
        return labels;
    }

    /// <inheritdoc/>
    /// <remarks>The class with most one-vs-one wins (libsvm's vote; the lower class on ties).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Input.Labels(PredictLabels(x, nameof(Predict)), _yType);

    /// <summary>Decision values: (N) for two classes (positive means Classes[1]); for more, (N, K) votes plus
    /// confidences with <see cref="DecisionFunctionShape.Ovr"/> or (N, K(K−1)/2) pairwise values with
    /// <see cref="DecisionFunctionShape.Ovo"/>. scikit-learn: <c>decision_function(X)</c>.</summary>
    /// <remarks>Ovr (scikit-learn's <c>_ovr_decision_function</c>): class a gets one vote per pair it wins and the sum
    /// S_a of its signed pairwise values, mapped to S_a / (3(|S_a| + 1)) ∈ (−⅓, ⅓) so it breaks ties without
    /// overturning a vote.</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor DecisionFunction(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int k = _classes!.Length, pairs = k * (k - 1) / 2;
        double[] dec = PairDecisions(d, n);
        if (k == 2) return Tensor.FromArray(dec.Select(v => -v).ToArray());
        if (DecisionFunctionShape == DecisionFunctionShape.Ovo) return Tensor.FromArray(dec, n, pairs);
        var result = new double[n * k];
        var sum = new double[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(sum);
            for (int a = 0, p = 0; a < k; a++)
                for (int b = a + 1; b < k; b++, p++)
                {
                    double v = dec[i * pairs + p];
                    sum[a] += v;
                    sum[b] -= v;
                    result[i * k + (v < 0 ? b : a)] += 1;
                }
            for (int c = 0; c < k; c++) result[i * k + c] += sum[c] / (3 * (Math.Abs(sum[c]) + 1));
        }
        return Tensor.FromArray(result, n, k);
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="InvalidOperationException">Fitted without <see cref="Probability"/>.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        (double[] probA, double[] probB) = RequireProbability(nameof(PredictProba));
        int k = _classes!.Length, pairs = k * (k - 1) / 2;
        double[] dec = PairDecisions(d, n);
        var proba = new double[n * k];
        for (int i = 0; i < n; i++)
            Platt.Probabilities(dec.AsSpan(i * pairs, pairs), probA, probB, k).CopyTo(proba, i * k);
        return Tensor.FromArray(proba, n, k);
    }

    /// <inheritdoc/>
    /// <remarks>Mean accuracy of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = PredictLabels(x, nameof(Score));
        double[] t = Input.Vector(y, "Svc.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        (_classes, _sv, _svNorms, _rho, _probA, _probB, _dualCoef, _support, _nSupport, _kernel) =
            (null, null, null, null, null, null, null, null, null, null);
    }
}
