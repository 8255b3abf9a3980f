namespace Nabla.Models.Text;

/// <summary>A token stream for language modelling: the 90/10 train/validation split, random training windows and
/// fixed validation windows, as nanoGPT and the W4 anchor (<c>get_batch</c>) build them.</summary>
/// <remarks>A window of length <c>block</c> at offset o gives inputs <c>tokens[o .. o+block)</c> and targets
/// <c>tokens[o+1 .. o+block+1)</c>: each position predicts the next token.</remarks>
public sealed class TextData
{
    private readonly long[] _tokens;

    /// <summary>A stream over the given token ids.</summary>
    /// <param name="tokens">Token ids.</param>
    public TextData(IEnumerable<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens.Select(t => (long)t).ToArray();
    }

    /// <summary>Number of tokens.</summary>
    public int Length => _tokens.Length;

    /// <summary>The token at an index.</summary>
    /// <param name="index">Position in the stream.</param>
    public int this[int index] => (int)_tokens[index];

    /// <summary>Splits a token stream into its first <c>floor(trainFraction·n)</c> tokens (training) and the rest
    /// (validation), like the anchor's <c>int(0.9 * len(data))</c>.</summary>
    /// <param name="tokens">The whole stream.</param>
    /// <param name="trainFraction">Fraction for training, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside (0, 1).</exception>
    public static (TextData Train, TextData Validation) Split(IReadOnlyList<int> tokens, double trainFraction = 0.9)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), $"TextData.Split: trainFraction {trainFraction} is outside (0, 1).");
        int n = (int)(trainFraction * tokens.Count);
        return (new TextData(tokens.Take(n)), new TextData(tokens.Skip(n)));
    }

    /// <summary>A batch of random windows: offsets uniform in [0, Length − block − 1) (the anchor's
    /// <c>torch.randint(len(data) - block - 1, (batch,))</c>), drawn from the generator in batch order.</summary>
    /// <remarks>Shapes: X (batch, block) and Y (batch, block), Int64; Y is X shifted by one token.</remarks>
    /// <param name="batch">Number of windows.</param>
    /// <param name="block">Window length.</param>
    /// <param name="generator">The random source (seed it, e.g. 1337 as the anchor, for a reproducible stream).</param>
    /// <exception cref="ArgumentException">The stream is too short for one window.</exception>
    public (Tensor X, Tensor Y) RandomBatch(int batch, int block, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckWindow(nameof(RandomBatch), batch, block);
        var offsets = new long[batch];
        for (int b = 0; b < batch; b++) offsets[b] = (long)generator.NextBounded((ulong)(_tokens.Length - block - 1));
        return Windows(offsets, block);
    }

    /// <summary>Evenly spaced windows at offsets <c>k·((Length − block − 1) / (count − 1))</c>, k = 0…count−1
    /// (integer division): the anchor's deterministic validation set, the same for every implementation.</summary>
    /// <remarks>Shapes: X (count, block) and Y (count, block), Int64.</remarks>
    /// <param name="count">Number of windows (at least 2).</param>
    /// <param name="block">Window length.</param>
    /// <exception cref="ArgumentException">The stream is too short, or count is below 2.</exception>
    public (Tensor X, Tensor Y) FixedWindows(int count, int block)
    {
        if (count < 2) throw new ArgumentException($"TextData.FixedWindows: count {count} must be at least 2.", nameof(count));
        CheckWindow(nameof(FixedWindows), count, block);
        long stride = (_tokens.Length - block - 1) / (count - 1);
        return Windows(Enumerable.Range(0, count).Select(k => k * stride).ToArray(), block);
    }

    /// <summary>Windows at the given offsets. Shapes: X, Y (offsets.Length, block), Int64.</summary>
    /// <param name="offsets">Start of each window; each must satisfy offset + block + 1 ≤ Length.</param>
    /// <param name="block">Window length.</param>
    /// <exception cref="ArgumentOutOfRangeException">A window runs past the end of the stream.</exception>
    public (Tensor X, Tensor Y) Windows(IReadOnlyList<long> offsets, int block)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var x = new long[offsets.Count * block];
        var y = new long[offsets.Count * block];
        for (int b = 0; b < offsets.Count; b++)
        {
            long o = offsets[b];
            if (o < 0 || o + block + 1 > _tokens.Length)
                throw new ArgumentOutOfRangeException(nameof(offsets), $"TextData.Windows: window {b} at offset {o} with block {block} runs outside the {_tokens.Length} tokens.");
            Array.Copy(_tokens, o, x, b * block, block);
            Array.Copy(_tokens, o + 1, y, b * block, block);
        }
        return (Tensor.FromArray(x, offsets.Count, block), Tensor.FromArray(y, offsets.Count, block));
    }

    private void CheckWindow(string op, int batch, int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(block);
        if (_tokens.Length < block + 2)
            throw new ArgumentException($"TextData.{op}: {_tokens.Length} tokens are too few for a window of {block} (+1 target, +1 for the offset range).", nameof(block));
    }
}
