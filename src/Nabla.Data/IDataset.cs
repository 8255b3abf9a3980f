namespace Nabla.Data;

/// <summary>A map-style dataset: a fixed number of items, each reachable by its index.
/// PyTorch: <c>torch.utils.data.Dataset</c>.</summary>
/// <typeparam name="T">The item type, e.g. <c>Tensor[]</c> (input and label) for a <see cref="TensorDataset"/>.</typeparam>
/// <remarks><see cref="Count"/> is PyTorch's <c>__len__</c> and the indexer its <c>__getitem__</c>. Implementations
/// used with a prefetching <see cref="DataLoader{T}"/> are read from a background thread, so the indexer must be
/// safe to call from another thread than the one that created the dataset (read-only datasets are).</remarks>
public interface IDataset<out T>
{
    /// <summary>The number of items. PyTorch: <c>len(dataset)</c>.</summary>
    int Count { get; }

    /// <summary>The item at <paramref name="index"/>. PyTorch: <c>dataset[index]</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    T this[int index] { get; }
}
