using BenchmarkDotNet.Attributes;

namespace Nabla.Benchmarks;

/// <summary>Element-wise throughput on 1M floats (the kernels issue compares it with PyTorch's).</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private const int N = 1 << 20;
    private readonly Tensor _a = Tensor.Rand([N], new Generator(1));
    private readonly Tensor _b = Tensor.Rand([N], new Generator(2));
    private readonly Tensor _rows = Tensor.Rand([1024, 1024], new Generator(3));
    private readonly Tensor _bias = Tensor.Rand([1024], new Generator(4));

    /// <summary>a + b, contiguous.</summary>
    [Benchmark]
    public Tensor Add() => _a + _b;

    /// <summary>a + b with the result recycled at the end of a <see cref="TensorScope"/>: the next call writes
    /// into the same, still cached, storage.</summary>
    [Benchmark]
    public void AddInScope()
    {
        using (TensorScope.Begin()) _ = _a + _b;
    }

    /// <summary>exp(a).</summary>
    [Benchmark]
    public Tensor Exp() => _a.Exp();

    /// <summary>(1024, 1024) + (1024): the bias-add broadcast.</summary>
    [Benchmark]
    public Tensor AddBroadcastRow() => _rows + _bias;

    /// <summary>Σ over the last dim of (1024, 1024).</summary>
    [Benchmark]
    public Tensor SumLastDim() => _rows.Sum(1);

    /// <summary>Softmax over the last dim of (1024, 1024).</summary>
    [Benchmark]
    public Tensor Softmax() => _rows.Softmax(1);
}
