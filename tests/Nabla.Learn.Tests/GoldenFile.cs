using System.Text.Json;

namespace Nabla.Learn.Tests;

/// <summary>One golden JSON file next to the test binary (copied from tests/golden/), read on first use; values are
/// addressed by dotted paths such as "logreg.coef".</summary>
/// <param name="fileName">The file's name under golden/.</param>
internal sealed class GoldenFile(string fileName)
{
    private readonly Lazy<JsonElement> _root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", fileName))).RootElement);

    public JsonElement Get(string path)
    {
        JsonElement e = _root.Value;
        foreach (string part in path.Split('.')) e = e.GetProperty(part);
        return e;
    }

    public double Scalar(string path) => Get(path).GetDouble();

    public double[] Vector(string path) => Get(path).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public long[] Longs(string path) => Get(path).EnumerateArray().Select(v => v.GetInt64()).ToArray();

    /// <summary>A matrix flattened row by row.</summary>
    public double[] Flat(string path) => Get(path).EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();

    public double[,] Matrix2(string path)
    {
        double[][] rows = Get(path).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    public Tensor MatrixTensor(string path) => Tensor.FromArray(Matrix2(path));

    public Tensor VectorTensor(string path) => Tensor.FromArray(Vector(path));

    public Tensor LabelTensor(string path) => Tensor.FromArray(Longs(path));
}
