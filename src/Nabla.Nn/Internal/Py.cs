using System.Globalization;

namespace Nabla.Nn.Internal;

/// <summary>Formats values the way Python's <c>repr</c> does, so module and error texts read exactly like
/// PyTorch's.</summary>
internal static class Py
{
    /// <summary>A shape as PyTorch prints it in messages: <c>(3, 5)</c>, <c>()</c> for 0-d.</summary>
    public static string Shape(int[] shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>Python's <c>repr(float)</c>: the shortest digits that round-trip, in positional notation when the
    /// decimal exponent e satisfies −4 ≤ e &lt; 16 (with ".0" on integral values), else as <c>d.ddde±XX</c>.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        // .NET's "R" gives the same shortest digits but switches notation at other exponents: re-lay them out.
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        string sign = r.StartsWith('-') ? "-" : string.Empty;
        r = r.TrimStart('-');
        int e = r.IndexOf('E', StringComparison.Ordinal);
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? r : r[..e];
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int point = (dot < 0 ? mantissa.Length : dot) + exponent;   // digits[..point] is the integer part
        int leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leading;
        if (digits.Length == 0) return sign + "0.0";
        int scientific = point - 1;
        if (scientific < -4 || scientific >= 16)
        {
            string fraction = digits.Length > 1 ? "." + digits[1..] : string.Empty;
            return $"{sign}{digits[0]}{fraction}e{(scientific < 0 ? '-' : '+')}{Math.Abs(scientific):00}";
        }
        if (point <= 0) return sign + "0." + new string('0', -point) + digits;
        if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
        return sign + digits[..point] + "." + digits[point..];
    }

    /// <summary>A number PyTorch stores as an int by default (e.g. Softplus's beta = 1): integral values print
    /// without ".0", others as <see cref="Float"/>.</summary>
    public static string IntOrFloat(double value)
        => value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture) : Float(value);

    /// <summary>Python's <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";
}
