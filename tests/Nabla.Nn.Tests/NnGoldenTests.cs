using System.Text.Json;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>State-dict keys, shapes and repr strings of the models of tools/golden/nn.py, and a float32 forward
/// pass with PyTorch's weights, against PyTorch 1.13.</summary>
public sealed class NnGoldenTests
{
    /// <summary>The twin of nn.py's Net: every container kind, a persistent and a non-persistent buffer.</summary>
    private sealed class Net : Module
    {
        public Net()
        {
            RegisterModule("embed", new Linear(6, 5));
            RegisterModule("layers", new ModuleList(new Linear(5, 5), new Relu(), new Linear(5, 5, bias: false)));
            RegisterModule("heads", new ModuleDict(("cls", new Linear(5, 3)), ("reg", new Sequential(new Linear(5, 1), new Tanh()))));
            RegisterBuffer("scale", Tensor.Ones(5));
            RegisterBuffer("cache", Tensor.Zeros(2), persistent: false);
        }
    }

    private static readonly Dictionary<string, Func<Module>> Models = new()
    {
        ["mlp"] = () => new Sequential(new Linear(784, 256), new Relu(), new Linear(256, 128), new Relu(), new Linear(128, 10)),
        ["activations"] = () => new Sequential(
            new Flatten(), new Linear(4, 3, bias: false), new Dropout(0.25), new LeakyRelu(0.2), new Gelu(GeluApproximation.Tanh),
            new Gelu(), new Elu(alpha: 0.5), new Softplus(beta: 2, threshold: 10), new Silu(), new Sigmoid(), new Tanh(),
            new Softmax(dim: 1), new LogSoftmax(dim: -1), new Identity(), new Relu(), new Flatten(0, 2), new Dropout()),
        ["net"] = () => new Net(),
        ["losses"] = () => new ModuleList(new MseLoss(), new L1Loss(), new HuberLoss(), new BceLoss(), new BceWithLogitsLoss(),
                                          new CrossEntropyLoss(), new NllLoss(), new HingeEmbeddingLoss(), new MultiMarginLoss()),
    };

    public static IEnumerable<object[]> Names => Models.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void State_dict_keys_shapes_and_repr_match_pytorch(string name)
    {
        JsonElement golden = NnGolden.Root.GetProperty("models").GetProperty(name);
        Module model = Models[name]();
        OrderedDictionary<string, Tensor> state = model.StateDict();
        Assert.Equal(golden.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!), state.Keys);
        Assert.Equal(golden.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()),
                     state.Values.Select(v => v.Shape));
        string expected = golden.GetProperty("repr").GetString()!;
        // nn.py wraps the losses in nn.Sequential (it accepts any module); a Nabla Sequential chains tensor
        // modules only, so they sit in a ModuleList, whose repr differs in the type name alone.
        if (name == "losses") expected = expected.Replace("Sequential(", "ModuleList(", StringComparison.Ordinal);
        Assert.Equal(expected, model.ToString());
    }

    [Fact]
    public void Forward_with_pytorch_weights_matches_pytorch()
    {
        JsonElement golden = NnGolden.Root.GetProperty("forward");
        var model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 2));
        var state = golden.GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => NnGolden.Tensor(p.Value));
        model.LoadStateDict(state);
        Tensor x = NnGolden.Tensor(golden.GetProperty("input")).RequireGrad();
        Tensor y = model.Forward(x);
        Assert.Equal(DType.Float32, y.DType);
        // float32: a handful of roundings in a 3-term and a 4-term dot product, within 1e-6 relative.
        TestUtil.AssertClose("Sequential forward vs PyTorch", NnGolden.Tensor(golden.GetProperty("output")), y, 1e-6, 1e-6);
        (y * NnGolden.Tensor(golden.GetProperty("projection"))).Sum().Backward();
        TestUtil.AssertClose("input gradient vs PyTorch", NnGolden.Tensor(golden.GetProperty("grad_input")), x.Grad!, 1e-6, 1e-6);
        foreach ((string name, Parameter p) in model.NamedParameters())
            TestUtil.AssertClose(name + " gradient vs PyTorch", NnGolden.Tensor(golden.GetProperty("grads").GetProperty(name)), p.Grad!, 1e-6, 1e-6);
    }
}
