namespace Nabla.Learn.Tree;

/// <summary>Base of the decision trees: hyper-parameters, the fitted node arrays and traversal.
/// scikit-learn: <c>sklearn.tree.BaseDecisionTree</c> with <c>splitter='best'</c>.</summary>
/// <remarks>
/// Grown depth-first: a node splits on the feature and threshold t (a midpoint between consecutive distinct values)
/// with the largest decrease n·I − n_L·I_L − n_R·I_R of the impurity I, samples with x_f ≤ t going left, unless it is
/// pure, at MaxDepth, has fewer than MinSamplesSplit samples, or no split leaves MinSamplesLeaf on each side. Without
/// MaxFeatures every feature is examined in index order and the first best split wins ties (scikit-learn visits features
/// in a random_state-dependent order, so exactly tied splits may differ); with it, each node draws features at random
/// until MaxFeatures non-constant ones have been examined. The split search counts each node's samples per distinct
/// feature value (exact, no binning of values together), O(n + distinct values) per feature and node. Feature importances are the impurity decreases
/// summed per feature and normalised to 1. As in scikit-learn, features are rounded to float32 before fitting and
/// predicting (thresholds stay double midpoints of float32 values), which decides which values tie.
/// </remarks>
public abstract class DecisionTree : Estimator
{
    private protected int[]? _feature, _left, _right;
    private protected double[]? _threshold, _importances;
    private protected double[][]? _value;

    /// <summary>Maximum depth; null grows until the leaves are pure or too small. scikit-learn: <c>max_depth=None</c>.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Minimum samples to split a node (≥ 2). scikit-learn: <c>min_samples_split=2</c>.</summary>
    public int MinSamplesSplit { get; init; } = 2;

    /// <summary>Minimum samples in each leaf (≥ 1). scikit-learn: <c>min_samples_leaf=1</c>.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Features examined per node, drawn at random with <see cref="RandomState"/>; null examines all F in
    /// index order. scikit-learn: <c>max_features=None</c> (<c>'sqrt'</c>, <c>'log2'</c>, an int or a float).</summary>
    public MaxFeatures? MaxFeatures { get; init; }

    /// <summary>Seed of the feature draws when <see cref="MaxFeatures"/> is set; null draws a fresh one.
    /// scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <summary>The fitted importances without the fitted-state check (forest trees are grown without Fit).</summary>
    internal double[] RawImportances => _importances!;

    /// <summary>Impurity-based importance of each feature (F), summing to 1 (all 0 for a single leaf).
    /// scikit-learn: <c>feature_importances_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor FeatureImportances => Tensor.FromArray(Fitted(_importances));

    /// <summary>Number of nodes. scikit-learn: <c>tree_.node_count</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NodeCount => Fitted(_feature).Length;

    /// <summary>Depth of the deepest leaf (a single leaf has depth 0). scikit-learn: <c>get_depth()</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int Depth => DepthOf(0, Fitted(_feature));

    private int DepthOf(int node, int[] feature) => feature[node] < 0 ? 0 : 1 + Math.Max(DepthOf(_left![node], feature), DepthOf(_right![node], feature));

    /// <summary>Rounds features to float32 in place: scikit-learn's trees store X as float32 (its DTYPE).</summary>
    private protected static double[] ToFloat32(double[] x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)x[i];
        return x;
    }

    private protected void Grow(double[] x, int n, int f, int[] codes, double[] y, int k, Criterion criterion)
    {
        int maxFeatures = MaxFeatures?.Resolve(f, Name) ?? f;
        Generator? generator = MaxFeatures is null ? null : new Generator(RandomState ?? System.Random.Shared.NextInt64());
        Grow(new BinnedFeatures(x, n, f), Enumerable.Range(0, n).ToArray(), null, codes, y, k, criterion, maxFeatures, generator);
    }

    /// <summary>Grows on the given (possibly repeated) rows, examining maxFeatures random features per node when a
    /// generator is given.</summary>
    internal void Grow(double[] x, int[] rows, int f, int[] codes, double[] y, int k, Criterion criterion, int maxFeatures, Generator? generator)
    {
        int n = x.Length / f;
        var weights = new int[n];
        foreach (int i in rows) weights[i]++;
        Grow(new BinnedFeatures(x, n, f), Enumerable.Range(0, n).Where(i => weights[i] > 0).ToArray(), weights, codes, y, k, criterion, maxFeatures, generator);
    }

    /// <summary>Grows on ranked features shared between trees (the forests): <paramref name="rows"/> lists the distinct
    /// rows used and is reordered as the working sample array; <paramref name="weights"/> gives each row's multiplicity
    /// (null for 1).</summary>
    internal void Grow(BinnedFeatures bins, int[] rows, int[]? weights, int[] codes, double[] y, int k, Criterion criterion, int maxFeatures, Generator? generator)
    {
        if (MaxDepth < 1 || MinSamplesSplit < 2 || MinSamplesLeaf < 1)
            throw new ArgumentException($"{Name}: need MaxDepth ≥ 1 (or null), MinSamplesSplit ≥ 2, MinSamplesLeaf ≥ 1; got {MaxDepth}, {MinSamplesSplit}, {MinSamplesLeaf}.");
        var tree = new TreeBuilder(bins, rows, weights, codes, y, k, criterion, MaxDepth ?? int.MaxValue, MinSamplesSplit, MinSamplesLeaf, maxFeatures, generator);
        (_feature, _left, _right) = (tree.Feature.ToArray(), tree.Left.ToArray(), tree.Right.ToArray());
        (_threshold, _value, _importances) = (tree.Threshold.ToArray(), tree.Value.ToArray(), tree.Importances);
    }

    /// <summary>The leaf value (class distribution or mean) reached by each row of validated input.</summary>
    private protected double[][] Leaves(double[] d, int n) => LeafValues(d, n, NFeaturesIn);

    /// <summary>Leaf values for validated, float32-rounded rows (n, f); used by the forests, whose trees are grown
    /// through <see cref="Grow(double[], int[], int, int[], double[], int, Criterion, int, Generator?)"/>.</summary>
    internal double[][] LeafValues(double[] d, int n, int f)
    {
        var result = new double[n][];
        for (int i = 0; i < n; i++)
        {
            int node = 0;
            while (_feature![node] >= 0) node = d[i * f + _feature[node]] <= _threshold![node] ? _left![node] : _right![node];
            result[i] = _value![node];
        }
        return result;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_feature, _left, _right, _threshold, _importances, _value) = (null, null, null, null, null, null);
}
