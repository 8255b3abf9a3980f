namespace Nabla.Learn.ModelSelection;

/// <summary>K consecutive folds, each used once as the test set. scikit-learn: <c>sklearn.model_selection.KFold</c>.</summary>
/// <remarks>The first N mod K folds have ⌊N/K⌋ + 1 samples, the rest ⌊N/K⌋; without shuffling fold k is a
/// contiguous block, exactly as scikit-learn's.</remarks>
public sealed class KFold : ICrossValidator
{
    /// <summary>Number of folds K ≥ 2. scikit-learn: <c>n_splits=5</c>.</summary>
    public int NSplits { get; init; } = 5;

    /// <summary>Whether to permute the samples before cutting the folds. scikit-learn: <c>shuffle=False</c>.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the permutation when <see cref="Shuffle"/> is on; null draws a fresh seed each time.
    /// scikit-learn: <c>random_state=None</c> (Nabla's generator, so shuffled folds differ from scikit-learn's).</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">NSplits &lt; 2 or greater than the number of samples.</exception>
    public IEnumerable<(int[] Train, int[] Test)> Split(Tensor x, Tensor? y = null)
    {
        int n = Shuffling.Samples(x, "KFold.Split");
        if (NSplits < 2 || NSplits > n)
            throw new ArgumentException($"KFold: NSplits must be in 2..{n} (the number of samples), got {NSplits}.");
        int[] order = Enumerable.Range(0, n).ToArray();
        if (Shuffle) Shuffling.Shuffle(order, Shuffling.Make(RandomState));
        return Folds(order, n);
    }

    private IEnumerable<(int[] Train, int[] Test)> Folds(int[] order, int n)
    {
        int start = 0;
        for (int k = 0; k < NSplits; k++)
        {
            int size = n / NSplits + (k < n % NSplits ? 1 : 0);
            int[] test = order[start..(start + size)];
            Array.Sort(test);
            start += size;
            yield return (Shuffling.Complement(test, n), test);
        }
    }
}
