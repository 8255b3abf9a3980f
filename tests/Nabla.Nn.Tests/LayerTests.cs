using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Linear, Identity, Flatten, Dropout, the activation modules and the containers.</summary>
public sealed class LayerTests
{
    [Fact]
    public void Linear_computes_x_times_w_transposed_plus_b()
    {
        // W = [[1, 2], [3, 4], [5, 6]], b = (0.5, −1, 2), x = (1, −1): Wx + b = (−1 + 0.5, −1 − 1, −1 + 2).
        var lin = new Linear(2, 3);
        lin.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }),
            ["bias"] = Tensor.FromArray([0.5f, -1f, 2f]),
        });
        Assert.Equal([-0.5f, -2f, 1f], lin.Forward(Tensor.FromArray([1f, -1f])).ToArray<float>());
        // Leading dims are kept: (2, 5, 2) → (2, 5, 3).
        Assert.Equal([2, 5, 3], lin.Forward(Tensor.Zeros(2, 5, 2)).Shape);
        Assert.Equal("Linear(in_features=2, out_features=3, bias=True)", lin.ToString());
    }

    [Fact]
    public void Linear_names_itself_and_both_shapes_on_a_bad_input()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(2, 4).Forward(Tensor.Zeros(3, 5)));
        Assert.StartsWith("Linear(in_features=2, out_features=4) expects input (*, 2) but got (3, 5).", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_default_init_is_uniform_within_one_over_sqrt_fan_in()
    {
        // kaiming_uniform(a = √5) gives bound 1/√in = 1/16 for in = 256; the bias uses the same bound.
        var lin = new Linear(256, 512, generator: new Generator(1));
        const double Bound = 1.0 / 16;
        float[] w = lin.Weight.ToArray<float>(), b = lin.Bias!.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -Bound, Bound));
        Assert.All(b, v => Assert.InRange(v, -Bound, Bound));
        // U(−a, a) has variance a²/3; with 131,072 samples the sample variance is within 2% (≈ 5 standard errors).
        double variance = w.Select(v => (double)v * v).Average();
        Assert.InRange(variance, Bound * Bound / 3 * 0.98, Bound * Bound / 3 * 1.02);
        Assert.True(w.Max() > 0.99 * Bound && w.Min() < -0.99 * Bound, "the samples should fill the interval");
        // The same seed gives the same parameters.
        Assert.Equal(w, new Linear(256, 512, generator: new Generator(1)).Weight.ToArray<float>());
        Assert.Null(new Linear(3, 2, bias: false).Bias);
        Assert.Equal(DType.Float64, new Linear(3, 2, dtype: DType.Float64).Weight.DType);
    }

    [Fact]
    public void Flatten_and_identity()
    {
        Tensor x = Tensor.Zeros(2, 3, 4, 5);
        Assert.Equal([2, 60], new Flatten().Forward(x).Shape);
        Assert.Equal([6, 4, 5], new Flatten(0, 1).Forward(x).Shape);
        Assert.Same(x, new Identity().Forward(x));
        Assert.Equal("Flatten(start_dim=0, end_dim=1)", new Flatten(0, 1).ToString());
        Assert.Equal("Identity()", new Identity().ToString());
    }

    [Fact]
    public void Dropout_keeps_the_expectation_and_scales_survivors()
    {
        // Each element is 0 or 1/(1 − p) = 4 for p = 0.75, and the mean stays ≈ 1.
        var drop = new Dropout(0.75, new Generator(2));
        float[] y = drop.Forward(Tensor.Ones(100_000)).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || v == 4, $"value {v}"));
        // The fraction kept is Binomial(n, ¼)/n: standard error √(¼·¾/n) ≈ 0.0014; allow 5 of them.
        double kept = y.Count(v => v != 0) / (double)y.Length;
        Assert.InRange(kept, 0.25 - 0.007, 0.25 + 0.007);
        // Seeded: the same generator state gives the same mask.
        Assert.Equal(F.Dropout(Tensor.Ones(50), 0.5, generator: new Generator(3)).ToArray<float>(),
                     F.Dropout(Tensor.Ones(50), 0.5, generator: new Generator(3)).ToArray<float>());
        Assert.Equal("Dropout(p=0.75, inplace=False)", drop.ToString());
    }

    [Fact]
    public void Dropout_edge_probabilities_and_gradient()
    {
        Tensor x = Tensor.FromArray([1f, 2f, 3f]);
        Assert.Same(x, F.Dropout(x, 0));
        Assert.Same(x, F.Dropout(x, 0.9, training: false));
        Assert.Equal([0f, 0f, 0f], F.Dropout(x, 1).ToArray<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, -0.1));
        // The gradient is the mask scaled by 1/(1 − p): it equals y/x element-wise.
        Tensor leaf = Tensor.Ones(1000).RequireGrad();
        Tensor y = F.Dropout(leaf, 0.5, generator: new Generator(4));
        y.Sum().Backward();
        Assert.Equal(y.ToArray<float>(), leaf.Grad!.ToArray<float>());
    }

    [Fact]
    public void Activation_modules_apply_the_tensor_ops()
    {
        Tensor x = Tensor.FromArray([-2.5, -1, 0, 0.5, 3]);
        (Module<Tensor, Tensor> Module, Tensor Expected, string Repr)[] cases =
        [
            (new Relu(), x.Relu(), "ReLU()"),
            (new Sigmoid(), x.Sigmoid(), "Sigmoid()"),
            (new Tanh(), x.Tanh(), "Tanh()"),
            (new Step(), x.Step(), "Step()"),
            (new Silu(), x.Silu(), "SiLU()"),
            (new LeakyRelu(0.2), x.LeakyRelu(0.2), "LeakyReLU(negative_slope=0.2)"),
            (new Gelu(GeluApproximation.Tanh), x.Gelu(GeluApproximation.Tanh), "GELU(approximate='tanh')"),
            (new Elu(0.5), x.Elu(0.5), "ELU(alpha=0.5)"),
            (new Softplus(2, 10), x.Softplus(2, 10), "Softplus(beta=2, threshold=10)"),
            (new Softplus(0.5), x.Softplus(0.5), "Softplus(beta=0.5, threshold=20)"),
            (new Softmax(0), x.Softmax(0), "Softmax(dim=0)"),
            (new LogSoftmax(-1), x.LogSoftmax(-1), "LogSoftmax(dim=-1)"),
        ];
        foreach (var (module, expected, repr) in cases)
        {
            Assert.Equal(expected.ToArray<double>(), module.Forward(x).ToArray<double>());
            Assert.Equal(repr, module.ToString());
        }
        // Step: 1 only for x > 0, so H(0) = 0.
        Assert.Equal([0.0, 0, 0, 1, 1], new Step().Forward(x).ToArray<double>());
    }

    [Fact]
    public void Sequential_indexes_appends_and_chains()
    {
        var seq = new Sequential(new Linear(2, 3), new Relu());
        Assert.Equal(2, seq.Count);
        Assert.IsType<Relu>(seq[-1]);
        seq.Add(new Linear(3, 1));
        Assert.Equal(["0", "1", "2"], seq.NamedChildren().Select(c => c.Name));
        Assert.Equal([4, 1], seq.Forward(Tensor.Zeros(4, 2)).Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[3]);
        var named = new Sequential([("encoder", (Module<Tensor, Tensor>)new Linear(2, 2)), ("act", new Tanh())]);
        Assert.Equal(["encoder.weight", "encoder.bias"], named.StateDict().Keys);
        Tensor z = Tensor.Ones(1);
        Assert.Same(z, new Sequential().Forward(z));
    }

    [Fact]
    public void ModuleList_and_ModuleDict_register_their_items()
    {
        var list = new ModuleList(new Linear(2, 2), new Relu());
        list.Add(new Linear(2, 1, bias: false));
        Assert.Equal(3, list.Count);
        Assert.IsType<Relu>(list[1]);
        Assert.Equal(["0.weight", "0.bias", "2.weight"], list.StateDict().Keys);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-4]);
        var dict = new ModuleDict(("b", new Linear(1, 1)), ("a", new Tanh()));
        Assert.Equal(["b", "a"], dict.Keys);
        Assert.True(dict.ContainsKey("a"));
        Assert.IsType<Tanh>(dict["a"]);
        Assert.Throws<KeyNotFoundException>(() => dict["c"]);
        Assert.Throws<ArgumentException>(() => dict.Add("a", new Relu()));
        Assert.Equal(["b.weight", "b.bias"], dict.StateDict().Keys);
    }
}
