using Xunit;

namespace Nabla.Data.Tests;

public sealed class MnistTests
{
    private static void WriteSplit(TempDirectory dir, string prefix, int count, bool gzip, int labelCount = -1)
    {
        var pixels = new float[count * 28 * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i % 256;
        string ext = gzip ? ".gz" : "";
        Idx.Write(dir.File($"{prefix}-images-idx3-ubyte{ext}"), Tensor.FromArray(pixels, count, 28, 28), gzip);
        int n = labelCount < 0 ? count : labelCount;
        Idx.Write(dir.File($"{prefix}-labels-idx1-ubyte{ext}"), Tensor.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % 10)).ToArray()), gzip);
    }

    [Fact]
    public void Fashion_mnist_from_Debian_has_the_published_counts_or_a_clear_error()
    {
        if (Directory.Exists(FashionMnist.DefaultDirectory))
        {
            (Tensor x, Tensor y) = FashionMnist.Load();
            Assert.Equal([60000, 28, 28], x.Shape);
            Assert.Equal(DType.Float32, x.DType);
            Assert.Equal([60000], y.Shape);
            Assert.Equal(DType.Int64, y.DType);
            // The first labels of train-labels-idx1-ubyte: ankle boot, T-shirt, T-shirt, dress, …
            Assert.Equal([9L, 0, 0, 3, 0, 2, 7, 2, 5, 5], y.ToArray<long>().Take(10));
            Assert.Equal(255f, x.Select(0, 0).ToArray<float>().Max());
            // Fashion-MNIST is balanced: 6,000 training images per class.
            long[] labels = y.ToArray<long>();
            Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, labels.Count(l => l == c)));

            TensorDataset test = FashionMnist.LoadDataset(train: false);
            Assert.Equal(10000, test.Count);
            Assert.Equal([9L, 2, 1, 1, 6, 1, 4, 6, 5, 7], ((Tensor)test.Tensors[1]).ToArray<long>().Take(10));
            Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
        }
        else
        {
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load());
            Assert.Contains("apt-get install dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
            Assert.Contains(FashionMnist.DefaultDirectory, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_directory_or_file_says_how_to_get_the_files()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "absent");
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(directory: missing));
        Assert.Equal($"FashionMnist: directory {missing} not found; install Debian's package (apt-get install dataset-fashion-mnist) " +
                     "or pass the directory that holds the files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
                     "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).", e.Message);
        WriteSplit(dir, "train", 3, gzip: true);
        e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(dir.Path, train: false));
        Assert.StartsWith($"Mnist: {dir.File("t10k-images-idx3-ubyte.gz")} (or t10k-images-idx3-ubyte) not found; copy the four MNIST IDX files", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mnist_reads_a_directory_of_generated_files(bool gzip)
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 5, gzip);
        WriteSplit(dir, "t10k", 2, gzip);
        (Tensor x, Tensor y) = Mnist.Load(dir.Path);
        Assert.Equal([5, 28, 28], x.Shape);
        Assert.Equal([0L, 1, 2, 3, 4], y.ToArray<long>());
        Assert.Equal([0f, 1f, 2f], x.ToArray<float>().Take(3));
        Assert.Equal(2, Mnist.LoadDataset(dir.Path, train: false).Count);
        // The same layout read as Fashion-MNIST from an explicit directory.
        Assert.Equal(5, FashionMnist.LoadDataset(directory: dir.Path).Count);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_reported()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 4, gzip: false, labelCount: 3);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(dir.Path));
        Assert.Equal($"Mnist: {dir.File("train-images-idx3-ubyte")} has 4 images but {dir.File("train-labels-idx1-ubyte")} has 3 labels.", e.Message);
    }
}
