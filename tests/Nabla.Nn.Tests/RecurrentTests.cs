using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Recurrent layers beyond the PyTorch goldens: shapes, names, init, errors, dropout between layers,
/// truncated backpropagation through time, the fused LSTM against the composite cell, and additive attention.</summary>
public sealed class RecurrentTests
{
    [Fact]
    public void Shapes_and_names_follow_pytorch()
    {
        var lstm = new Lstm(3, 4, numLayers: 2, bidirectional: true, batchFirst: true);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            lstm.StateDict().Keys);
        Assert.Equal([16, 8], lstm.StateDict()["weight_ih_l1"].Shape);     // layer 1 reads both directions: 2·4
        var (y, (hn, cn)) = lstm.Forward(Tensor.Zeros(5, 7, 3));           // (B, T, in) with batch_first
        Assert.Equal([5, 7, 8], y.Shape);
        Assert.Equal([4, 5, 4], hn.Shape);
        Assert.Equal([4, 5, 4], cn.Shape);
        Assert.Equal("LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)", lstm.ToString());
        // Unbatched (T, in) → (T, D·H) and h_n (L·D, H).
        var gru = new Gru(3, 4);
        (Tensor yu, Tensor hu) = gru.Forward(Tensor.Zeros(6, 3));
        Assert.Equal([6, 4], yu.Shape);
        Assert.Equal([1, 4], hu.Shape);
        Assert.Equal("GRU(3, 4)", gru.ToString());
        Assert.Equal("RNN(3, 4, bias=False, nonlinearity=relu)", new Rnn(3, 4, nonlinearity: Nonlinearity.Relu, bias: false).ToString());
        Assert.Equal("LSTMCell(3, 4)", new LstmCell(3, 4).ToString());
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new GruCell(3, 4).StateDict().Keys);
    }

    [Fact]
    public void Init_is_uniform_within_one_over_sqrt_hidden()
    {
        // U(−1/√H, 1/√H) with H = 64: bound 1/8, variance bound²/3; 4·64·(32 + 64 + 2) = 25,088 samples.
        var lstm = new Lstm(32, 64, generator: new Generator(5));
        double[] all = lstm.Parameters().SelectMany(p => p.ToArray<float>()).Select(v => (double)v).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.125, 0.125));
        double variance = all.Select(v => v * v).Average();
        Assert.InRange(variance, 0.125 * 0.125 / 3 * 0.96, 0.125 * 0.125 / 3 * 1.04);
    }

    [Fact]
    public void Bad_shapes_name_the_layer_and_the_expected_shape()
    {
        var lstm = new Lstm(3, 4, numLayers: 2);
        var e1 = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 4)));
        Assert.Contains("LSTM: expected input (T, B, 3)", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), (Tensor.Zeros(1, 2, 4), Tensor.Zeros(2, 2, 4))));
        Assert.Contains("expected h0 (2, 2, 4)", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<ArgumentException>(() => new Gru(3, 4).Forward(Tensor.Zeros(5, 2, 3), null, [5, 6]));
        Assert.Contains("lengths [5, 6] must hold 2 values in [0, 5]", e3.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Rnn(3, 4, nonlinearity: Nonlinearity.Sigmoid));
    }

    [Fact]
    public void Fused_lstm_matches_the_composite_cell_step_by_step()
    {
        // The layer runs Tensor.LstmSequence; LstmCell runs the composite ops. Same weights → same numbers (float64).
        var lstm = new Lstm(3, 5, dtype: DType.Float64, generator: new Generator(2));
        var cell = new LstmCell(3, 5, dtype: DType.Float64);
        cell.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih"] = lstm.StateDict()["weight_ih_l0"], ["weight_hh"] = lstm.StateDict()["weight_hh_l0"],
            ["bias_ih"] = lstm.StateDict()["bias_ih_l0"], ["bias_hh"] = lstm.StateDict()["bias_hh_l0"],
        });
        Tensor x = Tensor.Rand([6, 2, 3], generator: new Generator(3)).To(DType.Float64);
        var (y, (hn, cn)) = lstm.Forward(x);
        (Tensor h, Tensor c) = (Tensor.Zeros([2, 5], DType.Float64), Tensor.Zeros([2, 5], DType.Float64));
        for (int t = 0; t < 6; t++)
        {
            (h, c) = cell.Forward(x.Select(0, t), (h, c));
            TestUtil.AssertClose($"step {t}", h, y.Select(0, t), 1e-14, 1e-12);
        }
        TestUtil.AssertClose("h_n", h, hn.Select(0, 0), 1e-14, 1e-12);
        TestUtil.AssertClose("c_n", c, cn.Select(0, 0), 1e-14, 1e-12);
    }

    [Fact]
    public void Fused_gru_matches_the_composite_cell_step_by_step()
    {
        // The layer runs Tensor.GruLayer; GruCell runs the composite ops. Same weights → same numbers (float64), for
        // the outputs and for the gradients of every parameter after backpropagation through all six steps.
        var gru = new Gru(3, 5, dtype: DType.Float64, generator: new Generator(4));
        var cell = new GruCell(3, 5, dtype: DType.Float64);
        cell.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih"] = gru.StateDict()["weight_ih_l0"], ["weight_hh"] = gru.StateDict()["weight_hh_l0"],
            ["bias_ih"] = gru.StateDict()["bias_ih_l0"], ["bias_hh"] = gru.StateDict()["bias_hh_l0"],
        });
        Tensor x = Tensor.Rand([6, 2, 3], generator: new Generator(5)).To(DType.Float64);
        (Tensor y, Tensor hn) = gru.Forward(x);
        Tensor h = Tensor.Zeros([2, 5], DType.Float64);
        Tensor cellLoss = Tensor.Zeros([], DType.Float64);
        for (int t = 0; t < 6; t++)
        {
            h = cell.Forward(x.Select(0, t), h);
            TestUtil.AssertClose($"step {t}", h, y.Select(0, t), 1e-14, 1e-12);
            cellLoss = cellLoss + (h * (t + 1.0)).Sum();
        }
        TestUtil.AssertClose("h_n", h, hn.Select(0, 0), 1e-14, 1e-12);
        // L = Σ_t (t + 1)·Σ h_t: every step's output carries a different weight into the gradients.
        (y * Tensor.Arange(1, 7).To(DType.Float64).Reshape(6, 1, 1)).Sum().Backward();
        cellLoss.Backward();
        foreach (string name in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
        {
            Parameter fused = gru.NamedParameters().First(p => p.Name == name + "_l0").Value;
            Parameter composite = cell.NamedParameters().First(p => p.Name == name).Value;
            TestUtil.AssertClose("d/d" + name, composite.Grad!, fused.Grad!, 1e-12, 1e-10);
        }
    }

    [Fact]
    public void Dropout_between_layers_acts_in_training_only()
    {
        // p = 1 zeroes layer 0's output, so layer 1 sees only zeros: its output is then independent of the input.
        var rnn = new Rnn(2, 3, numLayers: 2, dropout: 1.0, generator: new Generator(4));
        Tensor a = Tensor.Rand([4, 1, 2], generator: new Generator(1)), b = Tensor.Rand([4, 1, 2], generator: new Generator(2));
        Assert.Equal(rnn.Forward(a).Output.ToArray<float>(), rnn.Forward(b).Output.ToArray<float>());
        rnn.Eval();
        Assert.NotEqual(rnn.Forward(a).Output.ToArray<float>(), rnn.Forward(b).Output.ToArray<float>());
    }

    [Fact]
    public void Truncated_bptt_stops_gradients_at_the_detached_boundary()
    {
        // A 10-step sequence in two chunks of 5, carrying (h, c). Without Detach the two chunks are exactly one
        // 10-step run (same loss gradient for the first chunk's input); with Detach the second chunk's loss sends
        // nothing back into the first chunk.
        var lstm = new Lstm(2, 3, dtype: DType.Float64, generator: new Generator(6));
        Tensor x = Tensor.Rand([10, 1, 2], generator: new Generator(7)).To(DType.Float64);

        Tensor whole = x.Clone().RequireGrad();
        lstm.Forward(whole).Output.Narrow(0, 5, 5).Sum().Backward();
        Tensor first = x.Narrow(0, 0, 5).Clone().RequireGrad(), second = x.Narrow(0, 5, 5).Clone().RequireGrad();
        var (_, state) = lstm.Forward(first);
        lstm.Forward(second, state).Output.Sum().Backward();
        TestUtil.AssertClose("carried state = one run", whole.Grad!.Narrow(0, 0, 5), first.Grad!, 1e-14, 1e-12);
        Assert.True(first.Grad!.Abs().Sum().Item<double>() > 1e-3, "the carried state should pass gradient back");

        first = x.Narrow(0, 0, 5).Clone().RequireGrad();
        (_, state) = lstm.Forward(first);
        (Tensor H, Tensor C) detached = (state.HN.Detach(), state.CN.Detach());
        lstm.Forward(second, detached).Output.Sum().Backward();
        Assert.Null(first.Grad);
    }

    [Fact]
    public void Plain_rnn_gradients_vanish_over_40_steps_while_the_lstm_cell_state_keeps_them()
    {
        // One unit, input x_0 = 0.5 at the first of 40 steps, then zeros; L = h at the last step.
        // RNN with W_ih = 1, W_hh = 0.5, no bias: h_t = tanh(0.5·h_{t−1}), so dL/dx_0 = Π tanh'(·)·0.5³⁹ ≤ 0.5³⁹ ≈ 1.8e-12.
        // LSTM with W_hh = 0, W_ih = (0, 0, 1, 0) (only g reads x), biases b_i = b_f = b_o = 10: i, f, o ≈ σ(10) ≈ 1 − 4.5e-5,
        // so c_0 = i·tanh(0.5), c_t = f·c_{t−1} and dL/dx_0 ≈ (1 − tanh²c_39)·o·f³⁹·i·(1 − tanh²0.5) ≈ 0.82·0.79 ≈ 0.64:
        // the additive cell-state path carries the gradient where the repeated squashing of the RNN destroys it.
        var xs = new double[40];
        xs[0] = 0.5;
        Tensor x = Tensor.FromArray(xs, 40, 1, 1);
        var rnn = new Rnn(1, 1, bias: false, dtype: DType.Float64);
        rnn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = Tensor.FromArray(new double[,] { { 1 } }), ["weight_hh_l0"] = Tensor.FromArray(new double[,] { { 0.5 } }),
        });
        var lstm = new Lstm(1, 1, dtype: DType.Float64);
        lstm.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = Tensor.FromArray(new double[,] { { 0 }, { 0 }, { 1 }, { 0 } }),
            ["weight_hh_l0"] = Tensor.Zeros([4, 1], DType.Float64),
            ["bias_ih_l0"] = Tensor.FromArray([10.0, 10, 0, 10]),
            ["bias_hh_l0"] = Tensor.Zeros([4], DType.Float64),
        });
        Tensor xr = x.Clone().RequireGrad(), xl = x.Clone().RequireGrad();
        rnn.Forward(xr).Output.Select(0, 39).Sum().Backward();
        lstm.Forward(xl).Output.Select(0, 39).Sum().Backward();
        double rnnGrad = xr.Grad!.ToArray<double>()[0], lstmGrad = xl.Grad!.ToArray<double>()[0];
        Assert.InRange(Math.Abs(rnnGrad), 0, 1.82e-12);
        Assert.InRange(lstmGrad, 0.6, 0.66);
    }

    [Fact]
    public void Relu_rnn_gradients_explode_over_40_steps_and_clipping_rescales_them()
    {
        // One unit, x_0 = 0.5 then zeros, L = h_39. ReLU RNN with W_ih = 1, W_hh = 1.5, no bias: h_t = 1.5^t · 0.5 > 0,
        // so ReLU is the identity and dL/dx_0 = 1.5³⁹ ≈ 7.3718e6 exactly (up to rounding), and
        // dL/dW_hh = Σ_{t=1..39} 1.5^(39−t)·h_{t−1} = 39 · 1.5³⁸ · 0.5 ≈ 9.5843e7, dL/dW_ih = 1.5³⁹ · 0.5.
        // ClipGradNorm(max 1) returns the total norm before clipping and leaves a gradient of norm 1.
        var xs = new double[40];
        xs[0] = 0.5;
        Tensor x = Tensor.FromArray(xs, 40, 1, 1).RequireGrad();
        var rnn = new Rnn(1, 1, nonlinearity: Nonlinearity.Relu, bias: false, dtype: DType.Float64);
        rnn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = Tensor.FromArray(new double[,] { { 1 } }), ["weight_hh_l0"] = Tensor.FromArray(new double[,] { { 1.5 } }),
        });
        rnn.Forward(x).Output.Select(0, 39).Sum().Backward();
        Assert.Equal(Math.Pow(1.5, 39), x.Grad!.ToArray<double>()[0], 1e-6);
        double whh = 39 * Math.Pow(1.5, 38) * 0.5, wih = Math.Pow(1.5, 39) * 0.5;
        double norm = Nabla.Optim.ClipGrad.ClipGradNorm(rnn.Parameters(), maxNorm: 1.0);
        Assert.Equal(Math.Sqrt(whh * whh + wih * wih), norm, 1e-3);
        double after = Math.Sqrt(rnn.Parameters().Sum(p => p.Grad!.Square().Sum().Item<double>()));
        Assert.Equal(1.0, after, 1e-6);
    }

    [Fact]
    public void Only_a_bidirectional_lstm_sees_future_inputs()
    {
        // Output step 0 of a forward-only LSTM is a function of x_0 alone, so d output[0] / d x[9] is exactly 0; the
        // reverse direction of a bidirectional LSTM reaches step 0 from x_9 through 9 recurrent steps (non-zero).
        var g = new Generator(21);
        Tensor seq = Tensor.Randn([1, 10, 4], g, DType.Float64);
        double Reach(bool bidirectional)
        {
            var lstm = new Lstm(4, 4, batchFirst: true, bidirectional: bidirectional, dtype: DType.Float64, generator: g);
            Tensor x = seq.Clone().RequireGrad();
            lstm.Forward(x).Output.Select(1, 0).Sum().Backward();
            return x.Grad!.Select(1, 9).Abs().Sum().Item<double>();
        }
        Assert.Equal(0.0, Reach(false));
        Assert.True(Reach(true) > 1e-6);
    }

    [Fact]
    public void Gradients_of_every_layer_pass_a_float64_gradcheck()
    {
        Tensor x = Tensor.Rand([4, 2, 3], generator: new Generator(8)).To(DType.Float64);
        var rnn = new Rnn(3, 2, numLayers: 2, bidirectional: true, dtype: DType.Float64, generator: new Generator(9));
        var gru = new Gru(3, 2, batchFirst: true, dtype: DType.Float64, generator: new Generator(10));
        var lstm = new Lstm(3, 2, bidirectional: true, dtype: DType.Float64, generator: new Generator(11));
        TestUtil.GradCheck("RNN", t => rnn.Forward(t).Output, x);
        TestUtil.GradCheck("GRU", t => gru.Forward(t, null, [3, 1]).Output, x.Transpose(0, 1).Contiguous());
        TestUtil.GradCheck("LSTM", t => lstm.Forward(t, null, [4, 2]).State.CN, x);
    }

    [Fact]
    public void Additive_attention_weights_and_context_by_hand()
    {
        // Dq = Dk = A = 1 with W_q = W_k = v = 1: score_j = tanh(q + k_j). q = 0, keys (0, atanh(ln 2)) give scores
        // (0, ln 2), weights softmax = (1, 2)/3, and with values (3, 6) the context 3/3 + 12/3 = 5.
        var attn = new AdditiveAttention(1, 1, 1, dtype: DType.Float64);
        attn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["query_proj.weight"] = Tensor.FromArray(new double[,] { { 1 } }),
            ["key_proj.weight"] = Tensor.FromArray(new double[,] { { 1 } }),
            ["v"] = Tensor.FromArray([1.0]),
        });
        Tensor q = Tensor.Zeros([1, 1], DType.Float64);
        Tensor keys = Tensor.FromArray([0, Math.Atanh(Math.Log(2))], 1, 2, 1);
        Tensor values = Tensor.FromArray([3.0, 6.0], 1, 2, 1);
        var (context, weights) = attn.Forward(q, keys, values);
        TestUtil.AssertClose("weights", Tensor.FromArray([1 / 3.0, 2 / 3.0], 1, 2), weights, 1e-15, 1e-14);
        TestUtil.AssertClose("context", Tensor.FromArray([5.0], 1, 1), context, 1e-15, 1e-14);
        // Masking step 2 (padding) leaves all weight on step 1: context 3.
        (context, weights) = attn.Forward(q, keys, values, Tensor.FromArray(new[] { false, true }, 1, 2));
        TestUtil.AssertClose("masked weights", Tensor.FromArray([1.0, 0.0], 1, 2), weights, 0, 0);
        TestUtil.AssertClose("masked context", Tensor.FromArray([3.0], 1, 1), context, 1e-15, 1e-14);
    }

    [Fact]
    public void Additive_attention_gradcheck_and_many_queries()
    {
        var attn = new AdditiveAttention(3, 2, 4, bias: true, dtype: DType.Float64, generator: new Generator(12));
        Tensor keys = Tensor.Rand([2, 5, 2], generator: new Generator(13)).To(DType.Float64);
        Tensor q = Tensor.Rand([2, 3, 3], generator: new Generator(14)).To(DType.Float64);
        Tensor mask = Tensor.FromArray(new[] { false, false, false, true, true, false, false, false, false, false }, 2, 5);
        var (context, weights) = attn.Forward(q, keys, null, mask);
        Assert.Equal([2, 3, 2], context.Shape);
        Assert.Equal([2, 3, 5], weights.Shape);
        TestUtil.AssertClose("rows sum to 1", Tensor.Ones([2, 3], DType.Float64), weights.Sum(-1), 1e-15, 1e-14);
        Assert.Equal(0.0, weights.Select(0, 0).Narrow(-1, 3, 2).Abs().Sum().Item<double>());
        TestUtil.GradCheck("attention / query", t => attn.Forward(t, keys, null, mask).Context, q);
        TestUtil.GradCheck("attention / keys", t => attn.Forward(q, t, null, mask).Context, keys);
        var e = Assert.Throws<ArgumentException>(() => attn.Forward(q, keys, Tensor.Zeros([2, 4, 2], DType.Float64)));
        Assert.Contains("AdditiveAttention: expected query", e.Message, StringComparison.Ordinal);
    }
}
