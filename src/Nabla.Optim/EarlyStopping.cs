namespace Nabla.Optim;

/// <summary>Stops training when a monitored metric has not improved for <c>patience</c> epochs. Not part of
/// PyTorch core: it mirrors Keras's <c>keras.callbacks.EarlyStopping</c> and PyTorch Lightning's
/// <c>lightning.pytorch.callbacks.EarlyStopping</c> (<c>monitor</c>, <c>min_delta</c>, <c>patience</c>, <c>mode</c>).</summary>
/// <remarks>
/// A metric m improves on the best b when m &lt; b − min_delta (min mode) or m &gt; b + min_delta (max mode).
/// Each epoch without improvement increments a counter that an improvement resets; <see cref="Step"/> returns true
/// once the counter reaches <c>patience</c>. Defaults: patience 10, min_delta 0, mode min.
/// </remarks>
public sealed class EarlyStopping
{
    /// <summary>Watches a metric.</summary>
    /// <param name="patience">Epochs without improvement before stopping (≥ 1).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement (≥ 0).</param>
    /// <param name="mode">Whether the metric should decrease (a loss) or increase (an accuracy).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> &lt; 1 or <paramref name="minDelta"/> &lt; 0.</exception>
    public EarlyStopping(int patience = 10, double minDelta = 0, MetricMode mode = MetricMode.Min)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!(minDelta >= 0))
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"EarlyStopping: min_delta must be non-negative, got {minDelta}.");
        Patience = patience;
        MinDelta = minDelta;
        Mode = mode;
        Best = mode == MetricMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Min or max mode.</summary>
    public MetricMode Mode { get; }

    /// <summary>The best metric seen (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>The 0-based epoch of <see cref="Best"/>, or −1 before the first step.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>The number of epochs stepped so far.</summary>
    public int Epochs { get; private set; }

    /// <summary>Consecutive epochs without improvement. Keras: <c>wait</c>.</summary>
    public int Wait { get; private set; }

    /// <summary>Whether a step has asked to stop.</summary>
    public bool ShouldStop { get; private set; }

    /// <summary>Records one epoch's metric.</summary>
    /// <param name="metric">The monitored value.</param>
    /// <returns>True when training should stop.</returns>
    public bool Step(double metric)
    {
        bool improved = Mode == MetricMode.Min ? metric < Best - MinDelta : metric > Best + MinDelta;
        if (improved)
        {
            Best = metric;
            BestEpoch = Epochs;
            Wait = 0;
        }
        else
        {
            Wait++;
        }
        Epochs++;
        ShouldStop = Wait >= Patience;
        return ShouldStop;
    }
}
