using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Embedding: lookup, shapes, initialisation, the padding row's gradient, FromPretrained.</summary>
public sealed class EmbeddingTests
{
    private static readonly float[,] Table = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } };

    [Fact]
    public void Looks_up_rows_for_indices_of_any_shape()
    {
        Embedding emb = Embedding.FromPretrained(Tensor.FromArray(Table));
        Tensor y = emb.Forward(Tensor.FromArray(new long[,] { { 3, 0 }, { 1, 1 } }));
        Assert.Equal([2, 2, 2], y.Shape);
        Assert.Equal([7f, 8, 1, 2, 3, 4, 3, 4], y.ToArray<float>());
        // A 0-d index gives one vector; an empty batch gives (0, D).
        Assert.Equal([5f, 6], emb.Forward(Tensor.Scalar(2L)).ToArray<float>());
        Assert.Equal([0, 2], emb.Forward(Tensor.Zeros([0], DType.Int64)).Shape);
        Assert.Equal("Embedding(4, 2)", emb.ToString());
    }

    [Fact]
    public void Repeated_indices_accumulate_and_the_padding_row_gets_no_gradient()
    {
        // Indices (1, 3, 1, 0) with padding row 1 and upstream gradient g_k = (k + 1)·(1, 1):
        // row 3 gets g_1 = (2, 2); row 0 gets g_3 = (4, 4); row 1 (padding) would get g_0 + g_2 = (4, 4) but gets 0.
        var emb = new Embedding(4, 2, paddingIdx: 1, generator: new Generator(3));
        Tensor y = emb.Forward(Tensor.FromArray(new long[] { 1, 3, 1, 0 }));
        Tensor g = Tensor.FromArray(new float[,] { { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 } });
        (y * g).Sum().Backward();
        Assert.Equal([4f, 4, 0, 0, 0, 0, 2, 2], emb.Weight.Grad!.ToArray<float>());
        // The padding row was initialised to zero, so its lookups give zeros.
        Assert.Equal([0f, 0], y.ToArray<float>()[..2]);

        // Without a padding index the same row accumulates both.
        Embedding plain = Embedding.FromPretrained(Tensor.FromArray(Table), freeze: false);
        (plain.Forward(Tensor.FromArray(new long[] { 1, 3, 1, 0 })) * g).Sum().Backward();
        Assert.Equal([4f, 4, 4, 4, 0, 0, 2, 2], plain.Weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void Default_init_is_standard_normal_with_a_zero_padding_row()
    {
        var emb = new Embedding(1000, 64, paddingIdx: -1, generator: new Generator(7));
        Assert.Equal(999, emb.PaddingIdx);
        float[] w = emb.Weight.ToArray<float>();
        Assert.All(w[(999 * 64)..], v => Assert.Equal(0f, v));
        // 63,936 N(0, 1) samples: the mean's standard error is 0.004 and the variance's 0.0056; 5σ bounds.
        double[] rest = w[..(999 * 64)].Select(v => (double)v).ToArray();
        double mean = rest.Average(), variance = rest.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.972, 1.028);
        Assert.Equal(w, new Embedding(1000, 64, paddingIdx: -1, generator: new Generator(7)).Weight.ToArray<float>());
        Assert.Equal("Embedding(1000, 64, padding_idx=999)", emb.ToString());
    }

    [Fact]
    public void FromPretrained_shares_the_table_and_freezes_by_default()
    {
        Tensor table = Tensor.FromArray(Table);
        Embedding frozen = Embedding.FromPretrained(table, paddingIdx: 0);
        Assert.False(frozen.Weight.RequiresGrad);
        Assert.Equal(0, frozen.PaddingIdx);
        // The padding row keeps its pretrained values (PyTorch does not zero it here).
        Assert.Equal([1f, 2], frozen.Forward(Tensor.Scalar(0L)).ToArray<float>());
        Assert.True(Embedding.FromPretrained(table, freeze: false).Weight.RequiresGrad);
        Assert.Equal(["weight"], frozen.StateDict().Keys);
    }

    [Fact]
    public void Functional_form_matches_the_module_and_gradchecks_in_float64()
    {
        Tensor idx = Tensor.FromArray(new long[,] { { 2, 0, 2 } });
        Tensor w = Tensor.FromArray(new double[,] { { 0.5, -1 }, { 2, 3 }, { -0.25, 4 } });
        Assert.Equal([-0.25, 4, 0.5, -1, -0.25, 4], F.Embedding(idx, w).ToArray<double>());
        TestUtil.GradCheck("F.Embedding", t => F.Embedding(idx, t), w);
    }

    [Fact]
    public void Bad_input_names_the_op_and_the_shapes()
    {
        var emb = new Embedding(4, 2);
        var e1 = Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.Zeros(2, 3)));
        Assert.Contains("Embedding: indices must be Int64, got Float32 (2, 3)", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.FromArray(new long[] { 0, 4 })));
        Assert.Contains("index 4 is out of bounds for dim 0 with size 4", e2.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, paddingIdx: 4));
        Assert.Throws<ArgumentException>(() => Embedding.FromPretrained(Tensor.Zeros(4)));
    }
}
