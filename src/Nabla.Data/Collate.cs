namespace Nabla.Data;

/// <summary>Collate functions: they merge the items of one batch into batch tensors.
/// PyTorch: <c>torch.utils.data.default_collate</c>.</summary>
/// <remarks>Shapes: k items of shape (*s) → one (k, *s) tensor, per component. The dtype is kept, so Int64 labels
/// (0-d each) give an Int64 (k) batch, as PyTorch's <c>default_collate</c> does.</remarks>
public static class Collate
{
    /// <summary>The default collate for an item type: <see cref="Stack"/> for <see cref="Tensor"/>,
    /// <see cref="StackComponents"/> for <c>Tensor[]</c>, and component-wise stacking for
    /// <c>(Tensor, Tensor)</c> and <c>(Tensor, Tensor, Tensor)</c>. PyTorch: <c>default_collate</c>.</summary>
    /// <typeparam name="T">The item type, which is also the batch type.</typeparam>
    /// <exception cref="NotSupportedException">Any other item type; pass a collate function to the loader instead.</exception>
    public static Func<IReadOnlyList<T>, T> Default<T>()
    {
        object collate = typeof(T) switch
        {
            Type t when t == typeof(Tensor) => new Func<IReadOnlyList<Tensor>, Tensor>(Stack),
            Type t when t == typeof(Tensor[]) => new Func<IReadOnlyList<Tensor[]>, Tensor[]>(StackComponents),
            Type t when t == typeof((Tensor, Tensor)) => new Func<IReadOnlyList<(Tensor, Tensor)>, (Tensor, Tensor)>(items =>
            {
                Tensor[] b = StackComponents(items.Select(i => new[] { i.Item1, i.Item2 }).ToList());
                return (b[0], b[1]);
            }),
            Type t when t == typeof((Tensor, Tensor, Tensor)) => new Func<IReadOnlyList<(Tensor, Tensor, Tensor)>, (Tensor, Tensor, Tensor)>(items =>
            {
                Tensor[] b = StackComponents(items.Select(i => new[] { i.Item1, i.Item2, i.Item3 }).ToList());
                return (b[0], b[1], b[2]);
            }),
            _ => throw new NotSupportedException(
                $"Collate.Default: items of type {typeof(T).Name} have no default collate (Tensor, Tensor[], (Tensor, Tensor) and " +
                "(Tensor, Tensor, Tensor) do); pass a collate function to the DataLoader."),
        };
        return (Func<IReadOnlyList<T>, T>)collate;
    }

    /// <summary>Stacks same-shaped tensors along a new first dim. PyTorch: <c>default_collate</c> on tensors
    /// (<c>torch.stack(batch, 0)</c>).</summary>
    /// <param name="items">At least one tensor, all of one shape and dtype.</param>
    /// <returns>(k, *s) for k items of shape (*s).</returns>
    /// <exception cref="ArgumentException">No items, or items whose shapes or dtypes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Collate.Stack: the batch is empty.", nameof(items));
        CheckAlike(items, component: null);
        return Tensor.Stack([.. items]);
    }

    /// <summary>Stacks each component across items: [x₀, y₀], [x₁, y₁], … → [stack(x), stack(y)].
    /// PyTorch: <c>default_collate</c> on a batch of tuples.</summary>
    /// <param name="items">At least one item; all with the same number of components, each component of one
    /// shape and dtype across items.</param>
    /// <returns>One (k, *s) tensor per component.</returns>
    /// <exception cref="ArgumentException">No items, differing component counts, shapes or dtypes.</exception>
    public static Tensor[] StackComponents(IReadOnlyList<Tensor[]> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Collate.StackComponents: the batch is empty.", nameof(items));
        int components = items[0].Length;
        for (int i = 1; i < items.Count; i++)
        {
            if (items[i].Length != components)
                throw new ArgumentException(
                    $"Collate: item {i} of the batch has {items[i].Length} components, item 0 has {components}.", nameof(items));
        }
        var batch = new Tensor[components];
        for (int c = 0; c < components; c++)
        {
            var column = new Tensor[items.Count];
            for (int i = 0; i < column.Length; i++) column[i] = items[i][c];
            CheckAlike(column, c);
            batch[c] = Tensor.Stack(column);
        }
        return batch;
    }

    private static void CheckAlike(IReadOnlyList<Tensor> items, int? component)
    {
        string what = component is int c ? $"component {c} of " : "";
        Tensor first = items[0] ?? throw new ArgumentException($"Collate: {what}item 0 of the batch is null.", nameof(items));
        for (int i = 1; i < items.Count; i++)
        {
            Tensor t = items[i] ?? throw new ArgumentException($"Collate: {what}item {i} of the batch is null.", nameof(items));
            if (!t.Shape.AsSpan().SequenceEqual(first.Shape))
                throw new ArgumentException(
                    $"Collate: {what}item {i} of the batch has shape {TensorDataset.Format(t.Shape)}, item 0 has " +
                    $"{TensorDataset.Format(first.Shape)}; stacking needs one shape.", nameof(items));
            if (t.DType != first.DType)
                throw new ArgumentException($"Collate: {what}item {i} of the batch is {t.DType}, item 0 is {first.DType}.", nameof(items));
        }
    }
}
