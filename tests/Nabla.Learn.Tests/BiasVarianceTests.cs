using Nabla.Learn.LinearModel;
using Xunit;

namespace Nabla.Learn.Tests;

/// <summary>The bias–variance trade-off and convexity, shown with least-squares polynomials.</summary>
public sealed class BiasVarianceTests
{
    private static Tensor Powers(double[] x, int degree)
    {
        var m = new double[x.Length * degree];
        for (int i = 0; i < x.Length; i++)
            for (int d = 1; d <= degree; d++) m[i * degree + d - 1] = Math.Pow(x[i], d);
        return Tensor.FromArray(m, x.Length, degree);
    }

    [Fact]
    public void Flexible_models_trade_bias_for_variance_and_never_fit_the_training_set_worse()
    {
        // Polynomials are nested (degree d can represent every degree below), so least squares can only lower the
        // training error as the degree grows. Over 100 noisy data sets of sin(πx): degree 1 has a large bias² (a line
        // cannot bend), degree 9 a large variance (it follows the noise); degree 3 has the lowest sum of the two.
        var grid = Enumerable.Range(0, 40).Select(i => -0.9 + 1.8 * (i + 0.5) / 40).ToArray();
        int[] degrees = [1, 3, 9];
        var bias2 = new double[3];
        var variance = new double[3];
        var rng = new Generator(4);
        var predictions = new double[3][,];
        for (int k = 0; k < 3; k++) predictions[k] = new double[100, grid.Length];
        for (int set = 0; set < 100; set++)
        {
            double[] x = Enumerable.Range(0, 30).Select(_ => -1 + 2 * rng.NextDouble()).ToArray();
            double[] y = x.Select(v => Math.Sin(Math.PI * v) + 0.3 * rng.NextNormal()).ToArray();
            double previousTrain = double.PositiveInfinity;
            for (int degree = 1; degree <= 9; degree++)
            {
                var model = new LinearRegression().Fit(Powers(x, degree), Tensor.FromArray(y));
                double train = model.Predict(Powers(x, degree)).ToArray<double>().Zip(y, (a, b) => (a - b) * (a - b)).Average();
                Assert.True(train <= previousTrain + 1e-9, $"data set {set}: degree {degree} train MSE {train} > {previousTrain}");
                previousTrain = train;
                int k = Array.IndexOf(degrees, degree);
                if (k < 0) continue;
                double[] onGrid = model.Predict(Powers(grid, degree)).ToArray<double>();
                for (int j = 0; j < grid.Length; j++) predictions[k][set, j] = onGrid[j];
            }
        }
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < grid.Length; j++)
            {
                double mean = Enumerable.Range(0, 100).Average(s => predictions[k][s, j]);
                bias2[k] += Math.Pow(mean - Math.Sin(Math.PI * grid[j]), 2) / grid.Length;
                variance[k] += Enumerable.Range(0, 100).Average(s => Math.Pow(predictions[k][s, j] - mean, 2)) / grid.Length;
            }
        Assert.True(bias2[0] > 10 * bias2[1], $"bias² {bias2[0]} vs {bias2[1]}");
        Assert.True(variance[2] > 10 * variance[1], $"variance {variance[2]} vs {variance[1]}");
        Assert.True(bias2[1] + variance[1] < Math.Min(bias2[0] + variance[0], bias2[2] + variance[2]));
    }

    [Fact]
    public void Least_squares_loss_is_convex_along_any_line()
    {
        // L(w) = ‖Xw − y‖² is a quadratic with Hessian 2XᵀX ⪰ 0: along any line w + t d it is a parabola in t with
        // non-negative curvature, so L(midpoint) ≤ the mean of the ends for every pair of parameter vectors.
        var g = new Generator(9);
        Tensor x = Tensor.Randn([20, 3], g, DType.Float64), y = Tensor.Randn([20], g, DType.Float64);
        double Loss(Tensor w) => (x.MatMul(w) - y).Square().Sum().Item<double>();
        for (int trial = 0; trial < 20; trial++)
        {
            Tensor a = Tensor.Randn([3], g, DType.Float64), b = Tensor.Randn([3], g, DType.Float64);
            Assert.True(Loss((a + b) * 0.5) <= (Loss(a) + Loss(b)) / 2 + 1e-12);
        }
    }
}
