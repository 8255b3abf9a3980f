namespace Nabla.Learn.Recommend;

/// <summary>
/// Content-based filtering: items are described by feature vectors (genres, words, …); a user's profile is the
/// average of the features of the items they liked, weighted by how much above their mean they rated them, and items
/// are ranked by cosine similarity to the profile. The same scoring against a query vector is a search ("pull": the
/// user asks) where a recommendation is "push" (the system offers).
/// </summary>
/// <remarks>Needs no other users' ratings, so a new item can be recommended at once (no item cold start), but a user
/// is only ever offered more of what they already rated.</remarks>
public sealed class ContentBasedRecommender
{
    private readonly double[] _features;
    private readonly int _items, _f;

    /// <summary>A recommender over items with the given features.</summary>
    /// <param name="itemFeatures">Features (items, F), finite.</param>
    /// <exception cref="ArgumentException">Not 2-D, empty, or non-finite.</exception>
    public ContentBasedRecommender(Tensor itemFeatures)
    {
        ArgumentNullException.ThrowIfNull(itemFeatures);
        if (itemFeatures.Dim != 2 || itemFeatures.NumEl == 0)
            throw new ArgumentException($"ContentBasedRecommender: item features must be a non-empty (items, F) matrix, got shape ({string.Join(", ", itemFeatures.Shape)}).", nameof(itemFeatures));
        _features = itemFeatures.To(DType.Float64).Contiguous().ToArray<double>();
        if (_features.Any(v => !double.IsFinite(v))) throw new ArgumentException("ContentBasedRecommender: item features must be finite.", nameof(itemFeatures));
        (_items, _f) = (itemFeatures.Shape[0], itemFeatures.Shape[1]);
    }

    /// <summary>A user's profile (F): Σ_i (r_i − r̄) f_i over the items the user rated.</summary>
    /// <param name="items">Rated item ids (N), Int64.</param>
    /// <param name="ratings">The user's ratings of them (N).</param>
    /// <exception cref="ArgumentException">Malformed input or an item id outside the catalogue.</exception>
    public Tensor Profile(Tensor items, Tensor ratings)
    {
        RatingData data = RatingData.Read(Tensor.Zeros([items.NumEl], DType.Int64), items, ratings, "ContentBasedRecommender.Profile");
        if (data.NItems > _items) throw new ArgumentException($"ContentBasedRecommender.Profile: item {data.NItems - 1} is outside the {_items} items.", nameof(items));
        var profile = new double[_f];
        double mean = data.Mean;
        for (int j = 0; j < data.Items.Length; j++)
            for (int f = 0; f < _f; f++) profile[f] += (data.Values[j] - mean) * _features[data.Items[j] * _f + f];
        return Tensor.FromArray(profile);
    }

    /// <summary>Cosine similarity of every item to a query or profile vector (items).</summary>
    /// <param name="query">A vector (F).</param>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    public Tensor Scores(Tensor query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Dim != 1 || query.NumEl != _f)
            throw new ArgumentException($"ContentBasedRecommender.Scores: the query has shape ({string.Join(", ", query.Shape)}), items have {_f} features.", nameof(query));
        double[] q = query.To(DType.Float64).ToArray<double>();
        double qn = Math.Sqrt(q.Sum(v => v * v));
        var s = new double[_items];
        for (int i = 0; i < _items; i++)
        {
            double dot = 0, n = 0;
            for (int f = 0; f < _f; f++)
            {
                dot += q[f] * _features[i * _f + f];
                n += _features[i * _f + f] * _features[i * _f + f];
            }
            s[i] = qn > 0 && n > 0 ? dot / (qn * Math.Sqrt(n)) : 0;
        }
        return Tensor.FromArray(s);
    }

    /// <summary>The <paramref name="count"/> best-scoring items for a query or profile, leaving out <paramref name="exclude"/>.</summary>
    /// <param name="query">A vector (F).</param>
    /// <param name="count">How many items.</param>
    /// <param name="exclude">Item ids to leave out (e.g. already rated).</param>
    public int[] Recommend(Tensor query, int count, IEnumerable<int>? exclude = null)
    {
        double[] s = Scores(query).ToArray<double>();
        var skip = new HashSet<int>(exclude ?? []);
        return Enumerable.Range(0, _items).Where(i => !skip.Contains(i)).OrderByDescending(i => s[i]).ThenBy(i => i).Take(count).ToArray();
    }
}
