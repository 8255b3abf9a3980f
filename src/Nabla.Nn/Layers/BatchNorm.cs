using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Shared batch-norm layer state: learnable "weight" (γ, ones) and "bias" (β, zeros), buffers
/// "running_mean" (zeros), "running_var" (ones) and "num_batches_tracked" (int64 0), as in PyTorch.
/// PyTorch: <c>torch.nn.modules.batchnorm._BatchNorm</c>.</summary>
public abstract class BatchNormBase : Module<Tensor, Tensor>
{
    /// <summary>Registers parameters and buffers.</summary>
    /// <param name="numFeatures">Channels C.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of each new batch in the running statistics; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (else batch statistics are used always).</param>
    /// <param name="dtype">Float32 or Float64.</param>
    private protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures], dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0L));
        }
    }

    /// <summary>Channels. PyTorch: <c>num_features</c>.</summary>
    public int NumFeatures { get; }

    /// <summary>ε. PyTorch: <c>eps</c>.</summary>
    public double Eps { get; }

    /// <summary>Running-statistics momentum, or null for a cumulative moving average. PyTorch: <c>momentum</c>.</summary>
    public double? Momentum { get; }

    /// <summary>Whether γ and β are learned. PyTorch: <c>affine</c>.</summary>
    public bool Affine { get; }

    /// <summary>Whether running statistics are kept. PyTorch: <c>track_running_stats</c>.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>γ (C), or null. PyTorch: <c>bn.weight</c>.</summary>
    public Parameter? Weight { get; }

    /// <summary>β (C), or null. PyTorch: <c>bn.bias</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean (C), or null. PyTorch: <c>bn.running_mean</c>.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance (C), or null. PyTorch: <c>bn.running_var</c>.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Training batches seen (int64 scalar), or null. PyTorch: <c>bn.num_batches_tracked</c>.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Checks the input's rank for the concrete layer.</summary>
    /// <param name="input">The input.</param>
    private protected abstract void CheckInput(Tensor input);

    /// <summary>Normalises with batch statistics in training mode (updating the running ones) and running statistics
    /// in evaluation mode. PyTorch: <c>bn(input)</c>.</summary>
    /// <param name="input">(N, C, *) as the concrete layer requires.</param>
    /// <exception cref="ArgumentException">The channel count or rank does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{TypeName}({NumFeatures}) expects {NumFeatures} channels in dim 1 but got input {Py.Shape(input.Shape)}.", nameof(input));
        double factor = Momentum ?? 0;
        if (Training && TrackRunningStats)
        {
            NumBatchesTracked!.AddInPlace(Tensor.Scalar(1L));
            // momentum=None: cumulative average, the k-th batch weighted 1/k.
            if (Momentum is null) factor = 1.0 / NumBatchesTracked.Item<long>();
        }
        bool useBatch = Training || !TrackRunningStats;
        return input.BatchNorm(useBatch && !TrackRunningStats ? null : RunningMean, useBatch && !TrackRunningStats ? null : RunningVar,
                               Weight, Bias, useBatch, factor, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
        => $"{NumFeatures}, eps={Py.Float(Eps)}, momentum={(Momentum is double m ? Py.Float(m) : "None")}, affine={Py.Bool(Affine)}, track_running_stats={Py.Bool(TrackRunningStats)}";
}

/// <summary>Batch normalisation over (N, C) features or (N, C, L) sequences. PyTorch: <c>torch.nn.BatchNorm1d</c>.</summary>
/// <remarks>Shapes: (N, C) or (N, C, L) → the same; statistics per channel over N (and L).</remarks>
/// <param name="numFeatures">C.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Weight of each new batch in the running statistics; null for a cumulative average.</param>
/// <param name="affine">Whether to learn γ and β.</param>
/// <param name="trackRunningStats">Whether to keep running statistics.</param>
/// <param name="dtype">Float32 or Float64.</param>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
                                bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Dim is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input (got {input.Dim}D input {Py.Shape(input.Shape)}).", nameof(input));
    }
}

/// <summary>Batch normalisation of NCHW feature maps, per channel over N, H and W (Ioffe and Szegedy 2015).
/// PyTorch: <c>torch.nn.BatchNorm2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) → the same.</remarks>
/// <param name="numFeatures">C.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Weight of each new batch in the running statistics; null for a cumulative average.</param>
/// <param name="affine">Whether to learn γ and β.</param>
/// <param name="trackRunningStats">Whether to keep running statistics.</param>
/// <param name="dtype">Float32 or Float64.</param>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
                                bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Dim != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4D input (got {input.Dim}D input {Py.Shape(input.Shape)}).", nameof(input));
    }
}

/// <summary>Group normalisation: channels split into groups, each (sample, group) normalised on its own, then a
/// per-channel γ and β; independent of the batch size (Wu and He 2018). PyTorch: <c>torch.nn.GroupNorm</c>.</summary>
/// <remarks>Shapes: (N, C, *) → the same. Parameters "weight" (ones) and "bias" (zeros) of (C) when affine.</remarks>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>A group-norm layer. PyTorch: <c>nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)</c>.</summary>
    /// <param name="numGroups">G, dividing C.</param>
    /// <param name="numChannels">C.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <exception cref="ArgumentException">G does not divide C.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups < 1 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels={numChannels} must be divisible by num_groups={numGroups}.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numChannels], dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros([numChannels], dtype));
        }
    }

    /// <summary>G. PyTorch: <c>num_groups</c>.</summary>
    public int NumGroups { get; }

    /// <summary>C. PyTorch: <c>num_channels</c>.</summary>
    public int NumChannels { get; }

    /// <summary>ε. PyTorch: <c>eps</c>.</summary>
    public double Eps { get; }

    /// <summary>γ (C), or null. PyTorch: <c>gn.weight</c>.</summary>
    public Parameter? Weight { get; }

    /// <summary>β (C), or null. PyTorch: <c>gn.bias</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Normalises the input. PyTorch: <c>gn(input)</c>.</summary>
    /// <param name="input">(N, C, *).</param>
    /// <exception cref="ArgumentException">The channel count does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2 || input.Size(1) != NumChannels)
            throw new ArgumentException($"GroupNorm({NumGroups}, {NumChannels}) expects input (N, {NumChannels}, *) but got {Py.Shape(input.Shape)}.", nameof(input));
        return input.GroupNorm(NumGroups, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Py.Float(Eps)}, affine={Py.Bool(Weight is not null)}";
}
