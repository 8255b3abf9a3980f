namespace Nabla.Optim;

/// <summary>Multiplies each group's learning rate by gamma at each milestone epoch. PyTorch:
/// <c>torch.optim.lr_scheduler.MultiStepLR</c>.</summary>
/// <remarks>Closed form: ηₑ = η₀ · γ^(number of milestones ≤ e). A milestone listed k times decays by γᵏ, as
/// PyTorch's <c>Counter</c> of milestones does.</remarks>
public sealed class MultiStepLr : LrScheduler
{
    private readonly Dictionary<int, int> _milestones = [];
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> at every epoch in <paramref name="milestones"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="milestones">Epoch indices (increasing; repeats decay repeatedly).</param>
    /// <param name="gamma">Multiplicative factor (default 0.1).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    public MultiStepLr(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        foreach (int m in milestones) _milestones[m] = _milestones.GetValueOrDefault(m) + 1;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double[] lrs = CurrentLrs();
        if (!_milestones.TryGetValue(LastEpoch, out int count)) return lrs;
        double factor = Math.Pow(_gamma, count);
        return [.. lrs.Select(lr => lr * factor)];
    }
}
