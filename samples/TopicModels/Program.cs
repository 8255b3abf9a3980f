using System.Diagnostics;
using System.Globalization;
using Nabla;
using Nabla.Learn.Text;

// Language models and topic mining on a text (default: the King James Bible of ../shared/data, one verse per line):
// a unigram model by maximum likelihood and by MAP, and PLSA topics with and without a background model.
//   dotnet run -c Release --project samples/TopicModels [-- file.txt]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string path = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "kjv.txt");
if (!File.Exists(path))
{
    Console.Error.WriteLine($"{path}: no such file; pass a text file with one passage per line as the first argument.");
    return 2;
}
string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
// Documents: blocks of 40 consecutive lines (for the Bible, a chapter or so each).
string[] documents = lines.Chunk(40).Select(block => string.Join(' ', block)).ToArray();
int heldOut = documents.Length / 10;
string[] train = documents[..^heldOut], test = documents[^heldOut..];

// Unigram language model: MLE gives every word of the held-out tenth that training never saw probability 0, so the
// held-out text is impossible; MAP with a Dirichlet prior (add-α) keeps every word possible.
var words = new CountVectorizer().Fit(documents);
Tensor trainCounts = words.Transform(train), testCounts = words.Transform(test);
Console.WriteLine($"{documents.Length} documents of 40 lines, {words.Vocabulary.Count:N0} distinct words; the last {heldOut} held out.");
Console.WriteLine("Unigram language model, perplexity of the held-out documents:");
foreach (double alpha in new[] { 0.0, 0.01, 0.1, 1.0 })
{
    double perplexity = new UnigramLanguageModel { Alpha = alpha }.Fit(trainCounts).Perplexity(testCounts);
    Console.WriteLine($"  {(alpha == 0 ? "MLE" : $"MAP, α = {alpha}"),-14} {perplexity,12:N1}");
}

// Topic mining: PLSA on the 2,000 most frequent words, six topics, with and without a background model.
var vocabulary = new CountVectorizer { MaxFeatures = 2000 }.Fit(documents);
Tensor counts = vocabulary.Transform(documents);
foreach (double lambda in new[] { 0.0, 0.9 })
{
    var clock = Stopwatch.StartNew();
    var plsa = new Plsa { NComponents = 6, BackgroundWeight = lambda, RandomState = 0, MaxIter = 300 }.Fit(counts);
    Console.WriteLine($"\nPLSA, 6 topics, background weight λ_B = {lambda} ({plsa.NIter} EM iterations, {clock.Elapsed.TotalSeconds:F1} s, log-likelihood {plsa.LogLikelihood:E4}):");
    double[] topics = plsa.Components.ToArray<double>();
    int v = vocabulary.Vocabulary.Count;
    for (int k = 0; k < 6; k++)
    {
        IEnumerable<string> top = Enumerable.Range(0, v).OrderByDescending(w => topics[k * v + w]).Take(10).Select(w => vocabulary.Vocabulary[w]);
        Console.WriteLine($"  topic {k}: {string.Join(' ', top)}");
    }
}
Console.WriteLine("\nWithout a background the common words (the, and, of) lead every topic; the background model absorbs them.");
return 0;
