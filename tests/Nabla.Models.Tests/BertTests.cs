using Nabla.Models.Text;
using Nabla.Nn;
using Nabla.Optim;
using Xunit;

namespace Nabla.Models.Tests;

public sealed class BertTests
{
    private static readonly string[] Lines = ["abc abc", "bca bca", "cab cab", "abc cab", "bca abc", "cab bca"];

    private static (BertTokenizer Tok, BertData Data) Corpus()
    {
        var tok = new BertTokenizer(CharTokenizer.FromText(string.Concat(Lines)));
        return (tok, new BertData(tok, Lines));
    }

    [Fact]
    public void PairsHaveClsSepSegmentsAndPadding()
    {
        (BertTokenizer tok, BertData data) = Corpus();
        // Chars ' ', a, b, c → ids 4..7 after the 4 specials.
        Assert.Equal(8, tok.VocabSize);
        BertBatch b = data.Sample(4, 12, new Generator(1));
        Assert.Equal([4, 12], b.Ids.Shape);
        long[] ids = b.Ids.ToArray<long>(), seg = b.Segments.ToArray<long>();
        bool[] pad = b.PaddingMask.ToArray<bool>();
        for (int r = 0; r < 4; r++)
        {
            // T = 12: each sentence is cut to (12 − 3)/2 = 4 tokens: [CLS] a a a a [SEP] b b b b [SEP] [PAD].
            Assert.Equal(BertTokenizer.Cls, ids[r * 12]);
            Assert.Equal(BertTokenizer.Sep, ids[r * 12 + 5]);
            Assert.Equal(BertTokenizer.Sep, ids[r * 12 + 10]);
            Assert.Equal(BertTokenizer.Pad, ids[r * 12 + 11]);
            Assert.Equal([0L, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0], seg[(r * 12)..(r * 12 + 12)]);
            Assert.Equal(Enumerable.Range(0, 12).Select(i => i == 11).ToArray(), pad[(r * 12)..(r * 12 + 12)]);
        }
        Assert.Equal("[CLS]abc [SEP]", tok.Decode(new[] { 1, 4 + 1, 4 + 2, 4 + 3, 4, 2 }.Select(i => i)));
    }

