using Nabla.Nn;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>The notes' cautionary facts about deep networks, each checked on a case small enough to derive by hand:
/// vanishing gradients through sigmoids, dead ReLUs, logarithms against underflow, a non-convex loss surface.</summary>
public sealed class FoundationsTests
{
    [Fact]
    public void Gradients_vanish_through_stacked_sigmoids_but_not_through_relus()
    {
        // y = σ(σ(…σ(x)…)) over 10 layers: dy/dx = Π σ'(·) and σ' ≤ 1/4, so |dy/dx| ≤ 4⁻¹⁰ ≈ 9.5e-7. With ReLU and a
        // positive input every factor is 1, so the gradient is exactly 1.
        Tensor x = Tensor.FromArray([0.3]).RequireGrad(), z = Tensor.FromArray([0.3]).RequireGrad();
        Tensor s = x, r = z;
        for (int layer = 0; layer < 10; layer++)
        {
            s = s.Sigmoid();
            r = r.Relu();
        }
        s.Sum().Backward();
        r.Sum().Backward();
        Assert.InRange(x.Grad!.ToArray<double>()[0], 0, Math.Pow(0.25, 10));
        Assert.Equal(1.0, z.Grad!.ToArray<double>()[0]);
    }

    [Fact]
    public void A_dead_relu_unit_gets_no_gradient_and_cannot_recover()
    {
        // Inputs in [0, 1), weights 0.1 and bias −10: the pre-activation is below −9 for every input, ReLU outputs 0
        // and its derivative is 0 there, so the weights and bias get exactly zero gradient: gradient descent never
        // moves them again.
        var unit = new Linear(3, 1, dtype: DType.Float64);
        unit.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray(new double[,] { { 0.1, 0.1, 0.1 } }), ["bias"] = Tensor.FromArray([-10.0]),
        });
        Tensor input = Tensor.Rand([64, 3], new Generator(1), DType.Float64);
        Tensor output = unit.Forward(input).Relu();
        Assert.All(output.ToArray<double>(), v => Assert.Equal(0.0, v));
        output.Sum().Backward();
        Assert.All(unit.Parameters().SelectMany(p => p.Grad!.ToArray<double>()), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Logarithms_avoid_underflow()
    {
        // Π of 400 probabilities 0.1 is 1e-400, below double's smallest subnormal (4.9e-324): it underflows to 0 and
        // its log is −∞; Σ log 0.1 = 400 · ln 0.1 = −921.03 is exact. Likewise log(softmax([800, 0])) needs e⁻⁸⁰⁰,
        // which underflows, while log-softmax = x − logsumexp(x) = [0, −800].
        Tensor p = Tensor.Full([400], 0.1, DType.Float64);
        Assert.Equal(0.0, p.Prod().Item<double>());
        Assert.Equal(400 * Math.Log(0.1), p.Log().Sum().Item<double>(), 9);
        Tensor logits = Tensor.FromArray([800.0, 0]);
        Assert.Equal(double.NegativeInfinity, logits.Softmax(0).Log().ToArray<double>()[1]);
        Assert.Equal([0.0, -800], logits.LogSoftmax(0).ToArray<double>());
    }

    [Fact]
    public void A_hidden_layer_makes_the_loss_surface_non_convex()
    {
        // f(x) = v·relu(w·x) fitted to the point (1, 1): (w, v) = (1, 1) and (2, 0.5) are both exact fits with loss 0,
        // while their midpoint (1.5, 0.75) has f(1) = 1.125 and loss 0.125² = 0.015625 > 0. A convex function cannot
        // be higher at a midpoint than at both ends, so this surface is not convex (a linear model's squared loss is).
        static double Loss(double w, double v)
        {
            Tensor x = Tensor.FromArray([1.0]);
            Tensor f = (x * w).Relu() * v;
            return (f - 1.0).Square().Sum().Item<double>();
        }
        Assert.Equal(0.0, Loss(1, 1));
        Assert.Equal(0.0, Loss(2, 0.5));
        Assert.Equal(0.015625, Loss(1.5, 0.75), 15);
    }
    [Fact]
    public void A_wider_hidden_layer_approximates_a_curve_better_with_learned_basis_functions()
    {
        // Universal approximation in practice: one hidden ReLU layer fits sin(3x) on [−1, 1]; a width-1 net is one
        // kink (it cannot bend twice), width 16 has enough kinks. The output is W·φ(x) + b with φ(x) = relu(w x + c)
        // the learned basis functions, checked by recomputing it from the hidden layer.
        Tensor xs = Tensor.Linspace(-1, 1, 100).Unsqueeze(1), ys = (xs * 3).Sin();
        double Fit(int width, out Sequential net)
        {
            var g = new Generator(3);
            net = new Sequential(new Linear(1, width, generator: g), new Relu(), new Linear(width, 1, generator: g));
            var opt = new Nabla.Optim.Adam(net.Parameters(), lr: 1e-2);
            double loss = 0;
            for (int step = 0; step < 1500; step++)
            {
                Tensor l = Functional.MseLoss(net.Forward(xs), ys);
                opt.ZeroGrad();
                l.Backward();
                opt.Step();
                loss = l.Item<float>();
            }
            return loss;
        }
        Assert.True(Fit(1, out _) > 0.1);
        Assert.True(Fit(16, out Sequential wide) < 5e-3);
        var hidden = (Linear)wide[0];
        var output = (Linear)wide[2];
        using (GradMode.Disable())
        {
            Tensor phi = hidden.Forward(xs).Relu();
            Tensor recomposed = phi.MatMul(output.Weight.T) + output.Bias!;
            TestUtil.AssertClose("W·φ(x) + b", wide.Forward(xs), recomposed, 1e-6, 1e-6);
        }
    }
}
