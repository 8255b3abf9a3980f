namespace Nabla.Data;

/// <summary>Fashion-MNIST: 28×28 grayscale images of 10 kinds of clothing, 60,000 for training and 10,000 for
/// testing, read from IDX files in a directory. PyTorch: <c>torchvision.datasets.FashionMNIST</c>.</summary>
/// <remarks>
/// <para>Files: <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-images-idx3-ubyte.gz</c>,
/// <c>t10k-labels-idx1-ubyte.gz</c> (or the same names without <c>.gz</c>). Debian's <c>dataset-fashion-mnist</c>
/// package installs them in <see cref="DefaultDirectory"/>; nothing is downloaded. MIT license (Zalando Research,
/// Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747).</para>
/// <para>Shapes: images (N, 28, 28) Float32 with raw values 0..255 (compose <see cref="ToUnitRange"/> and
/// <see cref="Normalize"/> to scale); labels (N) Int64 indices into <see cref="ClassNames"/>.</para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the files. PyTorch: the <c>root</c> argument of
    /// <c>FashionMNIST</c> (which there is required).</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, in label order. PyTorch: <c>FashionMNIST.classes</c>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the training set (60,000 images) or the test set (10,000).
    /// PyTorch: <c>FashionMNIST(root, train=train)</c> followed by <c>.data</c> and <c>.targets</c>.</summary>
    /// <param name="train">The training files (<c>train-*</c>) rather than the test files (<c>t10k-*</c>).</param>
    /// <param name="directory">The directory of the IDX files; null for <see cref="DefaultDirectory"/>.</param>
    /// <returns>Images (N, 28, 28) Float32 0..255 and labels (N) Int64 0..9.</returns>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to get it.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, or images and labels differ in count.</exception>
    public static (Tensor Images, Tensor Labels) Load(bool train = true, string? directory = null)
        => IdxPair.Load(nameof(FashionMnist), directory ?? DefaultDirectory, train,
                        "install Debian's package (apt-get install dataset-fashion-mnist) or pass the directory that holds the files");

    /// <summary>The training or test set as a dataset of [image (28, 28) Float32, label () Int64] items.
    /// PyTorch: <c>torchvision.datasets.FashionMNIST(root, train=train)</c>.</summary>
    /// <param name="train">The training set rather than the test set.</param>
    /// <param name="directory">The directory of the IDX files; null for <see cref="DefaultDirectory"/>.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to get it.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, or images and labels differ in count.</exception>
    public static TensorDataset LoadDataset(bool train = true, string? directory = null)
    {
        (Tensor images, Tensor labels) = Load(train, directory);
        return new TensorDataset(images, labels);
    }
}
