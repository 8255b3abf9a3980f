namespace Nabla.Learn.Text;

/// <summary>
/// Probabilistic latent semantic analysis (PLSA, Hofmann 1999): each document is a mixture of K topics, each topic a
/// distribution over words, optionally mixed with a fixed background language model; fitted by EM.
/// </summary>
/// <remarks>
/// Model: a word w of document d is drawn from the background θ_B with probability λ_B, else from topic k with
/// probability π_dk and then from θ_k. By the law of total probability
/// p(w ∣ d) = λ_B θ_B(w) + (1 − λ_B) Σ_k π_dk θ_k(w), and the log-likelihood of counts c(d, w) is
/// L = Σ_d Σ_w c(d, w) log p(w ∣ d).
/// E-step: the share of the occurrences of w in d credited to topic k is
/// c(d, w) (1 − λ_B) π_dk θ_k(w) / p(w ∣ d) (the rest, λ_B θ_B(w) / p(w ∣ d), to the background).
/// M-step: θ_k(w) ∝ Σ_d of those shares and π_dk ∝ Σ_w of them. Each iteration can only raise L, to a local maximum
/// that depends on the (seeded) random start. θ_B is a given model (<see cref="BackgroundModel"/>, e.g. from a large
/// general corpus) or the corpus's word frequencies (the maximum-likelihood unigram model of all documents): with a
/// large λ_B it absorbs the common words (the, and, of) that would otherwise dominate every topic. λ_B = 0 is plain PLSA; PLSA is also non-negative matrix factorisation of the counts under
/// the KL divergence (scikit-learn: <c>NMF(beta_loss='kullback-leibler', solver='mu')</c>, normalised).
/// Shapes: counts (D, V) → document-topic proportions (D, K), Float64.
/// </remarks>
public sealed class Plsa : Transformer
{
    private double[]? _topics, _documentTopics, _background, _history;
    private double? _logLikelihood;
    private int? _k;

    /// <summary>Number of topics K. scikit-learn (LDA): <c>n_components=10</c>.</summary>
    public int NComponents { get; init; } = 10;

    /// <summary>Weight λ_B ∈ [0, 1) of the background language model.</summary>
    public double BackgroundWeight { get; init; }

    /// <summary>Most EM iterations.</summary>
    public int MaxIter { get; init; } = 200;

    /// <summary>EM stops when the log-likelihood per word rises by less than this.</summary>
    public double Tol { get; init; } = 1e-7;

    /// <summary>The background model θ_B (V) to use, e.g. word frequencies of a large general corpus; null takes the
    /// word frequencies of the training counts. Normalised to sum 1.</summary>
    public Tensor? BackgroundModel { get; init; }

    /// <summary>Seed of the random start (random when null).</summary>
    public long? RandomState { get; init; }

    /// <summary>Topic-word distributions θ_k (K, V), rows summing to 1: each topic is a distribution over words.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Components => Tensor.FromArray(Fitted(_topics), NComponentsFitted, NFeaturesIn);

    /// <summary>Topic proportions π_d of the training documents (D, K), rows summing to 1.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor DocumentTopics => Tensor.FromArray(Fitted(_documentTopics), Fitted(_documentTopics).Length / NComponentsFitted, NComponentsFitted);

    /// <summary>The background model θ_B (V) used: <see cref="BackgroundModel"/>, or the corpus's word frequencies.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Background => Tensor.FromArray(Fitted(_background));

    /// <summary>Log-likelihood L of the training counts under the fitted model (natural log).</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double LogLikelihood => Fitted(_logLikelihood);

    /// <summary>L at the start of every EM iteration, then at the end: a non-decreasing sequence.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public IReadOnlyList<double> LogLikelihoodHistory => Fitted(_history);

    /// <summary>The number of EM iterations run.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_history).Length - 1;

    private int NComponentsFitted => Fitted(_k, nameof(Components));

