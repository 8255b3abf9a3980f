using System.Text.Json;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>Two float64 networks made of every convolution, pooling and normalisation layer, loaded with the state
/// dict of their PyTorch twins (tools/golden/cnn.py): training-mode outputs, input and parameter gradients, the running
/// statistics after the step, evaluation-mode outputs and repr, against PyTorch 1.13.</summary>
public sealed class CnnGoldenTests
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "cnn.json"))));

    private static Sequential Conv2dNet() => new(
        new Conv2d(3, 4, 3, padding: 1, dtype: DType.Float64), new BatchNorm2d(4, dtype: DType.Float64), new Relu(), new MaxPool2d(2),
        new Conv2d(4, 6, 3, "same", groups: 2, dtype: DType.Float64), new GroupNorm(2, 6, dtype: DType.Float64), new Relu(),
        new LPPool2d(2, 2), new ConvTranspose2d(6, 4, 2, stride: 2, dtype: DType.Float64), new AvgPool2d(2), new AdaptiveAvgPool2d(2),
        new Flatten(), new Linear(16, 5, dtype: DType.Float64));

    private static Sequential Conv1dNet() => new(
        new Conv1d(2, 3, 3, stride: 2, padding: 1, dtype: DType.Float64), new BatchNorm1d(3, momentum: null, dtype: DType.Float64), new Relu(),
        new Flatten(), new Linear(12, 2, dtype: DType.Float64));

    public static TheoryData<string> Names => new() { "conv2d", "conv1d" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_step_and_evaluation_match_pytorch(string name)
    {
        JsonElement golden = Doc.Value.RootElement.GetProperty(name);
        Sequential model = name == "conv2d" ? Conv2dNet() : Conv1dNet();
        Assert.Equal(golden.GetProperty("repr").GetString(), model.ToString());
        var state = golden.GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => NnGolden.Tensor(p.Value));
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), model.StateDict().Keys.Order(StringComparer.Ordinal));
        model.LoadStateDict(state);

        // float64 throughout: agreement to ~1e-12 relative is rounding in sums of a few hundred terms.
        const double Tol = 1e-10;
        Tensor x = NnGolden.Tensor(golden.GetProperty("input")).RequireGrad();
        Tensor y = model.Forward(x);
        TestUtil.AssertClose(name + " training output", NnGolden.Tensor(golden.GetProperty("output")), y, Tol, Tol);
        (y * NnGolden.Tensor(golden.GetProperty("projection"))).Sum().Backward();
        TestUtil.AssertClose(name + " input gradient", NnGolden.Tensor(golden.GetProperty("grad_input")), x.Grad!, Tol, Tol);
        foreach ((string key, Parameter p) in model.NamedParameters())
            TestUtil.AssertClose($"{name} {key} gradient", NnGolden.Tensor(golden.GetProperty("grads").GetProperty(key)), p.Grad!, Tol, Tol);
        OrderedDictionary<string, Tensor> after = model.StateDict();
        foreach (JsonProperty buffer in golden.GetProperty("buffers_after").EnumerateObject())
            TestUtil.AssertClose($"{name} {buffer.Name} after the step", NnGolden.Tensor(buffer.Value), after[buffer.Name], Tol, Tol);

        model.Eval();
        using var _ = GradMode.Disable();
        TestUtil.AssertClose(name + " evaluation output", NnGolden.Tensor(golden.GetProperty("output_eval")), model.Forward(x.Detach()), Tol, Tol);
    }
}
