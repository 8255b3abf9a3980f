namespace Nabla.Data;

/// <summary>Turns class indices into one-hot vectors. PyTorch: <c>torch.nn.functional.one_hot</c> used as a
/// target transform (<c>Lambda(lambda y: F.one_hot(y, num_classes))</c>).</summary>
/// <remarks>Shapes: Int64 (*) → (*, numClasses). The dtype is Int64 by default, as in PyTorch; Float32 suits a
/// mean-squared-error or binary cross-entropy target.</remarks>
public sealed class OneHot : ITransform
{
    /// <summary>A one-hot transform for <paramref name="numClasses"/> classes. PyTorch: <c>F.one_hot(y, num_classes)</c>.</summary>
    /// <param name="numClasses">The number of classes, at least 1.</param>
    /// <param name="dtype">The result's dtype.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> &lt; 1.</exception>
    public OneHot(int numClasses, DType dtype = DType.Int64)
    {
        if (numClasses < 1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: numClasses must be at least 1, got {numClasses}.");
        NumClasses = numClasses;
        DType = dtype;
    }

    /// <summary>The number of classes (the length of each one-hot vector). PyTorch: <c>num_classes</c>.</summary>
    public int NumClasses { get; }

    /// <summary>The result's dtype.</summary>
    public DType DType { get; }

    /// <summary>Encodes class indices. PyTorch: <c>F.one_hot(y, num_classes)</c>.</summary>
    /// <param name="input">Int64 class indices in 0..NumClasses−1.</param>
    /// <exception cref="ArgumentException">The input is not Int64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..NumClasses−1.</exception>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.Int64)
            throw new ArgumentException($"OneHot: class indices must be Int64, got {input.DType}.", nameof(input));
        return input.OneHot(NumClasses).To(DType);
    }
}
