using Xunit;

namespace Nabla.Learn.Tests;

/// <summary>Entropy, KL divergence, conditional entropy and mutual information: hand-derived cases and SciPy /
/// scikit-learn goldens (tools/golden/info.py → tests/golden/info.json).</summary>
public sealed class InformationTheoryTests
{
    private static readonly GoldenFile Info = new("info.json");
    private static Tensor T(params double[] v) => Tensor.FromArray(v);
    private static Tensor L(string path) => Tensor.FromArray(Info.Longs(path));

    [Fact]
    public void Entropy_of_hand_derived_distributions()
    {
        // A fair coin carries 1 bit; four equally likely outcomes 2 bits (weights are normalised); a certain
        // outcome 0 (high entropy = hard to predict, low = predictable). (½, ¼, ⅛, ⅛): ½·1 + ¼·2 + 2·⅛·3 = 1.75 bits.
        Assert.Equal(1.0, InformationTheory.Entropy(T(0.5, 0.5), 2), 15);
        Assert.Equal(2.0, InformationTheory.Entropy(T(3, 3, 3, 3), 2), 15);
        Assert.Equal(0.0, InformationTheory.Entropy(T(0, 1, 0)), 15);
        Assert.Equal(1.75, InformationTheory.Entropy(T(0.5, 0.25, 0.125, 0.125), 2), 15);
        // (0.9, 0.1): −(0.9 ln 0.9 + 0.1 ln 0.1) = 0.0948245 + 0.2302585 = 0.3250830 nats, below ln 2 = 0.693.
        Assert.Equal(0.9 * -Math.Log(0.9) + 0.1 * -Math.Log(0.1), InformationTheory.Entropy(T(0.9, 0.1)), 15);
    }

    [Fact]
    public void Entropy_and_kl_divergence_match_scipy()
    {
        Tensor p = Tensor.FromArray(Info.Vector("p")), q = Tensor.FromArray(Info.Vector("q")), w = Tensor.FromArray(Info.Vector("w"));
        Assert.Equal(Info.Scalar("entropy_p_nats"), InformationTheory.Entropy(p), 14);
        Assert.Equal(Info.Scalar("entropy_p_bits"), InformationTheory.Entropy(p, 2), 14);
        Assert.Equal(Info.Scalar("entropy_w_nats"), InformationTheory.Entropy(w), 14);
        Assert.Equal(Info.Scalar("kl_p_q_nats"), InformationTheory.KlDivergence(p, q), 14);
        Assert.Equal(Info.Scalar("kl_q_p_bits"), InformationTheory.KlDivergence(q, p, 2), 14);
        Assert.Equal(double.PositiveInfinity, InformationTheory.KlDivergence(T(0.5, 0.5), T(1, 0)));
    }

    [Theory]
    [InlineData("independent")]
    [InlineData("noisy")]
    public void Mutual_information_and_conditional_entropies_match_scikit_learn(string name)
    {
        Tensor x = L($"{name}.x"), y = L($"{name}.y");
        double mi = InformationTheory.MutualInfoScore(x, y);
        Assert.Equal(Info.Scalar($"{name}.mi"), mi, 13);
        Assert.Equal(Info.Scalar($"{name}.h_x"), InformationTheory.LabelEntropy(x), 13);
        Assert.Equal(Info.Scalar($"{name}.h_x_given_y"), InformationTheory.ConditionalEntropy(x, y), 13);
        Assert.Equal(Info.Scalar($"{name}.h_y_given_x"), InformationTheory.ConditionalEntropy(y, x), 13);
        // I(X; Y) = H(X) − H(X ∣ Y) = H(Y) − H(Y ∣ X): symmetric and non-negative.
        Assert.Equal(InformationTheory.LabelEntropy(x) - InformationTheory.ConditionalEntropy(x, y), mi, 13);
        Assert.Equal(InformationTheory.MutualInfoScore(y, x), mi, 15);
        Assert.True(mi >= 0);
    }

    [Fact]
    public void Mutual_information_of_hand_derived_samples()
    {
        // Y = X uniform over 4 values: knowing Y leaves nothing, I = H(X) = 2 bits (strong association);
        // X and Y crossed in every combination equally often: independent, I = 0 and H(X ∣ Y) = H(X) = 1 bit.
        Tensor x = T(0, 1, 2, 3, 0, 1, 2, 3);
        Assert.Equal(2.0, InformationTheory.MutualInfoScore(x, x, 2), 15);
        Assert.Equal(0.0, InformationTheory.ConditionalEntropy(x, x), 15);
        Tensor a = T(0, 0, 1, 1), b = T(0, 1, 0, 1);
        Assert.Equal(0.0, InformationTheory.MutualInfoScore(a, b), 15);
        Assert.Equal(1.0, InformationTheory.ConditionalEntropy(a, b, 2), 15);
    }

    [Fact]
    public void Bad_input_is_reported_with_its_position()
    {
        Assert.Contains("pk[1] = -1", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(T(0.5, -1))).Message);
        Assert.Contains("sum to 0", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(T(0, 0))).Message);
        Assert.Contains("x has 3 labels but y has 2", Assert.Throws<ArgumentException>(() => InformationTheory.MutualInfoScore(T(1, 2, 3), T(1, 2))).Message);
        Assert.Contains("y[1] is NaN", Assert.Throws<ArgumentException>(() => InformationTheory.ConditionalEntropy(T(1, 2), T(1, double.NaN))).Message);
        Assert.Contains("base", Assert.Throws<ArgumentException>(() => InformationTheory.Entropy(T(1, 1), 1)).Message);
        Assert.Contains("pk has 2 weights but qk has 3", Assert.Throws<ArgumentException>(() => InformationTheory.KlDivergence(T(1, 1), T(1, 1, 1))).Message);
    }
}
