using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>EarlyStopping: patience, min_delta, min and max modes, best value and epoch.</summary>
public sealed class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_epochs_without_improvement()
    {
        var es = new EarlyStopping(patience: 3);
        bool[] stops = [.. new[] { 1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.71, 0.7 }.Select(es.Step)];
        // Improvements at epochs 0, 1, 4; epochs 5, 6, 7 are the 1st, 2nd, 3rd without improvement (0.7 ties).
        Assert.Equal([false, false, false, false, false, false, false, true], stops);
        Assert.Equal(0.7, es.Best);
        Assert.Equal(4, es.BestEpoch);
        Assert.Equal(8, es.Epochs);
        Assert.True(es.ShouldStop);
    }

    [Fact]
    public void MinDelta_ignores_small_improvements()
    {
        var es = new EarlyStopping(patience: 2, minDelta: 0.1);
        Assert.False(es.Step(1.0));
        Assert.False(es.Step(0.95));   // only 0.05 better: counts as no improvement
        Assert.True(es.Step(0.91));
        Assert.Equal(1.0, es.Best);
        Assert.Equal(0, es.BestEpoch);
    }

    [Fact]
    public void Max_mode_watches_an_increasing_metric()
    {
        var es = new EarlyStopping(patience: 2, mode: MetricMode.Max);
        Assert.False(es.Step(0.5));
        Assert.False(es.Step(0.6));
        Assert.False(es.Step(0.55));
        Assert.False(es.Step(0.7));    // improvement resets the counter
        Assert.False(es.Step(0.7));
        Assert.True(es.Step(0.65));
        Assert.Equal(0.7, es.Best);
        Assert.Equal(3, es.BestEpoch);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(minDelta: -1));
    }
}
