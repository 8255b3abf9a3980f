using Nabla.Nn;
using Nabla.Optim;

namespace Nabla.Samples.Sequence;

/// <summary>
/// Why plain RNNs forget and how LSTMs and clipping help, with one hidden unit so every number can be checked by hand.
/// </summary>
/// <remarks>
/// Input x₀ = 0.5 at the first step, zeros after; loss L = h at the last of T steps; the table shows |dL/dx₀|.
/// Tanh RNN with W_ih = 1, W_hh = 0.5: h_t = tanh(0.5·h_{t−1}), so dL/dx₀ = Π tanh′(·)·0.5^(T−1): it vanishes
/// geometrically. LSTM with only g reading x and i, f, o biased to σ(10) ≈ 1: c_t = f·c_{t−1} carries x₀ along an
/// additive path and the gradient stays ≈ 0.64 whatever T. ReLU RNN with W_hh = 1.5: h_t = 1.5·h_{t−1}, the gradient
/// grows as 1.5^(T−1) (exploding); <see cref="ClipGrad.ClipGradNorm"/> rescales it to a chosen norm.
/// </remarks>
public static class GradientsThroughTime
{
    /// <summary>Prints the table and the clipping example.</summary>
    public static void Run()
    {
        Console.WriteLine("|dL/dx0| for L = h at the last step, x0 = 0.5, one hidden unit (hand-set weights):");
        Console.WriteLine($"  {"steps T",8} {"tanh RNN, W_hh = 0.5",22} {"LSTM, f = sigma(10)",20} {"ReLU RNN, W_hh = 1.5",22}");
        foreach (int steps in new[] { 5, 10, 20, 40, 80 })
        {
            Rnn tanhRnn = Plain(Nonlinearity.Tanh, 0.5), reluRnn = Plain(Nonlinearity.Relu, 1.5);
            Lstm lstm = Gated();
            double vanishing = Gradient(steps, t => tanhRnn.Forward(t).Output);
            double carried = Gradient(steps, t => lstm.Forward(t).Output);
            double exploding = Gradient(steps, t => reluRnn.Forward(t).Output);
            Console.WriteLine($"  {steps,8} {vanishing,22:0.00E+00} {carried,20:F4} {exploding,22:0.00E+00}");
        }

        // Clipping the exploding case: the gradient of W_hh after 40 ReLU steps, before and after ClipGradNorm(1).
        Rnn clipped = Plain(Nonlinearity.Relu, 1.5);
        Tensor x = Input(40);
        clipped.Forward(x).Output.Select(0, 39).Sum().Backward();
        double before = ClipGrad.ClipGradNorm(clipped.Parameters(), maxNorm: 1.0);
        double after = Math.Sqrt(clipped.Parameters().Sum(p => p.Grad!.Square().Sum().Item<double>()));
        Console.WriteLine($"Gradient clipping, ReLU RNN over 40 steps: total gradient norm {before:0.000E+00} before ClipGradNorm(max 1), {after:F6} after.");
    }

    private static Tensor Input(int steps)
    {
        var xs = new double[steps];
        xs[0] = 0.5;
        return Tensor.FromArray(xs, steps, 1, 1);
    }

    private static double Gradient(int steps, Func<Tensor, Tensor> forward)
    {
        Tensor x = Input(steps).RequireGrad();
        forward(x).Select(0, steps - 1).Sum().Backward();
        return Math.Abs(x.Grad!.ToArray<double>()[0]);
    }

    private static Rnn Plain(Nonlinearity nonlinearity, double recurrentWeight)
    {
        var rnn = new Rnn(1, 1, nonlinearity: nonlinearity, bias: false, dtype: DType.Float64);
        rnn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = Tensor.FromArray(new double[,] { { 1 } }),
            ["weight_hh_l0"] = Tensor.FromArray(new double[,] { { recurrentWeight } }),
        });
        return rnn;
    }

    private static Lstm Gated()
    {
        var lstm = new Lstm(1, 1, dtype: DType.Float64);
        lstm.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = Tensor.FromArray(new double[,] { { 0 }, { 0 }, { 1 }, { 0 } }),
            ["weight_hh_l0"] = Tensor.Zeros([4, 1], DType.Float64),
            ["bias_ih_l0"] = Tensor.FromArray([10.0, 10, 0, 10]),
            ["bias_hh_l0"] = Tensor.Zeros([4], DType.Float64),
        });
        return lstm;
    }
}
