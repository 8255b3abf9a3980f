using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>Conv, pooling, normalisation, Dropout2d and Unflatten layers: shapes, defaults, initialisation and
/// train/eval behaviour (PyTorch agreement is in <see cref="CnnGoldenTests"/>).</summary>
public sealed class ConvLayerTests
{
    [Fact]
    public void Conv2d_has_pytorch_shapes_and_initialisation_bounds()
    {
        var conv = new Conv2d(3, 8, 5, padding: 2, generator: new Generator(0));
        Assert.Equal([8, 3, 5, 5], conv.Weight.Shape);
        Assert.Equal([8], conv.Bias!.Shape);
        // kaiming_uniform(a=√5) and the bias both give U(−1/√fan_in, 1/√fan_in), fan_in = 3·5·5 = 75.
        double bound = 1 / Math.Sqrt(75);
        Assert.True(conv.Weight.Abs().Max().Item<float>() <= bound);
        Assert.True(conv.Bias.Abs().Max().Item<float>() <= bound);
        // Uniform on ±bound has standard deviation bound/√3; 600 draws give it within ~10 %.
        Assert.Equal(bound / Math.Sqrt(3), conv.Weight.To(DType.Float64).Std().Item<double>(), 0.1 * bound / Math.Sqrt(3));
        Assert.Equal([2, 8, 28, 28], conv.Forward(Tensor.Zeros([2, 3, 28, 28])).Shape);
        Assert.Equal([8, 28, 28], conv.Forward(Tensor.Zeros([3, 28, 28])).Shape);   // unbatched CHW
        Assert.Equal(["weight", "bias"], conv.StateDict().Keys);
    }

    [Fact]
    public void Layer_output_sizes_follow_the_formula()
    {
        // ⌊(W + 2P − D(F − 1) − 1)/S⌋ + 1 per layer, by hand: 28 → conv 5 pad 2 → 28 → pool 2 → 14 → conv 5 → 10 → pool 2 → 5.
        Tensor x = Tensor.Zeros([1, 1, 28, 28]);
        x = new Conv2d(1, 6, 5, padding: 2).Forward(x);
        Assert.Equal([1, 6, 28, 28], x.Shape);
        x = new MaxPool2d(2).Forward(x);
        Assert.Equal([1, 6, 14, 14], x.Shape);
        x = new Conv2d(6, 16, 5).Forward(x);
        Assert.Equal([1, 16, 10, 10], x.Shape);
        Assert.Equal([1, 16, 5, 5], new MaxPool2d(2).Forward(x).Shape);
        Assert.Equal([1, 16, 5, 5], new AvgPool2d(3, stride: 2, padding: 1).Forward(x).Shape);        // ⌊(10 + 2 − 3)/2⌋ + 1 = 5
        Assert.Equal([1, 16, 4, 4], new MaxPool2d(3, stride: 3, ceilMode: true).Forward(x).Shape);     // ⌈7/3⌉ + 1
        Assert.Equal([1, 16, 10, 10], new Conv2d(16, 16, 3, "same", dilation: 2).Forward(x).Shape);
        Assert.Equal([1, 4, 22, 22], new ConvTranspose2d(16, 4, 3, stride: 2, padding: 0, outputPadding: 1).Forward(x).Shape);  // (10 − 1)·2 + 2 + 1 + 1
        Assert.Equal([1, 16, 1, 1], new AdaptiveAvgPool2d(1).Forward(x).Shape);
        Assert.Equal([2, 5, 6], new Conv1d(3, 5, 3, stride: 2, padding: 1).Forward(Tensor.Zeros([2, 3, 11])).Shape);   // ⌊10/2⌋ + 1
    }

