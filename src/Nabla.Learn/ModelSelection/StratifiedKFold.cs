namespace Nabla.Learn.ModelSelection;

/// <summary>K folds that each keep the class proportions of y. scikit-learn: <c>sklearn.model_selection.StratifiedKFold</c>.</summary>
/// <remarks>scikit-learn 1.2's allocation: classes are numbered by first appearance, the labels sorted by that
/// number are dealt round-robin to the K folds (so fold k gets the class counts of every K-th sorted label starting
/// at k), and within each class the samples are assigned to folds in index order (or shuffled order). Unshuffled
/// folds are identical to scikit-learn's.</remarks>
public sealed class StratifiedKFold : ICrossValidator
{
    /// <summary>Number of folds K ≥ 2. scikit-learn: <c>n_splits=5</c>.</summary>
    public int NSplits { get; init; } = 5;

    /// <summary>Whether to shuffle each class's samples before assigning them. scikit-learn: <c>shuffle=False</c>.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed when <see cref="Shuffle"/> is on; null draws a fresh seed each time. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException">y is null.</exception>
    /// <exception cref="ArgumentException">NSplits &lt; 2, more folds than the largest class has samples, or y has the wrong length.</exception>
    public IEnumerable<(int[] Train, int[] Test)> Split(Tensor x, Tensor? y = null)
    {
        int n = Shuffling.Samples(x, "StratifiedKFold.Split");
        double[] labels = Input.Vector(y, "StratifiedKFold.Split", nameof(y), n);
        int[] testFold = Assign(labels, n);
        return Folds(testFold, n);
    }

    private int[] Assign(double[] labels, int n)
    {
        // Class ids in order of first appearance (scikit-learn's y_encoded).
        var ids = new Dictionary<double, int>();
        var encoded = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!ids.TryGetValue(labels[i], out int id)) ids[labels[i]] = id = ids.Count;
            encoded[i] = id;
        }
        int classes = ids.Count;
        var counts = new int[classes];
        foreach (int c in encoded) counts[c]++;
        if (NSplits < 2 || NSplits > counts.Max())
            throw new ArgumentException($"StratifiedKFold: NSplits must be in 2..{counts.Max()} (the largest class's size), got {NSplits}.");
        // allocation[k, c] = how many of class c go to fold k: class c's count among sorted labels k, k+K, k+2K, ….
        int[] sorted = encoded.Order().ToArray();
        var allocation = new int[NSplits, classes];
        for (int i = 0; i < n; i++) allocation[i % NSplits, sorted[i]]++;
        var testFold = new int[n];
        Generator? g = Shuffle ? Shuffling.Make(RandomState) : null;
        for (int c = 0; c < classes; c++)
        {
            var folds = new List<int>();
            for (int k = 0; k < NSplits; k++) folds.AddRange(Enumerable.Repeat(k, allocation[k, c]));
            int[] f = folds.ToArray();
            if (g is not null) Shuffling.Shuffle(f, g);
            int next = 0;
            for (int i = 0; i < n; i++) if (encoded[i] == c) testFold[i] = f[next++];
        }
        return testFold;
    }

    private IEnumerable<(int[] Train, int[] Test)> Folds(int[] testFold, int n)
    {
        for (int k = 0; k < NSplits; k++)
        {
            int[] test = Enumerable.Range(0, n).Where(i => testFold[i] == k).ToArray();
            yield return (Shuffling.Complement(test, n), test);
        }
    }
}
