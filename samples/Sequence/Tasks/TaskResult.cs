namespace Nabla.Samples.Sequence;

/// <summary>The outcome of one sequence task: its name, the accuracy on fresh examples, and the mean training loss of
/// the last 20 steps.</summary>
/// <param name="Name">The task.</param>
/// <param name="Accuracy">Fraction of held-out examples right (exact match for generated sequences).</param>
/// <param name="FinalLoss">Mean training loss over the last 20 steps.</param>
public sealed record TaskResult(string Name, double Accuracy, double FinalLoss);

/// <summary>Helpers shared by the tasks.</summary>
internal static class Batches
{
    /// <summary>An Int64 tensor (rows, cols) from a jagged array padded with <paramref name="pad"/>.</summary>
    public static Tensor Padded(long[][] rows, int cols, long pad)
    {
        var data = new long[rows.Length * cols];
        Array.Fill(data, pad);
        for (int r = 0; r < rows.Length; r++) Array.Copy(rows[r], 0, data, r * cols, rows[r].Length);
        return Tensor.FromArray(data, rows.Length, cols);
    }

    /// <summary>Mean of the last 20 entries (or of all, if fewer).</summary>
    public static double Tail(List<double> losses) => losses.Skip(Math.Max(0, losses.Count - 20)).Average();
}
