namespace Nabla.Models.Text;

/// <summary>Token-id sequences as the (B, T) Int64 tensor models take.</summary>
public static class TokenBatch
{
    /// <summary>Stacks equal-length sequences into one batch. Shapes: B sequences of T ids → (B, T) Int64.
    /// PyTorch: <c>torch.tensor(sequences)</c>.</summary>
    /// <param name="sequences">At least one sequence; all of the same length.</param>
    /// <exception cref="ArgumentException">No sequences, or two lengths differ.</exception>
    public static Tensor FromSequences(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("TokenBatch.FromSequences: no sequences.", nameof(sequences));
        int b = sequences.Count, t = sequences[0].Length;
        var ids = new long[b * t];
        for (int i = 0; i < b; i++)
        {
            if (sequences[i].Length != t)
                throw new ArgumentException($"TokenBatch.FromSequences: sequence {i} has {sequences[i].Length} tokens, sequence 0 has {t}.", nameof(sequences));
            for (int j = 0; j < t; j++) ids[i * t + j] = sequences[i][j];
        }
        return Tensor.FromArray(ids).Reshape(b, t);
    }
}
