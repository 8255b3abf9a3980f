namespace Nabla.Optim;

/// <summary>Hyper-parameter validation with PyTorch's rules and messages that name the optimizer, e.g.
/// "Adam: invalid learning rate -1".</summary>
internal static class Check
{
    /// <summary>Throws unless value ≥ 0 (NaN fails too).</summary>
    public static void NonNegative(string owner, string what, double value, string paramName)
    {
        if (!(value >= 0))
            throw new ArgumentOutOfRangeException(paramName, value, $"{owner}: invalid {what} {value}.");
    }

    /// <summary>Throws unless low ≤ value &lt; high (or ≤ high when <paramref name="highInclusive"/>).</summary>
    public static void InRange(string owner, string what, double value, double low, double high, bool highInclusive, string paramName)
    {
        if (!(value >= low && (highInclusive ? value <= high : value < high)))
            throw new ArgumentOutOfRangeException(paramName, value,
                $"{owner}: invalid {what} {value}; expected {low} <= {what} {(highInclusive ? "<=" : "<")} {high}.");
    }

    /// <summary>Validates the Adam family's shared options: lr, eps, betas, weight_decay.</summary>
    public static void AdamFamily(string owner, ParamGroup group)
    {
        NonNegative(owner, "learning rate", group.Lr, "lr");
        NonNegative(owner, "epsilon value", group.GetDouble("eps"), "eps");
        (double beta1, double beta2) = group.GetBetas();
        InRange(owner, "beta parameter at index 0", beta1, 0, 1, highInclusive: false, "betas");
        InRange(owner, "beta parameter at index 1", beta2, 0, 1, highInclusive: false, "betas");
        NonNegative(owner, "weight_decay value", group.GetDouble("weight_decay"), "weightDecay");
    }
}
