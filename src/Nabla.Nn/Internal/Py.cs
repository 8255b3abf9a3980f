using System.Globalization;

namespace Nabla.Nn.Internal;

/// <summary>Formats values the way Python's <c>repr</c> does, so module and error texts read exactly like
/// PyTorch's.</summary>
internal static class Py
{
    /// <summary>A shape as PyTorch prints it in messages: <c>(3, 5)</c>, <c>()</c> for 0-d.</summary>
    public static string Shape(int[] shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, with ".0" on integral values and a
    /// lower-case exponent of at least two digits (<c>1e-05</c>).</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string s = value.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
        string mantissa = s[..e];
        string exponent = s[(e + 1)..];
        char sign = exponent[0] == '-' ? '-' : '+';
        string digits = exponent.TrimStart('+', '-').TrimStart('0').PadLeft(2, '0');
        return mantissa + "e" + sign + digits;
    }

    /// <summary>A number PyTorch stores as an int by default (e.g. Softplus's beta = 1): integral values print
    /// without ".0", others as <see cref="Float"/>.</summary>
    public static string IntOrFloat(double value)
        => value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture) : Float(value);

    /// <summary>Python's <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";
}
