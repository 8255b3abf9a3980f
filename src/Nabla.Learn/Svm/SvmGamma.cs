namespace Nabla.Learn.Svm;

/// <summary>The kernel coefficient γ of the RBF, polynomial and sigmoid kernels: a value, or a rule applied to the
/// training data. scikit-learn: <c>gamma='scale'</c> (the default), <c>'auto'</c> or a float.</summary>
public readonly record struct SvmGamma
{
    private SvmGamma(double value, int rule) => (Value, _rule) = (value, rule);

    private readonly int _rule;

    /// <summary>The fixed γ (NaN for <see cref="Scale"/> and <see cref="Auto"/>).</summary>
    public double Value { get; }

    /// <summary>γ = 1 / (F · Var(X)), the variance over all entries of the training X (1 when that is 0).
    /// scikit-learn: <c>'scale'</c>.</summary>
    public static SvmGamma Scale { get; } = new(double.NaN, 1);

    /// <summary>γ = 1 / F. scikit-learn: <c>'auto'</c>.</summary>
    public static SvmGamma Auto { get; } = new(double.NaN, 2);

    /// <summary>A fixed γ &gt; 0.</summary>
    public static SvmGamma Of(double value) => new(value, 0);

    /// <summary>A fixed γ &gt; 0.</summary>
    public static implicit operator SvmGamma(double value) => Of(value);

    /// <summary>The γ for training data <paramref name="x"/> (n, f), row-major.</summary>
    internal double Resolve(double[] x, int f, string op)
    {
        switch (_rule)
        {
            case 1:
                // Two-pass variance: mean first, then the mean squared deviation (numpy's X.var()).
                double mean = 0;
                foreach (double v in x) mean += v;
                mean /= x.Length;
                double var = 0;
                foreach (double v in x) var += (v - mean) * (v - mean);
                var /= x.Length;
                return var == 0 ? 1.0 : 1.0 / (f * var);
            case 2:
                return 1.0 / f;
            default:
                if (!(Value > 0) || !double.IsFinite(Value)) throw new ArgumentException($"{op}: Gamma must be positive and finite, got {Value}.");
                return Value;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _rule switch { 1 => "scale", 2 => "auto", _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
