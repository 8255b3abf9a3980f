namespace Nabla.Learn.Recommend;

/// <summary>
/// Memory-based collaborative filtering: a user's rating of an item is predicted from the ratings that the most
/// similar users gave it. Surprise: <c>surprise.KNNWithMeans(k=40, sim_options={'name': 'cosine', 'user_based': True})</c>.
/// </summary>
/// <remarks>
/// Similarity of users u and v: cosine of their rating vectors over the items both rated. Prediction:
/// r̂_ui = μ_u + Σ_v s_uv (r_vi − μ_v) / Σ_v |s_uv| over the <see cref="K"/> most similar users v that rated i
/// (μ_u: u's mean rating). With no such neighbour the prediction is μ_u, and a user without ratings (cold start)
/// gets the global mean.
/// </remarks>
public sealed class UserKnnRecommender
{
    private Dictionary<int, double>[]? _ratings;
    private double[]? _userMean;
    private double _mean;
    private int _items;

    /// <summary>Neighbours used per prediction. Surprise: <c>k=40</c>.</summary>
    public int K { get; init; } = 40;

    /// <summary>Stores the ratings (the model is the data: nothing is trained).</summary>
    /// <param name="users">User ids (N), Int64.</param>
    /// <param name="items">Item ids (N), Int64.</param>
    /// <param name="ratings">Ratings (N).</param>
    /// <returns>This recommender.</returns>
    /// <exception cref="ArgumentException">K &lt; 1 or malformed triples.</exception>
    public UserKnnRecommender Fit(Tensor users, Tensor items, Tensor ratings)
    {
        if (K < 1) throw new ArgumentException($"UserKnnRecommender: K must be at least 1, got {K}.");
        RatingData data = RatingData.Read(users, items, ratings, "UserKnnRecommender.Fit");
        var byUser = new Dictionary<int, double>[data.NUsers];
        for (int u = 0; u < byUser.Length; u++) byUser[u] = [];
        for (int j = 0; j < data.Values.Length; j++) byUser[data.Users[j]][data.Items[j]] = data.Values[j];
        _userMean = byUser.Select(r => r.Count > 0 ? r.Values.Average() : data.Mean).ToArray();
        (_ratings, _mean, _items) = (byUser, data.Mean, data.NItems);
        return this;
    }

    /// <summary>Cosine similarity of two users over the items both rated (0 when they share none).</summary>
    /// <param name="u">A user id.</param>
    /// <param name="v">Another user id.</param>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public double Similarity(int u, int v)
    {
        Dictionary<int, double>[] r = _ratings ?? throw new NotFittedException(nameof(UserKnnRecommender), nameof(Similarity));
        if (u < 0 || v < 0 || u >= r.Length || v >= r.Length) return 0;
        double dot = 0, nu = 0, nv = 0;
        foreach ((int item, double a) in r[u])
        {
            if (!r[v].TryGetValue(item, out double b)) continue;
            dot += a * b;
            nu += a * a;
            nv += b * b;
        }
        return nu > 0 && nv > 0 ? dot / Math.Sqrt(nu * nv) : 0;
    }

    /// <summary>Predicted rating of one user for one item.</summary>
    /// <param name="user">User id.</param>
    /// <param name="item">Item id.</param>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public double Predict(int user, int item)
    {
        Dictionary<int, double>[] r = _ratings ?? throw new NotFittedException(nameof(UserKnnRecommender), nameof(Predict));
        if (user < 0 || user >= r.Length || r[user].Count == 0) return _mean;
        double[] mean = _userMean!;
        var neighbours = Enumerable.Range(0, r.Length)
            .Where(v => v != user && r[v].ContainsKey(item))
            .Select(v => (v, s: Similarity(user, v)))
            .OrderByDescending(p => p.s).ThenBy(p => p.v).Take(K).ToArray();
        double num = 0, den = 0;
        foreach ((int v, double s) in neighbours)
        {
            num += s * (r[v][item] - mean[v]);
            den += Math.Abs(s);
        }
        return den > 0 ? mean[user] + num / den : mean[user];
    }

    /// <summary>The <paramref name="count"/> unrated items with the highest predicted rating for a user, best first.</summary>
    /// <param name="user">User id.</param>
    /// <param name="count">How many items.</param>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public int[] Recommend(int user, int count)
    {
        Dictionary<int, double>[] r = _ratings ?? throw new NotFittedException(nameof(UserKnnRecommender), nameof(Recommend));
        bool known = user >= 0 && user < r.Length;
        return Enumerable.Range(0, _items).Where(i => !known || !r[user].ContainsKey(i))
            .Select(i => (i, p: Predict(user, i))).OrderByDescending(t => t.p).ThenBy(t => t.i).Take(count).Select(t => t.i).ToArray();
    }
}
