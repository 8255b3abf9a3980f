using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Modules and <see cref="TensorScope"/>: a module built in a scope keeps its parameters and buffers, and
/// inference in a scope gives the same values as without one.</summary>
public sealed class TensorScopeModuleTests
{
    private static Sequential Model()
        => new(new Linear(6, 8, generator: new Generator(3)), new BatchNorm1d(8), new Relu(), new Linear(8, 2, generator: new Generator(4)));

    private static Tensor Input() => Tensor.Rand([5, 6], new Generator(9));

    [Fact]
    public void A_model_built_in_a_scope_keeps_its_parameters_and_buffers()
    {
        Sequential reference = Model();
        reference.Eval();
        Sequential built;
        using (TensorScope.Begin()) built = Model();
        built.Eval();
        using (GradMode.Disable())
            Assert.Equal(reference.Forward(Input()).ToArray<float>(), built.Forward(Input()).ToArray<float>());
        Assert.Equal(reference.StateDict().Keys, built.StateDict().Keys);
    }

    [Fact]
    public void Inference_in_scopes_matches_inference_without()
    {
        Sequential model = Model();
        model.Eval();
        Tensor x = Input();
        using var noGrad = GradMode.Disable();
        float[] expected = model.Forward(x).ToArray<float>();
        for (int i = 0; i < 3; i++)
        {
            Tensor y;
            using (TensorScope scope = TensorScope.Begin()) y = scope.Keep(model.Forward(x));
            Assert.Equal(expected, y.ToArray<float>());
        }
    }

    [Fact]
    public void Readme_scope_loop_predicts_as_without_scopes()
    {
        // README, "Using Nabla in your own application": the loop body as written there, over three batches.
        Sequential model = Model();
        model.Eval();
        Tensor[][] loader = [.. Enumerable.Range(0, 3).Select(i => new[] { Tensor.Rand([4, 6], new Generator(20 + i)) })];
        var predictions = new List<long[]>();
        foreach (Tensor[] batch in loader)
        {
            using TensorScope scope = TensorScope.Begin();
            using var noGrad = GradMode.Disable();
            Tensor probabilities = scope.Keep(F.Softmax(model.Forward(batch[0]), dim: 1));
            predictions.Add(probabilities.Argmax(dim: 1).ToArray<long>());
        }
        using (GradMode.Disable())
            Assert.Equal(loader.Select(b => model.Forward(b[0]).Argmax(dim: 1).ToArray<long>()), predictions);
    }
}
