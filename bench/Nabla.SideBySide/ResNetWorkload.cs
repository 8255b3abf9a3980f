using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Models.Vision;

namespace Nabla.SideBySide;

/// <summary>The small ResNet (Nabla.Models.Vision.ResNet: 3 × 3 stem of 16 channels, one basic block per stage at
/// 16/32/64 channels, projection shortcuts, batch norm, global average pooling) on Fashion-MNIST with W3's loop:
/// Adam 1e-3, batch 128, reshuffled each epoch, 1 epoch by default (--epochs). Metrics "epoch time" and "test
/// accuracy" as W3. PyTorch side: bench/pytorch/resnet.py (the same network in torch.nn).</summary>
[Workload("resnet")]
internal static class ResNetWorkload
{
    public static JsonObject Run(string[] args)
    {
        int epochs = int.Parse(W3.Option(args, "--epochs", "1"), CultureInfo.InvariantCulture);
        return W3.Train(new ResNet(generator: new Generator(0)), epochs, 1e-3);
    }
}
