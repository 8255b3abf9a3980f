using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.SideBySide;

/// <summary>W3 (../shared/anchors/w3_cnn.py): LeNet-5 on Fashion-MNIST, pixels/255 as N × 1 × 28 × 28, cross-entropy,
/// Adam 1e-3, batch 128 reshuffled every epoch (469 steps), 3 epochs; "epoch time" is the median training-loop time
/// per epoch, "test accuracy" is measured on all 10,000 test images in batches of 1,000 after the last epoch.
/// PyTorch side: bench/pytorch/w3.py.</summary>
[Workload("w3")]
internal static class W3
{
    public static JsonObject Run(string[] args)
    {
        int epochs = int.Parse(Option(args, "--epochs", "3"), CultureInfo.InvariantCulture);
        return Train(LeNet5.Create(generator: new Generator(0)), epochs, 1e-3);
    }

    /// <summary>Trains a model on Fashion-MNIST images (N, 1, 28, 28) and returns the two metrics.</summary>
    internal static JsonObject Train(Module<Tensor, Tensor> model, int epochs, double lr)
    {
        (Tensor trainImages, Tensor trainLabels) = FashionMnist.Load(train: true);
        (Tensor testImages, Tensor testLabels) = FashionMnist.Load(train: false);
        Tensor xtr = trainImages.Reshape(-1, 1, 28, 28).DivInPlace(255), xte = testImages.Reshape(-1, 1, 28, 28).DivInPlace(255);
        int n = xtr.Shape[0];
        const int batch = 128;
        var opt = new Adam(model.Parameters(), lr);
        var g = new Generator(0);
        var times = new List<double>();
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
                loss.Item<float>();   // as the PyTorch side's loss.item(): one sync per step
            }
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        model.Eval();
        long correct = 0;
        using (GradMode.Disable())
        {
            for (int i = 0; i < xte.Shape[0]; i += 1000)
            {
                int len = Math.Min(1000, xte.Shape[0] - i);
                correct += model.Forward(xte.Narrow(0, i, len)).Argmax(1).Eq(testLabels.Narrow(0, i, len)).To(DType.Int64).Sum().Item<long>();
            }
        }
        times.Sort();
        return new JsonObject
        {
            ["metrics"] = new JsonObject
            {
                ["epoch time"] = Metric("s", false, times[times.Count / 2]),
                ["test accuracy"] = Metric("%", true, 100.0 * correct / xte.Shape[0]),
            },
        };
    }

    internal static JsonObject Metric(string unit, bool higher, double value)
        => new() { ["unit"] = unit, ["higher"] = higher, ["value"] = value };

    internal static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
