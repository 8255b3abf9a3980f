using System.Text.Json;
using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Every optimizer setting reproduces PyTorch 1.13's trajectory on the golden problem: the value of both
/// parameters after each step, in float64 to 1e-10 relative, and in float32 to 1e-5.</summary>
public sealed class OptimizerGoldenTests
{
    public static IEnumerable<object[]> Names => OptimizerCases.Names;

    [Fact]
    public void The_csharp_table_and_the_golden_file_list_the_same_settings()
    {
        string[] golden = [.. Golden.Root.GetProperty("trajectories").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        string[] table = [.. OptimizerCases.All.Keys.Order(StringComparer.Ordinal)];
        Assert.Equal(golden, table);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Float64_trajectory_matches_pytorch(string name) => CheckTrajectory(name, DType.Float64, rtol: 1e-10, atol: 1e-13);

    [Theory]
    [MemberData(nameof(Names))]
    public void Float32_trajectory_matches_pytorch(string name) => CheckTrajectory(name, DType.Float32, rtol: 1e-5, atol: 1e-5);

    private static void CheckTrajectory(string name, DType dtype, double rtol, double atol)
    {
        JsonElement steps = Golden.Root.GetProperty("trajectories").GetProperty(name);
        (Parameter w, Parameter b) = Golden.InitialParameters(dtype);
        Optimizer opt = OptimizerCases.All[name](w, b);
        int k = 0;
        foreach (JsonElement step in steps.EnumerateArray())
        {
            Golden.TrainStep(opt, w, b);
            k++;
            Golden.AssertClose($"{name} {dtype} step {k} W", Golden.Flat(step[0]), w.To(DType.Float64).ToArray<double>(), rtol, atol);
            Golden.AssertClose($"{name} {dtype} step {k} b", Golden.Flat(step[1]), b.To(DType.Float64).ToArray<double>(), rtol, atol);
        }
        Assert.Equal(Golden.Steps, k);
    }
}
