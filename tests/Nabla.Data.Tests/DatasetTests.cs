using Xunit;

namespace Nabla.Data.Tests;

public sealed class DatasetTests
{
    /// <summary>x row i = [i, 10 + i], y = i mod 3: easy to read back from any item.</summary>
    private static TensorDataset Rows(int n)
    {
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[2 * i + 1] = 10 + i;
            y[i] = i % 3;
        }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y));
    }

    [Fact]
    public void TensorDataset_items_are_the_rows_of_every_tensor()
    {
        TensorDataset ds = Rows(5);
        Assert.Equal(5, ds.Count);
        Tensor[] item = ds[3];
        Assert.Equal(2, item.Length);
        Assert.Equal([3f, 13f], item[0].ToArray<float>());
        Assert.Equal([2], item[0].Shape);
        Assert.Equal(DType.Int64, item[1].DType);
        Assert.Empty(item[1].Shape);
        Assert.Equal(0L, item[1].Item<long>());
    }

    [Fact]
    public void TensorDataset_GetBatch_gathers_rows_in_the_order_given()
    {
        Tensor[] batch = Rows(5).GetBatch([4, 0, 4]);
        Assert.Equal([3, 2], batch[0].Shape);
        Assert.Equal([4f, 14f, 0f, 10f, 4f, 14f], batch[0].ToArray<float>());
        Assert.Equal([1L, 0L, 1L], batch[1].ToArray<long>());
    }

    [Fact]
    public void TensorDataset_rejects_tensors_of_different_lengths_and_bad_indices()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(4, 2), Tensor.Zeros(3)));
        Assert.StartsWith("TensorDataset: size mismatch between tensors: tensor 0 has 4 rows (4, 2), tensor 1 has 3 (3).", e.Message);
        Assert.Contains("tensor 0 is 0-d", Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Scalar(1.0))).Message);
        Assert.StartsWith("TensorDataset: index 5 is out of range for 5 rows.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Rows(5)[5]).Message);
        Assert.StartsWith("TensorDataset: index -1 is out of range for 5 rows.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Rows(5).GetBatch([0, -1])).Message);
    }

    [Fact]
    public void Subset_maps_indices_and_validates_them()
    {
        var subset = new Subset<Tensor[]>(Rows(6), [5, 1]);
        Assert.Equal(2, subset.Count);
        Assert.Equal([5f, 15f], subset[0][0].ToArray<float>());
        Assert.Equal([1f, 11f], subset[1][0].ToArray<float>());
        Assert.StartsWith("Subset: index 6 at position 1 is out of range for a dataset of 6 items.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<Tensor[]>(Rows(6), [0, 6])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => subset[2]);
    }

    [Fact]
    public void ConcatDataset_walks_the_datasets_in_order_including_empty_ones()
    {
        var concat = new ConcatDataset<Tensor[]>([Rows(3), Rows(0), Rows(2)]);
        Assert.Equal(5, concat.Count);
        Assert.Equal([3, 3, 5], concat.CumulativeSizes);
        float[] firstColumn = Enumerable.Range(0, 5).Select(i => concat[i][0].ToArray<float>()[0]).ToArray();
        Assert.Equal([0f, 1f, 2f, 0f, 1f], firstColumn);
        Assert.StartsWith("ConcatDataset: index 5 is out of range for 5 items.",
            Assert.Throws<ArgumentOutOfRangeException>(() => concat[5]).Message);
        Assert.Throws<ArgumentException>(() => new ConcatDataset<Tensor[]>([]));
    }

    [Fact]
    public void RandomSplit_by_lengths_partitions_every_index_exactly_once()
    {
        TensorDataset ds = Rows(20);
        Subset<Tensor[]>[] parts = Dataset.RandomSplit(ds, [12, 5, 3], new Generator(7));
        Assert.Equal([12, 5, 3], parts.Select(p => p.Count));
        int[] all = parts.SelectMany(p => p.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 20), all.Order());
        Assert.Same(ds, parts[0].Dataset);
        // Shuffled, not the identity cut into pieces.
        Assert.NotEqual(Enumerable.Range(0, 20), all);
    }

    [Fact]
    public void RandomSplit_is_reproducible_from_the_seed()
    {
        int[] First(long seed) => Dataset.RandomSplit(Rows(50), [25, 25], new Generator(seed))[0].Indices.ToArray();
        Assert.Equal(First(3), First(3));
        Assert.NotEqual(First(3), First(4));
        // The split is the seed's permutation cut in order, as PyTorch's randperm(...)[offset - length : offset].
        long[] perm = Tensor.RandPerm(50, new Generator(3)).ToArray<long>();
        Assert.Equal(perm.Take(25).Select(v => (int)v), First(3));
    }

    [Fact]
    public void RandomSplit_by_fractions_hands_out_the_remainder_round_robin()
    {
        // ⌊10·0.25⌋ = 2, 2, ⌊10·0.5⌋ = 5: 9 items, the 1 left over goes to the first subset.
        Assert.Equal([3, 2, 5], Dataset.RandomSplit(Rows(10), [0.25, 0.25, 0.5], new Generator(0)).Select(p => p.Count));
        // 7 items in thirds: 2, 2, 2 floored, 1 left → 3, 2, 2 (PyTorch gives the same).
        Assert.Equal([3, 2, 2], Dataset.RandomSplit(Rows(7), [1 / 3.0, 1 / 3.0, 1 / 3.0], new Generator(0)).Select(p => p.Count));
        // 1797 digits 80/20: 1437.6 → 1437 and 359.4 → 359, 1 left → 1438, 359.
        Assert.Equal([1438, 359], Dataset.RandomSplit(new Subset<Tensor[]>(Rows(1797), Enumerable.Range(0, 1797)), [0.8, 0.2]).Select(p => p.Count));
        // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in doubles (as in Python): close enough to 1, as with math.isclose.
        Assert.Equal([7, 2, 1], Dataset.RandomSplit(Rows(10), [0.7, 0.2, 0.1]).Select(p => p.Count));
    }

    [Fact]
    public void RandomSplit_reports_bad_lengths_and_fractions()
    {
        Assert.StartsWith("RandomSplit: the lengths [3, 3] sum to 6, but the dataset has 5 items.",
            Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Rows(5), [3, 3])).Message);
        Assert.StartsWith("RandomSplit: length -1 at index 1 is negative.",
            Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Rows(5), [6, -1])).Message);
        Assert.StartsWith("RandomSplit: the fractions [0.5, 0.6] sum to 1.1, not 1.",
            Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Rows(5), [0.5, 0.6])).Message);
        Assert.StartsWith("RandomSplit: fraction -0.5 at index 0 is not between 0 and 1.",
            Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Rows(5), [-0.5, 1.5])).Message);
    }
}
