using Xunit;

namespace Nabla.Nn.Tests;

public sealed class RegularizationTests
{
    [Fact]
    public void Penalties_sum_over_all_parameters_and_differentiate()
    {
        // w₁ = (1, −2), w₂ = (3): Σ|w| = 6, Σw² = 1 + 4 + 9 = 14; gradients sign(w) and 2w.
        Tensor a = Tensor.FromArray([1.0, -2]).RequireGrad(), b = Tensor.FromArray([3.0]).RequireGrad();
        Tensor l1 = Regularization.L1Penalty([a, b]);
        Assert.Equal(6.0, l1.Item<double>());
        l1.Backward();
        Assert.Equal([1.0, -1], a.Grad!.ToArray<double>());
        a.ZeroGrad();
        b.ZeroGrad();
        Tensor l2 = Regularization.L2Penalty([a, b]);
        Assert.Equal(14.0, l2.Item<double>());
        l2.Backward();
        Assert.Equal([2.0, -4], a.Grad!.ToArray<double>());
        Assert.Equal([6.0], b.Grad!.ToArray<double>());
        Assert.Equal(0.0, Regularization.L2Penalty([]).ItemAsDouble());
    }

    [Fact]
    public void Penalty_of_a_model_counts_every_parameter()
    {
        var lin = new Linear(3, 2);
        using (GradMode.Disable()) foreach (Parameter p in lin.Parameters()) p.FillInPlace(-0.5);
        // 8 parameters of −0.5: Σ|w| = 4, Σw² = 2.
        Assert.Equal(4f, Regularization.L1Penalty(lin.Parameters()).Item<float>());
        Assert.Equal(2f, Regularization.L2Penalty(lin.Parameters()).Item<float>());
    }
}
