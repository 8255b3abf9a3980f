using Xunit;

namespace Nabla.Data.Tests;

/// <summary>The embedded digits against the facts of digits.rst and the first and last lines of digits.csv.gz.</summary>
public sealed class DigitsTests
{
    private static readonly (Tensor Features, Tensor Labels) Data = Digits.Load();

    [Fact]
    public void Shapes_and_dtypes_match_the_description()
    {
        Assert.Equal([1797, 64], Data.Features.Shape);
        Assert.Equal(DType.Float32, Data.Features.DType);
        Assert.Equal([1797], Data.Labels.Shape);
        Assert.Equal(DType.Int64, Data.Labels.DType);
        Assert.Equal(Digits.Count, Data.Features.Size(0));
        Assert.Equal(Digits.Features, Data.Features.Size(1));
    }

    [Fact]
    public void The_first_and_last_rows_are_those_of_the_csv()
    {
        // Line 1 of digits.csv.gz (a zero) and line 1797 (an eight).
        float[] first = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
                         0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];
        float[] last = [0, 0, 10, 14, 8, 1, 0, 0, 0, 2, 16, 14, 6, 1, 0, 0, 0, 0, 15, 15, 8, 15, 0, 0, 0, 0, 5, 16, 16, 10, 0, 0,
                        0, 0, 12, 15, 15, 12, 0, 0, 0, 4, 16, 6, 4, 16, 6, 0, 0, 8, 16, 10, 8, 16, 8, 0, 0, 1, 8, 12, 14, 12, 1, 0];
        Assert.Equal(first, Data.Features.Select(0, 0).ToArray<float>());
        Assert.Equal(last, Data.Features.Select(0, 1796).ToArray<float>());
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], Data.Labels.ToArray<long>().Take(12));
        Assert.Equal(8L, Data.Labels.ToArray<long>()[^1]);
    }

    [Fact]
    public void Class_counts_and_pixel_range_match_the_description()
    {
        long[] labels = Data.Labels.ToArray<long>();
        int[] counts = Enumerable.Range(0, Digits.Classes).Select(c => labels.Count(y => y == c)).ToArray();
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], counts);
        float[] pixels = Data.Features.ToArray<float>();
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(Digits.MaxPixel, pixels.Max());
        Assert.All(pixels, p => Assert.Equal(MathF.Round(p), p));
        Assert.Equal(561718.0, pixels.Sum(p => (double)p));
    }

    [Fact]
    public void The_dataset_helper_trains_in_batches()
    {
        TensorDataset ds = Digits.LoadDataset();
        Assert.Equal(1797, ds.Count);
        var loader = new DataLoader<Tensor[]>(ds, batchSize: 64, shuffle: true, generator: new Generator(0), prefetch: 2);
        Assert.Equal(29, loader.Count);
        int seen = 0;
        foreach (Tensor[] batch in loader)
        {
            Assert.Equal(64, batch[0].Size(1));
            seen += batch[1].Size(0);
        }
        Assert.Equal(1797, seen);
    }
}
