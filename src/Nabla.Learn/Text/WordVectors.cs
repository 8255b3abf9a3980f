using Nabla.Learn.Decomposition;

namespace Nabla.Learn.Text;

/// <summary>
/// Word vectors from co-occurrence counts: each word is described by the words around it (distributional semantics),
/// weighted by positive pointwise mutual information and optionally reduced by PCA. Words with similar contexts get
/// similar vectors (paradigmatic association: dog/cat), and differences of vectors can carry a meaning
/// (king − man + woman ≈ queen). gensim: <c>KeyedVectors.most_similar(positive, negative, topn)</c>.
/// </summary>
/// <remarks>
/// Counts c(w, u) of context word u within <c>window</c> tokens of w give PPMI(w, u) = max(0, log(p(w, u) /
/// (p(w) p(u)))), the association of the pair beyond chance. Rows are then projected on their first principal
/// components when <c>dimensions</c> &gt; 0 and scaled to unit length, so similarity is the cosine (a dot product).
/// </remarks>
public sealed class WordVectors
{
    private readonly Dictionary<string, int> _index;
    private readonly double[] _unit;

    /// <summary>Vectors given directly, one row per word; stored scaled to unit length.</summary>
    /// <param name="words">The words (V), distinct.</param>
    /// <param name="vectors">Their vectors (V, D), finite, no row all zeros.</param>
    /// <exception cref="ArgumentException">Mismatched sizes, duplicate words, or bad rows.</exception>
    public WordVectors(IReadOnlyList<string> words, Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Dim != 2 || vectors.Shape[0] != words.Count || vectors.NumEl == 0)
            throw new ArgumentException($"WordVectors: {words.Count} words need a ({words.Count}, D) matrix, got shape ({string.Join(", ", vectors.Shape)}).", nameof(vectors));
        if (words.Distinct().Count() != words.Count) throw new ArgumentException("WordVectors: the words must be distinct.", nameof(words));
        Words = [.. words];
        Dimensions = vectors.Shape[1];
        _index = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        _unit = vectors.To(DType.Float64).Contiguous().ToArray<double>();
        for (int r = 0; r < Words.Count; r++)
        {
            Span<double> row = _unit.AsSpan(r * Dimensions, Dimensions);
            double norm = 0;
            foreach (double v in row) norm += v * v;
            if (!(norm > 0) || double.IsInfinity(norm))
                throw new ArgumentException($"WordVectors: the vector of '{Words[r]}' is zero or not finite.", nameof(vectors));
            norm = Math.Sqrt(norm);
            for (int j = 0; j < row.Length; j++) row[j] /= norm;
        }
    }

    /// <summary>The words, in row order.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Length D of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>Builds PPMI context vectors from tokenised sentences.</summary>
    /// <param name="sentences">Token sequences; co-occurrence does not cross sentence boundaries.</param>
    /// <param name="vocabularySize">How many of the most frequent words get a vector.</param>
    /// <param name="contextSize">How many of the most frequent words serve as context dimensions.</param>
    /// <param name="window">Tokens on each side that count as context.</param>
    /// <param name="dimensions">Principal components to keep (0: the raw PPMI rows).</param>
    /// <returns>Vectors for the words that have at least one positive PPMI context.</returns>
    /// <exception cref="ArgumentException">A size or the window is not positive, or no word has a context.</exception>
    public static WordVectors FromCooccurrence(IEnumerable<IReadOnlyList<string>> sentences, int vocabularySize = 3000,
                                               int contextSize = 1000, int window = 4, int dimensions = 100)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (vocabularySize < 1 || contextSize < 1 || window < 1 || dimensions < 0)
            throw new ArgumentException($"WordVectors.FromCooccurrence: need vocabularySize, contextSize, window ≥ 1 and dimensions ≥ 0; got {vocabularySize}, {contextSize}, {window}, {dimensions}.");
        List<IReadOnlyList<string>> corpus = [.. sentences];
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (IReadOnlyList<string> s in corpus)
            foreach (string t in s) frequency[t] = frequency.GetValueOrDefault(t) + 1;
        string[] ranked = [.. frequency.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key)];
        string[] targets = ranked[..Math.Min(vocabularySize, ranked.Length)], contexts = ranked[..Math.Min(contextSize, ranked.Length)];
        Dictionary<string, int> ti = targets.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        Dictionary<string, int> ci = contexts.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        int nt = targets.Length, nc = contexts.Length;
        var counts = new double[nt * nc];
        foreach (IReadOnlyList<string> s in corpus)
            for (int i = 0; i < s.Count; i++)
            {
                if (!ti.TryGetValue(s[i], out int w)) continue;
                for (int j = Math.Max(0, i - window); j <= Math.Min(s.Count - 1, i + window); j++)
                    if (j != i && ci.TryGetValue(s[j], out int u)) counts[w * nc + u]++;
            }
        double[] ppmi = Ppmi(counts, nt, nc);
        int[] kept = Enumerable.Range(0, nt).Where(r => ppmi.AsSpan(r * nc, nc).ContainsAnyExcept(0.0)).ToArray();
        if (kept.Length == 0) throw new ArgumentException("WordVectors.FromCooccurrence: no word has a context with positive PMI.", nameof(sentences));
        var rows = new double[kept.Length * nc];
        for (int k = 0; k < kept.Length; k++) ppmi.AsSpan(kept[k] * nc, nc).CopyTo(rows.AsSpan(k * nc, nc));
        Tensor matrix = Tensor.FromArray(rows, kept.Length, nc);
        if (dimensions > 0 && dimensions < Math.Min(kept.Length, nc)) matrix = new Pca { NComponents = dimensions }.FitTransform(matrix);
        return new WordVectors(kept.Select(k => targets[k]).ToArray(), matrix);
    }

    /// <summary>PPMI(w, u) = max(0, log(c(w, u) · N / (c(w) c(u)))) with N the total count and c(w), c(u) the row and
    /// column sums (0 where c(w, u) = 0).</summary>
    /// <param name="counts">Co-occurrence counts (rows × cols), row-major.</param>
    /// <param name="rows">Target words.</param>
    /// <param name="cols">Context words.</param>
    public static double[] Ppmi(double[] counts, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var rowSum = new double[rows];
        var colSum = new double[cols];
        double total = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = counts[r * cols + c];
                rowSum[r] += v;
                colSum[c] += v;
                total += v;
            }
        var ppmi = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = counts[r * cols + c];
                if (v > 0) ppmi[r * cols + c] = Math.Max(0, Math.Log(v * total / (rowSum[r] * colSum[c])));
            }
        return ppmi;
    }

    /// <summary>Cosine similarity of two words.</summary>
    /// <param name="a">A word.</param>
    /// <param name="b">Another word.</param>
    /// <exception cref="KeyNotFoundException">A word has no vector.</exception>
    public double Similarity(string a, string b)
    {
        ReadOnlySpan<double> x = Row(a), y = Row(b);
        double dot = 0;
        for (int j = 0; j < Dimensions; j++) dot += x[j] * y[j];
        return dot;
    }

    /// <summary>The words closest (by cosine) to the mean of the unit vectors of <paramref name="positive"/> minus those
    /// of <paramref name="negative"/>, leaving out the query words, best first. gensim: <c>most_similar</c>.</summary>
    /// <param name="positive">Words added (e.g. king, woman).</param>
    /// <param name="negative">Words subtracted (e.g. man).</param>
    /// <param name="topn">How many words.</param>
    /// <exception cref="KeyNotFoundException">A query word has no vector.</exception>
    /// <exception cref="ArgumentException">No query word.</exception>
    public IReadOnlyList<(string Word, double Similarity)> MostSimilar(IEnumerable<string> positive, IEnumerable<string>? negative = null, int topn = 10)
    {
        ArgumentNullException.ThrowIfNull(positive);
        string[] pos = [.. positive], neg = [.. negative ?? []];
        if (pos.Length + neg.Length == 0) throw new ArgumentException("WordVectors.MostSimilar: give at least one word.", nameof(positive));
        var query = new double[Dimensions];
        foreach ((string w, double sign) in pos.Select(w => (w, 1.0)).Concat(neg.Select(w => (w, -1.0))))
        {
            ReadOnlySpan<double> row = Row(w);
            for (int j = 0; j < Dimensions; j++) query[j] += sign * row[j];
        }
        double norm = Math.Sqrt(query.Sum(v => v * v));
        var skip = new HashSet<string>(pos.Concat(neg), StringComparer.Ordinal);
        return Enumerable.Range(0, Words.Count).Where(i => !skip.Contains(Words[i]))
            .Select(i =>
            {
                double dot = 0;
                for (int j = 0; j < Dimensions; j++) dot += _unit[i * Dimensions + j] * query[j];
                return (Words[i], norm > 0 ? dot / norm : 0);
            })
            .OrderByDescending(p => p.Item2).ThenBy(p => p.Item1, StringComparer.Ordinal).Take(topn).ToList();
    }

    private ReadOnlySpan<double> Row(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _index.TryGetValue(word, out int i)
            ? _unit.AsSpan(i * Dimensions, Dimensions)
            : throw new KeyNotFoundException($"WordVectors: '{word}' has no vector (it is not among the {Words.Count} words).");
    }
}
