namespace Nabla.Optim;

/// <summary>Divides the learning rate when a monitored metric stops improving. PyTorch:
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>.</summary>
/// <remarks>
/// Each <see cref="Step(double)"/> compares the metric with the best so far. It improves when (min mode, rel
/// threshold) metric &lt; best·(1 − threshold), or metric &lt; best − threshold (abs); symmetrically in max mode.
/// After more than <c>patience</c> epochs without improvement, every group's rate becomes max(lr·factor, min_lr)
/// (the change is skipped when smaller than eps), then <c>cooldown</c> epochs pass during which bad epochs are not
/// counted. Defaults: mode min, factor 0.1, patience 10, threshold 1e-4, threshold_mode rel, cooldown 0, min_lr 0,
/// eps 1e-8.
/// </remarks>
public sealed class ReduceLrOnPlateau
{
    private readonly double[] _minLrs;
    private double[] _lastLr;

    /// <summary>Watches a metric and reduces every group's learning rate on plateaus.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="mode">Whether the metric should decrease (<see cref="MetricMode.Min"/>) or increase.</param>
    /// <param name="factor">New lr = lr · factor; must be &lt; 1.</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">Minimum change that counts as an improvement.</param>
    /// <param name="thresholdMode">Relative or absolute threshold.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
    /// <param name="minLr">Lower bound on every group's learning rate.</param>
    /// <param name="eps">Reductions smaller than this are ignored.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> ≥ 1, or a negative patience or cooldown.</exception>
    public ReduceLrOnPlateau(Optimizer optimizer, MetricMode mode = MetricMode.Min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0,
                             double minLr = 0, double eps = 1e-8)
        : this(optimizer, [.. Enumerable.Repeat(minLr, optimizer?.ParamGroups.Count ?? 0)], mode, factor, patience,
               threshold, thresholdMode, cooldown, eps)
    {
    }

    /// <summary>Watches a metric and reduces every group's learning rate on plateaus, with a lower bound per group.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="minLrs">Lower bound on each group's learning rate.</param>
    /// <param name="mode">Whether the metric should decrease (<see cref="MetricMode.Min"/>) or increase.</param>
    /// <param name="factor">New lr = lr · factor; must be &lt; 1.</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">Minimum change that counts as an improvement.</param>
    /// <param name="thresholdMode">Relative or absolute threshold.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
    /// <param name="eps">Reductions smaller than this are ignored.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> ≥ 1, or a negative patience or cooldown.</exception>
    /// <exception cref="ArgumentException">The number of min_lrs differs from the number of groups.</exception>
    public ReduceLrOnPlateau(Optimizer optimizer, IReadOnlyList<double> minLrs, MetricMode mode = MetricMode.Min,
                             double factor = 0.1, int patience = 10, double threshold = 1e-4,
                             ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLrs);
        if (!(factor < 1.0))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLrOnPlateau: factor should be < 1.0.");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLrOnPlateau: expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Count}.", nameof(minLrs));
        Optimizer = optimizer;
        _minLrs = [.. minLrs];
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Best = WorstValue;
        _lastLr = [.. optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>The optimizer whose learning rates this scheduler writes.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Min or max mode. PyTorch: <c>mode</c>.</summary>
    public MetricMode Mode { get; }

    /// <summary>The reduction factor. PyTorch: <c>factor</c>.</summary>
    public double Factor { get; }

    /// <summary>Bad epochs tolerated. PyTorch: <c>patience</c>.</summary>
    public int Patience { get; }

    /// <summary>The improvement threshold. PyTorch: <c>threshold</c>.</summary>
    public double Threshold { get; }

    /// <summary>Relative or absolute threshold. PyTorch: <c>threshold_mode</c>.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Epochs of cooldown after a reduction. PyTorch: <c>cooldown</c>.</summary>
    public int Cooldown { get; }

    /// <summary>Minimal effective reduction. PyTorch: <c>eps</c>.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (+∞ in min mode, −∞ in max mode before the first step). PyTorch: <c>best</c>.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement. PyTorch: <c>num_bad_epochs</c>.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left. PyTorch: <c>cooldown_counter</c>.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of steps taken. PyTorch: <c>last_epoch</c>.</summary>
    public int LastEpoch { get; private set; }

    private double WorstValue => Mode == MetricMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records one epoch's metric and reduces the learning rates if it has plateaued. PyTorch:
    /// <c>scheduler.step(metrics)</c>.</summary>
    /// <param name="metric">The monitored value, e.g. the validation loss.</param>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;   // bad epochs during cooldown are ignored
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = [.. Optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>The learning rate of every group after the last step. PyTorch: <c>scheduler._last_lr</c>
    /// (<c>get_last_lr()</c> in later versions).</summary>
    public double[] GetLastLr() => (double[])_lastLr.Clone();

    private void ReduceLr()
    {
        for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
        {
            ParamGroup g = Optimizer.ParamGroups[i];
            double oldLr = g.Lr;
            double newLr = Math.Max(oldLr * Factor, _minLrs[i]);
            if (oldLr - newLr > Eps) g.Lr = newLr;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (MetricMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (MetricMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (MetricMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    /// <summary>The scheduler's counters under PyTorch's keys: <c>"best"</c>, <c>"num_bad_epochs"</c>,
    /// <c>"cooldown_counter"</c>, <c>"last_epoch"</c>, <c>"_last_lr"</c>. PyTorch: <c>scheduler.state_dict()</c>
    /// (the hyper-parameters come from the constructor).</summary>
    public Dictionary<string, object> StateDict() => new(StringComparer.Ordinal)
    {
        ["best"] = Best,
        ["num_bad_epochs"] = NumBadEpochs,
        ["cooldown_counter"] = CooldownCounter,
        ["last_epoch"] = LastEpoch,
        ["_last_lr"] = GetLastLr(),
    };

    /// <summary>Restores the counters saved by <see cref="StateDict"/>. PyTorch: <c>scheduler.load_state_dict</c>.</summary>
    /// <param name="stateDict">The saved state.</param>
    /// <exception cref="KeyNotFoundException">A key is missing.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Best = Convert.ToDouble(stateDict["best"], c);
        NumBadEpochs = Convert.ToInt32(stateDict["num_bad_epochs"], c);
        CooldownCounter = Convert.ToInt32(stateDict["cooldown_counter"], c);
        LastEpoch = Convert.ToInt32(stateDict["last_epoch"], c);
        _lastLr = (double[])((double[])stateDict["_last_lr"]).Clone();
    }
}
