using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Hand-derived loss values, numerically hard points, module wrappers and error messages.</summary>
public sealed class LossTests
{
    private static Tensor D(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Mse_by_hand()
    {
        // d = x − y = (0, 2, −2), d² = (0, 4, 4): mean 8/3, sum 8.
        Tensor x = D(1, 2, 3), y = D(1, 0, 5);
        Assert.Equal(8.0 / 3, F.MseLoss(x, y).Item<double>(), 15);
        Assert.Equal(8.0, F.MseLoss(x, y, Reduction.Sum).Item<double>());
        Assert.Equal([0.0, 4, 4], F.MseLoss(x, y, Reduction.None).ToArray<double>());
    }

    [Fact]
    public void Huber_is_quadratic_inside_delta_and_linear_outside()
    {
        // |d| = 0.5 < 1: ½·0.25 = 0.125; |d| = 3: 1·(3 − ½) = 2.5; d = 0: 0.
        Tensor loss = F.HuberLoss(D(0.5, -3, 2), D(0, 0, 2), Reduction.None);
        Assert.Equal([0.125, 2.5, 0], loss.ToArray<double>());
    }

    [Fact]
    public void Hinge_embedding_by_hand()
    {
        // y = 1: x = 0.3; y = −1: max(0, 1 − 0.3) = 0.7; y = −1 beyond the margin: max(0, 1 − 2) = 0.
        Tensor loss = F.HingeEmbeddingLoss(D(0.3, 0.3, 2), D(1, -1, -1), reduction: Reduction.None);
        TestUtil.AssertClose("hinge", D(0.3, 0.7, 0), loss, 1e-15, 0);
    }

    [Fact]
    public void Multi_margin_matches_the_pytorch_documentation_example()
    {
        // x = (0.1, 0.2, 0.4, 0.8), y = 3: ((1 − 0.8 + 0.1) + (1 − 0.8 + 0.2) + (1 − 0.8 + 0.4)) / 4 = 1.3/4 = 0.325.
        Tensor loss = F.MultiMarginLoss(D(0.1, 0.2, 0.4, 0.8).Reshape(1, 4), Tensor.FromArray(new long[] { 3 }));
        Assert.Equal(0.325, loss.Item<double>(), 15);
    }

    [Fact]
    public void Cross_entropy_of_uniform_logits_is_log_C()
    {
        // softmax of equal logits is 1/C for every class, so −log p = log C whatever the target.
        Tensor logits = Tensor.Zeros([3, 4], DType.Float64);
        Tensor loss = F.CrossEntropy(logits, Tensor.FromArray(new long[] { 0, 3, 1 }));
        Assert.Equal(Math.Log(4), loss.Item<double>(), 15);
    }

    [Fact]
    public void Softmax_and_nll_worked_examples_give_ln2_and_ln5()
    {
        // Two equal logits: p_true = ½, NLL = −ln ½ = ln 2 ≈ 0.693. Five equal logits: p_true = 1/5, NLL = ln 5 ≈ 1.609.
        Tensor two = F.CrossEntropy(Tensor.FromArray([3.0, 3.0]), Tensor.Scalar(1L));
        Assert.Equal(Math.Log(2), two.Item<double>(), 15);
        Assert.Equal(0.693, two.Item<double>(), 3);
        Tensor five = F.CrossEntropy(Tensor.Zeros([1, 5], DType.Float64), Tensor.FromArray(new long[] { 4 }));
        Assert.Equal(Math.Log(5), five.Item<double>(), 15);
        Assert.Equal(1.609, five.Item<double>(), 3);
        // NLL of probabilities given as logs: −ln p_true.
        Tensor logp = Tensor.FromArray([0.5, 0.3, 0.2]).Log();
        Assert.Equal(Math.Log(5), F.NllLoss(logp, Tensor.Scalar(2L)).Item<double>(), 15);
        // Categorical cross-entropy with a one-hot probability target equals the index form.
        Tensor logits = Tensor.FromArray(new double[,] { { 1, 2, 0.5 } });
        Assert.Equal(F.CrossEntropy(logits, Tensor.FromArray(new long[] { 1 })).Item<double>(),
                     F.CrossEntropy(logits, Tensor.FromArray(new double[,] { { 0, 1, 0 } })).Item<double>(), 15);
    }

    [Fact]
    public void Cross_entropy_mean_is_nan_when_every_target_is_ignored()
    {
        // PyTorch divides Σ 0 by Σ 0 weights.
        Tensor loss = F.CrossEntropy(Tensor.Zeros([2, 3], DType.Float64), Tensor.FromArray(new long[] { -100, -100 }));
        Assert.True(double.IsNaN(loss.Item<double>()));
        Tensor sum = F.CrossEntropy(Tensor.Zeros([2, 3], DType.Float64), Tensor.FromArray(new long[] { -100, -100 }), reduction: Reduction.Sum);
        Assert.Equal(0.0, sum.Item<double>());
    }

    [Fact]
    public void Cross_entropy_stays_finite_for_huge_logits()
    {
        // log-sum-exp inside: logits (1000, 0) with target 1 cost 1000 exactly, not ∞.
        Tensor logits = D(1000, 0).Reshape(1, 2).RequireGrad();
        Tensor loss = F.CrossEntropy(logits, Tensor.FromArray(new long[] { 1 }));
        Assert.Equal(1000.0, loss.Item<double>());
        loss.Backward();
        // dℓ/dx = softmax(x) − onehot(y) = (1, 0) − (0, 1).
        Assert.Equal([1.0, -1], logits.Grad!.ToArray<double>());
    }

    [Fact]
    public void Bce_with_logits_is_stable_and_exact_at_zero()
    {
        // ℓ(0, 1) = log 2 with gradient σ(0) − 1 = −½, also at the kink of |x| in the textbook formula.
        Tensor x = D(0).RequireGrad();
        Tensor loss = F.BinaryCrossEntropyWithLogits(x, D(1));
        Assert.Equal(Math.Log(2), loss.Item<double>(), 15);
        loss.Backward();
        Assert.Equal(-0.5, x.Grad!.Item<double>(), 15);
        // With pos_weight p = 3 and y = 1: ℓ = 3·log 2, gradient (1 + (p − 1)y)σ(0) − p·y = 1.5 − 3 = −1.5.
        Tensor xp = D(0).RequireGrad();
        Tensor weighted = F.BinaryCrossEntropyWithLogits(xp, D(1), posWeight: D(3));
        Assert.Equal(3 * Math.Log(2), weighted.Item<double>(), 14);
        weighted.Backward();
        Assert.Equal(-1.5, xp.Grad!.Item<double>(), 15);
        // Far in the tails: ℓ(1000, 0) = ℓ(−1000, 1) = 1000, with gradients σ(±1000) − y = ±1, all finite.
        Tensor big = D(1000, -1000).RequireGrad();
        Tensor tails = F.BinaryCrossEntropyWithLogits(big, D(0, 1), reduction: Reduction.None);
        Assert.Equal([1000.0, 1000], tails.ToArray<double>());
        tails.Sum().Backward();
        Assert.Equal([1.0, -1], big.Grad!.ToArray<double>());
    }

    [Fact]
    public void Bce_clamps_the_log_at_minus_100_with_finite_gradients()
    {
        // x = 0 with y = 1: −log 0 is clamped to 100, as in PyTorch; the clamped branch passes no gradient.
        Tensor x = D(0, 1).RequireGrad();
        Tensor loss = F.BinaryCrossEntropy(x, D(1, 0), reduction: Reduction.None);
        Assert.Equal([100.0, 100], loss.ToArray<double>());
        loss.Sum().Backward();
        Assert.All(x.Grad!.ToArray<double>(), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void Loss_modules_match_the_functions_and_register_weights_as_buffers()
    {
        var g = new Generator(5);
        Tensor x = Tensor.Randn([4, 3], g, DType.Float64), t = Tensor.FromArray(new long[] { 0, 2, 1, 2 });
        Tensor w = D(0.5, 1, 2);
        var ce = new CrossEntropyLoss(w, labelSmoothing: 0.1);
        Assert.Equal(F.CrossEntropy(x, t, w, labelSmoothing: 0.1).Item<double>(), ce.Forward(x, t).Item<double>());
        Assert.Equal(["weight"], ce.StateDict().Keys);
        Assert.Equal("CrossEntropyLoss()", ce.ToString());
        var bce = new BceWithLogitsLoss(posWeight: D(1, 2, 3));
        Tensor y = Tensor.Rand([4, 3], g, DType.Float64);
        Assert.Equal(F.BinaryCrossEntropyWithLogits(x, y, posWeight: D(1, 2, 3)).Item<double>(), bce.Forward(x, y).Item<double>());
        Assert.Equal(["pos_weight"], bce.StateDict().Keys);
        Assert.Equal(F.MseLoss(x, y, Reduction.Sum).Item<double>(), new MseLoss(Reduction.Sum).Forward(x, y).Item<double>());
        Assert.Equal(F.L1Loss(x, y).Item<double>(), new L1Loss().Forward(x, y).Item<double>());
        Assert.Equal(F.HuberLoss(x, y, delta: 0.3).Item<double>(), new HuberLoss(delta: 0.3).Forward(x, y).Item<double>());
        Tensor p = x.Sigmoid();
        Assert.Equal(F.BinaryCrossEntropy(p, y).Item<double>(), new BceLoss().Forward(p, y).Item<double>());
        Tensor logp = x.LogSoftmax(1);
        Assert.Equal(F.NllLoss(logp, t, ignoreIndex: 2).Item<double>(), new NllLoss(ignoreIndex: 2).Forward(logp, t).Item<double>());
        Tensor pm = y.Gt(0.5).To(DType.Float64) * 2.0 - 1.0;   // ±1 targets
        Assert.Equal(F.HingeEmbeddingLoss(x, pm, 0.5).Item<double>(), new HingeEmbeddingLoss(0.5).Forward(x, pm).Item<double>());
        Assert.Equal(F.MultiMarginLoss(x, t, 2, 0.5, w).Item<double>(), new MultiMarginLoss(2, 0.5, w).Forward(x, t).Item<double>());
    }

    [Fact]
    public void Shape_errors_name_the_loss_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => F.MseLoss(Tensor.Zeros(3, 4), Tensor.Zeros(3, 1)));
        Assert.StartsWith("MseLoss: input (3, 4) and target (3, 1) must have the same shape.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(5, 4), Tensor.FromArray(new long[] { 0, 1, 2, 3 })));
        Assert.StartsWith("CrossEntropyLoss: input (5, 4) expects target (5) of class indices or (5, 4) of probabilities, but got (4).", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 3 })));
        Assert.StartsWith("CrossEntropyLoss: target 3 is out of bounds for 3 classes.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 1 }), weight: Tensor.Ones(4)));
        Assert.StartsWith("CrossEntropyLoss: weight (4) must be (3)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
        Assert.StartsWith("NllLoss: target must hold Int64 class indices, got Float32.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(D(0.5, 1.5), D(0, 1)));
        Assert.StartsWith("BceLoss: all elements of input should be between 0 and 1.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), weight: Tensor.Ones(2)));
        Assert.Contains("weight (2) does not broadcast to input (2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 1 }), labelSmoothing: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.MultiMarginLoss(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 1 }), p: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(delta: 0));
    }

    [Fact]
    public void Float32_losses_agree_with_float64_to_single_precision()
    {
        var g = new Generator(8);
        Tensor x = Tensor.Randn([6, 5], g, DType.Float64), t = Tensor.FromArray(new long[] { 0, 4, 2, 2, 1, 3 });
        double expected = F.CrossEntropy(x, t, labelSmoothing: 0.1).Item<double>();
        float actual = F.CrossEntropy(x.To(DType.Float32), t, labelSmoothing: 0.1).Item<float>();
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected), $"{actual} vs {expected}");
    }
}
