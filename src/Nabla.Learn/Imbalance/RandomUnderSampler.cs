namespace Nabla.Learn.Imbalance;

/// <summary>Keeps a random subset of each larger class so that every class has as many samples as the smallest.
/// imbalanced-learn: <c>imblearn.under_sampling.RandomUnderSampler(sampling_strategy='auto', replacement=False)</c>.</summary>
/// <remarks>Each class keeps min_c n_c samples drawn without replacement; the output lists the classes in sorted
/// label order, each class's kept samples in their original order. Shapes: X (N, F), y (N) → (K·min_c n_c, F).</remarks>
public sealed class RandomUnderSampler : ISampler
{
    /// <summary>Seed of the draws; null draws a fresh one. imbalanced-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Bad shapes or non-finite input.</exception>
    public (Tensor X, Tensor Y) FitResample(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var (xd, yd, n, f, classes, codes, counts) = Resampling.Read(x, y, "RandomUnderSampler.FitResample");
        var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        int target = counts.Min();
        var rows = new List<int>();
        for (int c = 0; c < classes.Length; c++)
        {
            int[] members = Enumerable.Range(0, n).Where(i => codes[i] == c).ToArray();
            // Partial Fisher–Yates: the first `target` slots become a uniform sample without replacement.
            for (int i = 0; i < target; i++)
            {
                int j = i + (int)g.NextBounded((ulong)(members.Length - i));
                (members[i], members[j]) = (members[j], members[i]);
            }
            rows.AddRange(members[..target].Order());
        }
        return Resampling.Assemble(xd, yd, f, rows, [], y.DType);
    }
}