    [Fact]
    public void MaskingSelectsFifteenPercentSplitEightyTenTen()
    {
        // 200,000 ordinary tokens (ids 4..103) plus specials in column 0 that must never be selected.
        const int rows = 2000, cols = 101, vocab = 104;
        var ids = new long[rows * cols];
        var g0 = new Generator(11);
        for (int r = 0; r < rows; r++)
        {
            ids[r * cols] = BertTokenizer.Cls;
            for (int c = 1; c < cols; c++) ids[r * cols + c] = 4 + (long)g0.NextBounded(100);
        }
        Tensor x = Tensor.FromArray(ids, rows, cols);
        (Tensor inputs, Tensor labels) = BertData.MaskTokens(x, vocab, new Generator(12));
        long[] inp = inputs.ToArray<long>(), lab = labels.ToArray<long>();
        int selected = 0, masked = 0, random = 0, kept = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            if (i % cols == 0)
            {
                Assert.Equal(-100, lab[i]);
                Assert.Equal(BertTokenizer.Cls, inp[i]);
                continue;
            }
            if (lab[i] == -100)
            {
                Assert.Equal(ids[i], inp[i]);
                continue;
            }
            selected++;
            Assert.Equal(ids[i], lab[i]);
            if (inp[i] == BertTokenizer.Mask) masked++;
            else if (inp[i] == ids[i]) kept++;   // includes random draws that hit the same token (1 % of the 10 %)
            else random++;
        }
        // n = 200,000, p = 0.15: sd √(n p (1−p)) ≈ 160, so ±800 is 5 sd. Of the ≈30,000 selected: [MASK] 80 %
        // (sd ≈ 70), random 10 % × 99/100 (sd ≈ 52), unchanged 10 % + 0.1 % (sd ≈ 52); ±0.01·30,000 = 300 is > 4 sd.
        Assert.InRange(selected, 30_000 - 800, 30_000 + 800);
        Assert.InRange(masked / (double)selected, 0.79, 0.81);
        Assert.InRange(random / (double)selected, 0.099 - 0.01, 0.099 + 0.01);
        Assert.InRange(kept / (double)selected, 0.101 - 0.01, 0.101 + 0.01);
        Assert.All(inp, t => Assert.InRange(t, 0, vocab - 1));
    }

    [Fact]
    public void ShapesAndPaddingDoesNotLeakIntoTokens()
    {
        (BertTokenizer tok, BertData data) = Corpus();
        var bert = new Bert(new BertConfig(tok.VocabSize, MaxPosition: 16, Hidden: 16, Layers: 1, Heads: 2, Intermediate: 32), new Generator(2));
        bert.Eval();
        BertBatch b = data.Sample(3, 12, new Generator(3));
        Tensor h = bert.Encode(b.Ids, b.Segments, b.PaddingMask);
        Assert.Equal([3, 12, 16], h.Shape);
        Assert.Equal([3, 12, tok.VocabSize], bert.MlmLogits(h).Shape);
        Assert.Equal([3, 16], bert.Pooled(h).Shape);
        // Changing a padded position's id must not change the other positions' outputs (the padding mask hides it).
        long[] ids = b.Ids.ToArray<long>();
        ids[11] = 5;
        Tensor h2 = bert.Encode(Tensor.FromArray(ids, 3, 12), b.Segments, b.PaddingMask);
        float[] a1 = h.Narrow(1, 0, 11).ToArray<float>(), a2 = h2.Narrow(1, 0, 11).ToArray<float>();
        for (int i = 0; i < a1.Length; i++) Assert.True(Math.Abs(a1[i] - a2[i]) < 1e-6, $"{i}: {a1[i]} vs {a2[i]}");
        var clf = new BertClassifier(bert, 2, new Generator(4));
        Assert.Equal([3, 2], clf.Forward(b.Ids, b.Segments, b.PaddingMask).Shape);
        Assert.Contains("bert.encoder.layers.0.self_attn.in_proj_weight", clf.StateDict().Keys);
    }

    [Fact]
    public void MaskedLmLossFallsOnATinyRun()
    {
        (BertTokenizer tok, BertData data) = Corpus();
        var bert = new Bert(new BertConfig(tok.VocabSize, MaxPosition: 16, Hidden: 32, Layers: 1, Heads: 2, Intermediate: 64), new Generator(5));
        var opt = new AdamW(bert.Parameters(), lr: 3e-3);
        var g = new Generator(6);
        var mlm = new List<float>();
        for (int step = 0; step < 50; step++)
        {
            BertBatch b = data.Sample(8, 12, g);
            (Tensor inputs, Tensor labels) = BertData.MaskTokens(b.Ids, tok.VocabSize, g, probability: 0.3);
            Tensor loss = bert.MlmLoss(inputs, b.Segments, b.PaddingMask, labels);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            mlm.Add(loss.Item<float>());
        }
        // Starts near ln 8 ≈ 2.08; the 4 characters in repeating triples are predictable from context.
        Assert.InRange(mlm.Take(3).Average(), 1.7, 2.4);
        Assert.True(mlm.TakeLast(10).Average() < 1.2, $"MLM loss {mlm[0]} → {mlm.TakeLast(10).Average()}");
    }

    [Fact]
    public void NextSentenceClassifierLearns()
    {
        // One letter per line: the 5 "next" pairs (a,b) (b,c) … (e,f) against random other pairs.
        string[] lines = ["aaaa", "bbbb", "cccc", "dddd", "eeee", "ffff"];
        var tok = new BertTokenizer(CharTokenizer.FromText(string.Concat(lines)));
        var data = new BertData(tok, lines);
        var bert = new Bert(new BertConfig(tok.VocabSize, MaxPosition: 16, Hidden: 32, Layers: 1, Heads: 2, Intermediate: 64), new Generator(8));
        var clf = new BertClassifier(bert, 2, new Generator(7));
        var opt = new AdamW(clf.Parameters(), lr: 3e-3);
        var g = new Generator(9);
        var ce = new List<float>();
        for (int step = 0; step < 120; step++)
        {
            BertBatch b = data.Sample(16, 12, g);
            Tensor loss = Functional.CrossEntropy(clf.Forward(b.Ids, b.Segments, b.PaddingMask), b.IsNext);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            ce.Add(loss.Item<float>());
        }
        Assert.InRange(ce[0], 0.5, 0.9);   // ≈ ln 2
        // The pairs are separable (a random pair is never (x, x+1)); after a plateau at ln 2 the loss drops.
        Assert.True(ce.TakeLast(10).Average() < 0.6, $"classifier loss {ce.Take(10).Average()} → {ce.TakeLast(10).Average()}");
    }
}
