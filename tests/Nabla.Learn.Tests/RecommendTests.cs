using Nabla.Learn.Recommend;
using Xunit;

namespace Nabla.Learn.Tests;

/// <summary>Recommenders: ALS checked against its normal equations and on a planted low-rank matrix, user-based
/// k-NN and content-based scores derived by hand.</summary>
public sealed class RecommendTests
{
    private static (Tensor U, Tensor I, Tensor R) Triples(IEnumerable<(int U, int I, double R)> t)
    {
        var list = t.ToList();
        return (Tensor.FromArray(list.Select(x => (long)x.U).ToArray()), Tensor.FromArray(list.Select(x => (long)x.I).ToArray()),
                Tensor.FromArray(list.Select(x => x.R).ToArray()));
    }

    // A rank-2 rating matrix (30 users × 20 items), 60 % of it observed; the rest held out.
    private static (List<(int, int, double)> Train, List<(int, int, double)> Test) Planted()
    {
        var g = new Generator(11);
        double[] a = Enumerable.Range(0, 60).Select(_ => g.NextNormal()).ToArray(), b = Enumerable.Range(0, 40).Select(_ => g.NextNormal()).ToArray();
        List<(int, int, double)> train = [], test = [];
        for (int u = 0; u < 30; u++)
            for (int i = 0; i < 20; i++)
                (g.NextDouble() < 0.6 ? train : test).Add((u, i, 3 + a[2 * u] * b[2 * i] + a[2 * u + 1] * b[2 * i + 1]));
        return (train, test);
    }

    [Fact]
    public void Als_item_step_solves_its_ridge_equations_and_the_objective_never_rises()
    {
        // After the last alternation each item factor y_i solves (X_iᵀ X_i + λ n_i I) y_i = X_iᵀ (r_i − μ) for the
        // final user factors X over the users that rated i.
        (var train, _) = Planted();
        (Tensor u, Tensor i, Tensor r) = Triples(train);
        const double lambda = 0.3;
        var als = new AlternatingLeastSquares { Rank = 3, RegParam = lambda, MaxIter = 4, RandomState = 0 }.Fit(u, i, r);
        double[] x = als.UserFactors.ToArray<double>(), y = als.ItemFactors.ToArray<double>();
        double mu = als.MeanRating;
        for (int item = 0; item < 20; item++)
        {
            var rows = train.Where(t => t.Item2 == item).ToList();
            for (int p = 0; p < 3; p++)
            {
                double lhs = lambda * rows.Count * y[item * 3 + p], rhs = 0;
                foreach ((int user, _, double rating) in rows)
                {
                    double dot = 0;
                    for (int q = 0; q < 3; q++) dot += x[user * 3 + q] * y[item * 3 + q];
                    lhs += x[user * 3 + p] * dot;
                    rhs += x[user * 3 + p] * (rating - mu);
                }
                Assert.Equal(rhs, lhs, 9);
            }
        }
        for (int k = 1; k < als.Objective.Count; k++) Assert.True(als.Objective[k] <= als.Objective[k - 1] + 1e-9);
    }

    [Fact]
    public void Als_recovers_a_planted_low_rank_matrix_and_falls_back_to_the_mean_for_new_users()
    {
        (var train, var test) = Planted();
        (Tensor u, Tensor i, Tensor r) = Triples(train);
        var als = new AlternatingLeastSquares { Rank = 2, RegParam = 0.001, MaxIter = 50, RandomState = 0 }.Fit(u, i, r);
        (Tensor tu, Tensor ti, Tensor tr) = Triples(test);
        double[] predicted = als.Predict(tu, ti).ToArray<double>(), truth = tr.ToArray<double>();
        double rmse = Math.Sqrt(predicted.Zip(truth, (p, t) => (p - t) * (p - t)).Average());
        // The planted ratings spread with a standard deviation of about √2 around 3; an error under 0.1 on the 40 %
        // never seen means the two factors were found.
        Assert.True(rmse < 0.1, $"held-out RMSE {rmse}");
        // Cold start: user 99 has no ratings and gets the mean rating.
        Assert.Equal(als.MeanRating, als.Predict(Tensor.FromArray(new long[] { 99 }), Tensor.FromArray(new long[] { 3 })).ToArray<double>()[0]);
        Assert.Equal(5, als.Recommend(0, 5, train.Where(t => t.Item1 == 0).Select(t => t.Item2)).Length);
    }

