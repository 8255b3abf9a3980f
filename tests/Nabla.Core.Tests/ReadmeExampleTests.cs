using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>README's "Ten lines", kept compiling and checked.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_example_runs_and_takes_a_descent_step()
    {
        Tensor x = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        Tensor w = Tensor.Randn([2, 3], new Generator(seed: 0)).RequireGrad();
        Tensor b = Tensor.Zeros(3).RequireGrad();
        Tensor y = Tensor.Linear(x, w.T, b).Relu();
        Tensor loss = y.LogSumExp(dim: 1).Mean();
        loss.Backward();
        Assert.Equal([2, 3], w.Grad!.Shape);
        Assert.Equal([3], b.Grad!.Shape);
        float before = loss.Item<float>();
        using (GradMode.Disable()) w.SubInPlace(w.Grad!, alpha: 0.1);
        float after = Tensor.Linear(x, w.T, b).Relu().LogSumExp(dim: 1).Mean().Item<float>();
        // A small step against the gradient lowers a smooth loss (unless every ReLU is off, then it stays).
        Assert.True(after <= before, $"loss went from {before} to {after}");
    }
}
