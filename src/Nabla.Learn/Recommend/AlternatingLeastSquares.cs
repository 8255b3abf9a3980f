namespace Nabla.Learn.Recommend;

/// <summary>
/// Collaborative filtering by matrix factorisation: the rating matrix R (users × items, mostly unknown) is
/// approximated as μ + X Yᵀ with a vector of <see cref="Rank"/> factors per user (rows of X) and per item (rows of
/// Y), fitted by alternating least squares. Spark MLlib: <c>pyspark.ml.recommendation.ALS(rank=10, maxIter=10,
/// regParam=0.1)</c> (explicit feedback), here with the mean rating μ taken out first.
/// </summary>
/// <remarks>
/// Minimises Σ_(u,i) known (r_ui − μ − x_uᵀ y_i)² + λ (Σ_u n_u ‖x_u‖² + Σ_i n_i ‖y_i‖²), with n_u, n_i the numbers of
/// ratings of user u and item i (Zhou et al.'s weighted-λ regularisation, as Spark). With Y fixed the problem splits
/// into one ridge regression per user, x_u = (Y_uᵀ Y_u + λ n_u I)⁻¹ Y_uᵀ (r_u − μ) over the items u rated; then the
/// same for every item with X fixed; each half-step can only lower the objective. A user or item without ratings
/// (cold start) has zero factors and is predicted μ.
/// </remarks>
public sealed class AlternatingLeastSquares
{
    private double[]? _x, _y;
    private double _mean;
    private int _users, _items;

    /// <summary>Factors per user and item. Spark: <c>rank=10</c>.</summary>
    public int Rank { get; init; } = 10;

    /// <summary>λ. Spark: <c>regParam=0.1</c>.</summary>
    public double RegParam { get; init; } = 0.1;

    /// <summary>Alternations (each updates all users, then all items). Spark: <c>maxIter=10</c>.</summary>
    public int MaxIter { get; init; } = 10;

    /// <summary>Seed of the random item factors the first user step starts from (random when null).</summary>
    public long? RandomState { get; init; }

    /// <summary>User factors X (users, Rank).</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor UserFactors => Tensor.FromArray(_x ?? throw new NotFittedException(nameof(AlternatingLeastSquares), nameof(UserFactors)), _users, Rank);

    /// <summary>Item factors Y (items, Rank).</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor ItemFactors => Tensor.FromArray(_y ?? throw new NotFittedException(nameof(AlternatingLeastSquares), nameof(ItemFactors)), _items, Rank);

    /// <summary>The mean rating μ.</summary>
    public double MeanRating => _x is null ? throw new NotFittedException(nameof(AlternatingLeastSquares), nameof(MeanRating)) : _mean;

    /// <summary>The objective after each alternation (non-increasing).</summary>
    public IReadOnlyList<double> Objective { get; private set; } = [];

    /// <summary>Fits the factors to known ratings given as triples; ids run from 0.</summary>
    /// <param name="users">User ids (N), Int64.</param>
    /// <param name="items">Item ids (N), Int64.</param>
    /// <param name="ratings">Ratings (N).</param>
    /// <returns>This model.</returns>
    /// <exception cref="ArgumentException">Rank, MaxIter &lt; 1 or RegParam &lt; 0; malformed triples.</exception>
    public AlternatingLeastSquares Fit(Tensor users, Tensor items, Tensor ratings)
    {
        if (Rank < 1 || MaxIter < 1 || !(RegParam >= 0))
            throw new ArgumentException($"AlternatingLeastSquares: need Rank ≥ 1, MaxIter ≥ 1, RegParam ≥ 0; got {Rank}, {MaxIter}, {RegParam}.");
        RatingData data = RatingData.Read(users, items, ratings, "AlternatingLeastSquares.Fit");
        int k = Rank;
        double mean = data.Mean;
        double[] residual = data.Values.Select(v => v - mean).ToArray();
        List<int>[] byUser = RatingData.Group(data.Users, data.NUsers), byItem = RatingData.Group(data.Items, data.NItems);
        var g = new Generator(RandomState ?? (long)(Random.Shared.NextInt64() >> 1));
        var x = new double[data.NUsers * k];
        var y = new double[data.NItems * k];
        // Small random item factors: a non-zero start, scaled like Spark's (normal / √rank).
        for (int j = 0; j < y.Length; j++) y[j] = g.NextNormal() / Math.Sqrt(k);
        var objective = new List<double>();
        for (int iter = 0; iter < MaxIter; iter++)
        {
            Solve(x, y, byUser, data.Items, residual, k);
            Solve(y, x, byItem, data.Users, residual, k);
            objective.Add(ObjectiveOf(x, y, data, residual, byUser, byItem, k));
        }
        (_x, _y, _mean, _users, _items) = (x, y, mean, data.NUsers, data.NItems);
        Objective = objective;
        return this;
    }