    [Fact]
    public void User_knn_prediction_by_hand()
    {
        // u0 rated (i0 5, i1 3); u1 (4, 2, i2 4); u2 (1, 5, i2 2). Cosine over co-rated items:
        // s01 = (5·4 + 3·2)/(√34 √20) = 26/√680, s02 = (5·1 + 3·5)/(√34 √26) = 20/√884. Means μ0 = 4, μ1 = 10/3,
        // μ2 = 8/3. r̂(u0, i2) = 4 + (s01 (4 − 10/3) + s02 (2 − 8/3)) / (s01 + s02) ≈ 4.1295.
        (Tensor u, Tensor i, Tensor r) = Triples([(0, 0, 5), (0, 1, 3), (1, 0, 4), (1, 1, 2), (1, 2, 4), (2, 0, 1), (2, 1, 5), (2, 2, 2)]);
        var knn = new UserKnnRecommender { K = 2 }.Fit(u, i, r);
        double s01 = 26 / Math.Sqrt(680), s02 = 20 / Math.Sqrt(884);
        Assert.Equal(s01, knn.Similarity(0, 1), 14);
        Assert.Equal(s02, knn.Similarity(0, 2), 14);
        Assert.Equal(4 + (s01 * (4 - 10.0 / 3) + s02 * (2 - 8.0 / 3)) / (s01 + s02), knn.Predict(0, 2), 12);
        // K = 1 keeps only the most similar user, u1: 4 + (4 − 10/3) = 4.667.
        Assert.Equal(4 + (4 - 10.0 / 3), new UserKnnRecommender { K = 1 }.Fit(u, i, r).Predict(0, 2), 12);
        Assert.Equal([2], knn.Recommend(0, 3));
        Assert.Equal(26.0 / 8, knn.Predict(7, 0), 14);     // cold start: the global mean of the 8 ratings
    }

    [Fact]
    public void Content_based_profile_and_scores_by_hand()
    {
        // Items [1, 0], [0, 1], [1, 1]; the user rated item 0 with 5 and item 1 with 1 (mean 3): profile
        // 2·[1, 0] − 2·[0, 1] = [2, −2]; cosines 2/√8 = 0.7071, −0.7071 and 0; the unrated item 2 is recommended.
        var cb = new ContentBasedRecommender(Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }));
        Tensor profile = cb.Profile(Tensor.FromArray(new long[] { 0, 1 }), Tensor.FromArray([5.0, 1]));
        Assert.Equal([2.0, -2], profile.ToArray<double>());
        double[] s = cb.Scores(profile).ToArray<double>();
        Assert.Equal(Math.Sqrt(0.5), s[0], 15);
        Assert.Equal(-Math.Sqrt(0.5), s[1], 15);
        Assert.Equal(0, s[2], 15);
        Assert.Equal([2], cb.Recommend(profile, 1, [0, 1]));
        // A search query (pull) for "feature 1" ranks item 1, then item 2.
        Assert.Equal([1, 2], cb.Recommend(Tensor.FromArray([0.0, 1]), 2));
    }

    [Fact]
    public void Malformed_ratings_are_refused()
    {
        Tensor ids = Tensor.FromArray(new long[] { 0, 1 });
        Assert.Contains("rating 1 is NaN", Assert.Throws<ArgumentException>(() => new AlternatingLeastSquares().Fit(ids, ids, Tensor.FromArray([1.0, double.NaN]))).Message);
        Assert.Contains("items[0] = -1", Assert.Throws<ArgumentException>(() => new UserKnnRecommender().Fit(ids, Tensor.FromArray(new long[] { -1, 0 }), Tensor.FromArray([1.0, 2]))).Message);
        Assert.Throws<ArgumentException>(() => new AlternatingLeastSquares().Fit(ids, ids, Tensor.FromArray([1.0])));
        Assert.Throws<NotFittedException>(() => new AlternatingLeastSquares().UserFactors);
    }
}
