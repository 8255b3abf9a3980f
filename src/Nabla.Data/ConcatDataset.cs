namespace Nabla.Data;

/// <summary>Several datasets one after another. PyTorch: <c>torch.utils.data.ConcatDataset</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Item i comes from the first dataset whose cumulative size exceeds i (found by binary search over
/// <see cref="CumulativeSizes"/>); nothing is copied.</remarks>
public sealed class ConcatDataset<T> : IDataset<T>
{
    private readonly IDataset<T>[] _datasets;
    private readonly int[] _cumulative;

    /// <summary>The concatenation of <paramref name="datasets"/>. PyTorch: <c>ConcatDataset(datasets)</c>.</summary>
    /// <param name="datasets">At least one dataset.</param>
    /// <exception cref="ArgumentException">No datasets, or more than <see cref="int.MaxValue"/> items in all.</exception>
    public ConcatDataset(IEnumerable<IDataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        _datasets = datasets.ToArray();
        if (_datasets.Length == 0) throw new ArgumentException("ConcatDataset: expected at least one dataset.", nameof(datasets));
        _cumulative = new int[_datasets.Length];
        long total = 0;
        for (int k = 0; k < _datasets.Length; k++)
        {
            total += (_datasets[k] ?? throw new ArgumentNullException(nameof(datasets), $"ConcatDataset: dataset {k} is null.")).Count;
            if (total > int.MaxValue)
                throw new ArgumentException($"ConcatDataset: {total} items in the first {k + 1} datasets exceed {int.MaxValue}.", nameof(datasets));
            _cumulative[k] = (int)total;
        }
    }

    /// <summary>The datasets, in order. PyTorch: <c>concat.datasets</c>.</summary>
    public IReadOnlyList<IDataset<T>> Datasets => _datasets;

    /// <summary>Running totals of the datasets' sizes. PyTorch: <c>concat.cumulative_sizes</c>.</summary>
    public IReadOnlyList<int> CumulativeSizes => _cumulative;

    /// <summary>The total number of items. PyTorch: <c>len(concat)</c>.</summary>
    public int Count => _cumulative[^1];

    /// <summary>Item <paramref name="index"/> of the concatenation; negative indices are not accepted.
    /// PyTorch: <c>concat[index]</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"ConcatDataset: index {index} is out of range for {Count} items.");
            // The first k with cumulative[k] > index (bisect_right in PyTorch).
            int lo = 0, hi = _cumulative.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_cumulative[mid] > index) hi = mid;
                else lo = mid + 1;
            }
            int start = lo == 0 ? 0 : _cumulative[lo - 1];
            return _datasets[lo][index - start];
        }
    }
}
