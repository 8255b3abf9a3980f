namespace Nabla.Learn.LinearModel;

/// <summary>Logistic regression, binary or multinomial (softmax), fitted by L-BFGS (L2 or no penalty) or SAGA (L1, L2,
/// elastic-net). scikit-learn: <c>sklearn.linear_model.LogisticRegression(solver='lbfgs'|'saga', multi_class='auto')</c>.</summary>
/// <remarks>
/// Minimises scikit-learn's objective Σ_i ℓ_i + ‖W‖²/(2C) (the penalty term only for <see cref="Penalty.L2"/>;
/// the intercept is never penalised). Two classes: one weight vector w, z = x·w + b, P(class 1) = σ(z),
/// ℓ = log(1 + eᶻ) − y z, ∇_w = Σ (σ(z) − y) x + w/C. K ≥ 3 classes: W (K, F), z = W x + b, P = softmax(z),
/// ℓ = logsumexp(z) − z_y, ∇_W = Σ (P − onehot(y)) xᵀ + W/C. L-BFGS stops when max|∇| ≤ Tol, when the relative
/// decrease falls below 64·eps, or after MaxIter iterations. With <see cref="Solver.Saga"/> the objective is scikit-learn's
/// SAGA one, (1/N) Σ_i ℓ_i + ((1 − ρ)/2 ‖W‖² + ρ‖W‖₁)/(CN) (ρ = 1 for L1, 0 for L2, L1Ratio for elastic-net), the same
/// minimiser as above for L2; MaxIter counts epochs and Tol bounds the relative weight change per epoch.
/// L-BFGS evaluates the loss and gradient in one pass over X per evaluation; a float32 X is read as float (half the
/// memory traffic) and every product is computed in double, so the result equals that of X converted to double.
/// Shapes: X (N, F), y (N) with K distinct labels → Coef (1, F) for K = 2, else (K, F); Intercept (1) or (K).
/// </remarks>
public sealed class LogisticRegression : LinearClassifier, IProbabilisticClassifier
{

    /// <summary>The regulariser. scikit-learn: <c>penalty='l2'</c>.</summary>
    public Penalty Penalty { get; init; } = Penalty.L2;

    /// <summary>The optimiser: L-BFGS (None or L2 penalty) or SAGA (any penalty). scikit-learn: <c>solver='lbfgs'</c>.</summary>
    public Solver Solver { get; init; } = Solver.Lbfgs;

    /// <summary>The elastic-net mix ρ in [0, 1] (ρ = 1 is L1, 0 is L2); used only with <see cref="Penalty.ElasticNet"/>.
    /// scikit-learn: <c>l1_ratio=None</c>.</summary>
    public double L1Ratio { get; init; } = 0.5;

    /// <summary>Seed of SAGA's sample draws; null draws a fresh one. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <summary>Inverse regularisation strength C &gt; 0 (smaller is stronger). scikit-learn: <c>C=1.0</c>.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>Whether to fit the unpenalised bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum L-BFGS iterations. scikit-learn: <c>max_iter=100</c>.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Gradient tolerance max|∇| for stopping. scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Fits the model to samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">C ≤ 0, MaxIter &lt; 1, Tol &lt; 0; fewer than two classes; bad shapes or non-finite input.</exception>
    public override LogisticRegression Fit(Tensor x, Tensor? y = null)
    {
        if (!(C > 0) || MaxIter < 1 || !(Tol >= 0))
            throw new ArgumentException($"LogisticRegression: need C > 0, MaxIter ≥ 1, Tol ≥ 0; got {C}, {MaxIter}, {Tol}.");
        // L-BFGS reads X once per evaluation in FusedPass, which takes float32 samples as they are; SAGA needs double.
        Array xa = FitInputNative(x, out int n, out int f);
        double[] yd = Input.Vector(y, "LogisticRegression.Fit", nameof(y), n);
        double[] classes = Input.Encode(yd, out int[] codes);
        if (classes.Length < 2)
            throw new ArgumentException($"LogisticRegression.Fit: y has a single class ({classes[0]}); need at least two.", nameof(y));
        int k = classes.Length == 2 ? 1 : classes.Length;
        if (Solver == Solver.Saga)
        {
            if (!(L1Ratio is >= 0 and <= 1)) throw new ArgumentException($"LogisticRegression: L1Ratio must be in [0, 1], got {L1Ratio}.");
            double[] xd = xa as double[] ?? Array.ConvertAll((float[])xa, v => (double)v);
            // scikit-learn's SAGA objective is the mean loss, so the penalties are divided by N too: α = (1 − ρ)/(CN), β = ρ/(CN).
            double rho = Penalty switch { Penalty.L1 => 1, Penalty.ElasticNet => L1Ratio, _ => 0 };
            double strength = Penalty == Penalty.None ? 0 : 1 / (C * n);
            var w = new double[k * f];
            var b = new double[k];
            var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
            int epochs = Saga.Fit(xd, n, f, codes, k, (1 - rho) * strength, rho * strength, FitIntercept, MaxIter, Tol, g, w, b);
            (_coef, _intercept, _classes, _yType, _nIter) = (w, b, classes, y!.DType, epochs);
            return this;
        }
        if (Penalty is Penalty.L1 or Penalty.ElasticNet)
            throw new ArgumentException($"LogisticRegression: penalty {Penalty} needs Solver = Saga (L-BFGS needs a smooth objective).");
        double inverseC = Penalty == Penalty.L2 ? 1 / C : 0;
        // Parameter vector: W (k, f) row-major, then b (k).
        var theta = new double[k * (f + 1)];
        Lbfgs.Objective objective = xa is float[] xs
            ? (t, g) => Loss(t, g, xs, codes, n, f, k, inverseC, FitIntercept)
            : (t, g) => Loss(t, g, (double[])xa, codes, n, f, k, inverseC, FitIntercept);
        int iterations = Lbfgs.Minimize(objective, theta, MaxIter, Tol);
        _coef = theta[..(k * f)];
        _intercept = theta[(k * f)..];
        _classes = classes;
        _yType = y!.DType;
        _nIter = iterations;
        return this;
    }

