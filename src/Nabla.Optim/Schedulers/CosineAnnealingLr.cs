namespace Nabla.Optim;

/// <summary>Cosine annealing of each group's learning rate from its initial value to <c>etaMin</c> over
/// <c>tMax</c> epochs. PyTorch: <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>.</summary>
/// <remarks>
/// Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", arXiv:1608.03983 (the annealing
/// part, without restarts). When only this scheduler sets the rate,
/// ηₑ = η_min + ½(η₀ − η_min)(1 + cos(πe / T_max)); past T_max the cosine continues, so the rate rises again.
/// It is computed in PyTorch's recursive form,
/// ηₑ = η_min + (ηₑ₋₁ − η_min)·(1 + cos(πe/T_max)) / (1 + cos(π(e−1)/T_max)),
/// with the special step ηₑ = ηₑ₋₁ + ½(η₀ − η_min)(1 − cos(π/T_max)) when (e − 1 − T_max) is a multiple of
/// 2T_max (where the ratio would be 0/0).
/// </remarks>
public sealed class CosineAnnealingLr : LrScheduler
{
    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Anneals over <paramref name="tMax"/> epochs down to <paramref name="etaMin"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">Half-period T_max in epochs (&gt; 0).</param>
    /// <param name="etaMin">Minimum learning rate η_min (default 0).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> ≤ 0.</exception>
    public CosineAnnealingLr(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (tMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"CosineAnnealingLr: T_max must be positive, got {tMax}.");
        _tMax = tMax;
        _etaMin = etaMin;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double[] lrs = CurrentLrs();
        int e = LastEpoch;
        if (e == 0) return lrs;
        if (StepCount == 1 && e > 0)
            return [.. BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(e * Math.PI / _tMax)) / 2)];
        if ((e - 1 - _tMax) % (2 * _tMax) == 0)
            return [.. lrs.Select((lr, i) => lr + (BaseLrs[i] - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2)];
        return [.. lrs.Select(lr => (1 + Math.Cos(Math.PI * e / _tMax)) / (1 + Math.Cos(Math.PI * (e - 1) / _tMax)) * (lr - _etaMin) + _etaMin)];
    }
}
