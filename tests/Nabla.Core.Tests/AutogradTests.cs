using System.Runtime.CompilerServices;
using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>The backward engine, with hand-derived values (derivations in the comments).</summary>
public sealed class AutogradTests
{
    private static Tensor Leaf(params double[] v) => Tensor.FromArray(v).RequireGrad();

    [Fact]
    public void Chain_rule_on_a_polynomial()
    {
        // y = x² + 3x at x = 2: y = 10, dy/dx = 2x + 3 = 7.
        Tensor x = Tensor.Scalar(2.0, DType.Float64).RequireGrad();
        Tensor y = x * x + x * 3.0;
        y.Backward();
        Assert.Equal(10.0, y.Item<double>());
        Assert.Equal(7.0, x.Grad!.Item<double>());
    }

    [Fact]
    public void A_tensor_used_twice_accumulates_both_paths()
    {
        // z = x·x·x with x used three times: dz/dx = 3x² = 12 at x = 2.
        Tensor x = Tensor.Scalar(2.0, DType.Float64).RequireGrad();
        (x * x * x).Backward();
        Assert.Equal(12.0, x.Grad!.Item<double>());
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls_until_ZeroGrad()
    {
        // d(Σ 2x)/dx = 2 per element; two backward passes accumulate 4.
        Tensor x = Leaf(1, 2, 3);
        (x * 2.0).Sum().Backward();
        (x * 2.0).Sum().Backward();
        Assert.Equal([4.0, 4.0, 4.0], x.Grad!.ToArray<double>());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Broadcast_gradients_are_summed_back_to_each_input_shape()
    {
        // Σ(a + b) over (3,4) with a (3,1) and b (1,4): each a element is used 4 times, each b element 3 times.
        Tensor a = Tensor.Zeros([3, 1], DType.Float64).RequireGrad();
        Tensor b = Tensor.Zeros([1, 4], DType.Float64).RequireGrad();
        (a + b).Sum().Backward();
        Assert.All(a.Grad!.ToArray<double>(), v => Assert.Equal(4.0, v));
        Assert.All(b.Grad!.ToArray<double>(), v => Assert.Equal(3.0, v));
        Assert.Equal([3, 1], a.Grad!.Shape);
    }

    [Fact]
    public void Backward_with_a_gradient_is_a_vector_Jacobian_product()
    {
        // y = x ⊙ c has Jacobian diag(c), so vᵀJ = v ⊙ c = (1·1, 10·2, 100·3).
        Tensor x = Leaf(5, 6, 7);
        Tensor c = Tensor.FromArray(new double[] { 1, 2, 3 });
        Tensor y = x * c;
        y.Backward(Tensor.FromArray(new double[] { 1, 10, 100 }));
        Assert.Equal([1.0, 20.0, 300.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Backward_on_a_non_scalar_without_gradient_throws()
    {
        Tensor x = Leaf(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2.0).Backward());
        Assert.Contains("one-element", e.Message);
    }

    [Fact]
    public void Backward_twice_needs_retainGraph()
    {
        Tensor x = Leaf(3);
        Tensor y = (x.Exp() * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        // d/dx x·eˣ = (1 + x)eˣ = 4e³, accumulated twice.
        Assert.Equal(8 * Math.Exp(3), x.Grad!.Item<double>(), 1e-9);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", e.Message);
    }

    [Fact]
    public void A_chain_of_100000_ops_backpropagates_without_stack_overflow()
    {
        // y = x + 1 + 1 + … (100,000 additions): dy/dx = 1.
        Tensor x = Tensor.Scalar(0.0, DType.Float64).RequireGrad();
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y + 1.0;
        y.Backward();
        Assert.Equal(100_000.0, y.Item<double>());
        Assert.Equal(1.0, x.Grad!.Item<double>());
    }

    [Fact]
    public void Nodes_carry_their_op_names()
    {
        Tensor a = Leaf(1), b = Leaf(2);
        Tensor y = (a * b).Exp();
        Assert.Equal("Exp", y.GradFn!.Name);
        Assert.Equal("Mul", y.GradFn.NextFunctions.Single()!.Name);
        Assert.Contains("grad_fn=<ExpBackward>", y.ToString());
    }

    [Fact]
    public void No_grad_mode_records_nothing()
    {
        Tensor x = Leaf(1, 2);
        Tensor y;
        using (GradMode.Disable())
        {
            y = x * 2.0;
            Assert.False(GradMode.IsEnabled);
            using (GradMode.Enable()) Assert.NotNull((x * 2.0).GradFn);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void Detach_cuts_the_graph_and_shares_storage()
    {
        // y = x·detach(x): only the first factor is differentiated, dy/dx = x = 3.
        Tensor x = Leaf(3);
        Tensor d = x.Detach();
        Assert.False(d.RequiresGrad);
        (x * d).Sum().Backward();
        Assert.Equal(3.0, x.Grad!.Item<double>());
        using (GradMode.Disable()) x.FillInPlace(5);
        Assert.Equal(5.0, d.Item<double>());
    }

    [Fact]
    public void Functional_grad_returns_gradients_without_touching_Grad()
    {
        // d/dx Σx³ = 3x² = (3, 12).
        Tensor x = Leaf(1, 2);
        Tensor g = Autograd.Grad((x * x * x).Sum(), x);
        Assert.Equal([3.0, 12.0], g.ToArray<double>());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Functional_grad_of_an_intermediate_tensor()
    {
        // L = Σ h², h = 2x: dL/dh = 2h = 4x = (4, 8).
        Tensor x = Leaf(1, 2);
        Tensor h = x * 2.0;
        Tensor?[] g = Autograd.Grad([(h * h).Sum()], [h]);
        Assert.Equal([4.0, 8.0], g[0]!.ToArray<double>());
    }

    [Fact]
    public void Functional_grad_reports_unused_inputs()
    {
        Tensor x = Leaf(1), unused = Leaf(2);
        Tensor y = (x * 2.0).Sum();
        Assert.Throws<InvalidOperationException>(() => Autograd.Grad([y], [x, unused], retainGraph: true));
        Tensor?[] g = Autograd.Grad([y], [x, unused], allowUnused: true);
        Assert.Equal(2.0, g[0]!.Item<double>());
        Assert.Null(g[1]);
    }

    [Fact]
    public void Anomaly_mode_names_the_op_whose_forward_made_a_NaN()
    {
        Tensor x = Leaf(-1);
        using var _ = Autograd.DetectAnomaly();
        var e = Assert.Throws<ArithmeticException>(() => x.Log());
        Assert.Contains("Log forward", e.Message);
    }

    [Fact]
    public void Anomaly_mode_names_the_op_whose_backward_made_an_infinity()
    {
        // d/dx √x = 1/(2√x) is +∞ at x = 0 though √0 = 0 is finite.
        Tensor x = Leaf(0);
        using var _ = Autograd.DetectAnomaly();
        Tensor y = x.Sqrt().Sum();
        var e = Assert.Throws<ArithmeticException>(() => y.Backward());
        Assert.Contains("Sqrt backward", e.Message);
    }

    [Fact]
    public void Without_anomaly_mode_NaN_flows_silently()
    {
        Tensor y = Leaf(-1).Log();
        Assert.True(double.IsNaN(y.Item<double>()));
    }

    [Fact]
    public void A_wrong_gradient_shape_from_a_backward_is_reported_with_the_op_name()
    {
        Tensor x = Leaf(1, 2, 3);
        Tensor y = Graph.Record(Tensor.FromArray(new double[] { 6 }), "Broken", [x], g => [Tensor.Ones([2], DType.Float64)]);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Backward of Broken returned a gradient of shape (2) for input 0 of shape (3)", e.Message);
    }

    [Fact]
    public void In_place_ops_refuse_tensors_that_require_grad()
    {
        Tensor w = Leaf(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => w.AddInPlace(Tensor.FromArray(new double[] { 1, 1 })));
        Assert.Contains("in-place", e.Message);
        using (GradMode.Disable()) w.AddInPlace(Tensor.FromArray(new double[] { 1, 1 }), alpha: -0.5);
        Assert.Equal([0.5, 1.5], w.ToArray<double>());
    }

    [Fact]
    public void RequiresGrad_is_for_float_leaves_only()
    {
        Assert.Throws<InvalidOperationException>(() => Tensor.Arange(3).RequireGrad());
        Tensor y = Leaf(1) * 2.0;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.False(y.IsLeaf);
    }

    [Fact]
    public void Saved_tensors_are_released_after_backward()
    {
        (Tensor loss, WeakReference saved) = BuildGraph();
        loss.Backward();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(saved.IsAlive);
        Assert.NotNull(loss.GradFn);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor, WeakReference) BuildGraph()
    {
        Tensor x = Tensor.Rand([64, 64], null, DType.Float64).RequireGrad();
        Tensor e = x.Exp();               // saved by Exp's backward (dy·eˣ) and by Mul's
        Tensor loss = (e * e).Sum();
        return (loss, new WeakReference(e));
    }

    [Fact]
    public void Softmax_gradient_equals_its_composite_formula()
    {
        // Fused kernel vs exp(x)/Σexp(x) built from primitives: same values, same gradients.
        Tensor x1 = Tensor.Randn([4, 7], new Generator(3), DType.Float64).RequireGrad();
        Tensor x2 = x1.Detach().Clone().RequireGrad();
        Tensor w = Tensor.Randn([4, 7], new Generator(4), DType.Float64);
        (x1.Softmax(1) * w).Sum().Backward();
        (x2.Exp() / x2.Exp().Sum(1, keepDim: true) * w).Sum().Backward();
        Ops.GradCheckTests.AssertClose("softmax grad", x2.Grad!, x1.Grad!, 1e-14, 1e-12);
    }

    [Fact]
    public void LogSoftmax_and_LogSumExp_gradients_equal_their_composites()
    {
        Tensor x1 = Tensor.Randn([3, 5], new Generator(5), DType.Float64).RequireGrad();
        Tensor x2 = x1.Detach().Clone().RequireGrad();
        Tensor w = Tensor.Randn([3, 5], new Generator(6), DType.Float64);
        (x1.LogSoftmax(1) * w).Sum().Backward();
        ((x2 - x2.Exp().Sum(1, keepDim: true).Log()) * w).Sum().Backward();
        Ops.GradCheckTests.AssertClose("log-softmax grad", x2.Grad!, x1.Grad!, 1e-14, 1e-12);

        Tensor y1 = Tensor.Randn([3, 5], new Generator(7), DType.Float64).RequireGrad();
        Tensor y2 = y1.Detach().Clone().RequireGrad();
        y1.LogSumExp(0).Sum().Backward();
        y2.Exp().Sum(0).Log().Sum().Backward();
        Ops.GradCheckTests.AssertClose("logsumexp grad", y2.Grad!, y1.Grad!, 1e-14, 1e-12);
    }

    [Fact]
    public void LayerNorm_gradients_equal_its_composite_formula()
    {
        Tensor x1 = Tensor.Randn([5, 8], new Generator(10), DType.Float64).RequireGrad();
        Tensor w1 = Tensor.Randn([8], new Generator(11), DType.Float64).RequireGrad();
        Tensor b1 = Tensor.Randn([8], new Generator(12), DType.Float64).RequireGrad();
        Tensor x2 = x1.Detach().Clone().RequireGrad(), w2 = w1.Detach().Clone().RequireGrad(), b2 = b1.Detach().Clone().RequireGrad();
        Tensor g = Tensor.Randn([5, 8], new Generator(13), DType.Float64);
        (x1.LayerNorm([8], w1, b1) * g).Sum().Backward();
        Tensor composite = (x2 - x2.Mean(1, true)) * (x2.Var(1, correction: 0, keepDim: true) + 1e-5).Rsqrt() * w2 + b2;
        (composite * g).Sum().Backward();
        Ops.GradCheckTests.AssertClose("layer norm dx", x2.Grad!, x1.Grad!, 1e-13, 1e-11);
        Ops.GradCheckTests.AssertClose("layer norm dw", w2.Grad!, w1.Grad!, 1e-13, 1e-11);
        Ops.GradCheckTests.AssertClose("layer norm db", b2.Grad!, b1.Grad!, 1e-13, 1e-11);
    }

    [Fact]
    public void LogSumExp_does_not_overflow_where_the_naive_formula_does()
    {
        // log(e¹⁰⁰⁰ + e¹⁰⁰⁰) = 1000 + ln 2; naively e¹⁰⁰⁰ = ∞.
        Tensor x = Tensor.FromArray(new double[] { 1000, 1000 });
        Assert.Equal(1000 + Math.Log(2), x.LogSumExp(0).Item<double>(), 1e-12);
        Assert.True(double.IsInfinity(x.Exp().Sum().Log().Item<double>()));
        Assert.Equal([0.5, 0.5], x.Softmax(0).ToArray<double>());
    }

    [Fact]
    public void Forward_mode_jvp_matches_reverse_mode_gradient()
    {
        // f(x) = Σ tanh(W·x): reverse mode gives ∇f in one pass; forward mode gives ∇f·eᵢ per pass.
        Tensor w = Tensor.Randn([3, 4], new Generator(8), DType.Float64);
        Tensor x = Tensor.Randn([4], new Generator(9), DType.Float64).RequireGrad();
        w.MatMul(x).Tanh().Sum().Backward();
        double[] reverse = x.Grad!.ToArray<double>();
        for (int i = 0; i < 4; i++)
        {
            Tensor e = Tensor.Zeros([4], DType.Float64);
            using (GradMode.Disable()) e.Narrow(0, i, 1).FillInPlace(1);
            (Tensor value, Tensor jvp) = ForwardAD.Jvp(d => Dual.Constant(w).MatMul(d).Tanh().Sum(), x.Detach(), e);
            Assert.Equal(reverse[i], jvp.Item<double>(), 1e-12);
            Assert.Equal(w.MatMul(x.Detach()).Tanh().Sum().Item<double>(), value.Item<double>(), 1e-12);
        }
    }

    [Fact]
    public void Parameters_are_leaves_that_share_storage_and_collect_gradients()
    {
        Tensor data = Tensor.FromArray(new double[] { 1, 2 });
        var p = new Parameter(data);
        Assert.True(p.RequiresGrad && p.IsLeaf);
        (p * p).Sum().Backward();                      // d/dp Σp² = 2p
        Assert.Equal([2.0, 4.0], p.Grad!.ToArray<double>());
        using (GradMode.Disable()) p.SubInPlace(p.Grad!, alpha: 0.5);
        Assert.Equal([0.0, 0.0], data.ToArray<double>());
        Assert.StartsWith("Parameter containing:", p.ToString());
        Assert.Throws<ArgumentException>(() => new Parameter(Tensor.Arange(2)));
    }

    [Fact]
    public void Step_has_zero_gradient_and_the_perceptron_values()
    {
        // H(x) = 1 for x > 0 else 0 (H(0) = 0); derivative 0 almost everywhere.
        Tensor x = Leaf(-2, 0, 0.5);
        Tensor y = x.Step();
        Assert.Equal([0.0, 0.0, 1.0], y.ToArray<double>());
        y.Sum().Backward();
        Assert.Equal([0.0, 0.0, 0.0], x.Grad!.ToArray<double>());
    }
}