    /// <summary>The penalised loss at t = (W, b) and its gradient, in one pass over X (see <see cref="FusedPass"/>).</summary>
    private static double Loss<T>(double[] t, double[] g, T[] x, int[] y, int n, int f, int k, double inverseC, bool intercept) where T : unmanaged
    {
        int bias = k * f;
        var rSum = new double[k];
        FusedPass.BlockLoss block = k == 1
            ? (z, ldz, start, count) => BinaryBlock(z, ldz, t[f], y, start, count)
            : (z, ldz, start, count) => SoftmaxBlock(z, ldz, t.AsSpan(bias, k), y, start, count);
        double loss = FusedPass.Run(x, n, f, t, k, block, g, rSum);
        for (int j = 0; j < bias; j++)
        {
            loss += 0.5 * inverseC * t[j] * t[j];
            g[j] += inverseC * t[j];
        }
        for (int c = 0; c < k; c++) g[bias + c] = intercept ? rSum[c] : 0;
        return loss;
    }

    /// <summary>Two classes: z = x·w + b, ℓ = log(1 + eᶻ) − y z, residual σ(z) − y (so ∇_w = Σ r x, ∇_b = Σ r).</summary>
    private static double BinaryBlock(Span<double> z, int ldz, double b, int[] y, int start, int count)
    {
        double loss = 0;
        for (int r = 0; r < count; r++)
        {
            double zi = z[r * ldz] + b;
            int yi = y[start + r];
            // Softplus log(1 + eᶻ) computed stably for either sign of z.
            loss += (zi > 0 ? zi + Math.Log(1 + Math.Exp(-zi)) : Math.Log(1 + Math.Exp(zi))) - yi * zi;
            z[r * ldz] = Sigmoid(zi) - yi;
        }
        return loss;
    }

    /// <summary>K classes: z = W x + b, ℓ = logsumexp(z) − z_y, residual softmax(z) − onehot(y).</summary>
    private static double SoftmaxBlock(Span<double> z, int ldz, ReadOnlySpan<double> b, int[] y, int start, int count)
    {
        int k = b.Length;
        double loss = 0;
        for (int r = 0; r < count; r++)
        {
            Span<double> row = z.Slice(r * ldz, k);
            int yi = y[start + r];
            double m = double.NegativeInfinity;
            for (int c = 0; c < k; c++) m = Math.Max(m, row[c] += b[c]);
            // One exponential per class: e_c = exp(z_c − m), softmax_c = e_c / Σ e, logsumexp = m + log Σ e.
            loss += m - row[yi];
            double sum = 0;
            for (int c = 0; c < k; c++) sum += row[c] = Math.Exp(row[c] - m);
            loss += Math.Log(sum);
            double inverse = 1 / sum;
            for (int c = 0; c < k; c++) row[c] *= inverse;
            row[yi] -= 1;
        }
        return loss;
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double LogSumExp(double[] z)
    {
        double m = z.Max(), s = 0;
        foreach (double v in z) s += Math.Exp(v - m);
        return m + Math.Log(s);
    }

    /// <inheritdoc/>
    /// <remarks>Two classes: [1 − σ(z), σ(z)]; K classes: softmax(z).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x) => Tensor.FromArray(Probabilities(x, out int n, out int k), n, k);

    private double[] Probabilities(Tensor x, out int n, out int columns, string method = nameof(PredictProba))
    {
        double[] z = Scores(x, out n, out int k, method);
        columns = k == 1 ? 2 : k;
        var p = new double[n * columns];
        for (int i = 0; i < n; i++)
        {
            if (k == 1)
            {
                p[2 * i + 1] = Sigmoid(z[i]);
                p[2 * i] = 1 - p[2 * i + 1];
                continue;
            }
            double logSum = LogSumExp(z[(i * k)..((i + 1) * k)]);
            for (int c = 0; c < k; c++) p[i * k + c] = Math.Exp(z[i * k + c] - logSum);
        }
        return p;
    }
}
