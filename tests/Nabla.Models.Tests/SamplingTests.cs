using Xunit;
using Nabla.Models.Text;

namespace Nabla.Models.Tests;

public sealed class SamplingTests
{
    // Logits ln 1, ln 2, ln 3, ln 4: softmax = (1, 2, 3, 4) / 10.
    private static readonly float[] Logits = [0f, MathF.Log(2), MathF.Log(3), MathF.Log(4)];
    private const double Tol = 1e-6;   // float32 logits: ln k is rounded to ~6e-8 relative

    private static void Near(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < Tol, $"[{i}] {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void PlainSoftmaxAtTemperatureOne() => Near([0.1, 0.2, 0.3, 0.4], Sampling.Probabilities(Logits, new SamplingOptions()));

    [Fact]
    public void TemperatureTwoTakesSquareRoots()
    {
        // exp(ln k / 2) = √k: (1, √2, √3, 2) / (3 + √2 + √3).
        double z = 3 + Math.Sqrt(2) + Math.Sqrt(3);
        Near([1 / z, Math.Sqrt(2) / z, Math.Sqrt(3) / z, 2 / z], Sampling.Probabilities(Logits, new SamplingOptions(Temperature: 2)));
    }

    [Fact]
    public void TemperatureZeroIsGreedy() => Near([0, 0, 0, 1], Sampling.Probabilities(Logits, new SamplingOptions(Temperature: 0)));

    [Fact]
    public void TopKKeepsTheLargest() => Near([0, 0, 3.0 / 7, 4.0 / 7], Sampling.Probabilities(Logits, new SamplingOptions(TopK: 2)));

    [Fact]
    public void TopPKeepsTheNucleus()
    {
        // Sorted: 0.4, 0.3, 0.2, 0.1. p = 0.5: 0.4 < 0.5 so 0.3 is kept too (mass 0.7 ≥ 0.5) → (3, 4) / 7.
        Near([0, 0, 3.0 / 7, 4.0 / 7], Sampling.Probabilities(Logits, new SamplingOptions(TopP: 0.5)));
        // p = 0.35: the first token alone (0.4) reaches it.
        Near([0, 0, 0, 1], Sampling.Probabilities(Logits, new SamplingOptions(TopP: 0.35)));
        // p = 0.8: 0.4 + 0.3 = 0.7 < 0.8, so 0.2 joins → (2, 3, 4) / 9.
        Near([0, 2.0 / 9, 3.0 / 9, 4.0 / 9], Sampling.Probabilities(Logits, new SamplingOptions(TopP: 0.8)));
    }

    [Fact]
    public void TopKThenTopP()
    {
        // Top-3 → (2, 3, 4) / 9; then p = 0.5: 4/9 ≈ 0.444 < 0.5 so 3/9 joins → (3, 4) / 7.
        Near([0, 0, 3.0 / 7, 4.0 / 7], Sampling.Probabilities(Logits, new SamplingOptions(TopK: 3, TopP: 0.5)));
    }

    [Fact]
    public void SampleIsTheInverseCdfOfTheGeneratorsDraw()
    {
        var g = new Generator(7);
        var copy = new Generator(7);
        for (int i = 0; i < 50; i++)
        {
            double u = copy.NextDouble();
            // CDF (0.1, 0.3, 0.6, 1.0): token = number of CDF values ≤ u.
            int expected = u < 0.1 ? 0 : u < 0.3 ? 1 : u < 0.6 ? 2 : 3;
            Assert.Equal(expected, Sampling.Sample(Logits, new SamplingOptions(), g));
        }
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Sampling.Probabilities(Logits, new SamplingOptions(Temperature: -1)));
        Assert.Throws<ArgumentException>(() => Sampling.Probabilities(Logits, new SamplingOptions(TopK: 0)));
        Assert.Throws<ArgumentException>(() => Sampling.Probabilities(Logits, new SamplingOptions(TopP: 1.5)));
        Assert.Throws<ArgumentException>(() => Sampling.Probabilities([float.NaN], new SamplingOptions()));
    }
}
