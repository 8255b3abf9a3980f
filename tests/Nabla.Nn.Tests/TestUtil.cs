using System.Text.Json;
using Xunit;

namespace Nabla.Nn.Tests;

internal static class TestUtil
{
    /// <summary>|actual − expected| ≤ atol + rtol·|expected| element-wise, with the index in the message.</summary>
    public static void AssertClose(string what, Tensor expected, Tensor actual, double atol, double rtol)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {Fmt(actual.Shape)}, expected {Fmt(expected.Shape)}");
        double[] e = expected.To(DType.Float64).ToArray<double>(), a = actual.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]);
            Assert.True(ok, $"{what}: element {i} is {a[i]:G17}, expected {e[i]:G17}");
        }
    }

    public static string Fmt(int[] s) => "(" + string.Join(", ", s) + ")";

    /// <summary>Central differences in float64 (PyTorch gradcheck's eps 1e-6, atol 1e-5, rtol 1e-3) of
    /// L = Σ v ⊙ f(x) for a fixed random v, against autograd's dL/dx.</summary>
    public static void GradCheck(string what, Func<Tensor, Tensor> f, Tensor x0, int seed = 99)
    {
        const double Eps = 1e-6, Atol = 1e-5, Rtol = 1e-3;
        double[] x = x0.To(DType.Float64).ToArray<double>();
        int[] shape = x0.Shape;
        Tensor leaf = Tensor.FromArray(x, shape).Reshape(shape).RequireGrad();
        Tensor y = f(leaf);
        var g = new Generator(seed);
        Tensor v = Tensor.FromArray(Enumerable.Range(0, y.NumEl).Select(_ => g.NextDouble() * 2 - 1).ToArray(), y.Shape).Reshape(y.Shape);
        (y * v).Sum().Backward();
        double[] analytic = leaf.Grad!.ToArray<double>();
        double Loss()
        {
            using var _ = GradMode.Disable();
            return (f(Tensor.FromArray(x, shape).Reshape(shape)) * v).Sum().Item<double>();
        }
        for (int j = 0; j < x.Length; j++)
        {
            double xj = x[j];
            x[j] = xj + Eps;
            double up = Loss();
            x[j] = xj - Eps;
            double down = Loss();
            x[j] = xj;
            double numeric = (up - down) / (2 * Eps);
            Assert.True(Math.Abs(analytic[j] - numeric) <= Atol + Rtol * Math.Abs(numeric),
                $"{what}: x[{j}] analytic {analytic[j]:G8} vs numeric {numeric:G8}");
        }
    }
}

/// <summary>tests/golden/nn.json, written by tools/golden/nn.py with PyTorch 1.13.</summary>
internal static class NnGolden
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "nn.json"))));

    public static JsonElement Root => Doc.Value.RootElement;

    public static Tensor Tensor(JsonElement e)
    {
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        JsonElement data = e.GetProperty("data");
        Nabla.Tensor t = e.GetProperty("dtype").GetString() switch
        {
            "int64" => Nabla.Tensor.FromArray(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), [shape.Aggregate(1, (a, b) => a * b)]),
            "bool" => Nabla.Tensor.FromArray(data.EnumerateArray().Select(v => v.GetBoolean()).ToArray(), [shape.Aggregate(1, (a, b) => a * b)]),
            "float32" => Nabla.Tensor.FromArray(data.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), [shape.Aggregate(1, (a, b) => a * b)]),
            _ => Nabla.Tensor.FromArray(data.EnumerateArray().Select(v => v.GetDouble()).ToArray(), [shape.Aggregate(1, (a, b) => a * b)]),
        };
        return t.Reshape(shape);
    }
}
