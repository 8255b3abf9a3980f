namespace Nabla.Optim;

/// <summary>How <see cref="OneCycleLr"/> moves between two values within a phase. PyTorch: the
/// <c>anneal_strategy</c> argument, <c>"cos"</c> or <c>"linear"</c>.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine: end + (start − end)/2 · (1 + cos(π·pct)).</summary>
    Cos,

    /// <summary>A straight line: start + (end − start)·pct.</summary>
    Linear,
}
