namespace Nabla.Nn;

/// <summary>How a loss combines its per-element values. PyTorch: the <c>reduction</c> argument of every loss.</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss per element (or per sample). PyTorch: <c>'none'</c>.</summary>
    None,

    /// <summary>The (weighted) mean, the default. PyTorch: <c>'mean'</c>.</summary>
    Mean,

    /// <summary>The sum. PyTorch: <c>'sum'</c>.</summary>
    Sum,
}
