using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests.Attention;

/// <summary>F.ScaledDotProductAttention: the no-dropout path, dropout on the weights, and argument checks.</summary>
public sealed class FunctionalAttentionTests
{
    [Fact]
    public void Equal_keys_average_the_values()
    {
        // All scores equal → uniform weights 1/3 → each output row is the mean of the value rows (2, 4).
        Tensor q = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 } });
        Tensor k = Tensor.Zeros([3, 2], DType.Float64);
        Tensor v = Tensor.FromArray(new double[,] { { 0, 3 }, { 3, 6 }, { 3, 3 } });
        TestUtil.AssertClose("uniform", Tensor.FromArray(new double[,] { { 2, 4 }, { 2, 4 } }), F.ScaledDotProductAttention(q, k, v), 1e-15, 1e-15);
    }

    [Fact]
    public void Causal_first_query_sees_only_the_first_key()
    {
        // Row 0 of a causal mask keeps only key 0, so output row 0 is value row 0 whatever the scores.
        var g = new Generator(3);
        Tensor q = Tensor.Randn([4, 3], g, DType.Float64), k = Tensor.Randn([4, 3], g, DType.Float64), v = Tensor.Randn([4, 2], g, DType.Float64);
        Tensor y = F.ScaledDotProductAttention(q, k, v, isCausal: true);
        TestUtil.AssertClose("row 0", v.Narrow(0, 0, 1), y.Narrow(0, 0, 1), 1e-15, 1e-15);
    }

    [Fact]
    public void Scaling_by_one_over_sqrt_d_keeps_scores_unit_variance_and_the_softmax_unsaturated()
    {
        // With q, k ~ N(0, 1)^d, q·k has variance d, so unscaled scores for d = 256 have std ≈ 16 and the softmax
        // puts almost all weight on one key; dividing by √d brings the std back to ≈ 1.
        const int d = 256;
        var g = new Generator(11);
        Tensor q = Tensor.Randn([64, d], g, DType.Float64), k = Tensor.Randn([64, d], g, DType.Float64);
        double StdOfScores(double scale) => (q.MatMul(k.T) * scale).Std().Item<double>();
        Assert.InRange(StdOfScores(1), 14, 18);
        Assert.InRange(StdOfScores(1 / Math.Sqrt(d)), 0.9, 1.1);
        double MeanMaxWeight(double? scale) => Tensor.ScaledDotProductAttentionWeights(q, k, scale: scale).Max(-1).Mean().Item<double>();
        Assert.True(MeanMaxWeight(1) > 0.9, "unscaled: nearly one-hot");
        Assert.True(MeanMaxWeight(null) < 0.3, "scaled (default 1/√d): spread over many keys");
    }

    [Fact]
    public void Dropout_zeroes_weights_and_rescales_the_rest()
    {
        // With p = 0.5 every weight is either dropped or doubled; using V = I (S×S) the output is the dropped-out
        // weight matrix itself, so each entry is 0 or 2·w, and some of each occur.
        var g = new Generator(5);
        Tensor q = Tensor.Randn([2, 6, 4], g, DType.Float64), k = Tensor.Randn([2, 6, 4], g, DType.Float64);
        Tensor eye = Tensor.Eye(6, dtype: DType.Float64);
        double[] weights = Tensor.ScaledDotProductAttentionWeights(q, k).ToArray<double>();
        double[] dropped = F.ScaledDotProductAttention(q, k, eye, dropoutP: 0.5, generator: new Generator(9)).ToArray<double>();
        int zeros = 0, kept = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (dropped[i] == 0) zeros++;
            else
            {
                Assert.Equal(2 * weights[i], dropped[i], 1e-15);
                kept++;
            }
        }
        Assert.True(zeros > 10 && kept > 10, $"zeros {zeros}, kept {kept} of {weights.Length}");
    }

    [Fact]
    public void Rejects_a_mask_together_with_is_causal_and_a_bad_mask_shape()
    {
        Tensor q = Tensor.Zeros(2, 3, 4), k = Tensor.Zeros(2, 5, 4), v = Tensor.Zeros(2, 5, 6);
        var both = Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, Tensor.Ones([3, 5], DType.Bool), isCausal: true));
        Assert.Contains("not both", both.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, Tensor.Ones([3, 4], DType.Bool)));
        Assert.Contains("(3, 4)", shape.Message, StringComparison.Ordinal);
        var value = Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, Tensor.Zeros(2, 4, 6)));
        Assert.Contains("(2, 4, 6)", value.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.ScaledDotProductAttention(q, k, v, dropoutP: 1.5));
    }
}
