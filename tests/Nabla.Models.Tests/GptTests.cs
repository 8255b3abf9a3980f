using System.Text.Json;
using Nabla.Models;
using Nabla.Models.Text;
using Nabla.Nn;
using Nabla.Optim;
using Xunit;

namespace Nabla.Models.Tests;

public sealed class GptTests
{
    private static readonly GptConfig Tiny = new(VocabSize: 11, BlockSize: 8, NLayer: 2, NHead: 2, NEmbd: 16);

    [Fact]
    public void StateDictHasTheAnchorsNamesAndParameterCount()
    {
        var model = new Gpt(new GptConfig(63), new Generator(0));
        string[] names = model.StateDict().Keys.ToArray();
        Assert.Equal("wte.weight", names[0]);
        Assert.Contains("h.3.attn.c_attn.weight", names);
        Assert.Contains("h.0.mlp.c_proj.bias", names);
        Assert.Contains("ln_f.bias", names);
        Assert.DoesNotContain("lm_head.bias", names);
        // wte 63·128 + wpe 128·128 + 4 blocks × (2 LN·256 + c_attn 128·384+384 + c_proj 128·128+128
        // + c_fc 128·512+512 + c_proj 512·128+128) + ln_f 256 + lm_head 128·63 = 825,856 (the anchor's n_params).
        Assert.Equal(825_856, model.Parameters().Sum(p => p.NumEl));
    }

    [Fact]
    public void InitialisationIsNanoGpts()
    {
        var model = new Gpt(new GptConfig(63, NLayer: 4), new Generator(3));
        double Std(Tensor t) => t.To(DType.Float64).Std().Item<double>();
        // 65,536 draws: the sample std is within ~0.3 % of σ (σ/√(2n)); 2 % is a loose, safe bound.
        Assert.InRange(Std(model.Blocks[0].Attn.CProj.Weight) / (0.02 / Math.Sqrt(8)), 0.98, 1.02);
        Assert.InRange(Std(model.Blocks[1].Mlp.CFc.Weight) / 0.02, 0.98, 1.02);
        Assert.InRange(Std(model.Wpe.Weight) / 0.02, 0.98, 1.02);
        Assert.True(model.Blocks[2].Mlp.CFc.Bias!.Eq(0).All());
        Assert.True(model.Blocks[2].Ln1.Weight!.Eq(1).All());
        Assert.True(model.LnF.Bias!.Eq(0).All());
    }

