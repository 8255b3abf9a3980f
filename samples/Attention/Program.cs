using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

// What attention learns: a one-layer, one-head transformer trained to reverse a string of digits, and an
// encoder–decoder Transformer trained to sort one; their attention weights as heat maps (console and SVG).
// `dotnet run -c Release --project samples/Attention [-- out.svg]` (writes out.svg and out-cross.svg).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Length = 8, Digits = 10, Width = 32, Steps = 400, Batch = 64;
string svgPath = args.Length > 0 ? args[0] : "attention.svg";

var g = new Generator(7);
var model = new Reverser(Width, Length, Digits, g);
var opt = new Adam(model.Parameters(), lr: 3e-3);
Console.WriteLine(model.Summary());

// Each step: fresh random digit strings; the target at position i is the input digit at position L−1−i, which
// only attention can fetch (the feed-forward part sees one position at a time).
for (int step = 1; step <= Steps; step++)
{
    Tensor x = Tensor.RandInt(0, Digits, [Batch, Length], g);
    (Tensor logits, _) = model.Forward(x);
    Tensor loss = F.CrossEntropy(logits.Reshape(-1, Digits), Reverse(x).Reshape(-1));
    opt.ZeroGrad();
    loss.Backward();
    opt.Step();
    if (step % 50 == 0) Console.WriteLine($"step {step,3}: loss {loss.Item<float>():F4}");
}

model.Eval();
using (GradMode.Disable())
{
    Tensor test = Tensor.RandInt(0, Digits, [1000, Length], new Generator(123));
    (Tensor logits, _) = model.Forward(test);
    Tensor predicted = logits.Argmax(-1);
    double exact = predicted.Eq(Reverse(test)).To(DType.Float32).Min(-1).Mean().Item<float>();   // 1 only if every digit matches
    Console.WriteLine($"\nexact-match accuracy on 1000 new strings: {exact:P1}");

    Tensor example = Tensor.FromArray(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 }).Reshape(1, Length);
    (Tensor exLogits, Tensor weights) = model.Forward(example);
    float[] w = weights.Reshape(Length, Length).ToArray<float>();
    long[] input = example.Reshape(Length).ToArray<long>(), output = exLogits.Argmax(-1).Reshape(Length).ToArray<long>();
    Console.WriteLine($"\ninput  {string.Join(' ', input)}\noutput {string.Join(' ', output)}\n");
    Console.WriteLine(HeatTable(w, input, output, "attention weights"));
    string svg = HeatSvg(w, input, output, "Attention weights, reversing");
    string tmp = svgPath + ".tmp";
    File.WriteAllText(tmp, svg);
    File.Move(tmp, svgPath, overwrite: true);
    Console.WriteLine($"wrote the heat map to {svgPath}");
}

// Part 2: an encoder–decoder Transformer sorts digit strings. The decoder writes the sorted string one digit at a
// time (teacher forcing with a causal mask in training, greedy decoding at test time) and fetches digits from the
// encoder's memory through cross-attention.
Console.WriteLine("\n== Encoder–decoder: sorting digit strings ==");
var sorter = new Sorter(Width, Length, Digits, g);
var opt2 = new Adam(sorter.Parameters(), lr: 3e-3);
Tensor causal = Transformer.GenerateSquareSubsequentMask(Length);
for (int step = 1; step <= 2 * Steps; step++)
{
    Tensor x = Tensor.RandInt(0, Digits, [Batch, Length], g);
    Tensor sorted = x.Sort(1).Values;
    Tensor logits = sorter.Forward(x, sorter.ShiftRight(sorted), causal);
    Tensor loss = F.CrossEntropy(logits.Reshape(-1, Digits), sorted.Reshape(-1));
    opt2.ZeroGrad();
    loss.Backward();
    opt2.Step();
    if (step % 100 == 0) Console.WriteLine($"step {step,3}: loss {loss.Item<float>():F4}");
}
sorter.Eval();
using (GradMode.Disable())
{
    Tensor test = Tensor.RandInt(0, Digits, [500, Length], new Generator(321));
    Tensor decoded = sorter.Greedy(test);
    double exact = decoded.Eq(test.Sort(1).Values).To(DType.Float32).Min(-1).Mean().Item<float>();
    Console.WriteLine($"exact-match accuracy (greedy decoding) on 500 new strings: {exact:P1}");

    Tensor example = Tensor.FromArray(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 }).Reshape(1, Length);
    Tensor output = sorter.Greedy(example);
    Tensor cross = sorter.CrossAttention(example, sorter.ShiftRight(output), causal);
    long[] input = example.Reshape(Length).ToArray<long>(), outDigits = output.Reshape(Length).ToArray<long>();
    Console.WriteLine($"\ninput  {string.Join(' ', input)}\noutput {string.Join(' ', outDigits)}\n");
    Console.WriteLine(HeatTable(cross.Reshape(Length, Length).ToArray<float>(), input, outDigits, "decoder cross-attention, mean of 2 heads"));
    string crossPath = Path.ChangeExtension(svgPath, null) + "-cross.svg";
    string svg = HeatSvg(cross.Reshape(Length, Length).ToArray<float>(), input, outDigits, "Cross-attention, sorting");
    File.WriteAllText(crossPath + ".tmp", svg);
    File.Move(crossPath + ".tmp", crossPath, overwrite: true);
    Console.WriteLine($"wrote the heat map to {crossPath}");
}

