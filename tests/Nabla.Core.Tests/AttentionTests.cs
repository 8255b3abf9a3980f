using Nabla.Core.Tests.Ops;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>The fused ScaledDotProductAttention against the composite formula at sizes that span several query
/// blocks and key tiles (so the online softmax really rescales), in float64 and float32, with each mask kind.</summary>
public sealed class AttentionTests
{
    public static TheoryData<string, int, int, bool> Cases => new()
    {
        // name, L, S, float32
        { "none", 150, 300, false },
        { "causal", 200, 200, false },
        { "causal-wide", 70, 260, false },
        { "bool", 130, 270, false },
        { "key-padding", 90, 257, false },
        { "float", 66, 129, false },
        { "none", 150, 300, true },
        { "causal", 200, 200, true },
        { "bool", 130, 270, true },
        { "float", 66, 129, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_matches_the_composite_forward_and_gradients(string kind, int l, int s, bool float32)
    {
        var g = new Generator(l * 1000 + s);
        DType dt = float32 ? DType.Float32 : DType.Float64;
        const int batch = 2, e = 8, ev = 5;
        // Scores of size up to ~±20 so the softmax is far from uniform and tile maxima differ.
        Tensor q = (Tensor.Randn([batch, 1, l, e], g, DType.Float64) * 2.5).To(dt).RequireGrad();
        Tensor k = (Tensor.Randn([batch, 2, s, e], g, DType.Float64) * 2.5).To(dt).RequireGrad();
        Tensor v = Tensor.Randn([s, ev], g, DType.Float64).To(dt).RequireGrad();
        Tensor? mask = kind switch
        {
            // Random Bool mask with the diagonal kept so no row is empty.
            "bool" => Tensor.Rand([l, s], g, DType.Float64).Gt(0.6).LogicalOr(Tensor.Eye(l, s, DType.Float64).Gt(0.5)),
            "key-padding" => Tensor.Arange(s).Reshape(1, 1, 1, s).Lt(Tensor.FromArray(new long[] { s - 37, 41 }).Reshape(batch, 1, 1, 1)),
            "float" => (Tensor.Randn([2, l, s], g, DType.Float64) * 3).To(dt).RequireGrad(),
            _ => null,
        };
        bool causal = kind.StartsWith("causal", StringComparison.Ordinal);
        Tensor y = Tensor.ScaledDotProductAttention(q, k, v, mask, causal);
        Tensor projection = Tensor.Randn(y.Shape, g, DType.Float64).To(dt);
        (y * projection).Sum().Backward();
        Tensor[] grads = [q.Grad!, k.Grad!, v.Grad!, .. mask is { RequiresGrad: true } ? new[] { mask.Grad! } : []];

        Tensor q64 = q.Detach().To(DType.Float64).RequireGrad(), k64 = k.Detach().To(DType.Float64).RequireGrad(), v64 = v.Detach().To(DType.Float64).RequireGrad();
        Tensor? m64 = mask is null ? null : mask.DType == DType.Bool ? mask : mask.Detach().To(DType.Float64).RequireGrad();
        Tensor expected = OpCatalog.AttentionReference(q64, k64, v64, m64, causal);
        (expected * projection.To(DType.Float64)).Sum().Backward();
        Tensor[] expectedGrads = [q64.Grad!, k64.Grad!, v64.Grad!, .. m64 is { RequiresGrad: true } ? new[] { m64.Grad! } : []];

        // float64: both are exact up to summation order; float32: inputs are the same float32 values, so only the
        // kernel's float32 arithmetic differs (dot products of length E and S with |terms| ≲ 10).
        double tol = float32 ? 2e-4 : 1e-11;
        GradCheckTests.AssertClose($"{kind} output", expected, y, tol, tol);
        for (int i = 0; i < grads.Length; i++)
            GradCheckTests.AssertClose($"{kind} gradient {i}", expectedGrads[i], grads[i], tol, tol);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Heads_viewed_out_of_a_packed_projection_are_read_in_place(bool float32)
    {
        // GPT-style: one (N, L, 3·H·D) projection split into q, k, v and viewed as (N, H, L, D) heads: rows are
        // 3·H·D apart and heads D apart, with no copy. Output and gradient must match the composite.
        const int n = 2, l = 70, h = 3, d = 8;
        DType dt = float32 ? DType.Float32 : DType.Float64;
        Tensor qkv = Tensor.Randn([n, l, 3 * h * d], new Generator(21), DType.Float64).To(dt).RequireGrad();
        Tensor[] parts = qkv.Chunk(3, -1);
        Tensor Heads(Tensor t) => t.View(n, l, h, d).Transpose(1, 2);
        Tensor y = Tensor.ScaledDotProductAttention(Heads(parts[0]), Heads(parts[1]), Heads(parts[2]), isCausal: true);
        Tensor projection = Tensor.Randn(y.Shape, new Generator(22), DType.Float64).To(dt);
        (y * projection).Sum().Backward();

        Tensor qkv64 = qkv.Detach().To(DType.Float64).RequireGrad();
        Tensor[] p64 = qkv64.Chunk(3, -1);
        Tensor expected = OpCatalog.AttentionReference(Heads(p64[0]), Heads(p64[1]), Heads(p64[2]), causal: true);
        (expected * projection.To(DType.Float64)).Sum().Backward();
        double tol = float32 ? 2e-4 : 1e-11;
        GradCheckTests.AssertClose("output", expected, y, tol, tol);
        GradCheckTests.AssertClose("d qkv", qkv64.Grad!, qkv.Grad!, tol, tol);
    }

    [Fact]
    public void A_fully_masked_query_row_gives_zero_output_and_zero_gradients()
    {
        // Row 1 of the mask hides every key; rows 0 and 2 keep some. PyTorch ≥ 2.5 returns 0 for such rows.
        var g = new Generator(4);
        Tensor q = Tensor.Randn([3, 4], g, DType.Float64).RequireGrad(), k = Tensor.Randn([5, 4], g, DType.Float64);
        Tensor v = Tensor.Randn([5, 2], g, DType.Float64);
        Tensor mask = Tensor.FromArray(new bool[,] { { true, false, true, true, true }, { false, false, false, false, false }, { false, false, false, false, true } });
        Tensor y = Tensor.ScaledDotProductAttention(q, k, v, mask);
        Assert.Equal([0.0, 0.0], y.Select(0, 1).ToArray<double>());
        // Row 2 sees only key 4, so it is value row 4 exactly.
        Assert.Equal(v.Select(0, 4).ToArray<double>(), y.Select(0, 2).ToArray<double>());
        y.Sum().Backward();
        Assert.Equal([0.0, 0.0, 0.0, 0.0], q.Grad!.Select(0, 1).ToArray<double>());
        Assert.All(q.Grad!.ToArray<double>(), d => Assert.True(double.IsFinite(d)));
    }

    [Fact]
    public void Broadcast_key_and_value_gradients_sum_over_the_sharing_heads()
    {
        // One key/value set shared by 3 query heads gets the sum of the 3 per-head gradients: compare with
        // running the heads as separate calls.
        var g = new Generator(8);
        Tensor q = Tensor.Randn([3, 4, 6], g, DType.Float64), k = Tensor.Randn([1, 5, 6], g, DType.Float64).RequireGrad();
        Tensor v = Tensor.Randn([5, 3], g, DType.Float64).RequireGrad();
        Tensor.ScaledDotProductAttention(q, k, v, isCausal: true).Sum().Backward();
        Tensor k2 = k.Detach().RequireGrad(), v2 = v.Detach().RequireGrad();
        for (int h = 0; h < 3; h++)
            Tensor.ScaledDotProductAttention(q.Select(0, h), k2.Select(0, 0), v2, isCausal: true).Sum().Backward();
        GradCheckTests.AssertClose("dK", k2.Grad!, k.Grad!, 1e-13, 1e-12);
        GradCheckTests.AssertClose("dV", v2.Grad!, v.Grad!, 1e-13, 1e-12);
    }

    [Fact]
    public void Rejects_mismatched_shapes_naming_them()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.ScaledDotProductAttention(Tensor.Zeros(2, 3, 4), Tensor.Zeros(2, 5, 3), Tensor.Zeros(2, 5, 3)));
        Assert.Contains("(2, 3, 4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 5, 3)", e.Message, StringComparison.Ordinal);
        var b = Assert.Throws<ArgumentException>(() => Tensor.ScaledDotProductAttention(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 5, 4), Tensor.Zeros(5, 3)));
        Assert.Contains("broadcast", b.Message, StringComparison.Ordinal);
    }
}
