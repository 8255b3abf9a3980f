namespace Nabla.Data;

/// <summary>MNIST: 28×28 grayscale handwritten digits, 60,000 for training and 10,000 for testing, read from IDX
/// files in a directory. PyTorch: <c>torchvision.datasets.MNIST</c>.</summary>
/// <remarks>
/// <para>Files: <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-images-idx3-ubyte.gz</c>,
/// <c>t10k-labels-idx1-ubyte.gz</c> (or the same names without <c>.gz</c>), as published by Y. LeCun and C. Cortes.
/// No Debian package ships them and nothing is downloaded, so the directory is required.</para>
/// <para>Shapes: images (N, 28, 28) Float32 with raw values 0..255; labels (N) Int64 0..9.</para>
/// </remarks>
public static class Mnist
{
    /// <summary>Loads the training set (60,000 images) or the test set (10,000).
    /// PyTorch: <c>MNIST(root, train=train)</c> followed by <c>.data</c> and <c>.targets</c>.</summary>
    /// <param name="directory">The directory of the IDX files.</param>
    /// <param name="train">The training files (<c>train-*</c>) rather than the test files (<c>t10k-*</c>).</param>
    /// <returns>Images (N, 28, 28) Float32 0..255 and labels (N) Int64 0..9.</returns>
    /// <exception cref="FileNotFoundException">A file is missing; the message says what is expected.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, or images and labels differ in count.</exception>
    public static (Tensor Images, Tensor Labels) Load(string directory, bool train = true)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return IdxPair.Load(nameof(Mnist), directory, train,
                            "copy the four MNIST IDX files (from the MNIST distribution or a torchvision MNIST/raw folder) into it, or pass the directory that holds them");
    }

    /// <summary>The training or test set as a dataset of [image (28, 28) Float32, label () Int64] items.
    /// PyTorch: <c>torchvision.datasets.MNIST(root, train=train)</c>.</summary>
    /// <param name="directory">The directory of the IDX files.</param>
    /// <param name="train">The training set rather than the test set.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says what is expected.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, or images and labels differ in count.</exception>
    public static TensorDataset LoadDataset(string directory, bool train = true)
    {
        (Tensor images, Tensor labels) = Load(directory, train);
        return new TensorDataset(images, labels);
    }
}
