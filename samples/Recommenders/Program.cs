using System.Globalization;
using Nabla;
using Nabla.Learn.Recommend;

// Recommender systems on a synthetic film catalogue: 300 users, 120 films in 6 genres, each user with a taste per
// genre; a quarter of the ratings (1–5) are known, a tenth of those held out to score the predictions. The last film
// is new: nobody has rated it yet.
//   dotnet run -c Release --project samples/Recommenders
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Users = 300, Films = 120, Genres = 6;
var g = new Generator(2);
string[] genreNames = ["action", "comedy", "drama", "horror", "romance", "sci-fi"];
double[] filmGenres = new double[Films * Genres];
for (int f = 0; f < Films; f++)
{
    filmGenres[f * Genres + f % Genres] = 1;                                  // a main genre
    if (g.NextDouble() < 0.4) filmGenres[f * Genres + (int)g.NextBounded(Genres)] = 1;   // sometimes a second
}
double[] taste = Enumerable.Range(0, Users * Genres).Select(_ => g.NextNormal()).ToArray();
double Rating(int u, int f)
{
    double s = 0, n = 0;
    for (int k = 0; k < Genres; k++)
        if (filmGenres[f * Genres + k] > 0) (s, n) = (s + taste[u * Genres + k], n + 1);
    return Math.Clamp(Math.Round(3 + 1.2 * s / n + 0.3 * g.NextNormal()), 1, 5);
}
var known = new List<(long U, long F, double R)>();
var heldOut = new List<(long U, long F, double R)>();
for (int u = 0; u < Users; u++)
    for (int f = 0; f < Films; f++)
        if (f < Films - 1 && g.NextDouble() < 0.25) (g.NextDouble() < 0.1 ? heldOut : known).Add((u, f, Rating(u, f)));
(Tensor Users, Tensor Items, Tensor Ratings) T(List<(long U, long F, double R)> t) =>
    (Tensor.FromArray(t.Select(x => x.U).ToArray()), Tensor.FromArray(t.Select(x => x.F).ToArray()), Tensor.FromArray(t.Select(x => x.R).ToArray()));
(Tensor ku, Tensor kf, Tensor kr) = T(known);
(Tensor hu, Tensor hf, Tensor hr) = T(heldOut);
double[] truth = hr.ToArray<double>();
double Rmse(IEnumerable<double> predicted) => Math.Sqrt(predicted.Zip(truth, (p, t) => (p - t) * (p - t)).Average());
Console.WriteLine($"{known.Count:N0} known ratings ({100.0 * known.Count / (Users * Films):F1} % of the matrix), {heldOut.Count} held out.");

double mean = known.Average(x => x.R);
var knn = new UserKnnRecommender { K = 30 }.Fit(ku, kf, kr);
var als = new AlternatingLeastSquares { Rank = 6, RegParam = 0.05, MaxIter = 15, RandomState = 0 }.Fit(ku, kf, kr);
Console.WriteLine("Held-out RMSE (lower is better):");
Console.WriteLine($"  global mean rating                      {Rmse(truth.Select(_ => mean)):F3}");
Console.WriteLine($"  memory-based CF (user k-NN, k = 30)     {Rmse(heldOut.Select(x => knn.Predict((int)x.U, (int)x.F))):F3}");
Console.WriteLine($"  matrix factorisation (ALS, rank 6)      {Rmse(als.Predict(hu, hf).ToArray<double>()):F3}");

// Push: the system offers user 0 the films it predicts they will like most; their actual taste per genre beside.
int user = 0;
var rated = known.Where(x => x.U == user).Select(x => (int)x.F).ToList();
string Describe(int f) => $"film {f,3} ({string.Join('/', Enumerable.Range(0, Genres).Where(k => filmGenres[f * Genres + k] > 0).Select(k => genreNames[k]))})";
Console.WriteLine($"\nUser {user}'s taste: {string.Join(", ", Enumerable.Range(0, Genres).Select(k => $"{genreNames[k]} {taste[user * Genres + k]:+0.0;-0.0}"))}");
Console.WriteLine($"Push: ALS recommends to user {user}: {string.Join("; ", als.Recommend(user, 4, rated).Select(Describe))}");

// Content-based: the user's profile over genres from their own ratings, and a search (pull) for a genre.
var content = new ContentBasedRecommender(Tensor.FromArray(filmGenres, Films, Genres));
var mine = known.Where(x => x.U == user).ToList();
Tensor profile = content.Profile(Tensor.FromArray(mine.Select(x => x.F).ToArray()), Tensor.FromArray(mine.Select(x => x.R).ToArray()));
Console.WriteLine($"Content-based profile of user {user}: {string.Join(", ", profile.ToArray<double>().Select((v, k) => $"{genreNames[k]} {v:+0.0;-0.0}"))}");
Console.WriteLine($"  recommends: {string.Join("; ", content.Recommend(profile, 4, rated).Select(Describe))}");
var query = new double[Genres];
query[5] = 1;
Console.WriteLine($"Pull: a search for sci-fi returns {string.Join("; ", content.Recommend(Tensor.FromArray(query), 3).Select(Describe))}");

// Cold start: a user with no ratings gets the mean for everything from collaborative filtering; a film nobody has
// rated can only be reached through its content.
Console.WriteLine($"\nCold start: a new user's predicted rating for any film is the global mean, {als.Predict(Tensor.FromArray(new long[] { Users + 1 }), Tensor.FromArray(new long[] { 0 })).ToArray<double>()[0]:F2} (ALS) and {knn.Predict(Users + 1, 0):F2} (k-NN);");
int unrated = Enumerable.Range(0, Films).FirstOrDefault(f => known.All(x => x.F != f), -1);
Console.WriteLine(unrated >= 0
    ? $"  {Describe(unrated)} has no ratings: collaborative filtering cannot place it, its content score for user {user} is {content.Scores(profile).ToArray<double>()[unrated]:F2}."
    : "  every film has at least one rating in this sample.");
return 0;
