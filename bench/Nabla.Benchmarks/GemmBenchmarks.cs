using BenchmarkDotNet.Attributes;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>Square float32 GEMM C = A·B by size and thread count. GFLOP/s = 2n³ / mean time (the
/// side-by-side runner reports the same figure next to PyTorch's).</summary>
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>Matrix size n (n × n times n × n).</summary>
    [Params(128, 256, 512, 1024)]
    public int N { get; set; }

    /// <summary>Threads the kernel may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Random operands, fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Threading.NumThreads = Threads;
        var g = new Generator(0);
        _a = Tensor.Randn([N, N], g).ToArray<float>();
        _b = Tensor.Randn([N, N], g).ToArray<float>();
        _c = new float[N * N];
    }

    /// <summary>One sgemm into a preallocated C.</summary>
    [Benchmark]
    public void Sgemm() => Gemm.Multiply(false, false, N, N, N, 1f, _a, N, _b, N, 0f, _c, N);
}
