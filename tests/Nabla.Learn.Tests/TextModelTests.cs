using System.Text.Json;
using Nabla.Learn.Text;
using Xunit;

namespace Nabla.Learn.Tests;

/// <summary>Bag of words, unigram language models (MLE and MAP) and PLSA with a background model: scikit-learn goldens
/// (tools/golden/text.py → tests/golden/text.json), hand-derived estimates and EM's fixed-point equations.</summary>
public sealed class TextModelTests
{
    private static readonly GoldenFile Text = new("text.json");

    [Theory]
    [InlineData("all", null)]
    [InlineData("max2", 2)]
    public void CountVectorizer_matches_scikit_learn(string key, int? maxFeatures)
    {
        string[] docs = Text.Get("docs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var cv = new CountVectorizer { MaxFeatures = maxFeatures };
        Tensor counts = cv.FitTransform(docs);
        Assert.Equal(Text.Get($"{key}.vocabulary").EnumerateArray().Select(e => e.GetString()!), cv.Vocabulary);
        Assert.Equal(Text.Flat($"{key}.counts"), counts.ToArray<double>());
    }

    [Fact]
    public void Unigram_mle_and_map_estimates()
    {
        // Counts (3, 1, 0) of N = 4 words: MLE θ = (3/4, 1/4, 0), so a text with the unseen third word has
        // likelihood 0 (log −∞). MAP with α = 1 (Laplace): (3 + 1, 1 + 1, 0 + 1) / (4 + 3) = (4/7, 2/7, 1/7).
        Tensor counts = Tensor.FromArray([3.0, 1, 0]);
        var mle = new UnigramLanguageModel().Fit(counts);
        Assert.Equal([0.75, 0.25, 0], mle.Probabilities.ToArray<double>());
        Assert.Equal(double.NegativeInfinity, mle.LogLikelihood(Tensor.FromArray([1.0, 0, 1])));
        // log p of "word0 word1" = ln ¾ + ln ¼; perplexity exp(−(ln ¾ + ln ¼)/2) = 1/√(3/16) = 2.3094.
        Assert.Equal(Math.Log(0.75) + Math.Log(0.25), mle.LogLikelihood(Tensor.FromArray([1.0, 1, 0])), 15);
        Assert.Equal(1 / Math.Sqrt(3.0 / 16), mle.Perplexity(Tensor.FromArray([1.0, 1, 0])), 14);
        var map = new UnigramLanguageModel { Alpha = 1 }.Fit(Tensor.FromArray(new double[,] { { 2, 1, 0 }, { 1, 0, 0 } }));
        double[] theta = map.Probabilities.ToArray<double>();
        Assert.Equal(4.0 / 7, theta[0], 15);
        Assert.Equal(2.0 / 7, theta[1], 15);
        Assert.Equal(1.0 / 7, theta[2], 15);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Unigram_map_estimate_matches_multinomial_naive_bayes(double alpha)
    {
        var lm = new UnigramLanguageModel { Alpha = alpha }.Fit(Tensor.FromArray(Text.Vector("nb_counts")));
        double[] expected = Text.Vector("nb_alpha_" + alpha.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture).Replace('.', '_'));
        double[] actual = lm.Probabilities.ToArray<double>();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 14);
    }

    [Fact]
    public void One_topic_plsa_is_the_corpus_unigram_mle()
    {
        // With K = 1 and no background, p(w | d) = θ(w) for every document, and the M-step gives θ = the corpus's
        // relative word frequencies after one iteration; the second iteration cannot change it.
        Tensor counts = Tensor.FromArray(new double[,] { { 2, 0, 1, 1 }, { 0, 3, 1, 0 } });
        var plsa = new Plsa { NComponents = 1, RandomState = 0 }.Fit(counts);
        double[] theta = plsa.Components.ToArray<double>();
        double[] expected = [2.0 / 8, 3.0 / 8, 2.0 / 8, 1.0 / 8];
        for (int w = 0; w < 4; w++) Assert.Equal(expected[w], theta[w], 14);
        Assert.Equal(new UnigramLanguageModel().Fit(counts).LogLikelihood(counts), plsa.LogLikelihood, 12);
    }

