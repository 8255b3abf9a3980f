using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Models.Vision;

namespace Nabla.SideBySide;

/// <summary>ViT on Fashion-MNIST, Nabla side (PyTorch side: bench/pytorch/vit.py, the same model): 7×7 patches
/// (16 tokens + [CLS]), linear patch embedding to 64, learned positions, 2 pre-norm TransformerEncoderLayers
/// (4 heads, feed-forward 128, GELU, no dropout), LayerNorm + Linear head on [CLS]; Adam 1e-3, batch 128, ONE epoch
/// over all 60,000 training images (the W3 loop, shared); "epoch time" and "test accuracy" on the 10,000 test
/// images.</summary>
[Workload("vit")]
internal static class Vit
{
    public static JsonObject Run(string[] args)
    {
        int epochs = int.Parse(W3.Option(args, "--epochs", "1"), CultureInfo.InvariantCulture);
        return W3.Train(new VisionTransformer(generator: new Generator(0)), epochs, 1e-3);
    }
}
