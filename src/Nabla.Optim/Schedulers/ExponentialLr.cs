namespace Nabla.Optim;

/// <summary>Multiplies each group's learning rate by gamma every epoch. PyTorch:
/// <c>torch.optim.lr_scheduler.ExponentialLR</c>.</summary>
/// <remarks>Closed form: ηₑ = η₀ · γᵉ, computed recursively as PyTorch does.</remarks>
public sealed class ExponentialLr : LrScheduler
{
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> every epoch.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="gamma">Multiplicative factor per epoch.</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    public ExponentialLr(Optimizer optimizer, double gamma, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double[] lrs = CurrentLrs();
        return LastEpoch == 0 ? lrs : [.. lrs.Select(lr => lr * _gamma)];
    }
}
