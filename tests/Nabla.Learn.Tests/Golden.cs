using Xunit;
using System.Text.Json;

namespace Nabla.Learn.Tests;

/// <summary>The scikit-learn 1.2 golden files of these tests, and the comparisons made against them.</summary>
internal static class Golden
{
    /// <summary>tests/golden/learn.json (tools/golden/learn.py).</summary>
    public static readonly GoldenFile LearnFile = new("learn.json");

    /// <summary>tests/golden/learn_extra.json (tools/golden/learn_extra.py).</summary>
    public static readonly GoldenFile Extra = new("learn_extra.json");

    /// <summary>tests/golden/learn_ensemble_svm.json (tools/golden/learn_ensemble_svm.py).</summary>
    public static readonly GoldenFile EnsembleSvm = new("learn_ensemble_svm.json");

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
