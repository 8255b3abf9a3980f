using Xunit;
using System.Text.Json;

namespace Nabla.Learn.Tests;

/// <summary>tests/golden/learn.json, written by tools/golden/learn.py from scikit-learn 1.2.</summary>
internal static class Golden
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "learn.json"))).RootElement);

    public static JsonElement Get(string path)
    {
        JsonElement e = Root.Value;
        foreach (string part in path.Split('.')) e = e.GetProperty(part);
        return e;
    }

    public static double Scalar(string path) => Get(path).GetDouble();

    public static double[] Vector(string path) => Get(path).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[,] Matrix2(string path)
    {
        double[][] rows = Get(path).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    public static Tensor MatrixTensor(string path) => Tensor.FromArray(Matrix2(path));

    public static Tensor VectorTensor(string path) => Tensor.FromArray(Vector(path));

    public static Tensor LabelTensor(string path) => Tensor.FromArray(Get(path).EnumerateArray().Select(v => v.GetInt64()).ToArray());

    /// <summary>|actual − expected| ≤ atol + rtol·|expected| elementwise, reporting the first failing index.</summary>
    public static void AssertClose(string what, double[] expected, double[] actual, double rtol, double atol)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (diff {actual[i] - expected[i]:E3})");
    }

    public static void AssertClose(string what, Tensor expected, Tensor actual, double rtol, double atol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        AssertClose(what, expected.To(DType.Float64).ToArray<double>(), actual.To(DType.Float64).ToArray<double>(), rtol, atol);
    }

    public static void AssertClose(string what, double expected, double actual, double rtol, double atol)
        => AssertClose(what, [expected], [actual], rtol, atol);

    public static double[] D(Tensor t) => t.To(DType.Float64).ToArray<double>();
}
