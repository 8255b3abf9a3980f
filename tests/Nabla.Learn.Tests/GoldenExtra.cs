using Xunit;
using System.Text.Json;

namespace Nabla.Learn.Tests;

/// <summary>tests/golden/learn_extra.json, written by tools/golden/learn.py from scikit-learn 1.2.</summary>
internal static class GoldenExtra
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "learn_extra.json"))).RootElement);

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
}
