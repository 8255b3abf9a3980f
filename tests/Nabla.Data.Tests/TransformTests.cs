using Xunit;

namespace Nabla.Data.Tests;

public sealed class TransformTests
{
    private static void Close(float[] expected, Tensor actual)
    {
        float[] a = actual.ToArray<float>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-6f, $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    [Fact]
    public void ToUnitRange_maps_bytes_to_zero_one()
    {
        Close([0f, 0.2f, 1f], new ToUnitRange().Apply(Tensor.FromArray(new float[] { 0, 51, 255 })));
        Tensor fromInts = new ToUnitRange().Apply(Tensor.FromArray(new long[] { 0, 255 }));
        Assert.Equal(DType.Float32, fromInts.DType);
        Close([0f, 1f], fromInts);
    }

    [Fact]
    public void Normalize_uses_the_channel_dim_of_images_and_the_feature_dim_of_vectors()
    {
        // (C=2, H=1, W=2): channel 0 has mean 1, std 2; channel 1 mean 10, std 5.
        var norm = new Normalize([1, 10], [2, 5]);
        Tensor image = Tensor.FromArray(new float[] { 1, 3, 10, 20 }, 2, 1, 2);
        Close([0f, 1f, 0f, 2f], norm.Apply(image));
        Assert.Equal([2, 1, 2], norm.Apply(image).Shape);
        // (N=2, F=2): features are the last dim.
        Close([0f, 0f, 1f, 2f], norm.Apply(Tensor.FromArray(new float[] { 1, 10, 3, 20 }, 2, 2)));
        // One mean and std for everything, e.g. Fashion-MNIST's (28, 28) images.
        Close([-1f, 1f], new Normalize([0.5], [0.5]).Apply(Tensor.FromArray(new float[] { 0, 1 })));
        // An explicit dim.
        Close([0f, 1f, 0f, 2f], new Normalize([1, 10], [2, 5], dim: 0).Apply(Tensor.FromArray(new float[] { 1, 3, 10, 20 }, 2, 2)));
    }

    [Fact]
    public void Normalize_reports_mismatched_statistics()
    {
        Assert.Equal("Normalize: 3 means but dim -3 of the input (1, 28, 28) has size 1. (Parameter 'input')",
            Assert.Throws<ArgumentException>(() => new Normalize([0, 0, 0], [1, 1, 1]).Apply(Tensor.Zeros(1, 28, 28))).Message);
        Assert.StartsWith("Normalize: std[1] is 0, which would divide by zero.",
            Assert.Throws<ArgumentException>(() => new Normalize([0, 0], [1, 0])).Message);
        Assert.StartsWith("Normalize: 2 means but 1 standard deviations.",
            Assert.Throws<ArgumentException>(() => new Normalize([0, 0], [1])).Message);
    }

    [Fact]
    public void OneHot_encodes_labels()
    {
        Tensor y = new OneHot(3).Apply(Tensor.FromArray(new long[] { 2, 0 }));
        Assert.Equal([2, 3], y.Shape);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([0L, 0, 1, 1, 0, 0], y.ToArray<long>());
        Tensor scalar = new OneHot(4, DType.Float32).Apply(Tensor.Scalar(1L));
        Assert.Equal([0f, 1f, 0f, 0f], scalar.ToArray<float>());
        Assert.StartsWith("OneHot: class indices must be Int64, got Float32.",
            Assert.Throws<ArgumentException>(() => new OneHot(3).Apply(Tensor.Zeros(2))).Message);
    }

    [Fact]
    public void Flatten_defaults_to_the_whole_sample()
    {
        Assert.Equal([784], new Flatten().Apply(Tensor.Zeros(28, 28)).Shape);
        Assert.Equal([4, 6], new Flatten(startDim: 1).Apply(Tensor.Zeros(4, 2, 3)).Shape);
    }

    [Fact]
    public void Compose_applies_in_order()
    {
        var pipeline = new Compose(new ToUnitRange(), new Normalize([0.5], [0.5]), new Flatten(), new Lambda(x => x * 2.0));
        Tensor y = pipeline.Apply(Tensor.FromArray(new float[] { 0, 255, 255, 0 }, 2, 2));
        Assert.Equal([4], y.Shape);
        Close([-2f, 2f, 2f, -2f], y);
        Assert.Equal(4, pipeline.Transforms.Count);
        Tensor input = Tensor.Zeros(1);
        Assert.Same(input, new Compose().Apply(input));
    }

    [Fact]
    public void TransformDataset_applies_the_transform_and_target_transform_per_item()
    {
        var images = Tensor.FromArray(Enumerable.Range(0, 3 * 4).Select(i => (float)(i * 20)).ToArray(), 3, 2, 2);
        var ds = new TransformDataset(new TensorDataset(images, Tensor.FromArray(new long[] { 2, 0, 1 })),
                                      new Compose(new ToUnitRange(), new Flatten()), new OneHot(3, DType.Float32));
        Tensor[] item = ds[1];
        Assert.Equal([4], item[0].Shape);
        Close([80 / 255f, 100 / 255f, 120 / 255f, 140 / 255f], item[0]);
        Assert.Equal([1f, 0f, 0f], item[1].ToArray<float>());
        Tensor[] batch = Assert.Single(new DataLoader<Tensor[]>(ds, batchSize: 3));
        Assert.Equal([3, 4], batch[0].Shape);
        Assert.Equal([3, 3], batch[1].Shape);
        // The underlying dataset is untouched.
        Assert.Equal(80f, images.Select(0, 1).ToArray<float>()[0]);
    }
}
