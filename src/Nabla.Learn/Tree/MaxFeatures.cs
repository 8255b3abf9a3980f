using System.Globalization;

namespace Nabla.Learn.Tree;

/// <summary>How many features a tree node examines: all, ⌊√F⌋, ⌊log₂ F⌋, a count or a fraction of F.
/// scikit-learn: the <c>max_features</c> argument (<c>None</c>, <c>'sqrt'</c>, <c>'log2'</c>, an int or a float).</summary>
/// <remarks>An int converts implicitly to a count and a double to a fraction, so <c>MaxFeatures = 5</c> and
/// <c>MaxFeatures = 0.5</c> read as in scikit-learn. Resolved against F by <see cref="Resolve"/> with scikit-learn's
/// rules: √ and log₂ are floored and at least 1; a fraction φ gives max(1, ⌊φ F⌋).</remarks>
public readonly record struct MaxFeatures
{
    private enum Kind { Sqrt, Log2, Count, Fraction }

    private readonly Kind _kind;
    private readonly double _value;

    private MaxFeatures(Kind kind, double value) => (_kind, _value) = (kind, value);

    /// <summary>⌊√F⌋ (at least 1). scikit-learn: <c>'sqrt'</c>.</summary>
    public static MaxFeatures Sqrt => new(Kind.Sqrt, 0);

    /// <summary>⌊log₂ F⌋ (at least 1). scikit-learn: <c>'log2'</c>.</summary>
    public static MaxFeatures Log2 => new(Kind.Log2, 0);

    /// <summary>Exactly <paramref name="count"/> features (1..F when resolved). scikit-learn: an int.</summary>
    /// <param name="count">The number of features.</param>
    public static MaxFeatures FromCount(int count) => new(Kind.Count, count);

    /// <summary>max(1, ⌊fraction · F⌋) features, fraction in (0, 1]. scikit-learn: a float.</summary>
    /// <param name="fraction">The fraction of the features.</param>
    public static MaxFeatures FromFraction(double fraction) => new(Kind.Fraction, fraction);

    /// <summary>A count, as scikit-learn's int <c>max_features</c>.</summary>
    /// <param name="count">The number of features.</param>
    public static implicit operator MaxFeatures(int count) => FromCount(count);

    /// <summary>A fraction, as scikit-learn's float <c>max_features</c>.</summary>
    /// <param name="fraction">The fraction of the features.</param>
    public static implicit operator MaxFeatures(double fraction) => FromFraction(fraction);

    /// <summary>Parses <c>sqrt</c>, <c>log2</c>, an integer count or a decimal fraction (as on the command line).</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="FormatException">Not one of those forms.</exception>
    public static MaxFeatures Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("sqrt", StringComparison.OrdinalIgnoreCase)) return Sqrt;
        if (text.Equals("log2", StringComparison.OrdinalIgnoreCase)) return Log2;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count)) return FromCount(count);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)) return FromFraction(fraction);
        throw new FormatException($"MaxFeatures: '{text}' is not sqrt, log2, an integer count or a fraction.");
    }

    /// <summary>The number of features to examine out of <paramref name="f"/>.</summary>
    /// <param name="f">The number of features F.</param>
    /// <param name="owner">The estimator, for the message.</param>
    /// <exception cref="ArgumentException">A count outside 1..F or a fraction outside (0, 1].</exception>
    public int Resolve(int f, string owner) => _kind switch
    {
        Kind.Sqrt => Math.Max(1, (int)Math.Sqrt(f)),
        Kind.Log2 => Math.Max(1, (int)Math.Log2(f)),
        Kind.Count when _value >= 1 && _value <= f => (int)_value,
        Kind.Fraction when _value > 0 && _value <= 1 => Math.Max(1, (int)(_value * f)),
        Kind.Count => throw new ArgumentException($"{owner}: MaxFeatures must be in 1..{f}, got {_value}."),
        _ => throw new ArgumentException($"{owner}: a MaxFeatures fraction must be in (0, 1], got {_value}."),
    };

    /// <inheritdoc/>
    public override string ToString() => _kind switch
    {
        Kind.Sqrt => "sqrt",
        Kind.Log2 => "log2",
        _ => _value.ToString(CultureInfo.InvariantCulture),
    };
}
