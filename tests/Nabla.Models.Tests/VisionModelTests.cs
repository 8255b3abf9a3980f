using Nabla.Data;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Models.Tests;

/// <summary>LeNet-5 and the small ResNet: shapes, parameter counts, state-dict keys (PyTorch's names) and a short
/// training run on the embedded 8 × 8 digits (zero-padded to 28 × 28) whose loss must fall.</summary>
public sealed class VisionModelTests
{
    [Fact]
    public void LeNet5_has_the_w3_layers_and_keys()
    {
        Sequential net = LeNet5.Create(generator: new Generator(0));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"],
                     net.StateDict().Keys);
        // 6·25 + 6 + 16·150 + 16 + 400·120 + 120 + 120·84 + 84 + 84·10 + 10 = 61,706.
        Assert.Equal(61_706, net.Parameters().Sum(p => p.NumEl));
        Assert.Equal([3, 10], net.Forward(Tensor.Zeros([3, 1, 28, 28])).Shape);
    }

    [Fact]
    public void ResNet_has_torchvision_keys_and_projection_shortcuts()
    {
        var net = new ResNet(generator: new Generator(0));
        string[] keys = [.. net.StateDict().Keys];
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("bn1.running_var", keys);
        Assert.Contains("layer1.0.conv2.weight", keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", keys);   // same shape: identity shortcut
        Assert.Contains("layer2.0.downsample.0.weight", keys);          // stride 2 and 16 → 32: projection
        Assert.Contains("layer3.0.downsample.1.num_batches_tracked", keys);
        Assert.Contains("fc.weight", keys);
        Assert.Equal([2, 10], net.Forward(Tensor.Zeros([2, 1, 28, 28])).Shape);
        Assert.Equal([32, 16, 1, 1], net.StateDict()["layer2.0.downsample.0.weight"].Shape);
        var plain = new ResNet(residual: false, generator: new Generator(0));
        Assert.DoesNotContain(plain.StateDict().Keys, k => k.Contains("downsample", StringComparison.Ordinal));
    }

    [Fact]
    public void Basic_block_adds_its_input_back()
    {
        // With every weight 0, F(x) = bn2(0) = β = 0, so the residual block outputs relu(x) and the plain one 0.
        var block = new BasicBlock(2, 2);
        var plain = new BasicBlock(2, 2, residual: false);
        using (GradMode.Disable())
        {
            foreach (Module m in new Module[] { block, plain })
                foreach (Parameter p in m.Parameters()) p.ZeroInPlace();
        }
        Tensor x = Tensor.FromArray(new float[] { 1, -2, 3, -4, 5, -6, 7, -8 }).Reshape(1, 2, 2, 2);
        Assert.Equal(x.Relu().ToArray<float>(), block.Forward(x).ToArray<float>());
        Assert.All(plain.Forward(x).ToArray<float>(), v => Assert.Equal(0f, v));
    }

    public static TheoryData<string> Models => new() { "lenet", "resnet" };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_short_training_run_lowers_the_loss(string name)
    {
        (Tensor features, Tensor labels) = Digits.Load();
        // 64 digits, 8 × 8 pixels in 0..16 → [0, 1], zero-padded to LeNet's 28 × 28 (the ResNet takes any size: 12 × 12).
        int pad = name == "lenet" ? 10 : 2;
        Tensor x = (features.Narrow(0, 0, 64).To(DType.Float32) / 16.0).Reshape(-1, 1, 8, 8).Pad([pad, pad, pad, pad]);
        Tensor y = labels.Narrow(0, 0, 64);
        Module<Tensor, Tensor> model = name == "lenet" ? LeNet5.Create(generator: new Generator(1)) : new ResNet(width: 4, generator: new Generator(1));
        var opt = new Adam(model.Parameters(), 1e-2);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 8; epoch++)
        {
            double sum = 0;
            for (int i = 0; i < 64; i += 32)
            {
                Tensor loss = F.CrossEntropy(model.Forward(x.Narrow(0, i, 32)), y.Narrow(0, i, 32));
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                sum += loss.Item<float>();
            }
            if (epoch == 0) first = sum / 2;
            last = sum / 2;
        }
        // Chance level is ln 10 ≈ 2.30; a learning network must at least halve its loss in 16 steps on 64 images.
        Assert.True(last < 0.5 * first, $"{name}: mean loss went from {first:F3} to {last:F3}");
    }
}
