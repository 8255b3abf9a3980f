namespace Nabla.Data;

/// <summary>Standardizes per channel or feature: (x − mean[c]) / std[c]. PyTorch:
/// <c>torchvision.transforms.Normalize(mean, std)</c>.</summary>
/// <remarks>
/// <para>The dim that indexes mean and std: for inputs of 3 or more dims, dim −3, the channel of (…, C, H, W) as in
/// torchvision; for 1-D and 2-D inputs, the last dim, the features of (F) and (N, F). Pass <c>dim</c> to choose
/// another. A single mean and std apply to every element (e.g. Fashion-MNIST's (H, W) images).</para>
/// <para>Integer inputs are converted to Float32. Shapes: any → the same.</para>
/// </remarks>
public sealed class Normalize : ITransform
{
    private readonly double[] _mean, _std;

    /// <summary>A normalization by per-channel statistics. PyTorch: <c>Normalize(mean, std)</c>.</summary>
    /// <param name="mean">One mean per channel or feature, or one for all.</param>
    /// <param name="std">One standard deviation per channel or feature (as many as means), each non-zero.</param>
    /// <param name="dim">The dim of the channels; null for the rule in the remarks.</param>
    /// <exception cref="ArgumentException">No means, a count mismatch between mean and std, or a zero std.</exception>
    public Normalize(double[] mean, double[] std, int? dim = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0) throw new ArgumentException("Normalize: expected at least one mean.", nameof(mean));
        if (mean.Length != std.Length)
            throw new ArgumentException($"Normalize: {mean.Length} means but {std.Length} standard deviations.", nameof(std));
        int zero = Array.IndexOf(std, 0.0);
        if (zero >= 0) throw new ArgumentException($"Normalize: std[{zero}] is 0, which would divide by zero.", nameof(std));
        _mean = (double[])mean.Clone();
        _std = (double[])std.Clone();
        Dim = dim;
    }

    /// <summary>The per-channel means. PyTorch: <c>normalize.mean</c>.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The per-channel standard deviations. PyTorch: <c>normalize.std</c>.</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>The channel dim, or null for the default rule. PyTorch: no counterpart (torchvision fixes dim −3).</summary>
    public int? Dim { get; }

    /// <summary>Returns (input − mean) / std along the channel dim. PyTorch: <c>Normalize(mean, std)(x)</c>.</summary>
    /// <param name="input">A tensor whose channel dim has Mean.Count entries (or any tensor with one mean).</param>
    /// <exception cref="ArgumentException">A Bool or 0-d input with several means, or a channel dim of another size.</exception>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType == DType.Bool) throw new ArgumentException("Normalize: a Bool tensor cannot be normalized.", nameof(input));
        Tensor x = input.DType.IsFloatingPoint() ? input : input.To(DType.Float32);
        if (_mean.Length == 1) return (x - _mean[0]) / _std[0];
        if (x.Dim == 0) throw new ArgumentException($"Normalize: {_mean.Length} means need a channel dim; the input is 0-d.", nameof(input));
        // torchvision's channel dim for images, the feature dim for vectors and batches of vectors.
        const int ImageChannelDim = -3;
        int requested = Dim ?? (x.Dim >= 3 ? ImageChannelDim : -1);
        int d = requested < 0 ? requested + x.Dim : requested;
        if (d < 0 || d >= x.Dim)
            throw new ArgumentException($"Normalize: dim {requested} is out of range for an input of shape {TensorDataset.Format(x.Shape)}.", nameof(input));
        if (x.Size(d) != _mean.Length)
            throw new ArgumentException(
                $"Normalize: {_mean.Length} means but dim {requested} of the input {TensorDataset.Format(x.Shape)} has size {x.Size(d)}.", nameof(input));
        // Shape the statistics (C, 1, …, 1) so that they broadcast against the dims after d.
        var shape = new int[x.Dim - d];
        Array.Fill(shape, 1);
        shape[0] = _mean.Length;
        Tensor mean = Tensor.FromArray(_mean, shape).To(x.DType);
        Tensor std = Tensor.FromArray(_std, shape).To(x.DType);
        return (x - mean) / std;
    }
}
