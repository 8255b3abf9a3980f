namespace Nabla.Learn.LinearModel;

/// <summary>The distribution of a <see cref="GeneralizedLinearRegressor"/>'s target given x (an exponential family).</summary>
public enum Family
{
    /// <summary>Normal (Gaussian) with constant variance; unit deviance (y − μ)². scikit-learn: <c>TweedieRegressor(power=0)</c>.</summary>
    Normal,

    /// <summary>Poisson counts, variance μ; unit deviance 2(y log(y/μ) − y + μ). scikit-learn: <c>TweedieRegressor(power=1)</c>, <c>PoissonRegressor</c>.</summary>
    Poisson,

    /// <summary>Bernoulli 0/1 outcomes, variance μ(1 − μ); unit deviance −2(y log μ + (1 − y) log(1 − μ)).
    /// scikit-learn: the loss of <c>LogisticRegression</c>.</summary>
    Bernoulli,
}

/// <summary>The link g with g(μ) = η = x·w + b of a <see cref="GeneralizedLinearRegressor"/>.</summary>
public enum Link
{
    /// <summary>The family's canonical link: identity for Normal, log for Poisson, logit for Bernoulli. scikit-learn: <c>link='auto'</c>.</summary>
    Auto,

    /// <summary>μ = η. scikit-learn: <c>link='identity'</c>.</summary>
    Identity,

    /// <summary>μ = exp(η). scikit-learn: <c>link='log'</c>.</summary>
    Log,

    /// <summary>μ = 1 / (1 + e^(−η)).</summary>
    Logit,
}

/// <summary>A generalised linear model: y ~ family with mean μ = g⁻¹(x·w + b), fitted by penalised maximum likelihood
/// with L-BFGS. scikit-learn: <c>sklearn.linear_model._glm._GeneralizedLinearRegressor</c> (as <c>TweedieRegressor</c>
/// with power 0 or 1, and, for Bernoulli/logit, <c>LogisticRegression(C = 1/(αN))</c>).</summary>
/// <remarks>
/// Minimises scikit-learn's objective (1/N) Σ ℓ(y_i, η_i) + (α/2)‖w‖² (the intercept is not penalised) with ℓ half the
/// unit deviance up to terms free of η: Normal ½(y − μ)², Poisson μ − yη (log link), Bernoulli log(1 + e^η) − yη
/// (logit link). The gradient is (1/N) Xᵀr + αw with r = ∂ℓ/∂η: μ − y for Normal/identity, Poisson/log and
/// Bernoulli/logit (canonical links), (μ − y)μ for Normal/log.
/// <see cref="Score"/> is D² = 1 − D(y, μ̂)/D(y, ȳ), the fraction of the family's deviance explained (R² for Normal).
/// Shapes: X (N, F), y (N) → Coef (F), Intercept scalar, Predict (N) = μ.
/// </remarks>
public sealed class GeneralizedLinearRegressor : Estimator, IRegressor
{
    private double[]? _coef;
    private double? _intercept;
    private int? _nIter;

    /// <summary>The target distribution. scikit-learn: the Tweedie <c>power</c> (0 Normal, 1 Poisson).</summary>
    public Family Family { get; init; } = Family.Normal;

    /// <summary>The link function. scikit-learn: <c>link='auto'</c>.</summary>
    public Link Link { get; init; } = Link.Auto;

    /// <summary>L2 penalty strength α ≥ 0. scikit-learn: <c>alpha=1.0</c>.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Whether to fit the bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum L-BFGS iterations. scikit-learn: <c>max_iter=100</c>.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Gradient tolerance max|∇|. scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>The weights w (F). scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef => Tensor.FromArray(Fitted(_coef));

    /// <summary>The bias b. scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double Intercept => Fitted(_intercept);

