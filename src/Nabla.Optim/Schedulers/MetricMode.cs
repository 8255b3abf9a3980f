namespace Nabla.Optim;

/// <summary>Whether a monitored metric should go down (a loss) or up (an accuracy). PyTorch: the <c>mode</c>
/// argument of <c>ReduceLROnPlateau</c>, <c>"min"</c> or <c>"max"</c>.</summary>
public enum MetricMode
{
    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}
