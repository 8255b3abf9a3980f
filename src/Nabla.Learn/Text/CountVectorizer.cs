using System.Text.RegularExpressions;

namespace Nabla.Learn.Text;

/// <summary>Turns documents into a matrix of word counts (bag of words). scikit-learn:
/// <c>sklearn.feature_extraction.text.CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w\w+\b")</c>.</summary>
/// <remarks>Tokens are runs of two or more word characters, lower-cased; the vocabulary is sorted ordinally, and
/// <see cref="MaxFeatures"/> keeps the most frequent words over the corpus, ties broken by the vocabulary order
/// (scikit-learn's unstable sort may keep other words among equally frequent ones). Shapes: documents (D) → counts
/// (D, V), Float64.</remarks>
public sealed partial class CountVectorizer
{
    private string[]? _vocabulary;
    private Dictionary<string, int>? _index;

    /// <summary>Keep only the most frequent words; null keeps all. scikit-learn: <c>max_features=None</c>.</summary>
    public int? MaxFeatures { get; init; }

    /// <summary>Words never counted (compared after lower-casing). scikit-learn: <c>stop_words=None</c>.</summary>
    public IReadOnlyCollection<string> StopWords { get; init; } = [];

    /// <summary>The words, one per column, sorted. scikit-learn: <c>get_feature_names_out()</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public IReadOnlyList<string> Vocabulary => _vocabulary ?? throw new NotFittedException(nameof(CountVectorizer), nameof(Vocabulary));

    /// <summary>The tokens of one document, in order: lower-cased runs of two or more word characters. scikit-learn:
    /// <c>build_analyzer()(doc)</c>.</summary>
    /// <param name="document">Any text.</param>
    public IEnumerable<string> Tokens(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (Match m in Token().Matches(document.ToLowerInvariant()))
            if (!StopWords.Contains(m.Value)) yield return m.Value;
    }

    /// <summary>Learns the vocabulary.</summary>
    /// <param name="documents">The corpus.</param>
    /// <returns>This vectorizer.</returns>
    /// <exception cref="ArgumentException">No document has a token, or MaxFeatures &lt; 1.</exception>
    public CountVectorizer Fit(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (MaxFeatures is < 1) throw new ArgumentException($"CountVectorizer: MaxFeatures must be at least 1, got {MaxFeatures}.");
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string d in documents)
            foreach (string t in Tokens(d)) frequency[t] = frequency.GetValueOrDefault(t) + 1;
        if (frequency.Count == 0) throw new ArgumentException("CountVectorizer.Fit: the documents contain no token of two or more word characters.", nameof(documents));
        IEnumerable<string> words = frequency.Keys.Order(StringComparer.Ordinal);
        if (MaxFeatures is int max)
            words = words.OrderByDescending(w => frequency[w]).Take(max).Order(StringComparer.Ordinal);
        _vocabulary = [.. words];
        _index = _vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        return this;
    }

    /// <summary>Counts the vocabulary's words in each document; other words are ignored.</summary>
    /// <param name="documents">Documents (D).</param>
    /// <returns>Counts (D, V), Float64.</returns>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public Tensor Transform(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        Dictionary<string, int> index = _index ?? throw new NotFittedException(nameof(CountVectorizer), nameof(Transform));
        string[] docs = [.. documents];
        int v = index.Count;
        var counts = new double[docs.Length * v];
        for (int d = 0; d < docs.Length; d++)
            foreach (string t in Tokens(docs[d]))
                if (index.TryGetValue(t, out int j)) counts[d * v + j]++;
        return Tensor.FromArray(counts, docs.Length, v);
    }

    /// <summary>Fit, then Transform, on the same documents.</summary>
    /// <param name="documents">Documents (D).</param>
    /// <returns>Counts (D, V).</returns>
    public Tensor FitTransform(IReadOnlyList<string> documents) => Fit(documents).Transform(documents);

    [GeneratedRegex(@"\b\w\w+\b")]
    private static partial Regex Token();
}
