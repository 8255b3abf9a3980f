using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>Behaviour of the convolution-area ops beyond the op catalog: running statistics, output sizes and
/// error messages.</summary>
public class ConvolutionTests
{
    [Fact]
    public void Batch_norm_training_updates_the_running_statistics()
    {
        // One channel holding 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 1.25·4/3 = 5/3.
        // r_mean = 0.9·0 + 0.1·2.5 = 0.25; r_var = 0.9·1 + 0.1·5/3 = 1.0666…
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }).Reshape(4, 1);
        Tensor rm = Tensor.Zeros([1]), rv = Tensor.Ones([1]);
        Tensor y = x.BatchNorm(rm, rv, training: true, momentum: 0.1, eps: 0);
        Assert.Equal(0.25f, rm.Item<float>(), 6);
        Assert.Equal(0.9f + 0.1f * 5 / 3, rv.Item<float>(), 6);
        // Normalised with the biased variance: (1 − 2.5)/√1.25 = −1.3416408.
        Assert.Equal(-1.3416408f, y.ToArray<float>()[0], 5);
        // Evaluation uses the running statistics: (1 − 0.25)/√1.0666… = 0.7261844.
        Assert.Equal(0.7261844f, x.BatchNorm(rm, rv, eps: 0).ToArray<float>()[0], 5);
    }

    [Fact]
    public void Conv_output_size_is_public()
    {
        Assert.Equal(28, Tensor.ConvOutputSize(28, 5, padding: 2));   // (28 + 4 − 4 − 1)/1 + 1
        Assert.Equal(4, Tensor.ConvOutputSize(7, 3, 2, 1, ceilMode: true));   // ⌈(7 + 2 − 2 − 1)/2⌉ + 1 = 4
    }

    [Fact]
    public void Convolution_errors_name_the_shapes()
    {
        Tensor x = Tensor.Zeros([2, 3, 8, 8]);
        var e = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros([4, 2, 3, 3])));
        Assert.Contains("(2, 3, 8, 8)", e.Message);
        Assert.Contains("(4, 2, 3, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros([4, 3, 9, 9])));
        Assert.Contains("does not fit", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros([4, 3, 3, 3]), null, "same", stride: [2]));
        Assert.Contains("stride 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.MaxPool2d([2], padding: [2]));
        Assert.Contains("half the kernel", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([1, 3]).BatchNorm(null, null, training: true));
        Assert.Contains("more than 1 value per channel", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.GroupNorm(2));
        Assert.Contains("num_groups=2", e.Message);
    }
}
