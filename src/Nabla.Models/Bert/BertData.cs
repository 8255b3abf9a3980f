namespace Nabla.Models;

/// <summary>One BERT training batch. Shapes: Ids, Segments (B, T) Int64; PaddingMask (B, T) Bool, true at [PAD];
/// IsNext (B) Int64, 1 when sentence B follows sentence A in the corpus.</summary>
/// <param name="Ids">[CLS] A [SEP] B [SEP] [PAD]…</param>
/// <param name="Segments">0 for [CLS], A and its [SEP]; 1 for B and its [SEP]; 0 for padding.</param>
/// <param name="PaddingMask">True at padding positions (PyTorch's key_padding_mask convention).</param>
/// <param name="IsNext">Next-sentence labels.</param>
public sealed record BertBatch(Tensor Ids, Tensor Segments, Tensor PaddingMask, Tensor IsNext);

/// <summary>Sentence pairs from a corpus of lines (one sentence or verse per line) for BERT: half the pairs are
/// consecutive lines, half a line and a random other line (the next-sentence-prediction task of Devlin et al.
/// 2019, section 3.1); each sentence is cut to (T − 3)/2 tokens.</summary>
public sealed class BertData
{
    private readonly int[][] _lines;

    /// <summary>Pairs over the given lines (empty lines are dropped).</summary>
    /// <param name="tokenizer">The vocabulary.</param>
    /// <param name="lines">The sentences.</param>
    /// <exception cref="ArgumentException">Fewer than 3 non-empty lines.</exception>
    public BertData(BertTokenizer tokenizer, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(lines);
        _lines = lines.Where(l => l.Length > 0).Select(tokenizer.Encode).ToArray();
        if (_lines.Length < 3) throw new ArgumentException($"BertData: needs at least 3 non-empty lines, got {_lines.Length}.", nameof(lines));
    }

    /// <summary>Number of sentences.</summary>
    public int Count => _lines.Length;

    /// <summary>A batch of pairs: first line uniform in [0, Count − 1), next or random (p = ½) second line.</summary>
    /// <param name="batch">Pairs.</param>
    /// <param name="maxLength">T, at least 5.</param>
    /// <param name="generator">The random source.</param>
    /// <param name="first">Lines [first, first + count) are the ones A is drawn from (a train/test split of the
    /// corpus); null: all.</param>
    /// <param name="count">How many lines A is drawn from.</param>
    public BertBatch Sample(int batch, int maxLength, Generator generator, int first = 0, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 5);
        int n = count ?? _lines.Length - first;
        if (first < 0 || n < 2 || first + n > _lines.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"BertData.Sample: lines [{first}, {first + n}) are not within the {_lines.Length} lines.");
        int half = (maxLength - 3) / 2;
        var ids = new long[batch * maxLength];
        var seg = new long[batch * maxLength];
        var pad = new bool[batch * maxLength];
        var next = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            int a = first + (int)generator.NextBounded((ulong)(n - 1));
            bool isNext = generator.NextDouble() < 0.5;
            int other = a + 1;
            if (!isNext)
            {
                // Any line but a and a + 1: draw among Count − 2 and skip over the two.
                other = (int)generator.NextBounded((ulong)(_lines.Length - 2));
                if (other >= a) other += 2;
            }
            next[b] = isNext ? 1 : 0;
            int o = b * maxLength, t = 0;
            ids[o + t++] = BertTokenizer.Cls;
            foreach (int id in _lines[a].Take(half)) ids[o + t++] = id;
            ids[o + t++] = BertTokenizer.Sep;
            int bStart = t;
            foreach (int id in _lines[other].Take(half)) ids[o + t++] = id;
            ids[o + t++] = BertTokenizer.Sep;
            for (int i = bStart; i < t; i++) seg[o + i] = 1;
            for (int i = t; i < maxLength; i++) pad[o + i] = true;   // ids stay 0 = [PAD]
        }
        return new BertBatch(Tensor.FromArray(ids, batch, maxLength), Tensor.FromArray(seg, batch, maxLength),
                             Tensor.FromArray(pad, batch, maxLength), Tensor.FromArray(next, batch));
    }

    /// <summary>BERT's masked-LM corruption. Each non-special token is selected with probability
    /// <paramref name="probability"/>; a selected token becomes [MASK] with probability 0.8, a uniformly random
    /// character token with 0.1, and stays with 0.1. Labels hold the original id at selected positions and −100
    /// (cross-entropy's ignore index) elsewhere, so the loss counts only selected tokens.</summary>
    /// <remarks>Shapes: ids (B, T) Int64 → Inputs, Labels (B, T) Int64. Per token: one draw u for selection, then
    /// (if selected) one draw v for the 80/10/10 choice and, for a random token, one bounded draw.</remarks>
    /// <param name="ids">Token ids.</param>
    /// <param name="vocabSize">Vocabulary size (random tokens are drawn from [SpecialCount, vocabSize)).</param>
    /// <param name="generator">The random source.</param>
    /// <param name="probability">Selection probability (BERT: 0.15).</param>
    public static (Tensor Inputs, Tensor Labels) MaskTokens(Tensor ids, int vocabSize, Generator generator, double probability = 0.15)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(generator);
        if (ids.DType != DType.Int64) throw new ArgumentException($"MaskTokens: ids must be Int64, got {ids.DType}.", nameof(ids));
        if (vocabSize <= BertTokenizer.SpecialCount) throw new ArgumentOutOfRangeException(nameof(vocabSize), $"MaskTokens: vocabSize {vocabSize} has no ordinary tokens.");
        long[] x = ids.ToArray<long>();
        var labels = new long[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            labels[i] = Nn.Functional.DefaultIgnoreIndex;
            if (x[i] < BertTokenizer.SpecialCount || generator.NextDouble() >= probability) continue;
            labels[i] = x[i];
            double v = generator.NextDouble();
            if (v < 0.8) x[i] = BertTokenizer.Mask;
            else if (v < 0.9) x[i] = BertTokenizer.SpecialCount + (long)generator.NextBounded((ulong)(vocabSize - BertTokenizer.SpecialCount));
        }
        return (Tensor.FromArray(x, ids.Shape), Tensor.FromArray(labels, ids.Shape));
    }
}
