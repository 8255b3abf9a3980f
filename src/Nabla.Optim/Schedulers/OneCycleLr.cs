namespace Nabla.Optim;

/// <summary>The 1cycle policy: the learning rate rises from max_lr/div_factor to max_lr, then anneals to a tiny
/// minimum, while momentum (or Adam's β₁) moves the opposite way; stepped once per batch. PyTorch:
/// <c>torch.optim.lr_scheduler.OneCycleLR</c>.</summary>
/// <remarks>
/// Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates",
/// arXiv:1708.07120. With N total steps, initial_lr = max_lr/div_factor and min_lr = initial_lr/final_div_factor,
/// the two phases (PyTorch's default, three_phase false) end at steps pct_start·N − 1 and N − 1:
/// <code>
/// phase 1: lr initial_lr → max_lr,  momentum max_momentum → base_momentum
/// phase 2: lr max_lr → min_lr,      momentum base_momentum → max_momentum
/// </code>
/// Within a phase from step a to b, pct = (e − a)/(b − a) and the value is annealed by <see cref="AnnealStrategy"/>.
/// With three_phase, phase 1 ends at pct_start·N − 1, phase 2 (back to initial_lr) at 2·pct_start·N − 2, and phase 3
/// anneals to min_lr. Momentum cycling writes group <c>"momentum"</c>, or β₁ of <c>"betas"</c> when the optimizer
/// has betas. Each group gets <c>"initial_lr"</c>, <c>"max_lr"</c>, <c>"min_lr"</c> and, when cycling,
/// <c>"max_momentum"</c>, <c>"base_momentum"</c>. Defaults: pct_start 0.3, cos annealing, cycle_momentum true,
/// base_momentum 0.85, max_momentum 0.95, div_factor 25, final_div_factor 1e4, three_phase false.
/// </remarks>
public sealed class OneCycleLr : LrScheduler
{
    private readonly int _totalSteps;
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] _phases;
    private readonly AnnealStrategy _annealStrategy;
    private readonly bool _cycleMomentum, _useBeta1;

    /// <summary>A 1cycle schedule with the same max_lr for every group.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="maxLr">Peak learning rate.</param>
    /// <param name="totalSteps">Steps in the cycle; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs, with <paramref name="stepsPerEpoch"/>, when <paramref name="totalSteps"/> is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">Fraction of the cycle spent increasing the rate, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine (default) or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle momentum (or β₁) inversely to the rate.</param>
    /// <param name="baseMomentum">Lowest momentum, reached at the peak rate.</param>
    /// <param name="maxMomentum">Highest momentum, at the start and end.</param>
    /// <param name="divFactor">initial_lr = max_lr / div_factor.</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / final_div_factor.</param>
    /// <param name="threePhase">Use the three-phase variant (up, back down to initial_lr, then to min_lr).</param>
    /// <param name="lastEpoch">The index of the last step when resuming; −1 to start.</param>
    /// <exception cref="ArgumentException">Neither total_steps nor epochs and steps_per_epoch are positive;
    /// pct_start is outside [0, 1]; cycle_momentum with an optimizer that has neither momentum nor betas.</exception>
    public OneCycleLr(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null,
                      int? stepsPerEpoch = null, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
                      bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95,
                      double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy,
               cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch)
    {
    }

    /// <summary>A 1cycle schedule with a max_lr per group.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="maxLrs">Peak learning rate of each group.</param>
    /// <param name="totalSteps">Steps in the cycle; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs, with <paramref name="stepsPerEpoch"/>, when <paramref name="totalSteps"/> is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">Fraction of the cycle spent increasing the rate, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine (default) or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle momentum (or β₁) inversely to the rate.</param>
    /// <param name="baseMomentum">Lowest momentum, reached at the peak rate.</param>
    /// <param name="maxMomentum">Highest momentum, at the start and end.</param>
    /// <param name="divFactor">initial_lr = max_lr / div_factor.</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / final_div_factor.</param>
    /// <param name="threePhase">Use the three-phase variant (up, back down to initial_lr, then to min_lr).</param>
    /// <param name="lastEpoch">The index of the last step when resuming; −1 to start.</param>
    /// <exception cref="ArgumentException">The number of max_lrs differs from the number of groups; neither
    /// total_steps nor epochs and steps_per_epoch are positive; pct_start is outside [0, 1]; cycle_momentum with an
    /// optimizer that has neither momentum nor betas.</exception>
    public OneCycleLr(Optimizer optimizer, IReadOnlyList<double> maxLrs, int? totalSteps = null, int? epochs = null,
                      int? stepsPerEpoch = null, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
                      bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95,
                      double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(Prepare(optimizer, maxLrs, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, lastEpoch), lastEpoch)
    {
        if (totalSteps is int n)
        {
            if (n <= 0) throw new ArgumentException($"OneCycleLr: expected positive integer total_steps, but got {n}.", nameof(totalSteps));
            _totalSteps = n;
        }
        else if (epochs is int ep && stepsPerEpoch is int spe)
        {
            if (ep <= 0) throw new ArgumentException($"OneCycleLr: expected positive integer epochs, but got {ep}.", nameof(epochs));
            if (spe <= 0) throw new ArgumentException($"OneCycleLr: expected positive integer steps_per_epoch, but got {spe}.", nameof(stepsPerEpoch));
            _totalSteps = ep * spe;
        }
        else
        {
            throw new ArgumentException("OneCycleLr: you must define either total_steps OR (epochs AND steps_per_epoch).", nameof(totalSteps));
        }
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentException($"OneCycleLr: expected float between 0 and 1 pct_start, but got {pctStart}.", nameof(pctStart));

        _phases = threePhase
            ?
            [
                (pctStart * _totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * pctStart * _totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (_totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                (pctStart * _totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (_totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        _annealStrategy = annealStrategy;
        _cycleMomentum = cycleMomentum;
        _useBeta1 = optimizer.Defaults.ContainsKey("betas");
        InitialStep();
    }

    private static double[] Repeat(Optimizer optimizer, double value)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return [.. Enumerable.Repeat(value, optimizer.ParamGroups.Count)];
    }

    /// <summary>Writes the schedule's bounds into the groups before the base constructor reads "initial_lr".</summary>
    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> maxLrs, bool cycleMomentum,
                                     double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor,
                                     int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(maxLrs);
        if (maxLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"OneCycleLr: expected {optimizer.ParamGroups.Count} values for max_lr, got {maxLrs.Count}.", nameof(maxLrs));
        bool useBeta1 = optimizer.Defaults.ContainsKey("betas");
        if (cycleMomentum && !useBeta1 && !optimizer.Defaults.ContainsKey("momentum"))
            throw new ArgumentException("OneCycleLr: optimizer must support momentum with `cycle_momentum` option enabled.", nameof(cycleMomentum));
        if (lastEpoch != -1) return optimizer;
        for (int i = 0; i < maxLrs.Count; i++)
        {
            ParamGroup g = optimizer.ParamGroups[i];
            double initial = maxLrs[i] / divFactor;
            g["initial_lr"] = initial;
            g["max_lr"] = maxLrs[i];
            g["min_lr"] = initial / finalDivFactor;
            if (!cycleMomentum) continue;
            if (useBeta1) g["betas"] = (maxMomentum, g.GetBetas().Beta2);
            else g["momentum"] = maxMomentum;
            g["max_momentum"] = maxMomentum;
            g["base_momentum"] = baseMomentum;
        }
        return optimizer;
    }

    private double Anneal(double start, double end, double pct) => _annealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Stepped past the total number of steps.</exception>
    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > _totalSteps)
            throw new InvalidOperationException($"OneCycleLr: tried to step {stepNum + 1} times. The specified number of total steps is {_totalSteps}.");
        var lrs = new double[Optimizer.ParamGroups.Count];
        for (int gi = 0; gi < lrs.Length; gi++)
        {
            ParamGroup g = Optimizer.ParamGroups[gi];
            double startStep = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lrs[gi] = Anneal(g.GetDouble(phase.StartLr), g.GetDouble(phase.EndLr), pct);
                    if (_cycleMomentum)
                    {
                        double momentum = Anneal(g.GetDouble(phase.StartMomentum), g.GetDouble(phase.EndMomentum), pct);
                        if (_useBeta1) g["betas"] = (momentum, g.GetBetas().Beta2);
                        else g["momentum"] = momentum;
                    }
                    break;
                }
                startStep = phase.EndStep;
            }
        }
        return lrs;
    }
}
