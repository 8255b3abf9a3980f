namespace Nabla.Optim;

/// <summary>Base of the epoch-based learning-rate schedulers: each <see cref="Step"/> advances
/// <see cref="LastEpoch"/> and writes a new <see cref="ParamGroup.Lr"/> into every group of the optimizer.
/// PyTorch: <c>torch.optim.lr_scheduler._LRScheduler</c>.</summary>
/// <remarks>
/// As in PyTorch ≥ 1.1, call <c>optimizer.Step()</c> first and <c>scheduler.Step()</c> after it, once per epoch (or
/// per batch for <see cref="OneCycleLr"/>). Construction performs the initial step to epoch 0, so
/// <see cref="GetLastLr"/> is the epoch-0 rate at once. The schedules are written in PyTorch's recursive
/// ("chainable") form, each new rate computed from the group's current rate, so values match PyTorch's to the last
/// bit and several schedulers can act on the same optimizer. A fresh scheduler (lastEpoch −1) records each group's
/// starting rate as <c>"initial_lr"</c>; resuming (lastEpoch ≥ 0) requires it.
/// </remarks>
public abstract class LrScheduler
{
    private double[] _lastLr = [];

    /// <summary>Attaches to <paramref name="optimizer"/>; derived constructors finish with <see cref="InitialStep"/>.</summary>
    /// <param name="optimizer">The optimizer whose groups' learning rates are set.</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming; −1 to start.</param>
    /// <exception cref="ArgumentException">Resuming and a group has no <c>"initial_lr"</c>.</exception>
    protected LrScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        for (int i = 0; i < optimizer.ParamGroups.Count; i++)
        {
            ParamGroup g = optimizer.ParamGroups[i];
            if (lastEpoch == -1) g.SetDefault("initial_lr", g.Lr);
            else if (!g.Contains("initial_lr"))
                throw new ArgumentException($"{GetType().Name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer.", nameof(lastEpoch));
        }
        BaseLrs = [.. optimizer.ParamGroups.Select(g => g.GetDouble("initial_lr"))];
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose learning rates this scheduler writes.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's starting learning rate (<c>"initial_lr"</c>). PyTorch: <c>scheduler.base_lrs</c>.</summary>
    public IReadOnlyList<double> BaseLrs { get; }

    /// <summary>The index of the current epoch (0 right after construction). PyTorch: <c>scheduler.last_epoch</c>.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>How many times <see cref="Step"/> has run, counting the initial step. PyTorch: <c>_step_count</c>.</summary>
    protected int StepCount { get; private set; }

    /// <summary>Advances one epoch and writes the new learning rate of every group. PyTorch: <c>scheduler.step()</c>.</summary>
    public void Step()
    {
        StepCount++;
        LastEpoch++;
        double[] lrs = GetLr();
        for (int i = 0; i < lrs.Length; i++) Optimizer.ParamGroups[i].Lr = lrs[i];
        _lastLr = [.. Optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>The learning rate of every group after the last <see cref="Step"/>. PyTorch: <c>get_last_lr()</c>.</summary>
    public double[] GetLastLr() => (double[])_lastLr.Clone();

    /// <summary>The new learning rate of every group at epoch <see cref="LastEpoch"/>, from the groups' current rates.
    /// PyTorch: <c>get_lr()</c>.</summary>
    protected abstract double[] GetLr();

    /// <summary>Performs the initial step to epoch 0; every derived constructor calls it last, once its own fields are
    /// set. PyTorch: <c>_initial_step()</c>.</summary>
    protected void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>The scheduler's counters under PyTorch's keys: <c>"last_epoch"</c>, <c>"_step_count"</c>,
    /// <c>"base_lrs"</c>, <c>"_last_lr"</c>. PyTorch: <c>scheduler.state_dict()</c> (without the constructor's
    /// hyper-parameters, which a restored scheduler takes from its own constructor).</summary>
    public virtual Dictionary<string, object> StateDict() => new(StringComparer.Ordinal)
    {
        ["last_epoch"] = LastEpoch,
        ["_step_count"] = StepCount,
        ["base_lrs"] = BaseLrs.ToArray(),
        ["_last_lr"] = GetLastLr(),
    };

    /// <summary>Restores the counters saved by <see cref="StateDict"/>. PyTorch: <c>scheduler.load_state_dict</c>.</summary>
    /// <param name="stateDict">The saved state.</param>
    /// <exception cref="KeyNotFoundException">A key is missing.</exception>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        LastEpoch = Convert.ToInt32(stateDict["last_epoch"], System.Globalization.CultureInfo.InvariantCulture);
        StepCount = Convert.ToInt32(stateDict["_step_count"], System.Globalization.CultureInfo.InvariantCulture);
        _lastLr = (double[])((double[])stateDict["_last_lr"]).Clone();
    }

    /// <summary>Each group's current learning rate.</summary>
    protected double[] CurrentLrs() => [.. Optimizer.ParamGroups.Select(g => g.Lr)];
}
