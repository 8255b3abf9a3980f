namespace Nabla.Data;

/// <summary>Applies transforms one after another. PyTorch: <c>torchvision.transforms.Compose</c>.</summary>
/// <remarks>An empty list is the identity.</remarks>
public sealed class Compose : ITransform
{
    private readonly ITransform[] _transforms;

    /// <summary>The composition of <paramref name="transforms"/>, first applied first.
    /// PyTorch: <c>Compose([t1, t2, ...])</c>.</summary>
    /// <param name="transforms">The transforms, in application order.</param>
    /// <exception cref="ArgumentNullException">The list or one of its transforms is null.</exception>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
        {
            if (transforms[i] is null) throw new ArgumentNullException(nameof(transforms), $"Compose: transform {i} is null.");
        }
        _transforms = (ITransform[])transforms.Clone();
    }

    /// <summary>The transforms, in application order. PyTorch: <c>compose.transforms</c>.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <summary>Applies each transform to the previous one's output. PyTorch: <c>compose(x)</c>.</summary>
    /// <param name="input">The tensor to transform.</param>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = input;
        foreach (ITransform t in _transforms) x = t.Apply(x);
        return x;
    }
}