    [Fact]
    public void Plsa_recovers_planted_topics_and_em_never_lowers_the_likelihood()
    {
        // Two topics on disjoint words (0–3 and 4–7); each document draws from one topic. PLSA must put (almost) no
        // mass of a topic on the other's words and give each document (almost) one topic.
        var g = new Generator(3);
        const int docs = 40, v = 8;
        var c = new double[docs * v];
        for (int d = 0; d < docs; d++)
            for (int n = 0; n < 30; n++) c[d * v + (d % 2) * 4 + (int)g.NextBounded(4)]++;
        var plsa = new Plsa { NComponents = 2, RandomState = 1, MaxIter = 500 }.Fit(Tensor.FromArray(c, docs, v));
        double[] topics = plsa.Components.ToArray<double>(), pi = plsa.DocumentTopics.ToArray<double>();
        for (int t = 0; t < 2; t++)
        {
            double first = topics.Skip(t * v).Take(4).Sum();
            Assert.True(first < 1e-6 || first > 1 - 1e-6, $"topic {t} mixes the blocks: {first}");
        }
        for (int d = 0; d < docs; d++) Assert.True(Math.Max(pi[2 * d], pi[2 * d + 1]) > 1 - 1e-6, $"document {d}: {pi[2 * d]}, {pi[2 * d + 1]}");
        IReadOnlyList<double> history = plsa.LogLikelihoodHistory;
        for (int i = 1; i < history.Count; i++) Assert.True(history[i] >= history[i - 1] - 1e-9, $"iteration {i}: {history[i - 1]} → {history[i]}");
        // Folding the training documents in again gives the same proportions.
        double[] folded = plsa.Transform(Tensor.FromArray(c, docs, v)).ToArray<double>();
        for (int i = 0; i < folded.Length; i++) Assert.Equal(pi[i], folded[i], 4);
    }

    [Fact]
    public void Background_model_absorbs_common_words_at_the_em_fixed_point()
    {
        // Two planted topics (words 1–4 and 5–8) and word 0 ("the") at 40 % of every document. Without a background
        // both topics must spend about 40 % of their mass on "the"; with λ_B = 0.5 and the corpus frequencies as
        // background, the background explains part of it and the topics turn to their own words (≈27 %).
        var g = new Generator(5);
        const int docs = 30, v = 9;
        var c = new double[docs * v];
        for (int d = 0; d < docs; d++)
            for (int n = 0; n < 50; n++) c[d * v + (g.NextDouble() < 0.4 ? 0 : 1 + (d % 2) * 4 + (int)g.NextBounded(4))]++;
        Tensor counts = Tensor.FromArray(c, docs, v);
        double[] plain = new Plsa { NComponents = 2, RandomState = 0 }.Fit(counts).Components.ToArray<double>();
        const double lambda = 0.5;
        var mixed = new Plsa { NComponents = 2, BackgroundWeight = lambda, RandomState = 0, Tol = 0, MaxIter = 3000 }.Fit(counts);
        double[] theta = mixed.Components.ToArray<double>(), bg = mixed.Background.ToArray<double>(), pi = mixed.DocumentTopics.ToArray<double>();
        Assert.True(plain[0] > 0.35 && plain[v] > 0.35, $"θ(the) without background: {plain[0]}, {plain[v]}");
        Assert.True(theta[0] < 0.3 && theta[v] < 0.3, $"θ(the) with background: {theta[0]}, {theta[v]}");
        // Fixed point of the M-step: θ_k(w) ∝ Σ_d c(d, w) (1 − λ) π_dk θ_k(w) / p(w | d), and the law of total
        // probability p(w | d) = λ θ_B(w) + (1 − λ) Σ_k π_dk θ_k(w) gives the reported log-likelihood.
        var update = new double[2 * v];
        double ll = 0;
        for (int d = 0; d < docs; d++)
            for (int w = 0; w < v; w++)
            {
                double p = lambda * bg[w] + (1 - lambda) * (pi[2 * d] * theta[w] + pi[2 * d + 1] * theta[v + w]);
                if (c[d * v + w] == 0) continue;
                ll += c[d * v + w] * Math.Log(p);
                for (int k = 0; k < 2; k++) update[k * v + w] += c[d * v + w] * (1 - lambda) * pi[2 * d + k] * theta[k * v + w] / p;
            }
        for (int k = 0; k < 2; k++)
        {
            double sum = update.Skip(k * v).Take(v).Sum();
            for (int w = 0; w < v; w++) Assert.Equal(update[k * v + w] / sum, theta[k * v + w], 6);
        }
        Assert.Equal(ll, mixed.LogLikelihood, 8);
    }

    [Fact]
    public void Bad_counts_and_settings_are_refused()
    {
        Tensor bad = Tensor.FromArray(new double[,] { { 1, -2 } });
        Assert.Contains("count -2 at document 0, word 1", Assert.Throws<ArgumentException>(() => new Plsa().Fit(bad)).Message);
        Assert.Throws<ArgumentException>(() => new Plsa { BackgroundWeight = 1 }.Fit(Tensor.Ones([2, 2])));
        Assert.Throws<ArgumentException>(() => new Plsa().Fit(Tensor.Zeros([2, 2])));
        Assert.Contains("BackgroundModel has shape (3)", Assert.Throws<ArgumentException>(() => new Plsa { BackgroundModel = Tensor.Ones([3]) }.Fit(Tensor.Ones([2, 2]))).Message);
        Assert.Throws<ArgumentException>(() => new UnigramLanguageModel { Alpha = -1 }.Fit(Tensor.Ones([3])));
        Assert.Throws<NotFittedException>(() => new CountVectorizer().Vocabulary);
        Assert.Throws<ArgumentException>(() => new CountVectorizer().Fit(["a b c", "!"]));
    }
}
