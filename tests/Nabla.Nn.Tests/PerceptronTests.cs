using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>The perceptron learns AND and OR but not XOR; two layers solve XOR, by hand and by training.</summary>
public sealed class PerceptronTests
{
    private static readonly Tensor X = Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
    private static readonly Tensor And = Tensor.FromArray([0.0, 0, 0, 1]);
    private static readonly Tensor Or = Tensor.FromArray([0.0, 1, 1, 1]);
    private static readonly Tensor Xor = Tensor.FromArray([0.0, 1, 1, 0]);

    [Theory]
    [InlineData(PerceptronRule.Classic)]
    [InlineData(PerceptronRule.Hinge)]
    public void Learns_AND_and_OR(PerceptronRule rule)
    {
        foreach (Tensor y in new[] { And, Or })
        {
            var p = new Perceptron(2, learningRate: rule == PerceptronRule.Classic ? 1 : 0.5, rule: rule);
            int[] errors = p.Fit(X, y, epochs: 100);
            // Once every sample is right (classic) or beyond the margin (hinge), the updates stop: the errors
            // reach 0 and stay there.
            int firstClean = Array.IndexOf(errors, 0);
            Assert.InRange(firstClean, 0, rule == PerceptronRule.Classic ? 10 : 30);
            Assert.All(errors[^10..], e => Assert.Equal(0, e));
            Assert.Equal(y.ToArray<double>(), p.Predict(X).ToArray<double>());
        }
    }

    [Fact]
    public void Classic_rule_on_AND_follows_the_hand_computed_trace()
    {
        // From w = (0, 0), b = 0, η = 1, samples in order (0,0)→0, (0,1)→0, (1,0)→0, (1,1)→1:
        // epoch 1: only (1,1) is wrong (s = 0 → ŷ = 0): w = (1, 1), b = 1.
        // epoch 2: (0,0): s = 1 → wrong, b = 0; (0,1): s = 1 → wrong, w = (1, 0), b = −1; (1,0): s = 0 → right;
        //          (1,1): s = 0 → wrong, w = (2, 1), b = 0.
        var p = new Perceptron(2);
        int[] errors = p.Fit(X, And, epochs: 2);
        Assert.Equal([1, 3], errors);
        Assert.Equal([2.0, 1], p.Weight.ToArray<double>());
        Assert.Equal(0.0, p.Bias.Item<double>());
    }

    [Theory]
    [InlineData(PerceptronRule.Classic)]
    [InlineData(PerceptronRule.Hinge)]
    public void Cannot_learn_XOR(PerceptronRule rule)
    {
        // No line separates {(0,1), (1,0)} from {(0,0), (1,1)}: every epoch makes at least one mistake.
        var p = new Perceptron(2, learningRate: 0.5, rule: rule);
        int[] errors = p.Fit(X, Xor, epochs: 200);
        Assert.All(errors, e => Assert.True(e > 0));
        Assert.NotEqual(Xor.ToArray<double>(), p.Predict(X).ToArray<double>());
    }

    [Fact]
    public void Hand_built_two_layer_step_network_computes_XOR()
    {
        // h₁ = H(x₁ + x₂ − 0.5) is OR, h₂ = H(x₁ + x₂ − 1.5) is AND, y = H(h₁ − h₂ − 0.5) is OR ∧ ¬AND = XOR.
        var model = new Sequential(new Linear(2, 2, dtype: DType.Float64), new Step(), new Linear(2, 1, dtype: DType.Float64), new Step());
        model.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.FromArray(new double[,] { { 1, 1 }, { 1, 1 } }),
            ["0.bias"] = Tensor.FromArray([-0.5, -1.5]),
            ["2.weight"] = Tensor.FromArray(new double[,] { { 1, -1 } }),
            ["2.bias"] = Tensor.FromArray([-0.5]),
        });
        Tensor hidden = model[1].Forward(model[0].Forward(X));
        Assert.Equal(Or.ToArray<double>(), hidden.Select(1, 0).ToArray<double>());
        Assert.Equal(And.ToArray<double>(), hidden.Select(1, 1).ToArray<double>());
        Assert.Equal(Xor.ToArray<double>(), model.Forward(X).Reshape(4).ToArray<double>());
    }

    [Fact]
    public void Trained_two_layer_network_learns_XOR()
    {
        // Linear(2, 4) → tanh → Linear(4, 1) → sigmoid, binary cross-entropy, full-batch gradient descent.
        var g = new Generator(42);
        var model = new Sequential(new Linear(2, 4, dtype: DType.Float64, generator: g), new Tanh(), new Linear(4, 1, dtype: DType.Float64, generator: g));
        Tensor y = Xor.Reshape(4, 1);
        double first = 0, last = 0;
        for (int step = 0; step < 2000; step++)
        {
            Tensor loss = F.BinaryCrossEntropy(model.Forward(X).Sigmoid(), y);
            if (step == 0) first = loss.Item<double>();
            last = loss.Item<double>();
            model.ZeroGrad();
            loss.Backward();
            using (GradMode.Disable())
            {
                foreach (Parameter p in model.Parameters()) p.SubInPlace(p.Grad!, alpha: 0.5);
            }
        }
        Tensor predicted;
        using (GradMode.Disable()) predicted = model.Forward(X).Sigmoid().Gt(0.5).To(DType.Float64).Reshape(4);
        Assert.Equal(Xor.ToArray<double>(), predicted.ToArray<double>());
        Assert.True(last < 0.1 * first, $"loss {first} → {last}");
    }

    [Fact]
    public void Fit_validates_its_inputs()
    {
        var p = new Perceptron(2);
        Assert.StartsWith("Perceptron(in_features=2) expects input (N, 2) but got (4, 3).",
            Assert.Throws<ArgumentException>(() => p.Fit(Tensor.Zeros(4, 3), And, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => p.Fit(X, Tensor.FromArray([0.0, 2, 0, 1]), 1));
        Assert.Throws<ArgumentException>(() => p.Fit(X, Tensor.FromArray([0.0, 1]), 1));
        Assert.Equal(["weight", "bias"], p.StateDict().Keys);
    }
}
