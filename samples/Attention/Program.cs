using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

// What attention learns: a one-layer, one-head transformer trained to reverse a string of digits, and its
// attention weights as a heat map. `dotnet run -c Release --project samples/Attention [-- out.svg]`.
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
    Console.WriteLine(HeatTable(w, input, output));
    string svg = HeatSvg(w, input, output);
    string tmp = svgPath + ".tmp";
    File.WriteAllText(tmp, svg);
    File.Move(tmp, svgPath, overwrite: true);
    Console.WriteLine($"wrote the heat map to {svgPath}");
}

static Tensor Reverse(Tensor x) => x.IndexSelect(1, Tensor.Arange(Length - 1, -1, -1));

// Rows: output positions (queries); columns: input positions (keys); shade ∝ weight.
static string HeatTable(float[] w, long[] input, long[] output)
{
    const string Shades = " ░▒▓█";
    var sb = new StringBuilder("attention weights (rows: output position ← columns: input position)\n        ");
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

static string HeatSvg(float[] w, long[] input, long[] output)
{
    const int Cell = 44, Left = 90, Top = 70;
    int size = Left + Length * Cell + 20, height = Top + Length * Cell + 20;
    var sb = new StringBuilder();
    sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    sb.Append($"<rect width=\"{size}\" height=\"{height}\" fill=\"white\"/>\n");
    sb.Append($"<text x=\"{size / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">Attention weights, reversing {string.Join("", input)}</text>\n");
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