    [Fact]
    public void Batch_norm_uses_batch_statistics_in_training_and_running_ones_in_eval()
    {
        var bn = new BatchNorm2d(2);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        // Channel 0 holds 0..7 (mean 3.5, biased var 5.25, unbiased 6), channel 1 holds 10 everywhere (var 0).
        float[] values = [0, 1, 2, 3, 10, 10, 10, 10, 4, 5, 6, 7, 10, 10, 10, 10];
        Tensor x = Tensor.FromArray(values).Reshape(2, 2, 2, 2);
        Tensor y = bn.Forward(x);
        Assert.Equal((0 - 3.5) / Math.Sqrt(5.25 + 1e-5), y.ToArray<float>()[0], 5);
        Assert.Equal(0f, y.ToArray<float>()[4], 6);
        // running ← 0.9·running + 0.1·batch: means 0.35 and 1.0, variances 0.9 + 0.6 = 1.5 and 0.9.
        Assert.Equal([0.35f, 1.0f], bn.RunningMean!.ToArray<float>());
        Assert.Equal(1.5f, bn.RunningVar!.ToArray<float>()[0], 6);
        Assert.Equal(0.9f, bn.RunningVar.ToArray<float>()[1], 6);
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());
        bn.Eval();
        // (0 − 0.35)/√(1.5 + 1e-5) with γ = 1, β = 0.
        Assert.Equal(-0.35 / Math.Sqrt(1.5 + 1e-5), bn.Forward(x).ToArray<float>()[0], 5);
        Assert.Equal(1L, bn.NumBatchesTracked.Item<long>());
    }

    [Fact]
    public void Dropout2d_zeroes_whole_channels_and_is_the_identity_in_eval()
    {
        var drop = new Dropout2d(0.5, new Generator(3));
        Tensor x = Tensor.Ones([8, 16, 3, 3]);
        float[] y = drop.Forward(x).ToArray<float>();
        int zeroed = 0;
        for (int plane = 0; plane < 8 * 16; plane++)
        {
            float[] values = y.AsSpan(plane * 9, 9).ToArray();
            Assert.True(values.All(v => v == 0) || values.All(v => v == 2), "a channel is either dropped or scaled by 1/(1 − p) = 2");
            if (values[0] == 0) zeroed++;
        }
        // 128 channels kept with probability ½: the count of zeroed ones is Binomial(128, ½), 64 ± 4·5.7.
        Assert.InRange(zeroed, 41, 87);
        drop.Eval();
        Assert.Same(x, drop.Forward(x));
    }

    [Fact]
    public void Unflatten_splits_one_dim()
    {
        var u = new Unflatten(1, [1, 28, 28]);
        Assert.Equal([4, 1, 28, 28], u.Forward(Tensor.Zeros([4, 784])).Shape);
        Assert.Throws<ArgumentException>(() => u.Forward(Tensor.Zeros([4, 783])));
        Assert.Equal("Unflatten(dim=1, unflattened_size=(1, 28, 28))", u.ToString());
    }

    [Fact]
    public void Group_norm_and_conv_reject_bad_channel_counts()
    {
        Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6));
        Assert.Throws<ArgumentException>(() => new Conv2d(6, 4, 3, groups: 4));
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3).Forward(Tensor.Zeros([1, 2, 8, 8])));
        Assert.Contains("(1, 2, 8, 8)", e.Message);
    }

    [Fact]
    public void Notes_exercise_two_by_two_max_pooling_gives_3_2_2_3()
    {
        // The course notes' 3 × 3 activation map [[3, 0, 1], [0, 2, 0], [1, 0, 3]] under a (2, 2) max pool with
        // stride 1: max(3, 0, 0, 2) = 3, max(0, 1, 2, 0) = 2, max(0, 2, 1, 0) = 2, max(2, 0, 0, 3) = 3.
        Tensor map = Tensor.FromArray(new float[,] { { 3, 0, 1 }, { 0, 2, 0 }, { 1, 0, 3 } }).Reshape(1, 1, 3, 3);
        Assert.Equal([3f, 2f, 2f, 3f], new MaxPool2d(2, stride: 1).Forward(map).ToArray<float>());
    }

    [Fact]
    public void Notes_exercise_convolution_by_hand()
    {
        // A 4 × 4 image and the 3 × 3 vertical-edge kernel [[1, 0, −1]] × 3 rows, stride 1, no padding: output
        // (4 − 3 + 0)/1 + 1 = 2 per side. Each output is Σ image·kernel over its window (cross-correlation, as in
        // deep learning): top-left (1 − 0) + (0 − 3) + (2 − 0) = 0, top-right (2 − 1) + (1 − 1) + (1 − 0) = 2,
        // bottom-left (0 − 3) + (2 − 0) + (1 − 1) = −1, bottom-right (1 − 1) + (1 − 0) + (0 − 2) = −1.
        Tensor image = Tensor.FromArray(new float[,] { { 1, 2, 0, 1 }, { 0, 1, 3, 1 }, { 2, 1, 0, 0 }, { 1, 0, 1, 2 } }).Reshape(1, 1, 4, 4);
        Tensor kernel = Tensor.FromArray(new float[,] { { 1, 0, -1 }, { 1, 0, -1 }, { 1, 0, -1 } }).Reshape(1, 1, 3, 3);
        Assert.Equal([0f, 2f, -1f, -1f], image.Conv2d(kernel).ToArray<float>());
        // The same map under L2-norm pooling (p = 2, 2 × 2, stride 1) of the notes' pooling exercise:
        // √(3² + 0 + 0 + 2²) = √13, √(0 + 1 + 2² + 0) = √5, √5, √13.
        Tensor map = Tensor.FromArray(new float[,] { { 3, 0, 1 }, { 0, 2, 0 }, { 1, 0, 3 } }).Reshape(1, 1, 3, 3);
        float[] l2 = new LPPool2d(2, 2, stride: 1).Forward(map).ToArray<float>();
        float[] expected = [MathF.Sqrt(13), MathF.Sqrt(5), MathF.Sqrt(5), MathF.Sqrt(13)];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], l2[i], 1e-6f);
    }

    [Fact]
    public void Deeper_layers_see_larger_windows_of_the_input()
    {
        // Filter hierarchy: LeNet's first conv (5 × 5, pad 2) sees 5 × 5 input pixels; after a 2 × 2 pool and the
        // second 5 × 5 conv, one output sees 14 × 14. Output (3, 3) of conv2 reads pooled cells 3..7, i.e. conv1
        // cells 6..15, i.e. input pixels 6 − 2 .. 15 + 2 = 4..17 (with average pooling every path carries weight,
        // so the gradient is non-zero on exactly that square).
        var g = new Generator(4);
        var conv1 = new Conv2d(1, 6, 5, padding: 2, generator: g, dtype: DType.Float64);
        var conv2 = new Conv2d(6, 16, 5, generator: g, dtype: DType.Float64);
        Tensor x = Tensor.Rand([1, 1, 28, 28], g, DType.Float64).RequireGrad();
        Tensor first = conv1.Forward(x);
        first.Select(1, 0).Select(1, 10).Select(1, 10).Sum().Backward();
        Assert.Equal((8, 12, 8, 12), Support(x.Grad!));
        Tensor y = Tensor.Rand([1, 1, 28, 28], g, DType.Float64).RequireGrad();
        conv2.Forward(new AvgPool2d(2).Forward(conv1.Forward(y))).Select(1, 0).Select(1, 3).Select(1, 3).Sum().Backward();
        Assert.Equal((4, 17, 4, 17), Support(y.Grad!));
    }

    // The bounding rows and columns of a (1, 1, H, W) gradient's non-zero entries, and a check that they fill it.
    private static (int, int, int, int) Support(Tensor grad)
    {
        double[] v = grad.ToArray<double>();
        int w = grad.Size(3);
        int[] idx = Enumerable.Range(0, v.Length).Where(i => v[i] != 0).ToArray();
        (int r0, int r1, int c0, int c1) = (idx.Min(i => i / w), idx.Max(i => i / w), idx.Min(i => i % w), idx.Max(i => i % w));
        Assert.Equal((r1 - r0 + 1) * (c1 - c0 + 1), idx.Length);
        return (r0, r1, c0, c1);
    }

    [Fact]
    public void Convolution_is_equivariant_to_translation()
    {
        // Shared weights: shifting the input by (1, 2) shifts the output by (1, 2) (away from the borders, where
        // the zero padding enters). An impulse in a zero image makes the check exact.
        var conv = new Conv2d(1, 3, 3, padding: 1, bias: false, generator: new Generator(5));
        Tensor a = Tensor.Zeros([1, 1, 9, 9]), b = Tensor.Zeros([1, 1, 9, 9]);
        using (GradMode.Disable())
        {
            a.Narrow(2, 3, 1).Narrow(3, 3, 1).FillInPlace(1);
            b.Narrow(2, 4, 1).Narrow(3, 5, 1).FillInPlace(1);
        }
        Tensor ya = conv.Forward(a), yb = conv.Forward(b);
        TestUtil.AssertClose("shifted output", ya.Narrow(2, 1, 6).Narrow(3, 1, 6), yb.Narrow(2, 2, 6).Narrow(3, 3, 6), 0, 0);
    }
}
