namespace Nabla.Learn.Imbalance;

/// <summary>Synthetic minority over-sampling: new samples on segments between a minority sample and one of its
/// nearest same-class neighbours, until every class has as many samples as the largest.
/// imbalanced-learn: <c>imblearn.over_sampling.SMOTE(sampling_strategy='auto', k_neighbors=5)</c>
/// (Chawla et al. 2002, "SMOTE: Synthetic Minority Over-sampling Technique", arXiv:1106.1813).</summary>
/// <remarks>Each new sample is x + u·(x_nn − x) with x drawn uniformly from its class, x_nn drawn uniformly from x's
/// KNeighbors nearest other samples of the class (Euclidean), and u ~ U[0, 1). The output is the original samples in
/// order, then the synthetic ones class by class. Shapes: X (N, F), y (N) → (K·max_c n_c, F) and labels.</remarks>
public sealed class Smote : ISampler
{
    /// <summary>Neighbours considered per sample. imbalanced-learn: <c>k_neighbors=5</c>.</summary>
    public int KNeighbors { get; init; } = 5;

    /// <summary>Seed of the draws; null draws a fresh one. imbalanced-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">KNeighbors &lt; 1, a class to over-sample has no more than KNeighbors
    /// samples, bad shapes or non-finite input.</exception>
    public (Tensor X, Tensor Y) FitResample(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (KNeighbors < 1) throw new ArgumentException($"Smote: KNeighbors must be at least 1, got {KNeighbors}.");
        var (xd, yd, n, f, classes, codes, counts) = Resampling.Read(x, y, "Smote.FitResample");
        var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        int target = counts.Max();
        var extra = new List<(double[], double)>();
        for (int c = 0; c < classes.Length; c++)
        {
            if (counts[c] == target) continue;
            if (counts[c] <= KNeighbors)
                throw new ArgumentException($"Smote: class {classes[c]} has {counts[c]} samples; KNeighbors = {KNeighbors} needs at least {KNeighbors + 1}.");
            int[] members = Enumerable.Range(0, n).Where(i => codes[i] == c).ToArray();
            int[][] neighbours = members.Select(i => members.Where(j => j != i)
                .OrderBy(j => Distance2(xd, i, j, f)).Take(KNeighbors).ToArray()).ToArray();
            for (int s = counts[c]; s < target; s++)
            {
                int a = (int)g.NextBounded((ulong)members.Length);
                int b = neighbours[a][(int)g.NextBounded((ulong)KNeighbors)];
                double u = g.NextDouble();
                var row = new double[f];
                for (int j = 0; j < f; j++) row[j] = xd[members[a] * f + j] + u * (xd[b * f + j] - xd[members[a] * f + j]);
                extra.Add((row, classes[c]));
            }
        }
        return Resampling.Assemble(xd, yd, f, Enumerable.Range(0, n).ToArray(), extra, y.DType);
    }

    private static double Distance2(double[] x, int i, int j, int f)
    {
        double s = 0;
        for (int k = 0; k < f; k++) s += (x[i * f + k] - x[j * f + k]) * (x[i * f + k] - x[j * f + k]);
        return s;
    }
}
