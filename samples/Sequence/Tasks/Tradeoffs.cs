using System.Diagnostics;
using Nabla.Nn;

namespace Nabla.Samples.Sequence;

/// <summary>
/// Trade-offs between sequence models: LSTM against GRU, what a unidirectional RNN cannot see, and why attention's
/// context is hard to enlarge.
/// </summary>
/// <remarks>Timings are forward + backward on random data with this process's thread count, best of 3.</remarks>
public static class Tradeoffs
{
    /// <summary>Prints the three comparisons.</summary>
    public static void Run()
    {
        var g = new Generator(0);

        // 1. LSTM vs GRU at the W5 size (64 → 256): the GRU has 3 gate blocks to the LSTM's 4, so 3/4 of the weights
        // and multiply-adds per step, and a state of h only where the LSTM carries (h, c).
        Console.WriteLine("LSTM vs. GRU, 64 → 256:");
        foreach ((string name, Module rnn, int gates, string state) in new (string, Module, int, string)[]
                 { ("LSTM", new Lstm(64, 256, generator: g), 4, "h and c"), ("GRU ", new Gru(64, 256, generator: g), 3, "h") })
            Console.WriteLine($"  {name} {rnn.Parameters().Sum(p => p.NumEl),8:N0} parameters, {gates * 256 * (64 + 256),8:N0} multiply-adds per step and sample, state {state}");
        Console.WriteLine("  GRU: fewer parameters and less work, often as accurate on short dependencies; LSTM: a separate cell state for long ones.");

        // 2. Future context: the output at step 0 of a unidirectional LSTM cannot depend on the last input; a
        // bidirectional one reads the sequence backwards as well.
        Tensor seq = Tensor.Randn([1, 10, 8], g);
        foreach (bool bidirectional in new[] { false, true })
        {
            var rnn = new Lstm(8, 8, batchFirst: true, bidirectional: bidirectional, generator: g);
            Tensor input = seq.Clone().RequireGrad();
            rnn.Forward(input).Output.Select(1, 0).Sum().Backward();
            double reach = input.Grad!.Select(1, 9).Abs().Sum().Item<float>();
            Console.WriteLine($"{(bidirectional ? "bidirectional " : "unidirectional")} LSTM: |d output[0] / d x[9]| = {reach:G3}");
        }

        // 3. Context size: attention compares every position with every other, so the score matrix and the work grow
        // as T²; a GPT's learned position table also fixes the longest context it can read.
        Console.WriteLine("\nScaled dot-product attention, 4 heads of 32, batch 1 (fused kernel, forward + backward):");
        Console.WriteLine($"  {"T",6} {"scores per head (MB)",22} {"time (ms)",10}");
        foreach (int t in new[] { 256, 512, 1024, 2048 })
        {
            Tensor q = Tensor.Randn([1, 4, t, 32], g).RequireGrad(), k = Tensor.Randn([1, 4, t, 32], g).RequireGrad(), v = Tensor.Randn([1, 4, t, 32], g).RequireGrad();
            double ms = Milliseconds(() => Tensor.ScaledDotProductAttention(q, k, v, isCausal: true).Sum().Backward());
            Console.WriteLine($"  {t,6} {4.0 * t * t / (1 << 20),22:F1} {ms,10:F1}");
        }
    }

    private static double Milliseconds(Action body)
    {
        body();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return best;
    }
}
