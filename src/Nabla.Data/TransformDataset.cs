namespace Nabla.Data;

/// <summary>Applies a transform to each item's input (component 0) and a target transform to its label
/// (component 1) when the item is read. PyTorch: the <c>transform</c> and <c>target_transform</c> arguments of
/// <c>torchvision.datasets</c> (e.g. <c>FashionMNIST(root, transform=..., target_transform=...)</c>).</summary>
/// <remarks>Items [x, y, rest…] become [transform(x), targetTransform(y), rest…]; a null transform leaves its
/// component as is. Being computed per item, batches over it are stacked by the default collate rather than
/// gathered by the <see cref="TensorDataset"/> fast path; for element-wise transforms, applying them once to the
/// whole tensors is faster.</remarks>
public sealed class TransformDataset : IDataset<Tensor[]>
{
    /// <summary>A view of <paramref name="dataset"/> with transforms. PyTorch: <c>Dataset(transform=..., target_transform=...)</c>.</summary>
    /// <param name="dataset">Items with at least one component (two when a target transform is given).</param>
    /// <param name="transform">Applied to component 0, or null.</param>
    /// <param name="targetTransform">Applied to component 1, or null.</param>
    public TransformDataset(IDataset<Tensor[]> dataset, ITransform? transform, ITransform? targetTransform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Transform = transform;
        TargetTransform = targetTransform;
    }

    /// <summary>The underlying dataset.</summary>
    public IDataset<Tensor[]> Dataset { get; }

    /// <summary>The transform of component 0 (the input), or null. PyTorch: <c>dataset.transform</c>.</summary>
    public ITransform? Transform { get; }

    /// <summary>The transform of component 1 (the label), or null. PyTorch: <c>dataset.target_transform</c>.</summary>
    public ITransform? TargetTransform { get; }

    /// <summary>The number of items of the underlying dataset. PyTorch: <c>len(dataset)</c>.</summary>
    public int Count => Dataset.Count;

    /// <summary>The transformed item. PyTorch: <c>dataset[index]</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    /// <exception cref="InvalidOperationException">A target transform is set but the item has one component.</exception>
    public Tensor[] this[int index]
    {
        get
        {
            Tensor[] item = (Tensor[])Dataset[index].Clone();
            if (Transform is not null) item[0] = Transform.Apply(item[0]);
            if (TargetTransform is not null)
            {
                if (item.Length < 2)
                    throw new InvalidOperationException($"TransformDataset: item {index} has {item.Length} component; the target transform needs a label at component 1.");
                item[1] = TargetTransform.Apply(item[1]);
            }
            return item;
        }
    }
}
