using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nabla.SideBySide;

/// <summary>Attention side by side, Nabla: one causal self-attention call of the W4 char-GPT (batch 32, 4 heads,
/// block 128, head dim 32, float32), Tensor.ScaledDotProductAttention (the fused kernel) against PyTorch 1.13's
/// softmax(q·kᵀ/√d masked)·v (bench/pytorch/attn.py; 1.13 has no fused attention). Metrics: median milliseconds of
/// the forward alone ("attention fwd", no grad) and of forward + backward ("attention fwd+bwd"), after warm-up.</summary>
[Workload("attn")]
internal static class Attn
{
    public static JsonObject Run(string[] args)
    {
        var g = new Generator(1);
        Tensor q = Tensor.Randn([32, 4, 128, 32], g).RequireGrad(), k = Tensor.Randn([32, 4, 128, 32], g).RequireGrad();
        Tensor v = Tensor.Randn([32, 4, 128, 32], g).RequireGrad(), grad = Tensor.Randn([32, 4, 128, 32], g);
        double forward = MedianMs(() =>
        {
            using var _ = GradMode.Disable();
            Tensor.ScaledDotProductAttention(q, k, v, isCausal: true);
        });
        double both = MedianMs(() =>
        {
            Tensor.ScaledDotProductAttention(q, k, v, isCausal: true).Backward(grad);
            q.Grad = k.Grad = v.Grad = null;
        });
        return new JsonObject
        {
            ["metrics"] = new JsonObject
            {
                ["attention fwd"] = Metric(forward),
                ["attention fwd+bwd"] = Metric(both),
            },
        };
    }

    /// <summary>Median wall time of <paramref name="body"/> in ms: two warm-up calls, then as many as fit in
    /// about 1.5 s (5 to 200), as bench/pytorch/workloads.py's <c>timed</c>.</summary>
    private static double MedianMs(Action body)
    {
        body();
        body();
        long t0 = Stopwatch.GetTimestamp();
        body();
        double once = Math.Max(Stopwatch.GetElapsedTime(t0).TotalSeconds, 1e-9);
        int reps = (int)Math.Min(200, Math.Max(5, 1.5 / once));
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t = Stopwatch.GetTimestamp();
            body();
            times[r] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        Array.Sort(times);
        return reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
    }

    private static JsonObject Metric(double ms) => new() { ["unit"] = "ms", ["higher"] = false, ["value"] = ms };
}
