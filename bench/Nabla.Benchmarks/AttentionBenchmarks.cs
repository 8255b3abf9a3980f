using BenchmarkDotNet.Attributes;

namespace Nabla.Benchmarks;

/// <summary>The fused attention kernel (Tensor.ScaledDotProductAttention) against the composite
/// softmax(Q·Kᵀ/√E + mask)·V built from MatMul, Where and Softmax, forward and forward + backward.
/// Shapes: "w4" is one attention call of the W4 char-GPT (batch 32, 4 heads, block 128, head dim 32, causal);
/// "long" a longer causal sequence (batch 2, 4 heads, 512, head dim 64); "decode" one generated token against a
/// 128-token cache (batch 1, 4 heads, L 1, S 128, head dim 32, no mask).
/// Run: <c>dotnet run -c Release --project bench/Nabla.Benchmarks -- --filter *Attention* --job short</c>.</summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private Tensor _q = null!, _k = null!, _v = null!, _grad = null!;
    private bool _causal;

    /// <summary>The problem shape (see the class summary).</summary>
    [Params("w4", "long", "decode")]
    public string Shape { get; set; } = "w4";

    /// <summary>Kernel threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Draws Q, K, V and the output gradient.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Threading.NumThreads = Threads;
        (int b, int h, int l, int s, int e, bool causal) = Shape switch
        {
            "w4" => (32, 4, 128, 128, 32, true),
            "long" => (2, 4, 512, 512, 64, true),
            _ => (1, 4, 1, 128, 32, false),
        };
        var g = new Generator(1);
        _q = Tensor.Randn([b, h, l, e], g).RequireGrad();
        _k = Tensor.Randn([b, h, s, e], g).RequireGrad();
        _v = Tensor.Randn([b, h, s, e], g).RequireGrad();
        _grad = Tensor.Randn([b, h, l, e], g);
        _causal = causal;
    }

    private Tensor Composite() => Tensor.ScaledDotProductAttentionWeights(_q, _k, isCausal: _causal).MatMul(_v);

    /// <summary>Fused forward.</summary>
    [Benchmark(Baseline = true)]
    public Tensor FusedForward()
    {
        using var _ = GradMode.Disable();
        return Tensor.ScaledDotProductAttention(_q, _k, _v, isCausal: _causal);
    }

    /// <summary>Composite forward.</summary>
    [Benchmark]
    public Tensor CompositeForward()
    {
        using var _ = GradMode.Disable();
        return Composite();
    }

    /// <summary>Fused forward and backward.</summary>
    [Benchmark]
    public Tensor? FusedForwardBackward()
    {
        Tensor.ScaledDotProductAttention(_q, _k, _v, isCausal: _causal).Backward(_grad);
        return ClearGrads();
    }

    /// <summary>Composite forward and backward.</summary>
    [Benchmark]
    public Tensor? CompositeForwardBackward()
    {
        Composite().Backward(_grad);
        return ClearGrads();
    }

    private Tensor? ClearGrads()
    {
        Tensor? g = _q.Grad;
        _q.Grad = null;
        _k.Grad = null;
        _v.Grad = null;
        return g;
    }
}
