using System.Text.Json;

namespace Nabla.Learn.Tests;

/// <summary>tests/golden/learn_ensemble_svm.json, written by tools/golden/learn_ensemble_svm.py from scikit-learn 1.2.
/// Comparisons use <see cref="Golden.AssertClose(string, double[], double[], double, double)"/>.</summary>
internal static class EnsembleSvmGolden
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "learn_ensemble_svm.json"))).RootElement);

    public static JsonElement Get(string path)
    {
        JsonElement e = Root.Value;
        foreach (string part in path.Split('.')) e = e.GetProperty(part);
        return e;
    }

    public static double Scalar(string path) => Get(path).GetDouble();

    public static double[] Vector(string path) => Get(path).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>A matrix flattened row by row.</summary>
    public static double[] Flat(string path) => Get(path).EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();

    public static Tensor MatrixTensor(string path)
    {
        int rows = Get(path).GetArrayLength();
        double[] flat = Flat(path);
        return Tensor.FromArray(flat, rows, flat.Length / rows);
    }

    public static Tensor VectorTensor(string path) => Tensor.FromArray(Vector(path));

    public static Tensor LabelTensor(string path) => Tensor.FromArray(Get(path).EnumerateArray().Select(v => v.GetInt64()).ToArray());

    public static void AssertClose(string what, double[] expected, double[] actual, double rtol, double atol)
        => Golden.AssertClose(what, expected, actual, rtol, atol);

    public static double[] D(Tensor t) => Golden.D(t);

    public static long[] Longs(string path) => Get(path).EnumerateArray().Select(v => v.GetInt64()).ToArray();
}
