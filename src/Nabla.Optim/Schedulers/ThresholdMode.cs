namespace Nabla.Optim;

/// <summary>How the improvement threshold of <see cref="ReduceLrOnPlateau"/> is measured. PyTorch: the
/// <c>threshold_mode</c> argument, <c>"rel"</c> or <c>"abs"</c>.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 − threshold) in min mode, best·(1 + threshold) in max mode.</summary>
    Rel,

    /// <summary>Absolute: better than best − threshold in min mode, best + threshold in max mode.</summary>
    Abs,
}
