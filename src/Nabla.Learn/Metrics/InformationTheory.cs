namespace Nabla.Learn;

/// <summary>
/// Entropy, relative entropy, conditional entropy and mutual information of discrete distributions and of samples of
/// labels.
/// </summary>
/// <remarks>
/// For a distribution p: H(p) = −Σ pᵢ log pᵢ (0 log 0 = 0), the uncertainty of a draw: high when the outcomes are
/// equally likely (hard to predict), 0 when one outcome is certain. For labels x, y observed together:
/// H(X ∣ Y) = Σ_y p(y) H(X ∣ Y = y), what is left uncertain about X once Y is known, and
/// I(X; Y) = H(X) − H(X ∣ Y) = Σ p(x, y) log(p(x, y) / (p(x) p(y))), how much knowing one reduces the uncertainty of
/// the other: symmetric, non-negative, 0 exactly when the labels are independent in the sample, and large when they
/// are strongly associated. Logarithms are natural (nats) unless a base is given (2: bits), as in SciPy and
/// scikit-learn.
/// </remarks>
public static class InformationTheory
{
    /// <summary>Entropy of a distribution given by non-negative weights, normalised to sum 1.
    /// SciPy: <c>scipy.stats.entropy(pk, base=None)</c>.</summary>
    /// <param name="pk">Weights (K), any floating or integer dtype; at least one positive.</param>
    /// <param name="logBase">Base of the logarithm; null for natural logarithms (nats).</param>
    /// <returns>H(p) ≥ 0.</returns>
    /// <exception cref="ArgumentException">pk is not 1-D, has a negative or non-finite weight, or sums to 0; the base is
    /// not positive or is 1.</exception>
    public static double Entropy(Tensor pk, double? logBase = null)
    {
        double[] p = Distribution(pk, nameof(Entropy), "pk");
        double h = 0;
        foreach (double v in p)
            if (v > 0) h -= v * Math.Log(v);
        return h / LogOfBase(logBase, nameof(Entropy));
    }