    [Fact]
    public void MatchesPyTorchLogitsLossAndOneAdamWStep()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "gpt.json")));
        JsonElement root = doc.RootElement;
        var model = new Gpt(Tiny, new Generator(0));
        var state = new Dictionary<string, Tensor>();
        foreach (JsonProperty p in root.GetProperty("state").EnumerateObject())
        {
            int[] shape = root.GetProperty("shapes").GetProperty(p.Name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            state[p.Name] = Tensor.FromArray(p.Value.EnumerateArray().Select(e => e.GetSingle()).ToArray(), shape);
        }
        LoadStateDictResult r = model.LoadStateDict(state);
        Assert.Empty(r.MissingKeys);
        Tensor x = Tensor.FromArray(root.GetProperty("x").EnumerateArray().Select(e => e.GetInt64()).ToArray(), 2, 6);
        Tensor y = Tensor.FromArray(root.GetProperty("y").EnumerateArray().Select(e => e.GetInt64()).ToArray(), 2, 6);
        float[] expected = root.GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float[] logits = model.Forward(x).ToArray<float>();
        Assert.Equal(expected.Length, logits.Length);
        // float32 through 2 blocks of O(1) activations: 2e-5 absolute is a few hundred ulps of the logits.
        for (int i = 0; i < logits.Length; i++) Assert.True(Math.Abs(expected[i] - logits[i]) < 2e-5, $"logit {i}: {logits[i]} vs {expected[i]}");
        Tensor loss = model.Loss(x, y);
        Assert.Equal(root.GetProperty("loss").GetDouble(), loss.Item<float>(), 5);

        var opt = new AdamW(model.Parameters(), lr: 3e-4);
        loss.Backward();
        opt.Step();
        Tensor w = model.Blocks[0].Attn.CAttn.Weight;
        float[] after = root.GetProperty("after_step").GetProperty("h.0.attn.c_attn.weight").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float[] mine = w.ToArray<float>();
        // One Adam step moves each weight by ≈ lr = 3e-4 (sign of the gradient); 1e-6 checks the direction of every one.
        for (int i = 0; i < mine.Length; i++) Assert.True(Math.Abs(after[i] - mine[i]) < 1e-6, $"c_attn.weight[{i}]: {mine[i]} vs {after[i]}");
    }

    [Fact]
    public void LaterTokensDoNotChangeEarlierLogits()
    {
        var model = new Gpt(Tiny, new Generator(1));
        Tensor a = model.Forward(Tensor.FromArray(new long[] { 1, 2, 3, 4, 5 }, 1, 5));
        Tensor b = model.Forward(Tensor.FromArray(new long[] { 1, 2, 3, 9, 0 }, 1, 5));
        Assert.Equal([1, 5, 11], a.Shape);
        Assert.Equal(a.Narrow(1, 0, 3).ToArray<float>(), b.Narrow(1, 0, 3).ToArray<float>());
        Assert.NotEqual(a.Narrow(1, 3, 1).ToArray<float>(), b.Narrow(1, 3, 1).ToArray<float>());
    }

    [Fact]
    public void CachedLogitsEqualUncachedLogits()
    {
        var model = new Gpt(Tiny, new Generator(2));
        long[] ids = [3, 1, 4, 1, 5, 9, 2, 6];
        Tensor full = model.Forward(Tensor.FromArray(ids, 1, 8));
        var cache = new KvCache(Tiny);
        // A 3-token prefill (offset causal mask from an empty cache), then a 2-token chunk (mask offset by 3), then
        // one token at a time.
        var parts = new List<Tensor>
        {
            model.Forward(Tensor.FromArray(ids[..3], 1, 3), cache),
            model.Forward(Tensor.FromArray(ids[3..5], 1, 2), cache),
        };
        for (int i = 5; i < 8; i++) parts.Add(model.Forward(Tensor.FromArray(ids[i..(i + 1)], 1, 1), cache));
        Assert.Equal(8, cache.Length);
        float[] expected = full.ToArray<float>(), actual = Tensor.Cat([.. parts], 1).ToArray<float>();
        // Same math in a different association order (one query row vs a batch of rows): float32 rounding only.
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"logit {i}: {actual[i]} vs {expected[i]}");
        Assert.Throws<ArgumentException>(() => _ = model.Forward(Tensor.FromArray(new long[] { 1 }, 1, 1), cache));
    }

    [Fact]
    public void GenerationWithAndWithoutTheCacheAgreeWithinTheBlock()
    {
        var model = new Gpt(Tiny, new Generator(4));
        // Prompt 2 + 6 new = 8 = BlockSize: the cache never overflows, so both paths see the same contexts.
        int[] cached = model.Generate([1, 2], 6, new SamplingOptions(), new Generator(9));
        int[] plain = model.Generate([1, 2], 6, new SamplingOptions(), new Generator(9), useKvCache: false);
        Assert.Equal(plain, cached);
        Assert.Equal(8, cached.Length);
        // Past the block the cached path refills with the last half block; it still produces valid ids.
        int[] longer = model.Generate([1], 30, new SamplingOptions(TopK: 3), new Generator(9));
        Assert.Equal(31, longer.Length);
        Assert.All(longer, t => Assert.InRange(t, 0, 10));
        Assert.True(model.Training);
        Assert.Throws<ArgumentException>(() => _ = model.Generate([11], 1, new SamplingOptions(), new Generator(0)));
    }

    [Fact]
    public void LossFallsOnATinyRun()
    {
        var tok = CharTokenizer.FromText("abcdefgh");
        var data = new TextData(tok.Encode(string.Concat(Enumerable.Repeat("abcdefgh", 40))));
        var model = new Gpt(new GptConfig(tok.VocabSize, BlockSize: 8, NLayer: 1, NHead: 2, NEmbd: 16), new Generator(5));
        var opt = new AdamW(model.Parameters(), lr: 1e-2);
        var g = new Generator(6);
        var losses = new List<float>();
        for (int step = 0; step < 40; step++)
        {
            (Tensor x, Tensor y) = data.RandomBatch(8, 8, g);
            Tensor loss = model.Loss(x, y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
        }
        // Starts at ≈ ln 8 = 2.08 (near-uniform logits); a periodic sequence is learnable to near 0.
        Assert.InRange(losses[0], 1.9, 2.3);
        Assert.True(losses[^1] < 0.3, $"final loss {losses[^1]}");
    }
    [Fact]
    public void ContextIsBoundedByTheBlockSizeAndAttentionGrowsQuadratically()
    {
        // The learned position table has BlockSize rows, so 9 tokens cannot be read by a model with BlockSize 8;
        // and the attention weights of T tokens are a T × T matrix per head (4× the entries when T doubles).
        var model = new Gpt(Tiny, new Generator(3));
        var e = Assert.Throws<ArgumentException>(() => _ = model.Forward(Tensor.Zeros([1, 9], DType.Int64)));
        Assert.Contains("block size 8", e.Message);
        var g = new Generator(4);
        foreach (int t in new[] { 4, 8 })
        {
            Tensor q = Tensor.Randn([1, 2, t, 8], g);
            Assert.Equal([1, 2, t, t], Tensor.ScaledDotProductAttentionWeights(q, q, isCausal: true).Shape);
        }
    }
}