    /// <summary>Predicted ratings μ + x_uᵀ y_i for (user, item) pairs; ids outside the fitted range (cold start) get μ.</summary>
    /// <param name="users">User ids (N), Int64.</param>
    /// <param name="items">Item ids (N), Int64.</param>
    /// <returns>Ratings (N), Float64.</returns>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public Tensor Predict(Tensor users, Tensor items)
    {
        double[] x = _x ?? throw new NotFittedException(nameof(AlternatingLeastSquares), nameof(Predict));
        double[] y = _y!;
        RatingData pairs = RatingData.Read(users, items, Tensor.Zeros([users.NumEl], DType.Float64), "AlternatingLeastSquares.Predict");
        var r = new double[pairs.Users.Length];
        for (int j = 0; j < r.Length; j++)
        {
            int u = pairs.Users[j], i = pairs.Items[j];
            r[j] = _mean;
            if (u < _users && i < _items)
                for (int f = 0; f < Rank; f++) r[j] += x[u * Rank + f] * y[i * Rank + f];
        }
        return Tensor.FromArray(r);
    }

    /// <summary>The <paramref name="count"/> items with the highest predicted rating for a user, best first, leaving
    /// out the items listed in <paramref name="exclude"/> (typically those the user has rated).</summary>
    /// <param name="user">User id.</param>
    /// <param name="count">How many items.</param>
    /// <param name="exclude">Item ids not to recommend.</param>
    /// <returns>Item ids.</returns>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public int[] Recommend(int user, int count, IEnumerable<int>? exclude = null)
    {
        double[] x = _x ?? throw new NotFittedException(nameof(AlternatingLeastSquares), nameof(Recommend));
        var skip = new HashSet<int>(exclude ?? []);
        double Score(int i)
        {
            double s = 0;
            if (user >= 0 && user < _users) for (int f = 0; f < Rank; f++) s += x[user * Rank + f] * _y![i * Rank + f];
            return s;
        }
        return Enumerable.Range(0, _items).Where(i => !skip.Contains(i)).OrderByDescending(Score).ThenBy(i => i).Take(count).ToArray();
    }

    // One half-step: for every row a of `solve` (users or items), the ridge solution against the fixed factors of
    // the other side over a's ratings: (Fᵀ F + λ n_a I) a = Fᵀ r.
    private void Solve(double[] solve, double[] other, List<int>[] groups, int[] otherIds, double[] residual, int k)
    {
        var a = new double[k * k];
        var b = new double[k];
        for (int row = 0; row < groups.Length; row++)
        {
            List<int> rated = groups[row];
            Span<double> target = solve.AsSpan(row * k, k);
            if (rated.Count == 0)
            {
                target.Clear();
                continue;
            }
            Array.Clear(a);
            Array.Clear(b);
            foreach (int j in rated)
            {
                ReadOnlySpan<double> f = other.AsSpan(otherIds[j] * k, k);
                for (int p = 0; p < k; p++)
                {
                    b[p] += f[p] * residual[j];
                    for (int q = 0; q <= p; q++) a[p * k + q] += f[p] * f[q];
                }
            }
            for (int p = 0; p < k; p++) a[p * k + p] += RegParam * rated.Count;
            CholeskySolve(a, b, k);
            b.CopyTo(target);
        }
    }

    // Solves A z = b in place (z in b) for symmetric positive definite A given by its lower triangle; a tiny ridge
    // keeps λ = 0 with too few ratings solvable.
    private static void CholeskySolve(double[] a, double[] b, int k)
    {
        for (int j = 0; j < k; j++)
        {
            double d = a[j * k + j];
            for (int p = 0; p < j; p++) d -= a[j * k + p] * a[j * k + p];
            d = Math.Sqrt(Math.Max(d, 1e-12));
            a[j * k + j] = d;
            for (int i = j + 1; i < k; i++)
            {
                double s = a[i * k + j];
                for (int p = 0; p < j; p++) s -= a[i * k + p] * a[j * k + p];
                a[i * k + j] = s / d;
            }
        }
        for (int i = 0; i < k; i++)
        {
            double s = b[i];
            for (int p = 0; p < i; p++) s -= a[i * k + p] * b[p];
            b[i] = s / a[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int p = i + 1; p < k; p++) s -= a[p * k + i] * b[p];
            b[i] = s / a[i * k + i];
        }
    }

    private double ObjectiveOf(double[] x, double[] y, RatingData data, double[] residual, List<int>[] byUser, List<int>[] byItem, int k)
    {
        double loss = 0;
        for (int j = 0; j < residual.Length; j++)
        {
            double p = 0;
            for (int f = 0; f < k; f++) p += x[data.Users[j] * k + f] * y[data.Items[j] * k + f];
            loss += (residual[j] - p) * (residual[j] - p);
        }
        for (int u = 0; u < byUser.Length; u++) loss += RegParam * byUser[u].Count * SquaredNorm(x.AsSpan(u * k, k));
        for (int i = 0; i < byItem.Length; i++) loss += RegParam * byItem[i].Count * SquaredNorm(y.AsSpan(i * k, k));
        return loss;
    }

    private static double SquaredNorm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double e in v) s += e * e;
        return s;
    }
}
