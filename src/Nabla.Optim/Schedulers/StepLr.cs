namespace Nabla.Optim;

/// <summary>Multiplies each group's learning rate by gamma every <c>stepSize</c> epochs. PyTorch:
/// <c>torch.optim.lr_scheduler.StepLR</c>.</summary>
/// <remarks>Closed form: ηₑ = η₀ · γ^⌊e / step_size⌋. Computed recursively (η ← γη when e is a positive multiple of
/// step_size) as PyTorch does.</remarks>
public sealed class StepLr : LrScheduler
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">Period of the decay, in epochs (&gt; 0).</param>
    /// <param name="gamma">Multiplicative factor (default 0.1).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> ≤ 0.</exception>
    public StepLr(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"StepLr: step_size must be positive, got {stepSize}.");
        _stepSize = stepSize;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double[] lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch % _stepSize != 0) return lrs;
        return [.. lrs.Select(lr => lr * _gamma)];
    }
}
