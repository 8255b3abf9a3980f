using Nabla.Nn;

namespace Nabla.Models.Vision;

/// <summary>LeNet-5 for 28 × 28 grey images (LeCun et al. 1998, in the modern ReLU/max-pool form): conv(1→6, 5×5,
/// pad 2)–ReLU–maxpool 2–conv(6→16, 5×5)–ReLU–maxpool 2–flatten–fc 400→120–ReLU–fc 120→84–ReLU–fc 84→classes.
/// PyTorch: the <c>nn.Sequential</c> of the W3 workload (../shared/anchors/w3_cnn.py).</summary>
/// <remarks>Shapes: (N, 1, 28, 28) → (N, classes) logits; the feature maps are 6 × 28 × 28 → 6 × 14 × 14 →
/// 16 × 10 × 10 → 16 × 5 × 5 = 400. 61,706 parameters for 10 classes. The layers sit in one
/// <see cref="Sequential"/> in the same order as PyTorch's, so state-dict keys match ("0.weight", "3.weight",
/// "7.weight", "9.weight", "11.weight" and their biases).</remarks>
public static class LeNet5
{
    /// <summary>Builds the network with PyTorch's default initialisation.</summary>
    /// <param name="numClasses">Output logits.</param>
    /// <param name="generator">The random source of the initialisation (<see cref="Generator.Default"/> when null).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <returns>The network.</returns>
    public static Sequential Create(int numClasses = 10, Generator? generator = null, DType dtype = DType.Float32)
        => new(Layers(numClasses, generator, dtype));

    /// <summary>The layers in order, for embedding LeNet-5 in a longer <see cref="Sequential"/> (e.g. after an
    /// <see cref="Unflatten"/> of flat pixel rows).</summary>
    /// <param name="numClasses">Output logits.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <returns>The 12 layers.</returns>
    public static Module<Tensor, Tensor>[] Layers(int numClasses = 10, Generator? generator = null, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        return
        [
            new Conv2d(1, 6, 5, padding: 2, dtype: dtype, generator: generator), new Relu(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, dtype: dtype, generator: generator), new Relu(), new MaxPool2d(2),
            new Flatten(),
            new Linear(400, 120, dtype: dtype, generator: generator), new Relu(),
            new Linear(120, 84, dtype: dtype, generator: generator), new Relu(),
            new Linear(84, numClasses, dtype: dtype, generator: generator),
        ];
    }
}
