namespace Nabla.Learn.Imbalance;

/// <summary>Duplicates random samples of the smaller classes until every class has as many as the largest.
/// imbalanced-learn: <c>imblearn.over_sampling.RandomOverSampler(sampling_strategy='auto')</c>.</summary>
/// <remarks>The output is the original samples in order, then the duplicates class by class, each drawn uniformly
/// with replacement from its class. Shapes: X (N, F), y (N) → (K·max_c n_c, F) and labels.</remarks>
public sealed class RandomOverSampler : ISampler
{
    /// <summary>Seed of the draws; null draws a fresh one. imbalanced-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Bad shapes or non-finite input.</exception>
    public (Tensor X, Tensor Y) FitResample(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var (xd, yd, n, f, classes, codes, counts) = Resampling.Read(x, y, "RandomOverSampler.FitResample");
        var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        int target = counts.Max();
        var extra = new List<(double[], double)>();
        for (int c = 0; c < classes.Length; c++)
        {
            int[] members = Enumerable.Range(0, n).Where(i => codes[i] == c).ToArray();
            for (int s = counts[c]; s < target; s++)
            {
                int pick = members[(int)g.NextBounded((ulong)members.Length)];
                extra.Add((xd[(pick * f)..((pick + 1) * f)], classes[c]));
            }
        }
        return Resampling.Assemble(xd, yd, f, Enumerable.Range(0, n).ToArray(), extra, y.DType);
    }
}
