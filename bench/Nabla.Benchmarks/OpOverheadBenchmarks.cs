using BenchmarkDotNet.Attributes;

namespace Nabla.Benchmarks;

/// <summary>Per-op overhead: a binary op on two 64-element tensors, forward plus graph recording (the foundation
/// issue's target is ≤ 1 µs; PyTorch from Python spends ~5–30 µs), and the same op with grad mode off.</summary>
[MemoryDiagnoser]
public class OpOverheadBenchmarks
{
    private readonly Tensor _a = Tensor.Rand([64], new Generator(1)).RequireGrad();
    private readonly Tensor _b = Tensor.Rand([64], new Generator(2)).RequireGrad();
    private readonly Tensor _c = Tensor.Rand([64], new Generator(3));
    private readonly Tensor _d = Tensor.Rand([64], new Generator(4));

    /// <summary>a + b with both inputs requiring grad: allocates the output and records a node.</summary>
    [Benchmark(Baseline = true)]
    public Tensor AddWithAutograd() => _a + _b;

    /// <summary>a · b with autograd on.</summary>
    [Benchmark]
    public Tensor MulWithAutograd() => _a * _b;

    /// <summary>a + b on tensors that need no gradient: the forward alone.</summary>
    [Benchmark]
    public Tensor AddNoGrad() => _c + _d;
}
