using BenchmarkDotNet.Running;

namespace Nabla.Benchmarks;

/// <summary>Micro-benchmarks: <c>dotnet run -c Release --project bench/Nabla.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks chosen by BenchmarkDotNet's command-line filter.</summary>
    /// <param name="args">BenchmarkDotNet arguments, e.g. <c>--filter *OpOverhead*</c>.</param>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
