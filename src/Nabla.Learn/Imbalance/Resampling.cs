namespace Nabla.Learn.Imbalance;

/// <summary>Shared validation and assembly for the samplers.</summary>
internal static class Resampling
{
    public static (double[] X, double[] Y, int N, int F, double[] Classes, int[] Codes, int[] Counts) Read(Tensor x, Tensor y, string op)
    {
        double[] xd = Input.Matrix(x, op, nameof(x), out int n, out int f);
        double[] yd = Input.Vector(y, op, nameof(y), n);
        double[] classes = Input.Encode(yd, out int[] codes);
        var counts = new int[classes.Length];
        foreach (int c in codes) counts[c]++;
        return (xd, yd, n, f, classes, codes, counts);
    }

    /// <summary>Rows <paramref name="rows"/> of x followed by <paramref name="extra"/> new rows, with their labels.</summary>
    public static (Tensor X, Tensor Y) Assemble(double[] x, double[] y, int f, IReadOnlyList<int> rows, IReadOnlyList<(double[] Row, double Label)> extra, DType yType)
    {
        int m = rows.Count + extra.Count;
        var xs = new double[m * f];
        var ys = new double[m];
        for (int r = 0; r < rows.Count; r++)
        {
            Array.Copy(x, rows[r] * f, xs, r * f, f);
            ys[r] = y[rows[r]];
        }
        for (int e = 0; e < extra.Count; e++)
        {
            extra[e].Row.CopyTo(xs, (rows.Count + e) * f);
            ys[rows.Count + e] = extra[e].Label;
        }
        return (Tensor.FromArray(xs, m, f), Input.Labels(ys, yType));
    }
}