    /// <summary>L-BFGS iterations of the last Fit. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    private Link ActualLink => Link != Link.Auto ? Link : Family switch { Family.Normal => Link.Identity, Family.Poisson => Link.Log, _ => Link.Logit };

    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">α &lt; 0, MaxIter &lt; 1, Tol &lt; 0; an unsupported family/link pair (Normal with
    /// identity or log, Poisson with log, Bernoulli with logit); targets outside the family's range; bad shapes or
    /// non-finite input.</exception>
    public override GeneralizedLinearRegressor Fit(Tensor x, Tensor? y = null)
    {
        if (!(Alpha >= 0) || MaxIter < 1 || !(Tol >= 0))
            throw new ArgumentException($"GeneralizedLinearRegressor: need Alpha ≥ 0, MaxIter ≥ 1, Tol ≥ 0; got {Alpha}, {MaxIter}, {Tol}.");
        Link link = ActualLink;
        bool supported = (Family, link) is (Family.Normal, Link.Identity) or (Family.Normal, Link.Log) or (Family.Poisson, Link.Log) or (Family.Bernoulli, Link.Logit);
        if (!supported) throw new ArgumentException($"GeneralizedLinearRegressor: family {Family} with link {link} is not supported (Normal: Identity or Log; Poisson: Log; Bernoulli: Logit).");
        double[] d = FitInput(x, out int n, out int f);
        double[] t = Input.Vector(y, "GeneralizedLinearRegressor.Fit", nameof(y), n);
        if (Family == Family.Poisson && t.Any(v => v < 0)) throw new ArgumentException("GeneralizedLinearRegressor.Fit: Poisson targets must be non-negative.", nameof(y));
        if (Family == Family.Bernoulli && t.Any(v => v is not (0 or 1))) throw new ArgumentException("GeneralizedLinearRegressor.Fit: Bernoulli targets must be 0 or 1.", nameof(y));
        if (Family == Family.Normal && link == Link.Log && t.Any(v => v <= 0)) throw new ArgumentException("GeneralizedLinearRegressor.Fit: a log link needs positive targets.", nameof(y));
        var theta = new double[f + 1];
        // Start at the intercept-only model g(ȳ) (scikit-learn's starting point), where the linear term is 0.
        double mean = t.Average();
        if (FitIntercept)
            theta[f] = link switch
            {
                Link.Identity => mean,
                Link.Log => mean > 0 ? Math.Log(mean) : 0,
                _ => mean is > 0 and < 1 ? Math.Log(mean / (1 - mean)) : 0,
            };
        int iterations = Lbfgs.Minimize((w, g) => Objective(w, g, d, t, n, f, link), theta, MaxIter, Tol);
        (_coef, _intercept, _nIter) = (theta[..f], FitIntercept ? theta[f] : 0, iterations);
        return this;
    }

    private double Objective(double[] w, double[] g, double[] x, double[] y, int n, int f, Link link)
    {
        var eta = new double[n];
        Skinny.XWt(x, n, f, w, 1, eta);
        double loss = 0, sumR = 0;
        for (int i = 0; i < n; i++)
        {
            double e = eta[i] + (FitIntercept ? w[f] : 0), r;
            switch (Family, link)
            {
                case (Family.Normal, Link.Identity):
                    loss += 0.5 * (y[i] - e) * (y[i] - e);
                    r = e - y[i];
                    break;
                case (Family.Normal, _):
                    double m = Math.Exp(e);
                    loss += 0.5 * (y[i] - m) * (y[i] - m);
                    r = (m - y[i]) * m;
                    break;
                case (Family.Poisson, _):
                    double mu = Math.Exp(e);
                    loss += mu - y[i] * e;
                    r = mu - y[i];
                    break;
                default:
                    // log(1 + eᶻ) − y z with softplus computed stably for either sign.
                    loss += (e > 0 ? e + Math.Log(1 + Math.Exp(-e)) : Math.Log(1 + Math.Exp(e))) - y[i] * e;
                    r = (e >= 0 ? 1 / (1 + Math.Exp(-e)) : Math.Exp(e) / (1 + Math.Exp(e))) - y[i];
                    break;
            }
            eta[i] = r / n;
            sumR += r / n;
        }
        Skinny.RtX(eta, n, 1, x, f, g);
        loss /= n;
        for (int j = 0; j < f; j++)
        {
            loss += 0.5 * Alpha * w[j] * w[j];
            g[j] += Alpha * w[j];
        }
        g[f] = FitIntercept ? sumR : 0;
        return loss;
    }

    /// <summary>The predicted means μ = g⁻¹(x·w + b) (N). scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Means(x, nameof(Predict)));

    private double[] Means(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        double[] w = _coef!;
        var eta = new double[n];
        Skinny.XWt(d, n, w.Length, w, 1, eta);
        Link link = ActualLink;
        for (int i = 0; i < n; i++)
        {
            double e = eta[i] + _intercept!.Value;
            eta[i] = link switch { Link.Identity => e, Link.Log => Math.Exp(e), _ => 1 / (1 + Math.Exp(-e)) };
        }
        return eta;
    }

    /// <summary>D² = 1 − D(y, μ̂) / D(y, ȳ), the fraction of the family's deviance explained (R² for Normal).
    /// scikit-learn: <c>score(X, y)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] mu = Means(x, nameof(Score));
        double[] t = Input.Vector(y, "GeneralizedLinearRegressor.Score", nameof(y), mu.Length);
        double mean = t.Average();
        return 1 - Deviance(t, i => mu[i]) / Deviance(t, _ => mean);
    }

    private double Deviance(double[] y, Func<int, double> mu)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double m = mu(i);
            s += Family switch
            {
                Family.Normal => (y[i] - m) * (y[i] - m),
                Family.Poisson => 2 * ((y[i] > 0 ? y[i] * Math.Log(y[i] / m) : 0) - y[i] + m),
                _ => -2 * (y[i] * Math.Log(m) + (1 - y[i]) * Math.Log(1 - m)),
            };
        }
        return s;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_coef, _intercept, _nIter) = (null, null, null);
}
