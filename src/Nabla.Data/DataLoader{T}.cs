namespace Nabla.Data;

/// <summary>Iterates over a dataset in batches of the item type itself: a batch of <c>Tensor[]</c> items is a
/// <c>Tensor[]</c> of stacked components. PyTorch: <c>torch.utils.data.DataLoader</c>.</summary>
/// <typeparam name="T">The item type and batch type: <see cref="Tensor"/>, <c>Tensor[]</c>,
/// <c>(Tensor, Tensor)</c> or <c>(Tensor, Tensor, Tensor)</c> for the default collate; anything with a
/// collate function.</typeparam>
/// <remarks>
/// <para>Shapes (default collate): items [(*a), (*b)] → batches [(B, *a), (B, *b)] with B = batch size (the last
/// batch may be smaller); dtypes are kept, so Int64 labels give Int64 (B) batches.</para>
/// <para>Fast path: over a <see cref="TensorDataset"/> (or a <see cref="Subset{T}"/> of one, at any depth) with the
/// default collate, a batch is gathered by one <see cref="Tensor.IndexSelect"/> per tensor
/// (<see cref="TensorDataset.GetBatch"/>) instead of stacking per-row views; the values are identical.</para>
/// <para>Shuffling, prefetching and early exit behave as described on <see cref="DataLoader{T, TBatch}"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var (x, y) = Digits.Load();
/// var loader = new DataLoader&lt;Tensor[]&gt;(new TensorDataset(x, y), batchSize: 64, shuffle: true,
///                                        generator: new Generator(0), prefetch: 2);
/// foreach (Tensor[] batch in loader) { /* batch[0]: (64, 64) Float32, batch[1]: (64) Int64 */ }
/// </code>
/// </example>
public sealed class DataLoader<T> : DataLoader<T, T>
{
    /// <summary>A loader over <paramref name="dataset"/>. PyTorch:
    /// <c>DataLoader(dataset, batch_size=1, shuffle=False, collate_fn=None, drop_last=False, generator=None)</c>.</summary>
    /// <param name="dataset">The items.</param>
    /// <param name="batchSize">Items per batch, at least 1 (PyTorch's default is 1).</param>
    /// <param name="shuffle">Draw a new random order every epoch.</param>
    /// <param name="dropLast">Skip the last batch when it has fewer than <paramref name="batchSize"/> items.</param>
    /// <param name="collate">Merges the items of one batch; null for <see cref="Collate.Default{T}"/>.</param>
    /// <param name="generator">The random source of the shuffling (default <see cref="Nabla.Generator.Default"/>).</param>
    /// <param name="prefetch">Batches built ahead on a background thread; 0 builds them on the consumer's thread.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> &lt; 1 or <paramref name="prefetch"/> &lt; 0.</exception>
    /// <exception cref="NotSupportedException">No collate function is given and <typeparamref name="T"/> has no default one.</exception>
    public DataLoader(IDataset<T> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false,
                      Func<IReadOnlyList<T>, T>? collate = null, Generator? generator = null, int prefetch = 0)
        : base(dataset, collate ?? Collate.Default<T>(), collate is null ? FastPath(dataset) : null,
               batchSize, shuffle, dropLast, generator, prefetch)
    {
    }

    /// <summary>A whole-batch fetcher for a TensorDataset, possibly behind subsets, or null.</summary>
    private static Func<int[], T>? FastPath(IDataset<T> dataset)
    {
        // Subset chains compose their index maps: batch indices → … → rows of the TensorDataset.
        var maps = new List<IReadOnlyList<int>>();
        object current = dataset;
        while (current is Subset<Tensor[]> subset)
        {
            maps.Add(subset.Indices);
            current = subset.Dataset;
        }
        if (current is not TensorDataset tensors || typeof(T) != typeof(Tensor[])) return null;
        return indices =>
        {
            int[] rows = indices;
            foreach (IReadOnlyList<int> map in maps) rows = Array.ConvertAll(rows, i => map[i]);
            return (T)(object)tensors.GetBatch(rows);
        };
    }
}
