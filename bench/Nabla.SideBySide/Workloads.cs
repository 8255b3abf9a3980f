using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.SideBySide;

/// <summary>Nabla's side of the model workloads of ../shared/anchors, each run in a child process (so that
/// peak memory is the workload's own) that prints one JSON object.</summary>
internal static class Workloads
{
    /// <summary>The W2 MLP: 784-256-128-10 with ReLU.</summary>
    private static Sequential Mlp(long seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(784, 256, generator: g), new Relu(), new Linear(256, 128, generator: g), new Relu(),
                              new Linear(128, 10, generator: g));
    }

    /// <summary>W2: Fashion-MNIST pixels/255, cross-entropy, Adam 1e-3, batch 128 reshuffled every epoch (last
    /// partial batch kept: 469 steps), epoch time = the training loop only (median over all epochs of all seeds),
    /// test accuracy on all 10,000 averaged over seeds 0..seeds−1, as the PyTorch side does.</summary>
    public static JsonObject W2(int epochs, int seeds)
    {
        // Pixels scaled to [0, 1] in place, so the dataset is held once (as PyTorch's side holds one float copy).
        (Tensor trainImages, Tensor trainLabels) = FashionMnist.Load(train: true);
        (Tensor testImages, Tensor testLabels) = FashionMnist.Load(train: false);
        Tensor xtr = trainImages.Reshape(-1, 784).DivInPlace(255), xte = testImages.Reshape(-1, 784).DivInPlace(255);
        int n = xtr.Shape[0];
        const int batch = 128;
        var times = new List<double>();
        var accuracies = new JsonArray();
        double accuracySum = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            Sequential model = Mlp(seed);
            var opt = new Adam(model.Parameters(), 1e-3);
            var g = new Generator(seed);
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                Tensor perm = Tensor.RandPerm(n, g);
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < n; i += batch)
                {
                    Tensor idx = perm.Narrow(0, i, Math.Min(batch, n - i));
                    Tensor loss = F.CrossEntropy(model.Forward(xtr.IndexSelect(0, idx)), trainLabels.IndexSelect(0, idx));
                    opt.ZeroGrad();
                    loss.Backward();
                    opt.Step();
                }
                times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            double accuracy;
            using (GradMode.Disable())
                accuracy = model.Forward(xte).Argmax(1).Eq(testLabels).To(DType.Float64).Mean().Item<double>();
            accuracies.Add(accuracy);
            accuracySum += accuracy;
        }
        times.Sort();
        return new JsonObject
        {
            ["epoch_s"] = times[times.Count / 2],
            ["accuracy"] = accuracySum / seeds,
            ["accuracy_per_seed"] = accuracies,
            ["peak_rss_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0),
        };
    }

    /// <summary>W6: the W2 MLP in eval mode without a graph; each call timed on its own after 1,000 warm-up
    /// calls; median of 10,000 calls for batch 1 and batch 64.</summary>
    public static JsonObject W6()
    {
        Sequential model = Mlp(0);
        model.Eval();
        var g = new Generator(1);
        var result = new JsonObject();
        using var _ = GradMode.Disable();
        foreach (int bs in new[] { 1, 64 })
        {
            Tensor x = Tensor.Rand([bs, 784], g);
            for (int i = 0; i < 1000; i++) model.Forward(x);
            var ts = new double[10000];
            for (int i = 0; i < ts.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.Forward(x);
                ts[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(ts);
            result[$"batch{bs}_us"] = ts[ts.Length / 2];
        }
        return result;
    }
}