// Why scores are divided by √d_k: for q, k ~ N(0, 1)^d the dot product q·k has variance d, so without the scale the
// softmax over 64 keys collapses onto one key as d grows (and its gradient vanishes); with it the spread stays put.
Console.WriteLine("\n== Why divide by √d_k: 64 random queries against 64 random keys ==");
Console.WriteLine($"  {"d_k",6} {"std of q·k",11} {"std of q·k/√d_k",16} {"mean max weight, unscaled",26} {"scaled",8}");
foreach (int d in new[] { 4, 16, 64, 256, 1024 })
{
    var gd = new Generator(11);
    Tensor q = Tensor.Randn([64, d], gd), k = Tensor.Randn([64, d], gd);
    double rawStd = q.MatMul(k.T).Std().Item<float>(), scaledStd = (q.MatMul(k.T) / Math.Sqrt(d)).Std().Item<float>();
    double rawMax = Tensor.ScaledDotProductAttentionWeights(q, k, scale: 1).Max(-1).Mean().Item<float>();
    double scaledMax = Tensor.ScaledDotProductAttentionWeights(q, k).Max(-1).Mean().Item<float>();
    Console.WriteLine($"  {d,6} {rawStd,11:F2} {scaledStd,16:F2} {rawMax,26:F3} {scaledMax,8:F3}");
}

static Tensor Reverse(Tensor x) => x.IndexSelect(1, Tensor.Arange(Length - 1, -1, -1));

// Rows: output positions (queries); columns: input positions (keys); shade ∝ weight.
static string HeatTable(float[] w, long[] input, long[] output, string title)
{
    const string Shades = " ░▒▓█";
    var sb = new StringBuilder($"{title} (rows: output position ← columns: input position)\n        ");
    for (int j = 0; j < Length; j++) sb.Append($"  in{j}={input[j]}");
    sb.Append('\n');
    for (int i = 0; i < Length; i++)
    {
        sb.Append($"out{i}={output[i]} ");
        for (int j = 0; j < Length; j++)
        {
            float v = w[i * Length + j];
            char shade = Shades[Math.Min(Shades.Length - 1, (int)(v * Shades.Length))];
            sb.Append($" {shade}{v,5:F2}");
        }
        sb.Append('\n');
    }
    return sb.ToString();
}

static string HeatSvg(float[] w, long[] input, long[] output, string title)
{
    const int Cell = 44, Left = 90, Top = 70;
    int size = Left + Length * Cell + 20, height = Top + Length * Cell + 20;
    var sb = new StringBuilder();
    sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    sb.Append($"<rect width=\"{size}\" height=\"{height}\" fill=\"white\"/>\n");
    sb.Append($"<text x=\"{size / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{title} {string.Join("", input)}</text>\n");
    for (int j = 0; j < Length; j++)
        sb.Append($"<text x=\"{Left + j * Cell + Cell / 2}\" y=\"{Top - 8}\" text-anchor=\"middle\">in {input[j]}</text>\n");
    for (int i = 0; i < Length; i++)
    {
        sb.Append($"<text x=\"{Left - 8}\" y=\"{Top + i * Cell + Cell / 2 + 4}\" text-anchor=\"end\">out {output[i]}</text>\n");
        for (int j = 0; j < Length; j++)
        {
            float v = w[i * Length + j];
            // White (0) to dark blue (1).
            int r = (int)(255 - 224 * v), gg = (int)(255 - 170 * v), b = (int)(255 - 75 * v);
            sb.Append($"<rect x=\"{Left + j * Cell}\" y=\"{Top + i * Cell}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"rgb({r},{gg},{b})\" stroke=\"#ddd\"/>");
            sb.Append($"<text x=\"{Left + j * Cell + Cell / 2}\" y=\"{Top + i * Cell + Cell / 2 + 4}\" text-anchor=\"middle\" fill=\"{(v > 0.5 ? "white" : "black")}\">{v:F2}</text>\n");
        }
    }
    return sb.Append("</svg>\n").ToString();
}

/// <summary>Token one-hot → Linear (an embedding), plus learned positions, one pre-norm self-attention block with a
/// single head, a feed-forward block, and a linear read-out per position.</summary>
internal sealed class Reverser : Module
{
    private readonly Linear _embed, _ff1, _ff2, _head;
    private readonly LearnedPositionalEmbedding _pos;
    private readonly LayerNorm _norm1, _norm2;
    private readonly MultiheadAttention _attn;
    private readonly int _digits;

