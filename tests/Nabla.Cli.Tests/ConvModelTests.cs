using Nabla.Cli.Runs;
using Nabla.Nn;
using Xunit;

namespace Nabla.Cli.Tests;

/// <summary><c>nabla train --model lenet|resnet</c>: the model RunModel builds from a run configuration.</summary>
public sealed class ConvModelTests
{
    [Fact]
    public void Lenet_unflattens_fashion_mnist_rows_and_has_the_lenet_keys()
    {
        Sequential model = RunModel.Build(new RunConfig { Model = "lenet", Dataset = "fashion-mnist", Features = 784, Classes = 10 });
        Assert.IsType<Unflatten>(model.Children().First());
        Assert.Equal([2, 10], model.Forward(Tensor.Zeros([2, 784])).Shape);
        Assert.Contains("1.0.weight", model.StateDict().Keys);      // the first convolution, inside the LeNet block
        Assert.Contains("1.11.bias", model.StateDict().Keys);       // the last linear layer
    }

    [Fact]
    public void Resnet_takes_any_square_grey_image()
    {
        // The CLI's default dataset, the 8 × 8 digits: 64 features.
        Sequential model = RunModel.Build(new RunConfig { Model = "resnet", Features = 64, Classes = 10 });
        Assert.Equal([3, 10], model.Forward(Tensor.Zeros([3, 64])).Shape);
        Assert.Contains("1.layer2.0.downsample.0.weight", model.StateDict().Keys);
    }

    [Fact]
    public void Lenet_rejects_images_that_are_not_28_by_28()
    {
        var e = Assert.Throws<ArgumentException>(() => RunModel.Build(new RunConfig { Model = "lenet", Features = 64, Classes = 10 }));
        Assert.Contains("64 features", e.Message);
        Assert.Contains("lenet", RunModel.Models);
        Assert.Contains("resnet", RunModel.Models);
    }
}
