namespace Nabla.Learn;

/// <summary>Validation and conversion of estimator inputs (scikit-learn's <c>check_array</c>/<c>check_X_y</c>).</summary>
internal static class Input
{
    /// <summary>A 2-D, non-empty, finite tensor as a fresh row-major double array.</summary>
    public static double[] Matrix(Tensor x, string op, string name, out int n, out int f)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        CheckShape(x, op, name, out n, out f);
        double[] data = Doubles(x);
        CheckFinite(data, op, name, f);
        return data;
    }

    /// <summary>Checks that x is a non-empty 2-D (samples, features) tensor and returns its sizes.</summary>
    private static void CheckShape(Tensor x, string op, string name, out int n, out int f)
    {
        if (x.Dim != 2)
            throw new ArgumentException($"{op}: {name} must be 2-D (samples, features), got shape ({string.Join(", ", x.Shape)}).", name);
        n = x.Size(0);
        f = x.Size(1);
        if (n == 0 || f == 0)
            throw new ArgumentException($"{op}: {name} has shape ({n}, {f}); need at least one sample and one feature.", name);
    }

    /// <summary>Like <see cref="Matrix"/>, but a Float32 tensor comes back as a float array (the same values, half the
    /// memory and memory traffic of the double copy); any other dtype as a double array.</summary>
    public static Array MatrixNative(Tensor x, string op, string name, out int n, out int f)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.DType != DType.Float32) return Matrix(x, op, name, out n, out f);
        CheckShape(x, op, name, out n, out f);
        float[] data = x.ToArray<float>();
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw new ArgumentException(
                    $"{op}: {name} contains {data[i]} at [{i / f}, {i % f}]; inputs must be finite (no NaN or infinity).", name);
        return data;
    }

    /// <summary>A 1-D finite tensor of length <paramref name="n"/> as a fresh double array.</summary>
    public static double[] Vector(Tensor? y, string op, string name, int n)
    {
        if (y is null) throw new ArgumentNullException(name, $"{op}: {name} is required for a supervised estimator.");
        if (y.Dim != 1)
            throw new ArgumentException($"{op}: {name} must be 1-D, got shape ({string.Join(", ", y.Shape)}).", name);
        if (y.Size(0) != n)
            throw new ArgumentException($"{op}: X has {n} samples but {name} has {y.Size(0)}.", name);
        double[] data = Doubles(y);
        CheckFinite(data, op, name, 1);
        return data;
    }

    /// <summary>Any tensor's elements as a new double array (Bool → 0/1).</summary>
    public static double[] Doubles(Tensor t) => t.DType switch
    {
        DType.Float64 => t.ToArray<double>(),
        DType.Bool => Array.ConvertAll(t.ToArray<bool>(), b => b ? 1.0 : 0.0),
        _ => t.To(DType.Float64).ToArray<double>(),
    };

    private static void CheckFinite(double[] data, string op, string name, int columns)
    {
        for (int i = 0; i < data.Length; i++)
            if (!double.IsFinite(data[i]))
                throw new ArgumentException(
                    $"{op}: {name} contains {data[i]} at {(columns == 1 ? $"[{i}]" : $"[{i / columns}, {i % columns}]")}; inputs must be finite (no NaN or infinity).", name);
    }

    /// <summary>The sorted distinct values of <paramref name="y"/>, and each sample's index among them.</summary>
    public static double[] Encode(double[] y, out int[] codes)
    {
        double[] classes = y.Distinct().Order().ToArray();
        codes = new int[y.Length];
        for (int i = 0; i < y.Length; i++) codes[i] = Array.BinarySearch(classes, y[i]);
        return classes;
    }

    /// <summary>A 1-D tensor of <paramref name="values"/> in <paramref name="dtype"/> (labels keep the dtype of the fitted y).</summary>
    public static Tensor Labels(double[] values, DType dtype)
    {
        Tensor t = Tensor.FromArray(values, values.Length);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }
}
