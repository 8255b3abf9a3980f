namespace Nabla.Data;

/// <summary>The items of a dataset at chosen indices, in the order given. PyTorch: <c>torch.utils.data.Subset</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Item i is <c>Dataset[Indices[i]]</c>; nothing is copied. <see cref="Dataset.RandomSplit{T}(IDataset{T}, int[], Generator?)"/>
/// returns subsets.</remarks>
public sealed class Subset<T> : IDataset<T>
{
    private readonly int[] _indices;

    /// <summary>A view of <paramref name="dataset"/> restricted to <paramref name="indices"/>.
    /// PyTorch: <c>Subset(dataset, indices)</c>.</summary>
    /// <param name="dataset">The underlying dataset.</param>
    /// <param name="indices">Indices into <paramref name="dataset"/>, each in 0..Count−1; repeats are allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public Subset(IDataset<T> dataset, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        _indices = indices.ToArray();
        for (int i = 0; i < _indices.Length; i++)
        {
            if ((uint)_indices[i] >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"Subset: index {_indices[i]} at position {i} is out of range for a dataset of {dataset.Count} items.");
        }
        Dataset = dataset;
    }

    /// <summary>The underlying dataset. PyTorch: <c>subset.dataset</c>.</summary>
    public IDataset<T> Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>. PyTorch: <c>subset.indices</c>.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <summary>The number of indices. PyTorch: <c>len(subset)</c>.</summary>
    public int Count => _indices.Length;

    /// <summary>The item <c>Dataset[Indices[index]]</c>. PyTorch: <c>subset[index]</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_indices.Length)
                throw new ArgumentOutOfRangeException(nameof(index), $"Subset: index {index} is out of range for {_indices.Length} items.");
            return Dataset[_indices[index]];
        }
    }
}