    /// <summary>Relative entropy (Kullback–Leibler divergence) D(p ‖ q) = Σ pᵢ log(pᵢ / qᵢ), both normalised to sum 1.
    /// SciPy: <c>scipy.stats.entropy(pk, qk, base=None)</c>.</summary>
    /// <param name="pk">Weights of p (K).</param>
    /// <param name="qk">Weights of q (K).</param>
    /// <param name="logBase">Base of the logarithm; null for nats.</param>
    /// <returns>D(p ‖ q) ≥ 0; +∞ when q is 0 where p is not.</returns>
    /// <exception cref="ArgumentException">Bad weights as for <see cref="Entropy(Tensor, double?)"/>, or different lengths.</exception>
    public static double KlDivergence(Tensor pk, Tensor qk, double? logBase = null)
    {
        double[] p = Distribution(pk, nameof(KlDivergence), "pk"), q = Distribution(qk, nameof(KlDivergence), "qk");
        if (p.Length != q.Length)
            throw new ArgumentException($"KlDivergence: pk has {p.Length} weights but qk has {q.Length}.", nameof(qk));
        double d = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            d += p[i] * Math.Log(p[i] / q[i]);
        }
        return d / LogOfBase(logBase, nameof(KlDivergence));
    }

    /// <summary>Entropy of the empirical distribution of a sample of labels (each distinct value one outcome).</summary>
    /// <param name="labels">Labels (N), any numeric dtype, N ≥ 1.</param>
    /// <param name="logBase">Base of the logarithm; null for nats.</param>
    /// <returns>H(X) of the sample.</returns>
    /// <exception cref="ArgumentException">The labels are not 1-D, empty, or contain NaN.</exception>
    public static double LabelEntropy(Tensor labels, double? logBase = null)
    {
        double[] x = Labels(labels, nameof(LabelEntropy), nameof(labels));
        return CountsEntropy(x.GroupBy(v => v).Select(g => (double)g.Count()), x.Length) / LogOfBase(logBase, nameof(LabelEntropy));
    }

    /// <summary>Conditional entropy H(X ∣ Y) = Σ_y p(y) H(X ∣ Y = y) of two label samples observed together.</summary>
    /// <param name="x">Labels of X (N).</param>
    /// <param name="y">Labels of Y (N), paired with x.</param>
    /// <param name="logBase">Base of the logarithm; null for nats.</param>
    /// <returns>0 ≤ H(X ∣ Y) ≤ H(X).</returns>
    /// <exception cref="ArgumentException">Not 1-D, empty, NaN, or different lengths.</exception>
    public static double ConditionalEntropy(Tensor x, Tensor y, double? logBase = null)
    {
        (double[] a, double[] b) = Pair(x, y, nameof(ConditionalEntropy));
        double h = 0;
        foreach (IGrouping<double, int> group in Enumerable.Range(0, b.Length).GroupBy(i => b[i]))
        {
            int[] rows = group.ToArray();
            h += (double)rows.Length / a.Length * CountsEntropy(rows.GroupBy(i => a[i]).Select(g => (double)g.Count()), rows.Length);
        }
        return h / LogOfBase(logBase, nameof(ConditionalEntropy));
    }

    /// <summary>Mutual information I(X; Y) = Σ p(x, y) log(p(x, y) / (p(x) p(y))) of two label samples observed
    /// together, from their contingency table. scikit-learn: <c>sklearn.metrics.mutual_info_score(labels_true,
    /// labels_pred)</c> (nats).</summary>
    /// <param name="x">Labels of X (N).</param>
    /// <param name="y">Labels of Y (N), paired with x.</param>
    /// <param name="logBase">Base of the logarithm; null for nats.</param>
    /// <returns>I(X; Y) = H(X) − H(X ∣ Y) = H(Y) − H(Y ∣ X) ≥ 0.</returns>
    /// <exception cref="ArgumentException">Not 1-D, empty, NaN, or different lengths.</exception>
    public static double MutualInfoScore(Tensor x, Tensor y, double? logBase = null)
    {
        (double[] a, double[] b) = Pair(x, y, nameof(MutualInfoScore));
        int n = a.Length;
        Dictionary<double, int> ca = Counts(a), cb = Counts(b);
        var joint = new Dictionary<(double, double), int>();
        for (int i = 0; i < n; i++) joint[(a[i], b[i])] = joint.GetValueOrDefault((a[i], b[i])) + 1;
        double mi = 0;
        foreach (((double u, double v), int c) in joint)
            mi += (double)c / n * Math.Log((double)c * n / ((double)ca[u] * cb[v]));
        // Rounding can leave −1e-17 for independent samples; the quantity itself is never negative.
        return Math.Max(mi, 0) / LogOfBase(logBase, nameof(MutualInfoScore));
    }

    private static Dictionary<double, int> Counts(double[] x)
    {
        var counts = new Dictionary<double, int>();
        foreach (double v in x) counts[v] = counts.GetValueOrDefault(v) + 1;
        return counts;
    }

    // −Σ (c/n) ln(c/n) over the counts of the outcomes.
    private static double CountsEntropy(IEnumerable<double> counts, int n)
    {
        double h = 0;
        foreach (double c in counts) h -= c / n * Math.Log(c / n);
        return h;
    }

    private static double LogOfBase(double? logBase, string op)
    {
        if (logBase is not double b) return 1;
        if (!(b > 0) || b == 1 || double.IsInfinity(b))
            throw new ArgumentException($"{op}: the logarithm base must be positive, finite and not 1; got {b}.", nameof(logBase));
        return Math.Log(b);
    }

    private static double[] Distribution(Tensor weights, string op, string name)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Dim != 1 || weights.NumEl == 0)
            throw new ArgumentException($"{op}: {name} must be a non-empty 1-D tensor of weights, got shape ({string.Join(", ", weights.Shape)}).", name);
        double[] p = weights.To(DType.Float64).Contiguous().ToArray<double>();
        for (int i = 0; i < p.Length; i++)
            if (!(p[i] >= 0) || double.IsInfinity(p[i]))
                throw new ArgumentException($"{op}: {name}[{i}] = {p[i]}; weights must be finite and non-negative.", name);
        double sum = p.Sum();
        if (sum == 0) throw new ArgumentException($"{op}: the weights of {name} sum to 0.", name);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    private static double[] Labels(Tensor labels, string op, string name)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Dim != 1 || labels.NumEl == 0)
            throw new ArgumentException($"{op}: {name} must be a non-empty 1-D tensor of labels, got shape ({string.Join(", ", labels.Shape)}).", name);
        double[] x = labels.To(DType.Float64).Contiguous().ToArray<double>();
        int nan = Array.FindIndex(x, double.IsNaN);
        if (nan >= 0) throw new ArgumentException($"{op}: {name}[{nan}] is NaN.", name);
        return x;
    }

    private static (double[] X, double[] Y) Pair(Tensor x, Tensor y, string op)
    {
        double[] a = Labels(x, op, nameof(x)), b = Labels(y, op, nameof(y));
        if (a.Length != b.Length) throw new ArgumentException($"{op}: x has {a.Length} labels but y has {b.Length}.", nameof(y));
        return (a, b);
    }
}
