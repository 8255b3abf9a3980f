namespace Nabla.Learn.Text;

/// <summary>A unigram language model: every word of a text is drawn independently from one distribution θ over the
/// vocabulary, so p(text) = Π_w θ_w^c(w).</summary>
/// <remarks>
/// Maximum likelihood (MLE, <see cref="Alpha"/> = 0) sets θ_w = c(w) / N, the relative frequencies; a word never
/// seen gets probability 0 and makes any text containing it impossible. Maximum a posteriori (MAP) under a symmetric
/// Dirichlet(α + 1) prior adds α pseudo-counts to every word: θ_w = (c(w) + α) / (N + αV) (Laplace smoothing at α = 1;
/// scikit-learn's <c>MultinomialNB(alpha)</c> uses the same estimate per class). Counts may be fractional.
/// </remarks>
public sealed class UnigramLanguageModel
{
    private double[]? _theta;

    /// <summary>Pseudo-count added to every word: 0 gives the MLE, α &gt; 0 the MAP estimate described above.</summary>
    public double Alpha { get; init; }

    /// <summary>θ (V), summing to 1.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Probabilities => Tensor.FromArray(_theta ?? throw new NotFittedException(nameof(UnigramLanguageModel), nameof(Probabilities)));

    /// <summary>Estimates θ from word counts: one document (V) or a corpus (D, V), whose rows are added up.</summary>
    /// <param name="counts">Non-negative counts, (V) or (D, V).</param>
    /// <returns>This model.</returns>
    /// <exception cref="ArgumentException">Alpha &lt; 0; counts negative, non-finite, or all 0 with Alpha = 0.</exception>
    public UnigramLanguageModel Fit(Tensor counts)
    {
        if (!(Alpha >= 0) || double.IsInfinity(Alpha)) throw new ArgumentException($"UnigramLanguageModel: Alpha must be finite and ≥ 0, got {Alpha}.");
        double[] c = Totals(counts, nameof(Fit));
        double n = c.Sum() + Alpha * c.Length;
        if (n == 0) throw new ArgumentException("UnigramLanguageModel.Fit: the counts are all 0 and Alpha is 0: no estimate exists.", nameof(counts));
        _theta = c.Select(v => (v + Alpha) / n).ToArray();
        return this;
    }

    /// <summary>log p(text) = Σ_w c(w) log θ_w (natural log) of word counts (V) or a corpus (D, V); −∞ when the text
    /// holds a word of probability 0.</summary>
    /// <param name="counts">Counts over the same vocabulary.</param>
    /// <exception cref="ArgumentException">Wrong vocabulary size or bad counts.</exception>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public double LogLikelihood(Tensor counts)
    {
        double[] theta = _theta ?? throw new NotFittedException(nameof(UnigramLanguageModel), nameof(LogLikelihood));
        double[] c = Totals(counts, nameof(LogLikelihood));
        if (c.Length != theta.Length)
            throw new ArgumentException($"UnigramLanguageModel.LogLikelihood: counts over {c.Length} words, but the model has {theta.Length}.", nameof(counts));
        double ll = 0;
        for (int w = 0; w < c.Length; w++)
            if (c[w] > 0) ll += c[w] * Math.Log(theta[w]);
        return ll;
    }

    /// <summary>Perplexity exp(−log p(text) / N), the effective number of equally likely choices per word.</summary>
    /// <param name="counts">Counts over the same vocabulary, N = their sum &gt; 0.</param>
    /// <exception cref="ArgumentException">Wrong vocabulary size, bad counts, or N = 0.</exception>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public double Perplexity(Tensor counts)
    {
        double n = Totals(counts, nameof(Perplexity)).Sum();
        if (n == 0) throw new ArgumentException("UnigramLanguageModel.Perplexity: the text has no words.", nameof(counts));
        return Math.Exp(-LogLikelihood(counts) / n);
    }

    private static double[] Totals(Tensor counts, string method)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Dim is not (1 or 2) || counts.NumEl == 0)
            throw new ArgumentException($"UnigramLanguageModel.{method}: counts must be (V) or (D, V), got shape ({string.Join(", ", counts.Shape)}).", nameof(counts));
        int v = counts.Shape[^1];
        double[] flat = counts.To(DType.Float64).Contiguous().ToArray<double>();
        var totals = new double[v];
        for (int i = 0; i < flat.Length; i++)
        {
            if (!(flat[i] >= 0) || double.IsInfinity(flat[i]))
                throw new ArgumentException($"UnigramLanguageModel.{method}: count {flat[i]} at flat index {i}; counts must be finite and ≥ 0.", nameof(counts));
            totals[i % v] += flat[i];
        }
        return totals;
    }
}
