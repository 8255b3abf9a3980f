namespace Nabla.Data;

/// <summary>Loading of an MNIST-layout directory: an images file and a labels file per split.</summary>
internal static class IdxPair
{
    internal static (Tensor Images, Tensor Labels) Load(string dataset, string directory, bool train, string howToGet)
    {
        string prefix = train ? "train" : "t10k";
        string images = Find(dataset, directory, $"{prefix}-images-idx3-ubyte", howToGet);
        string labels = Find(dataset, directory, $"{prefix}-labels-idx1-ubyte", howToGet);
        Tensor x = Idx.Read(images);
        Tensor y = Idx.Read(labels);
        if (x.Dim != 3)
            throw new InvalidDataException($"{dataset}: {images} holds a {x.Dim}-d tensor {TensorDataset.Format(x.Shape)}, expected 3 dims (count, rows, columns).");
        if (y.Dim != 1)
            throw new InvalidDataException($"{dataset}: {labels} holds a {y.Dim}-d tensor {TensorDataset.Format(y.Shape)}, expected 1 dim (count).");
        if (x.Size(0) != y.Size(0))
            throw new InvalidDataException($"{dataset}: {images} has {x.Size(0)} images but {labels} has {y.Size(0)} labels.");
        return (x, y);
    }

    /// <summary>The gzipped file if present, else the raw one (torchvision keeps both layouts).</summary>
    private static string Find(string dataset, string directory, string name, string howToGet)
    {
        string gz = Path.Combine(directory, name + ".gz");
        if (File.Exists(gz)) return gz;
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw)) return raw;
        string what = Directory.Exists(directory) ? $"{gz} (or {name}) not found" : $"directory {directory} not found";
        throw new FileNotFoundException(
            $"{dataset}: {what}; {howToGet} (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).", gz);
    }
}
