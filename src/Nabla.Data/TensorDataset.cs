namespace Nabla.Data;

/// <summary>A dataset over tensors that share their first dimension: item i is the array of row i of each tensor.
/// PyTorch: <c>torch.utils.data.TensorDataset</c>.</summary>
/// <remarks>
/// Shapes: tensors (N, *a), (N, *b), … → item i is [(*a), (*b), …], views of the rows (no copies). A features and
/// labels pair (N, F) Float32 and (N) Int64 gives items [(F) Float32, () Int64]. A <see cref="DataLoader{T}"/>
/// with the default collate builds a batch with one <see cref="Tensor.IndexSelect"/> per tensor instead of
/// stacking row views.
/// </remarks>
public sealed class TensorDataset : IDataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>A dataset over <paramref name="tensors"/>. PyTorch: <c>TensorDataset(*tensors)</c>.</summary>
    /// <param name="tensors">At least one tensor, each with at least one dimension, all of one first-dim size.</param>
    /// <exception cref="ArgumentException">No tensors, a 0-d tensor, or first dimensions that differ.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: expected at least one tensor.", nameof(tensors));
        for (int k = 0; k < tensors.Length; k++)
        {
            Tensor t = tensors[k] ?? throw new ArgumentNullException(nameof(tensors), $"TensorDataset: tensor {k} is null.");
            if (t.Dim == 0)
                throw new ArgumentException($"TensorDataset: tensor {k} is 0-d; every tensor needs a first (sample) dimension.", nameof(tensors));
            if (t.Size(0) != tensors[0].Size(0))
                throw new ArgumentException(
                    $"TensorDataset: size mismatch between tensors: tensor 0 has {tensors[0].Size(0)} rows {Format(tensors[0].Shape)}, " +
                    $"tensor {k} has {t.Size(0)} {Format(t.Shape)}.", nameof(tensors));
        }
        _tensors = (Tensor[])tensors.Clone();
    }

    /// <summary>The tensors, in the order given. PyTorch: <c>dataset.tensors</c>.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>The number of rows (the shared first dimension). PyTorch: <c>len(dataset)</c>.</summary>
    public int Count => _tensors[0].Size(0);

    /// <summary>Row <paramref name="index"/> of every tensor, as views. PyTorch: <c>dataset[index]</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    public Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var item = new Tensor[_tensors.Length];
            for (int k = 0; k < item.Length; k++) item[k] = _tensors[k].Select(0, index);
            return item;
        }
    }

    /// <summary>The rows at <paramref name="indices"/> of every tensor, gathered by one index-select per tensor.
    /// PyTorch: <c>dataset.__getitems__(indices)</c> followed by <c>default_collate</c>.</summary>
    /// <remarks>Shapes: tensors (N, *a), (N, *b), … and k indices → [(k, *a), (k, *b), …], new storage.</remarks>
    /// <param name="indices">Row indices, each in 0..Count−1; repeats are allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Count−1.</exception>
    public Tensor[] GetBatch(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var rows = new long[indices.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            CheckIndex(indices[i]);
            rows[i] = indices[i];
        }
        Tensor index = Tensor.FromArray(rows);
        var batch = new Tensor[_tensors.Length];
        for (int k = 0; k < batch.Length; k++) batch[k] = _tensors[k].IndexSelect(0, index);
        return batch;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"TensorDataset: index {index} is out of range for {Count} rows.");
    }

    internal static string Format(int[] shape) => "(" + string.Join(", ", shape) + ")";
}
