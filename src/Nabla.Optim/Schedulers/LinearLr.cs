namespace Nabla.Optim;

/// <summary>Scales each group's learning rate by a factor that changes linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> epochs, then stays; the usual warm-up. PyTorch:
/// <c>torch.optim.lr_scheduler.LinearLR</c>.</summary>
/// <remarks>
/// Closed form: ηₑ = η₀ · (s + (f − s)·min(e, T)/T) with start factor s, end factor f, T total_iters. It is computed
/// in PyTorch's recursive form: ηₑ = ηₑ₋₁ · (1 + (f − s) / (T·s + (e − 1)(f − s))) for 0 &lt; e ≤ T.
/// Defaults: start_factor 1/3, end_factor 1, total_iters 5.
/// </remarks>
public sealed class LinearLr : LrScheduler
{
    private readonly double _startFactor, _endFactor;
    private readonly int _totalIters;

    /// <summary>Linear warm-up (or decay) of the learning-rate factor.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="startFactor">Factor at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">Factor from epoch <paramref name="totalIters"/> on, in [0, 1].</param>
    /// <param name="totalIters">Epochs over which the factor changes (&gt; 0).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside its range, or <paramref name="totalIters"/> ≤ 0.</exception>
    public LinearLr(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        // A start factor of 0 would make the recursive form divide by zero at epoch 1.
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "LinearLr: starting multiplicative factor expected to be greater than 0 and at most 1.");
        if (!(endFactor >= 0 && endFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "LinearLr: ending multiplicative factor expected to be between 0 and 1.");
        if (totalIters <= 0)
            throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, $"LinearLr: total_iters must be positive, got {totalIters}.");
        _startFactor = startFactor;
        _endFactor = endFactor;
        _totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double[] lrs = CurrentLrs();
        if (LastEpoch == 0) return [.. lrs.Select(lr => lr * _startFactor)];
        if (LastEpoch > _totalIters) return lrs;
        double ratio = 1.0 + (_endFactor - _startFactor) /
                       (_totalIters * _startFactor + (LastEpoch - 1) * (_endFactor - _startFactor));
        return [.. lrs.Select(lr => lr * ratio)];
    }
}
