using Xunit;

namespace Nabla.Nn.Tests.Attention;

/// <summary>Names, initialisation, masks and errors of MultiheadAttention, the positional encodings and the
/// Transformer modules (their numerics are checked against PyTorch in AttentionGoldenTests).</summary>
public sealed class TransformerModuleTests
{
    [Fact]
    public void Mha_registers_pytorch_names_and_initialises_like_pytorch()
    {
        var mha = new MultiheadAttention(16, 4, generator: new Generator(1));
        Assert.Equal(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"], mha.StateDict().Keys);
        // xavier_uniform on (48, 16): bound = √(6 / (16 + 48)) = √(3/32).
        double bound = Math.Sqrt(6.0 / 64);
        float[] w = mha.InProjWeight!.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.8 * bound && w.Min() < -0.8 * bound, "the draws fill the Xavier range");
        Assert.All(mha.InProjBias!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(mha.OutProj.Bias!.ToArray<float>(), v => Assert.Equal(0f, v));

        var kv = new MultiheadAttention(8, 2, kdim: 3, vdim: 5, bias: false);
        Assert.Equal(["q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight"], kv.StateDict().Keys);
        Assert.Equal([8, 3], kv.KProjWeight!.Shape);
        Assert.Equal([8, 5], kv.VProjWeight!.Shape);
    }

    [Fact]
    public void Mha_handles_unbatched_inputs_like_a_batch_of_one()
    {
        var mha = new MultiheadAttention(6, 3, dtype: DType.Float64, generator: new Generator(2));
        var g = new Generator(3);
        Tensor q = Tensor.Randn([4, 6], g, DType.Float64), kv = Tensor.Randn([5, 6], g, DType.Float64);
        (Tensor y, Tensor? w) = mha.Forward(q, kv, kv);
        (Tensor yb, Tensor? wb) = mha.Forward(q.Unsqueeze(1), kv.Unsqueeze(1), kv.Unsqueeze(1));
        Assert.Equal([4, 6], y.Shape);
        Assert.Equal([4, 5], w!.Shape);
        TestUtil.AssertClose("unbatched", yb.Squeeze(1), y, 1e-14, 1e-14);
        TestUtil.AssertClose("weights", wb!.Squeeze(0), w, 1e-14, 1e-14);
        // Each averaged weight row is a probability distribution over the 5 keys.
        TestUtil.AssertClose("row sums", Tensor.Ones([4], DType.Float64), w.Sum(-1), 1e-14, 1e-14);
    }

    [Fact]
    public void Mha_with_and_without_weights_agree()
    {
        // needWeights forms softmax(QKᵀ/√d) explicitly; without it the fused kernel runs. Same result.
        var mha = new MultiheadAttention(8, 2, batchFirst: true, dtype: DType.Float64, generator: new Generator(4));
        Tensor x = Tensor.Randn([3, 7, 8], new Generator(5), DType.Float64);
        Tensor pad = Tensor.Arange(7).Reshape(1, 7).Ge(Tensor.FromArray(new long[] { 7, 3, 5 }).Reshape(3, 1));
        (Tensor a, _) = mha.Forward(x, x, x, pad, needWeights: true, isCausal: true);
        (Tensor b, Tensor? none) = mha.Forward(x, x, x, pad, needWeights: false, isCausal: true);
        Assert.Null(none);
        TestUtil.AssertClose("fused vs explicit", a, b, 1e-13, 1e-12);
    }

    [Fact]
    public void Mha_dropout_only_in_training()
    {
        var mha = new MultiheadAttention(8, 2, dropout: 0.5, batchFirst: true, dtype: DType.Float64, generator: new Generator(6));
        Tensor x = Tensor.Randn([2, 5, 8], new Generator(7), DType.Float64);
        (Tensor train, _) = mha.Forward(x, x, x, needWeights: false);
        mha.Eval();
        (Tensor eval1, _) = mha.Forward(x, x, x, needWeights: false);
        (Tensor eval2, _) = mha.Forward(x, x, x);
        TestUtil.AssertClose("eval is deterministic", eval1, eval2, 1e-13, 1e-12);
        Assert.True((train - eval1).Abs().Max().Item<double>() > 1e-3, "training output differs from eval under dropout 0.5");
    }

    [Fact]
    public void Mha_rejects_bad_shapes_and_masks()
    {
        var mha = new MultiheadAttention(8, 2, batchFirst: true);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Zeros(2, 3, 8), Tensor.Zeros(2, 4, 7), Tensor.Zeros(2, 4, 8)));
        Assert.Contains("(2, 4, 7)", e.Message, StringComparison.Ordinal);
        var m = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Zeros(2, 3, 8), Tensor.Zeros(2, 4, 8), Tensor.Zeros(2, 4, 8), attnMask: Tensor.Zeros(4, 3)));
        Assert.Contains("attn_mask (4, 3)", m.Message, StringComparison.Ordinal);
        var p = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Zeros(2, 3, 8), Tensor.Zeros(2, 4, 8), Tensor.Zeros(2, 4, 8), Tensor.Zeros([2, 3], DType.Bool)));
        Assert.Contains("key_padding_mask (2, 3)", p.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3));
    }

    [Fact]
    public void Sinusoidal_table_follows_the_formula()
    {
        // d = 4: ω₀ = 1, ω₁ = 10000^(−1/2) = 0.01. PE[0] = (0, 1, 0, 1); PE[3] = (sin 3, cos 3, sin 0.03, cos 0.03).
        var pe = new SinusoidalPositionalEncoding(4, maxLen: 10, dtype: DType.Float64);
        Assert.Empty(pe.StateDict());
        TestUtil.AssertClose("pos 0", Tensor.FromArray([0.0, 1, 0, 1]), pe.Pe.Select(0, 0), 1e-15, 0);
        TestUtil.AssertClose("pos 3", Tensor.FromArray([Math.Sin(3), Math.Cos(3), Math.Sin(0.03), Math.Cos(0.03)]), pe.Pe.Select(0, 3), 1e-15, 1e-15);
        // Forward adds rows offset..offset+L−1: zeros in → the table out.
        Tensor y = pe.Forward(Tensor.Zeros([2, 3, 4], DType.Float64), offset: 2);
        TestUtil.AssertClose("offset", pe.Pe.Narrow(0, 2, 3).Unsqueeze(0).Expand(2, 3, 4), y, 0, 0);
        var seqFirst = new SinusoidalPositionalEncoding(4, maxLen: 10, batchFirst: false, dtype: DType.Float64);
        TestUtil.AssertClose("seq first", pe.Pe.Narrow(0, 0, 3).Unsqueeze(1).Expand(3, 2, 4), seqFirst.Forward(Tensor.Zeros([3, 2, 4], DType.Float64)), 0, 0);
        var e = Assert.Throws<ArgumentException>(() => pe.Forward(Tensor.Zeros(1, 11, 4)));
        Assert.Contains("(1, 11, 4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Learned_positions_add_the_weight_rows_and_get_gradients()
    {
        var lpe = new LearnedPositionalEmbedding(6, 3, DType.Float64, new Generator(8));
        Assert.Equal(["weight"], lpe.StateDict().Keys);
        Tensor y = lpe.Forward(Tensor.Zeros([2, 4, 3], DType.Float64), offset: 1);
        TestUtil.AssertClose("rows 1..4", lpe.Weight.Narrow(0, 1, 4).Unsqueeze(0).Expand(2, 4, 3), y, 0, 0);
        y.Sum().Backward();
        // Rows 1..4 are used twice (batch 2); rows 0 and 5 not at all.
        double[] g = lpe.Weight.Grad!.ToArray<double>();
        Assert.Equal([0.0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0], g);
    }

    [Fact]
    public void Square_subsequent_mask_is_minus_infinity_above_the_diagonal()
    {
        double[] m = Transformer.GenerateSquareSubsequentMask(3, DType.Float64).ToArray<double>();
        double inf = double.NegativeInfinity;
        Assert.Equal([0, inf, inf, 0, 0, inf, 0, 0, 0], m);
    }

    [Fact]
    public void Stacks_clone_the_layer_under_layers_i_keys()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, generator: new Generator(9));
        var enc = new TransformerEncoder(layer, 3, new LayerNorm(8));
        string[] keys = [.. enc.StateDict().Keys];
        Assert.Contains("layers.0.self_attn.in_proj_weight", keys);
        Assert.Contains("layers.2.linear2.bias", keys);
        Assert.Contains("norm.weight", keys);
        Assert.Equal(3 * layer.StateDict().Count + 2, keys.Length);
        // Copies start equal to the template but are independent parameters.
        var l0 = (TransformerEncoderLayer)enc.Layers[0];
        Assert.Equal(layer.Linear1.Weight.ToArray<float>(), l0.Linear1.Weight.ToArray<float>());
        Assert.NotSame(l0.Linear1.Weight, ((TransformerEncoderLayer)enc.Layers[1]).Linear1.Weight);

        var t = new Transformer(8, 2, 1, 2, 16);
        string[] tk = [.. t.StateDict().Keys];
        Assert.Contains("decoder.layers.1.multihead_attn.out_proj.weight", tk);
        Assert.Contains("decoder.layers.1.norm3.bias", tk);
        Assert.Contains("encoder.norm.weight", tk);
        Assert.DoesNotContain("encoder.layers.1.norm1.weight", tk);
    }
}
