using Nabla.Learn.Tree;

namespace Nabla.Learn.Ensemble;

/// <summary>Base of the random forests: bagged trees grown in parallel with random feature subsets.
/// scikit-learn: <c>sklearn.ensemble.BaseForest</c>.</summary>
/// <remarks>Tree t is grown on a bootstrap sample (N draws with replacement) when <see cref="Bootstrap"/>, examining
/// MaxFeatures random features per node, with its own generator seeded from <see cref="RandomState"/> in tree order,
/// so results do not depend on how the parallel loop schedules the trees. Feature importances are the mean of the
/// trees' normalised importances. The draws use Nabla's generator, so forests differ from scikit-learn's tree by tree.</remarks>
public abstract class RandomForest : Estimator
{
    private protected DecisionTree[]? _trees;
    private double[]? _importances;

    /// <summary>Number of trees. scikit-learn: <c>n_estimators=100</c>.</summary>
    public int NEstimators { get; init; } = 100;

    /// <summary>Maximum depth of each tree; null grows them fully. scikit-learn: <c>max_depth=None</c>.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Minimum samples to split a node. scikit-learn: <c>min_samples_split=2</c>.</summary>
    public int MinSamplesSplit { get; init; } = 2;

    /// <summary>Minimum samples per leaf. scikit-learn: <c>min_samples_leaf=1</c>.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Features examined per split; null is scikit-learn's default (⌊√F⌋ for classifiers, all F for regressors).
    /// scikit-learn: <c>max_features</c>.</summary>
    public MaxFeatures? MaxFeatures { get; init; }

    /// <summary>Trees grown at the same time; null uses <see cref="Threading.NumThreads"/>. scikit-learn: <c>n_jobs=None</c>
    /// (which means one there; here the library-wide thread count, as for every other kernel).</summary>
    public int? NJobs { get; init; }

    /// <summary>Whether each tree sees a bootstrap sample (else all samples). scikit-learn: <c>bootstrap=True</c>.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>Seed of the bootstrap samples and feature orders; null draws a fresh one. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <summary>Mean of the trees' importances (F), summing to 1. scikit-learn: <c>feature_importances_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor FeatureImportances => Tensor.FromArray(Fitted(_importances));

    private protected abstract int DefaultMaxFeatures(int f);

    private protected abstract DecisionTree NewTree();

    private protected void GrowForest(double[] d, int n, int f, int[] codes, double[] y, int k, Criterion criterion)
    {
        if (NEstimators < 1) throw new ArgumentException($"{Name}: NEstimators must be at least 1, got {NEstimators}.");
        int maxFeatures = MaxFeatures?.Resolve(f, Name) ?? DefaultMaxFeatures(f);
        if (NJobs < 1) throw new ArgumentException($"{Name}: NJobs must be at least 1 (or null), got {NJobs}.");
        // The features are ranked once (BinnedFeatures) and shared read-only by all trees.
        var bins = new BinnedFeatures(d, n, f);
        var master = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        long[] seeds = Enumerable.Range(0, NEstimators).Select(_ => (long)(master.NextUInt64() >> 1)).ToArray();
        var trees = new DecisionTree[NEstimators];
        // Trees are independent given their seeds: grow them in parallel, taken dynamically since their sizes differ.
        Parallel.For(0, NEstimators, new ParallelOptions { MaxDegreeOfParallelism = NJobs ?? Threading.NumThreads }, t =>
        {
            var g = new Generator(seeds[t]);
            // A bootstrap sample as multiplicities of the distinct rows drawn (scikit-learn passes it as sample weights):
            // the same counts as the repeated rows, with each distinct row visited once per node.
            int[]? weights = null;
            int[] rows;
            if (Bootstrap)
            {
                weights = new int[n];
                for (int s = 0; s < n; s++) weights[(int)g.NextBounded((ulong)n)]++;
                rows = Enumerable.Range(0, n).Where(i => weights[i] > 0).ToArray();
            }
            else rows = Enumerable.Range(0, n).ToArray();
            DecisionTree tree = NewTree();
            tree.Grow(bins, rows, weights, codes, y, k, criterion, maxFeatures, g);
            trees[t] = tree;
        });
        var importances = new double[f];
        foreach (DecisionTree tree in trees)
            for (int j = 0; j < f; j++) importances[j] += tree.RawImportances[j] / trees.Length;
        double total = importances.Sum();
        if (total > 0) for (int j = 0; j < f; j++) importances[j] /= total;
        (_trees, _importances) = (trees, importances);
    }

    /// <summary>The mean over trees of the leaf values reached by each row (n, width).</summary>
    private protected double[] MeanLeafValues(double[] d, int n, int width)
    {
        var sum = new double[n * width];
        foreach (DecisionTree tree in _trees!)
        {
            double[][] leaves = tree.LeafValues(d, n, NFeaturesIn);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < width; c++) sum[i * width + c] += leaves[i][c];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= _trees!.Length;
        return sum;
    }

    /// <summary>Rounds to float32 as the trees do.</summary>
    private protected static double[] ToFloat32(double[] x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)x[i];
        return x;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_trees, _importances) = (null, null);
}
