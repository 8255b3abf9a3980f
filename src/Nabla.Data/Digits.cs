namespace Nabla.Data;

/// <summary>The 8×8 handwritten digits: 1,797 images of pixels 0..16 in 10 classes, embedded in this assembly so
/// that it loads offline. PyTorch: no counterpart; scikit-learn: <c>sklearn.datasets.load_digits</c>.</summary>
/// <remarks>
/// <para>Source: the test set of UCI's "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998),
/// as shipped by scikit-learn; CC BY 4.0. Each image counts the set pixels of 4×4 blocks of a 32×32 bitmap, hence
/// the range 0..16. Class sizes: 0:178 1:182 2:177 3:183 4:181 5:182 6:181 7:179 8:174 9:180. See
/// <c>Resources/README.md</c> beside the source for the attribution.</para>
/// <para>Shapes: features (1797, 64) Float32, row-major 8×8 pixels 0..16 (unscaled, as scikit-learn's
/// <c>data</c>); labels (1797) Int64 in 0..9.</para>
/// </remarks>
public static class Digits
{
    /// <summary>The number of samples.</summary>
    public const int Count = 1797;

    /// <summary>Features per sample: 8 × 8 pixels.</summary>
    public const int Features = 64;

    /// <summary>The number of classes, the digits 0..9.</summary>
    public const int Classes = 10;

    /// <summary>The largest pixel value: 16 set pixels in a 4×4 block.</summary>
    public const int MaxPixel = 16;

    private const string ResourceName = "Nabla.Data.Resources.digits.csv.gz";

    /// <summary>Loads the features and labels. PyTorch: no counterpart; scikit-learn:
    /// <c>load_digits(return_X_y=True)</c>.</summary>
    /// <returns>Features (1797, 64) Float32 with values 0..16, and labels (1797) Int64 with values 0..9.</returns>
    /// <exception cref="InvalidOperationException">The embedded resource is missing (a broken build).</exception>
    public static (Tensor Features, Tensor Labels) Load()
    {
        using Stream stream = typeof(Digits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Digits.Load: the resource {ResourceName} is missing from {typeof(Digits).Assembly.GetName().Name}.");
        CsvTable table = Csv.Read(stream, $"{typeof(Digits).Assembly.GetName().Name}:{ResourceName}", hasHeader: false, labelColumn: -1);
        return (table.Features, table.Labels!);
    }

    /// <summary>The digits as a dataset of [features (64) Float32, label () Int64] items.
    /// PyTorch: <c>TensorDataset(features, labels)</c>.</summary>
    public static TensorDataset LoadDataset()
    {
        (Tensor features, Tensor labels) = Load();
        return new TensorDataset(features, labels);
    }
}
