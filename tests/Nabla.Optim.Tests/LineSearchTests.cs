using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Backtracking line search with the Armijo condition f(x − t·g) ≤ f(x) − c·t·‖g‖².</summary>
public sealed class LineSearchTests
{
    [Fact]
    public void One_dimensional_quadratic_accepts_the_exact_minimizer()
    {
        // f(x) = x², x = 1: g = 2, ‖g‖² = 4, f(x) = 1.
        // t = 1:   x − t·g = −1, f = 1 > 1 − 1e-4·1·4     → rejected
        // t = 0.5: x − t·g = 0,  f = 0 ≤ 1 − 1e-4·0.5·4   → accepted, landing on the minimum.
        var x = new Parameter(Tensor.FromArray([1.0], 1));
        double t = LineSearch.Backtracking([x], () => x.Square().Sum());
        Assert.Equal(0.5, t);
        Assert.Equal(0.0, x.Item<double>());
        Assert.Equal(2.0, x.Grad!.Item<double>());   // the gradient at the starting point is left on the parameter
    }

    [Fact]
    public void Ill_conditioned_quadratic_backtracks_four_times()
    {
        // f(x, y) = x² + 10y² from (1, 1): g = (2, 20), ‖g‖² = 404, f = 11. The trials t = 1, ½, ¼, ⅛ give
        // f = 3611, 810, 160.25, 23.0625, all above 11 − 1e-4·t·404; t = 1/16 gives (0.875, −0.25),
        // f = 0.765625 + 0.625 = 1.390625 ≤ 11 − 1e-4·404/16 = 10.997475, accepted.
        var p = new Parameter(Tensor.FromArray([1.0, 1.0], 2));
        Tensor scale = Tensor.FromArray([1.0, 10.0], 2);
        double t = LineSearch.Backtracking([p], () => (scale * p.Square()).Sum());
        Assert.Equal(1.0 / 16, t);
        Assert.Equal([0.875, -0.25], p.ToArray<double>());
    }

    [Fact]
    public void Initial_step_and_shrink_factor_are_honoured()
    {
        // f(x) = x² at x = 1 with t₀ = 0.8, β = 0.25: t = 0.8 gives x = −0.6, f = 0.36 ≤ 1 − 1e-4·0.8·4: accepted.
        var x = new Parameter(Tensor.FromArray([1.0], 1));
        Assert.Equal(0.8, LineSearch.Backtracking([x], () => x.Square().Sum(), initialStep: 0.8, shrink: 0.25));
        Assert.Equal(-0.6, x.Item<double>(), 1e-15);
    }

    [Fact]
    public void A_stationary_point_or_no_acceptable_step_leaves_the_parameters_unchanged()
    {
        var x = new Parameter(Tensor.FromArray([0.0], 1));
        Assert.Equal(0, LineSearch.Backtracking([x], () => x.Square().Sum()));
        // f(x) = x² at x = 1 with one trial of t = 1 (rejected, see above): x is restored.
        var y = new Parameter(Tensor.FromArray([1.0], 1));
        Assert.Equal(0, LineSearch.Backtracking([y], () => y.Square().Sum(), maxTrials: 1));
        Assert.Equal(1.0, y.Item<double>());
    }

    [Fact]
    public void Full_batch_gradient_descent_decreases_a_logistic_regression_loss_monotonically()
    {
        // 40 fixed points in 2-D with labels ±1 from a noisy linear rule (not separable, so the optimum is finite).
        const int N = 40;
        var xs = new double[N * 2];
        var ys = new double[N];
        for (int i = 0; i < N; i++)
        {
            xs[2 * i] = Math.Cos(0.7 * i) * (1 + 0.05 * i);
            xs[2 * i + 1] = Math.Sin(1.3 * i);
            ys[i] = xs[2 * i] - 0.5 * xs[2 * i + 1] + 0.3 * Math.Sin(5.1 * i) > 0 ? 1 : -1;
        }
        Tensor x = Tensor.FromArray(xs, N, 2), y = Tensor.FromArray(ys, N);
        var w = new Parameter(Tensor.Zeros([2], DType.Float64));
        var b = new Parameter(Tensor.Zeros([1], DType.Float64));
        // Mean logistic loss: (1/N) Σ log(1 + exp(−yᵢ(xᵢ·w + b))).
        Tensor Loss() => (-(y * (x.MatMul(w) + b))).Softplus().Mean();

        double previous = Loss().Item<double>();
        Assert.Equal(Math.Log(2), previous, 1e-15);
        for (int iteration = 0; iteration < 30; iteration++)
        {
            double t = LineSearch.Backtracking([w, b], Loss, initialStep: 10.0);
            double current = Loss().Item<double>();
            Assert.True(t > 0, $"iteration {iteration}: no step accepted");
            Assert.True(current < previous, $"iteration {iteration}: loss {current} did not decrease from {previous}");
            previous = current;
        }
        Assert.True(previous < 0.45, $"final loss {previous}");
        Assert.True(w.ToArray<double>()[0] > 0 && w.ToArray<double>()[1] < 0, "weights point along the labelling rule");
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var x = new Parameter(Tensor.FromArray([1.0], 1));
        Tensor F() => x.Square().Sum();
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSearch.Backtracking([x], F, initialStep: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSearch.Backtracking([x], F, c: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSearch.Backtracking([x], F, shrink: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSearch.Backtracking([x], F, maxTrials: 0));
    }
}