    public Reverser(int width, int length, int digits, Generator g)
    {
        _digits = digits;
        _embed = RegisterModule("embed", new Linear(digits, width, bias: false, generator: g));
        _pos = RegisterModule("pos", new LearnedPositionalEmbedding(length, width, generator: g));
        _norm1 = RegisterModule("norm1", new LayerNorm(width));
        _attn = RegisterModule("attn", new MultiheadAttention(width, 1, batchFirst: true, generator: g));
        _norm2 = RegisterModule("norm2", new LayerNorm(width));
        _ff1 = RegisterModule("ff1", new Linear(width, 2 * width, generator: g));
        _ff2 = RegisterModule("ff2", new Linear(2 * width, width, generator: g));
        _head = RegisterModule("head", new Linear(width, digits, generator: g));
    }

    /// <summary>Logits (N, L, digits) and the attention weights (N, L, L).</summary>
    public (Tensor Logits, Tensor Weights) Forward(Tensor tokens)
    {
        Tensor x = _pos.Forward(_embed.Forward(tokens.OneHot(_digits).To(DType.Float32)));
        Tensor h = _norm1.Forward(x);
        (Tensor a, Tensor? w) = _attn.Forward(h, h, h, needWeights: true);
        x = x + a;                                                    // residual around attention
        x = x + _ff2.Forward(_ff1.Forward(_norm2.Forward(x)).Relu()); // residual around the feed-forward block
        return (_head.Forward(x), w!);
    }
}

/// <summary>A one-layer encoder–decoder <see cref="Transformer"/> over one-hot digit embeddings with learned
/// positions; the decoder input is the target shifted right behind a start token.</summary>
internal sealed class Sorter : Module
{
    private readonly Linear _srcEmbed, _tgtEmbed, _head;
    private readonly LearnedPositionalEmbedding _srcPos, _tgtPos;
    private readonly Transformer _transformer;
    private readonly int _digits, _length;

    public Sorter(int width, int length, int digits, Generator g)
    {
        _digits = digits;
        _length = length;
        _srcEmbed = RegisterModule("src_embed", new Linear(digits, width, bias: false, generator: g));
        _tgtEmbed = RegisterModule("tgt_embed", new Linear(digits + 1, width, bias: false, generator: g));   // + start token
        _srcPos = RegisterModule("src_pos", new LearnedPositionalEmbedding(length, width, generator: g));
        _tgtPos = RegisterModule("tgt_pos", new LearnedPositionalEmbedding(length, width, generator: g));
        _transformer = RegisterModule("transformer", new Transformer(width, 2, 1, 1, 2 * width, dropout: 0.0, batchFirst: true, normFirst: true, generator: g));
        _head = RegisterModule("head", new Linear(width, digits, generator: g));
    }

    /// <summary>(N, L) digits → (N, L) decoder input: the start token (index = digits), then all but the last.</summary>
    public Tensor ShiftRight(Tensor target)
        => Tensor.Cat([Tensor.Full([target.Size(0), 1], _digits, DType.Int64), target.Narrow(1, 0, _length - 1)], 1);

    private Tensor Source(Tensor x) => _srcPos.Forward(_srcEmbed.Forward(x.OneHot(_digits).To(DType.Float32)));

    private Tensor Target(Tensor y) => _tgtPos.Forward(_tgtEmbed.Forward(y.OneHot(_digits + 1).To(DType.Float32)));

    /// <summary>Logits (N, L, digits) for every target position at once (teacher forcing).</summary>
    public Tensor Forward(Tensor source, Tensor decoderInput, Tensor causalMask)
        => _head.Forward(_transformer.Forward(Source(source), Target(decoderInput), tgtMask: causalMask.Narrow(0, 0, decoderInput.Size(1)).Narrow(1, 0, decoderInput.Size(1))));

    /// <summary>Greedy decoding: L steps, each appending the most likely next digit.</summary>
    public Tensor Greedy(Tensor source)
    {
        Tensor memory = _transformer.Encoder.Forward(Source(source));
        Tensor decoded = Tensor.Full([source.Size(0), 1], _digits, DType.Int64);
        for (int i = 0; i < _length; i++)
        {
            Tensor h = _transformer.Decoder.Forward(Target(decoded), memory, tgtIsCausal: true);
            Tensor next = _head.Forward(h.Narrow(1, i, 1)).Argmax(-1);
            decoded = Tensor.Cat([decoded, next], 1);
        }
        return decoded.Narrow(1, 1, _length);
    }

    /// <summary>The decoder layer's cross-attention weights (N, L, S), recomputed through its pre-norm blocks.</summary>
    public Tensor CrossAttention(Tensor source, Tensor decoderInput, Tensor causalMask)
    {
        Tensor memory = _transformer.Encoder.Forward(Source(source));
        var layer = (TransformerDecoderLayer)_transformer.Decoder.Layers[0];
        Tensor x = Target(decoderInput);
        Tensor n1 = layer.Norm1.Forward(x);
        x = x + layer.SelfAttn.Forward(n1, n1, n1, needWeights: false, attnMask: causalMask).Output;
        return layer.MultiheadAttn.Forward(layer.Norm2.Forward(x), memory, memory).Weights!;
    }
}
