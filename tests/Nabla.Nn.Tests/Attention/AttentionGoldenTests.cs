using System.Text.Json;
using Xunit;

namespace Nabla.Nn.Tests.Attention;

/// <summary>MultiheadAttention, the Transformer layers and stacks against PyTorch 1.13 (tools/golden/attention.py):
/// each Nabla module loads PyTorch's state dict (strict, so every key and shape must match), runs the same inputs
/// and masks in float64, and must give PyTorch's output, attention weights and input gradients.</summary>
public sealed class AttentionGoldenTests
{
    private static readonly JsonElement Cases = Load();

    private static JsonElement Load()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "attention.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    /// <summary>A stored tensor; Bool when marked so, and null entries are −∞ (float masks).</summary>
    private static Tensor Read(JsonElement e)
    {
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        JsonElement data = e.GetProperty("data");
        if (e.TryGetProperty("dtype", out JsonElement dt) && dt.GetString() == "bool")
            return Tensor.FromArray(data.EnumerateArray().Select(v => v.GetInt32() != 0).ToArray(), shape).Reshape(shape);
        double[] values = data.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NegativeInfinity : v.GetDouble()).ToArray();
        return Tensor.FromArray(values, shape).Reshape(shape);
    }

    private static Dictionary<string, Tensor> ReadAll(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => Read(p.Value));

    private static Module Build(string name) => name switch
    {
        "mha_self_padding" => new MultiheadAttention(8, 2, dtype: DType.Float64),
        "mha_cross_kvdim" => new MultiheadAttention(8, 2, kdim: 6, vdim: 5, batchFirst: true, dtype: DType.Float64),
        "mha_causal_nobias" => new MultiheadAttention(8, 4, bias: false, batchFirst: true, dtype: DType.Float64),
        "encoder_post_relu" => new TransformerEncoderLayer(8, 2, 16, 0.0, dtype: DType.Float64),
        "encoder_pre_gelu" => new TransformerEncoderLayer(8, 2, 16, 0.0, TransformerActivation.Gelu, batchFirst: true, normFirst: true, dtype: DType.Float64),
        "encoder_post_gelu" => new TransformerEncoderLayer(8, 4, 12, 0.0, TransformerActivation.Gelu, batchFirst: true, dtype: DType.Float64),
        "encoder_pre_relu" => new TransformerEncoderLayer(8, 2, 16, 0.0, normFirst: true, dtype: DType.Float64),
        "decoder_post_relu" => new TransformerDecoderLayer(8, 2, 16, 0.0, dtype: DType.Float64),
        "decoder_pre_gelu" => new TransformerDecoderLayer(8, 4, 16, 0.0, TransformerActivation.Gelu, batchFirst: true, normFirst: true, dtype: DType.Float64),
        "encoder_stack" => new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, 0.0, normFirst: true, dtype: DType.Float64), 2,
                                                  new LayerNorm(8, dtype: DType.Float64)),
        "transformer" => new Transformer(8, 2, 2, 2, 16, 0.0, dtype: DType.Float64),
        _ => throw new ArgumentException(name),
    };

    private static (Tensor Output, Tensor? Weights) Run(string name, Module m, Dictionary<string, Tensor> x, Dictionary<string, Tensor> k) => name switch
    {
        "mha_self_padding" => ((MultiheadAttention)m).Forward(x["x"], x["x"], x["x"], keyPaddingMask: k["key_padding_mask"]),
        "mha_cross_kvdim" => ((MultiheadAttention)m).Forward(x["query"], x["key"], x["value"], attnMask: k["attn_mask"], averageAttnWeights: false),
        "mha_causal_nobias" => ((MultiheadAttention)m).Forward(x["x"], x["x"], x["x"], attnMask: k["attn_mask"]),
        "encoder_post_relu" or "encoder_pre_relu" => (((TransformerEncoderLayer)m).Forward(x["src"], null, k["src_key_padding_mask"]), null),
        "encoder_pre_gelu" => (((TransformerEncoderLayer)m).Forward(x["src"], k["src_mask"]), null),
        "encoder_post_gelu" => (((TransformerEncoderLayer)m).Forward(x["src"]), null),
        "decoder_post_relu" => (((TransformerDecoderLayer)m).Forward(x["tgt"], x["memory"], k["tgt_mask"], memoryKeyPaddingMask: k["memory_key_padding_mask"]), null),
        "decoder_pre_gelu" => (((TransformerDecoderLayer)m).Forward(x["tgt"], x["memory"], k["tgt_mask"]), null),
        "encoder_stack" => (((TransformerEncoder)m).Forward(x["src"], k["mask"]), null),
        "transformer" => (((Transformer)m).Forward(x["src"], x["tgt"], tgtMask: k["tgt_mask"], srcKeyPaddingMask: k["src_key_padding_mask"],
                                                  memoryKeyPaddingMask: k["src_key_padding_mask"]), null),
        _ => throw new ArgumentException(name),
    };

    public static IEnumerable<object[]> Names => Cases.EnumerateObject().Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Output_weights_and_input_gradients_match_pytorch(string name)
    {
        JsonElement c = Cases.GetProperty(name);
        Module module = Build(name);
        module.LoadStateDict(ReadAll(c.GetProperty("state")));     // strict: PyTorch's keys and shapes
        module.Eval();
        Dictionary<string, Tensor> inputs = ReadAll(c.GetProperty("inputs"));
        foreach (Tensor t in inputs.Values) t.RequireGrad();
        (Tensor output, Tensor? weights) = Run(name, module, inputs, ReadAll(c.GetProperty("masks")));
        // float64 on both sides; differences are summation order only.
        TestUtil.AssertClose($"{name} output", Read(c.GetProperty("output")), output, 1e-10, 1e-9);
        if (c.TryGetProperty("weights", out JsonElement w)) TestUtil.AssertClose($"{name} weights", Read(w), weights!, 1e-12, 1e-10);
        (output * Read(c.GetProperty("projection"))).Sum().Backward();
        foreach (JsonProperty g in c.GetProperty("grads").EnumerateObject())
            TestUtil.AssertClose($"{name} d/d{g.Name}", Read(g.Value), inputs[g.Name].Grad!, 1e-10, 1e-9);
    }

    [Fact]
    public void Causal_flag_equals_the_causal_bool_mask()
    {
        // mha_causal_nobias used attn_mask = triu(1) (true = not allowed); isCausal must give the same output.
        JsonElement c = Cases.GetProperty("mha_causal_nobias");
        var mha = (MultiheadAttention)Build("mha_causal_nobias");
        mha.LoadStateDict(ReadAll(c.GetProperty("state")));
        Tensor x = Read(c.GetProperty("inputs").GetProperty("x"));
        (Tensor output, _) = mha.Forward(x, x, x, needWeights: false, isCausal: true);
        TestUtil.AssertClose("is_causal", Read(c.GetProperty("output")), output, 1e-10, 1e-9);
    }
}