    /// <summary>Fits topics and proportions to word counts <paramref name="x"/> (D, V); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">NComponents &lt; 1, BackgroundWeight outside [0, 1), MaxIter &lt; 1, Tol &lt; 0;
    /// negative or non-finite counts; all counts 0.</exception>
    public override Plsa Fit(Tensor x, Tensor? y = null)
    {
        if (NComponents < 1 || !(BackgroundWeight >= 0 && BackgroundWeight < 1) || MaxIter < 1 || !(Tol >= 0))
            throw new ArgumentException($"Plsa: need NComponents ≥ 1, 0 ≤ BackgroundWeight < 1, MaxIter ≥ 1, Tol ≥ 0; got {NComponents}, {BackgroundWeight}, {MaxIter}, {Tol}.");
        double[] c = FitInput(x, out int d, out int v, nameof(Fit));
        double total = CheckCounts(c, v);
        if (total == 0) throw new ArgumentException("Plsa.Fit: all counts are 0.", nameof(x));
        int k = NComponents;
        var background = new double[v];
        if (BackgroundModel is Tensor given)
        {
            if (given.Dim != 1 || given.NumEl != v)
                throw new ArgumentException($"Plsa: BackgroundModel has shape ({string.Join(", ", given.Shape)}), but the counts have {v} words.");
            background = given.To(DType.Float64).Contiguous().ToArray<double>();
            double sum = CheckCounts(background, v);
            if (sum == 0) throw new ArgumentException("Plsa: BackgroundModel sums to 0.");
            for (int w = 0; w < v; w++) background[w] /= sum;
        }
        else
        {
            for (int i = 0; i < c.Length; i++) background[i % v] += c[i] / total;
        }
        var g = new Generator(RandomState ?? (long)(Random.Shared.NextInt64() >> 1));
        // A random start: positive weights normalised per row, topics first, then proportions.
        double[] topics = RandomRows(k, v, g), pi = RandomRows(d, k, g);
        var history = new List<double>();
        var newTopics = new double[k * v];
        var newPi = new double[k];
        var mix = new double[k];
        double lambda = BackgroundWeight;
        for (int iter = 0; iter < MaxIter; iter++)
        {
            Array.Clear(newTopics);
            double ll = 0;
            for (int doc = 0; doc < d; doc++)
            {
                Array.Clear(newPi);
                for (int w = 0; w < v; w++)
                {
                    double count = c[doc * v + w];
                    if (count == 0) continue;
                    double s = 0;
                    for (int t = 0; t < k; t++) s += mix[t] = pi[doc * k + t] * topics[t * v + w];
                    double p = lambda * background[w] + (1 - lambda) * s;
                    ll += count * Math.Log(p);
                    double share = count * (1 - lambda) / p;
                    for (int t = 0; t < k; t++)
                    {
                        double z = share * mix[t];
                        newTopics[t * v + w] += z;
                        newPi[t] += z;
                    }
                }
                Normalise(newPi, pi.AsSpan(doc * k, k));
            }
            for (int t = 0; t < k; t++) Normalise(newTopics.AsSpan(t * v, v), topics.AsSpan(t * v, v));
            history.Add(ll);
            if (history.Count > 1 && (ll - history[^2]) / total < Tol) break;
        }
        history.Add(LogLikelihoodOf(c, d, v, topics, pi, background));
        _topics = topics;
        _documentTopics = pi;
        _background = background;
        _history = [.. history];
        _logLikelihood = history[^1];
        _k = k;
        return this;
    }

    /// <summary>Topic proportions of new documents (D, K) by "folding in": EM on π alone with the topics and the
    /// background fixed, from uniform proportions, for up to MaxIter iterations.</summary>
    /// <param name="x">Counts (D, V) over the fitted vocabulary.</param>
    /// <exception cref="ArgumentException">Wrong vocabulary size, negative or non-finite counts.</exception>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] c = PredictInput(x, out int d);
        int k = NComponentsFitted, v = NFeaturesIn;
        CheckCounts(c, v);
        double[] topics = Fitted(_topics), background = Fitted(_background);
        var pi = new double[d * k];
        Array.Fill(pi, 1.0 / k);
        var newPi = new double[k];
        var mix = new double[k];
        double lambda = BackgroundWeight;
        for (int doc = 0; doc < d; doc++)
        {
            Span<double> row = pi.AsSpan(doc * k, k);
            double previous = double.NegativeInfinity, words = 0;
            for (int w = 0; w < v; w++) words += c[doc * v + w];
            if (words == 0) continue;
            for (int iter = 0; iter < MaxIter; iter++)
            {
                Array.Clear(newPi);
                double ll = 0;
                for (int w = 0; w < v; w++)
                {
                    double count = c[doc * v + w];
                    if (count == 0) continue;
                    double s = 0;
                    for (int t = 0; t < k; t++) s += mix[t] = row[t] * topics[t * v + w];
                    double p = lambda * background[w] + (1 - lambda) * s;
                    ll += count * Math.Log(p);
                    double share = count * (1 - lambda) / p;
                    for (int t = 0; t < k; t++) newPi[t] += share * mix[t];
                }
                Normalise(newPi, row);
                if ((ll - previous) / words < Tol) break;
                previous = ll;
            }
        }
        return Tensor.FromArray(pi, d, k);
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        _topics = _documentTopics = _background = _history = null;
        _logLikelihood = null;
        _k = null;
    }

    private double LogLikelihoodOf(double[] c, int d, int v, double[] topics, double[] pi, double[] background)
    {
        int k = NComponents;
        double ll = 0;
        for (int doc = 0; doc < d; doc++)
            for (int w = 0; w < v; w++)
            {
                double count = c[doc * v + w];
                if (count == 0) continue;
                double s = 0;
                for (int t = 0; t < k; t++) s += pi[doc * k + t] * topics[t * v + w];
                ll += count * Math.Log(BackgroundWeight * background[w] + (1 - BackgroundWeight) * s);
            }
        return ll;
    }

    // Rows of random weights in [0.5, 1.5), normalised: every word and topic starts with a share, none at 0.
    private static double[] RandomRows(int rows, int cols, Generator g)
    {
        var a = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++) a[r * cols + j] = 0.5 + g.NextDouble();
            Normalise(a.AsSpan(r * cols, cols), a.AsSpan(r * cols, cols));
        }
        return a;
    }

    // target = source / Σ source; a zero row (a document without counts) becomes uniform.
    private static void Normalise(ReadOnlySpan<double> source, Span<double> target)
    {
        double sum = 0;
        foreach (double s in source) sum += s;
        for (int i = 0; i < target.Length; i++) target[i] = sum > 0 ? source[i] / sum : 1.0 / target.Length;
    }

    private double CheckCounts(double[] x, int v)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < 0) throw new ArgumentException($"{Name}: count {x[i]} at document {i / v}, word {i % v}; counts must be ≥ 0.", nameof(x));
            total += x[i];
        }
        return total;
    }
}
