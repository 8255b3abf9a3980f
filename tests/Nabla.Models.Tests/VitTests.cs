using System.Text.Json;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using Xunit;

namespace Nabla.Models.Tests;

public sealed class VitTests
{
    [Fact]
    public void PatchifyCutsRowMajorPatches()
    {
        // A 1×4×4 image holding 0..15, 2×2 patches: patch 0 = rows 0-1, cols 0-1 = (0, 1, 4, 5); patch 1 = cols 2-3
        // = (2, 3, 6, 7); patch 2 = rows 2-3, cols 0-1 = (8, 9, 12, 13); patch 3 = (10, 11, 14, 15).
        Tensor img = Tensor.Arange(16).To(DType.Float32).Reshape(1, 1, 4, 4);
        Tensor p = VisionTransformer.Patchify(img, 2);
        Assert.Equal([1, 4, 4], p.Shape);
        Assert.Equal([0f, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15], p.ToArray<float>());
        Assert.Throws<ArgumentException>(() => VisionTransformer.Patchify(img, 3));
    }

    [Fact]
    public void DefaultModelHasThePyTorchSidesParameterCount()
    {
        var vit = new VisionTransformer(generator: new Generator(0));
        // bench/pytorch/vit.py's ViT: sum(p.numel()) = 72,074.
        Assert.Equal(72_074, vit.Parameters().Sum(p => p.NumEl));
        Assert.Equal([5, 10], vit.Forward(Tensor.Rand([5, 784], new Generator(1))).Shape);
        Assert.Contains("encoder.layers.1.self_attn.in_proj_weight", vit.StateDict().Keys);
        Assert.Throws<ArgumentException>(() => vit.Forward(Tensor.Rand([2, 1, 27, 27], new Generator(1))));
    }

    [Fact]
    public void MatchesPyTorchLogits()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "vit.json")));
        JsonElement root = doc.RootElement;
        var vit = new VisionTransformer(imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 2, heads: 2, mlpDim: 16, generator: new Generator(0));
        var state = new Dictionary<string, Tensor>();
        foreach (JsonProperty p in root.GetProperty("state").EnumerateObject())
        {
            int[] shape = root.GetProperty("shapes").GetProperty(p.Name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            state[p.Name] = Tensor.FromArray(p.Value.EnumerateArray().Select(e => e.GetSingle()).ToArray(), shape);
        }
        LoadStateDictResult r = vit.LoadStateDict(state);
        Assert.Empty(r.MissingKeys);
        Assert.Empty(r.UnexpectedKeys);
        vit.Eval();
        Tensor x = Tensor.FromArray(root.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()).ToArray(), 2, 1, 8, 8);
        float[] expected = root.GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float[] logits = vit.Forward(x).ToArray<float>();
        // float32 through two layers of O(1) activations: 1e-5 absolute is tens of ulps.
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - logits[i]) < 1e-5, $"logit {i}: {logits[i]} vs {expected[i]}");
    }

    [Fact]
    public void LossFallsOnATinyBatch()
    {
        // Two classes that differ by which half of the image is bright: learnable in a few Adam steps.
        var g = new Generator(2);
        Tensor x = Tensor.Rand([16, 1, 8, 8], g) * 0.1;
        var labels = new long[16];
        for (int i = 0; i < 16; i++)
        {
            labels[i] = i % 2;
            x.Narrow(0, i, 1).Narrow(2, i % 2 * 4, 4).AddInPlace(Tensor.Ones(1, 1, 4, 8));
        }
        Tensor y = Tensor.FromArray(labels, 16);
        var vit = new VisionTransformer(imageSize: 8, patchSize: 4, numClasses: 2, dim: 16, depth: 1, heads: 2, mlpDim: 32, generator: new Generator(3));
        var opt = new Adam(vit.Parameters(), 3e-3);
        float first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            Tensor loss = Functional.CrossEntropy(vit.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            if (step == 0) first = loss.Item<float>();
            last = loss.Item<float>();
        }
        // Starts near ln 2 = 0.69.
        Assert.InRange(first, 0.5, 0.9);
        Assert.True(last < 0.1, $"loss went from {first} to {last}");
    }
}
