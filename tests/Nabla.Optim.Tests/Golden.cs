using System.Text.Json;

namespace Nabla.Optim.Tests;

/// <summary>tests/golden/optim.json, written by tools/golden/optim.py with PyTorch 1.13, and the fixed problem it
/// optimizes: L(W, b) = Σ (x·W + b − y)² + Σ sin(W), W (3, 2), b (2).</summary>
internal static class Golden
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "optim.json"))));

    public static JsonElement Root => Doc.Value.RootElement;

    public static int Steps => Root.GetProperty("problem").GetProperty("steps").GetInt32();

    public static double[] Flat(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number) return [e.GetDouble()];
        return [.. e.EnumerateArray().SelectMany(Flat)];
    }

    private static double[] Problem(string key) => Flat(Root.GetProperty("problem").GetProperty(key));

    /// <summary>Fresh parameters W (3, 2) and b (2) at the golden initial values.</summary>
    public static (Parameter W, Parameter B) InitialParameters(DType dtype = DType.Float64) =>
        (new Parameter(Tensor.FromArray(Problem("w0"), 3, 2).To(dtype)), new Parameter(Tensor.FromArray(Problem("b0"), 2).To(dtype)));

    /// <summary>L(W, b) = Σ (x·W + b − y)² + Σ sin(W).</summary>
    public static Tensor Loss(Tensor w, Tensor b)
    {
        Tensor x = Tensor.FromArray(Problem("x"), 4, 3).To(w.DType);
        Tensor y = Tensor.FromArray(Problem("y"), 4, 2).To(w.DType);
        return (x.MatMul(w) + b - y).Square().Sum() + w.Sin().Sum();
    }

    /// <summary>Zero the gradients, backpropagate the loss, step.</summary>
    public static void TrainStep(Optimizer opt, Parameter w, Parameter b)
    {
        opt.ZeroGrad();
        Loss(w, b).Backward();
        opt.Step();
    }

    /// <summary>Asserts |actual − expected| ≤ rtol·|expected| + atol element-wise, naming the first failure.</summary>
    public static void AssertClose(string what, double[] expected, double[] actual, double rtol, double atol = 0)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Xunit.Assert.True(Math.Abs(actual[i] - expected[i]) <= rtol * Math.Abs(expected[i]) + atol,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (difference {actual[i] - expected[i]:G3})");
    }
}
