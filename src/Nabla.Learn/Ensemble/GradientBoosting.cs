namespace Nabla.Learn.Ensemble;

/// <summary>Base of the gradient boosting estimators: hyper-parameters, the stage loop and staged raw predictions.
/// scikit-learn: <c>sklearn.ensemble._gb.BaseGradientBoosting</c> (Friedman 2001, "Greedy function approximation:
/// a gradient boosting machine").</summary>
/// <remarks>
/// F₀ is the loss's best constant (mean, median, or log prior odds). Stage m fits, for each of its K tree columns, a
/// depth-limited regression tree (<see cref="BoostingTree"/>, Friedman's MSE criterion) to the negative gradient
/// r = −∂L/∂F at F_{m−1} on a random fraction <see cref="Subsample"/> of the samples (stochastic gradient boosting;
/// the others stay in the tree with weight 0, as scikit-learn's), replaces each leaf's value by the loss's line search
/// over its in-bag samples, and adds <see cref="LearningRate"/> times the tree: F_m = F_{m−1} + ν·h_m. Each tree
/// corrects the errors of the ensemble before it — unlike a random forest, whose trees are grown independently and
/// averaged. With Subsample = 1 the result is deterministic; scikit-learn agrees up to exact split ties.
/// </remarks>
public abstract class GradientBoosting : Estimator
{
    private protected BoostingTree[][]? _stages;
    private protected double[]? _init, _trainScore, _importances;

    /// <summary>Shrinkage ν of each tree's contribution. scikit-learn: <c>learning_rate=0.1</c>.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Number of boosting stages. scikit-learn: <c>n_estimators=100</c>.</summary>
    public int NEstimators { get; init; } = 100;

    /// <summary>Fraction of samples drawn (without replacement) for each stage; below 1 is stochastic gradient
    /// boosting. scikit-learn: <c>subsample=1.0</c>.</summary>
    public double Subsample { get; init; } = 1.0;

    /// <summary>Maximum depth of each tree. scikit-learn: <c>max_depth=3</c>.</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>Minimum samples to split a node. scikit-learn: <c>min_samples_split=2</c>.</summary>
    public int MinSamplesSplit { get; init; } = 2;

    /// <summary>Minimum samples per leaf. scikit-learn: <c>min_samples_leaf=1</c>.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Seed of the subsamples; null draws a fresh one. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <summary>Impurity-based importances (F) summing to 1: the mean over all trees with a split of their unnormalised
    /// importances, normalised. scikit-learn: <c>feature_importances_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor FeatureImportances => Tensor.FromArray(Fitted(_importances));

    /// <summary>The training loss after each stage (NEstimators), on the in-bag samples when subsampling.
    /// scikit-learn: <c>train_score_</c> (its deviance for classifiers: −2·mean log-likelihood for two classes).</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor TrainScore => Tensor.FromArray(Fitted(_trainScore));

    /// <summary>Runs the boosting stages on float32-rounded x (n, f) with targets y (class indices for classifiers).</summary>
    private protected void Boost(double[] x, int n, int f, double[] y, BoostLoss loss)
    {
        if (NEstimators < 1 || !(LearningRate > 0) || !(Subsample > 0 && Subsample <= 1) || MaxDepth < 1 || MinSamplesSplit < 2 || MinSamplesLeaf < 1)
            throw new ArgumentException($"{Name}: need NEstimators ≥ 1, LearningRate > 0, 0 < Subsample ≤ 1, MaxDepth ≥ 1, MinSamplesSplit ≥ 2, " +
                                        $"MinSamplesLeaf ≥ 1; got {NEstimators}, {LearningRate}, {Subsample}, {MaxDepth}, {MinSamplesSplit}, {MinSamplesLeaf}.");
        int k = loss.Trees;
        double[] init = loss.Init(y);
        var raw = new double[n * k];
        for (int i = 0; i < n; i++) Array.Copy(init, 0, raw, i * k, k);
        var stages = new BoostingTree[NEstimators][];
        var trainScore = new double[NEstimators];
        long seed = RandomState ?? System.Random.Shared.NextInt64();
        var g = new Generator(seed);
        // Tree seeds as scikit-learn draws them from RandomState(random_state), so that split ties break alike.
        var treeSeeds = new MersenneTwister((uint)seed);
        int inBag = Math.Max(1, (int)(Subsample * n));
        var w = new double[n];
        var residual = new double[n];
        for (int m = 0; m < NEstimators; m++)
        {
            if (Subsample < 1)
            {
                // A uniformly random subset of inBag samples: a partial Fisher–Yates shuffle.
                Array.Clear(w);
                int[] perm = Enumerable.Range(0, n).ToArray();
                for (int i = 0; i < inBag; i++)
                {
                    int j = i + (int)g.NextBounded((ulong)(n - i));
                    (perm[i], perm[j]) = (perm[j], perm[i]);
                    w[perm[i]] = 1;
                }
            }
            else Array.Fill(w, 1.0);
            double[] stageRaw = (double[])raw.Clone();
            stages[m] = new BoostingTree[k];
            for (int c = 0; c < k; c++)
            {
                loss.NegativeGradient(y, stageRaw, c, w, residual);
                var tree = new BoostingTree(x, n, f, residual, w, MaxDepth, MinSamplesSplit, MinSamplesLeaf, treeSeeds.NextTreeSeed());
                // Line search per leaf over its in-bag samples (at the raw predictions so far).
                var leafRows = new Dictionary<int, List<int>>();
                for (int i = 0; i < n; i++)
                    if (w[i] > 0)
                    {
                        if (!leafRows.TryGetValue(tree.TrainLeaf[i], out List<int>? list)) leafRows[tree.TrainLeaf[i]] = list = [];
                        list.Add(i);
                    }
                foreach ((int leaf, List<int> rows) in leafRows)
                {
                    double value = loss.LeafValue(rows, y, raw, residual, c);
                    if (!double.IsNaN(value)) tree.Value[leaf] = value;
                }
                for (int i = 0; i < n; i++) raw[i * k + c] += LearningRate * tree.Value[tree.TrainLeaf[i]];
                stages[m][c] = tree;
            }
            trainScore[m] = loss.Value(y, raw, w);
        }
        var importances = new double[f];
        int relevant = 0;
        foreach (BoostingTree tree in stages.SelectMany(s => s))
        {
            if (tree.NodeCount <= 1) continue;
            relevant++;
            for (int j = 0; j < f; j++) importances[j] += tree.RawImportances[j];
        }
        double total = importances.Sum();
        if (relevant > 0 && total > 0) for (int j = 0; j < f; j++) importances[j] /= total;
        (_stages, _init, _trainScore, _importances) = (stages, init, trainScore, importances);
    }

    /// <summary>Raw predictions (n, K) after each stage, the last one being the model's; stages are yielded lazily.</summary>
    private protected IEnumerable<double[]> StagedRaw(double[] x, int n)
    {
        int f = NFeaturesIn, k = _init!.Length;
        var raw = new double[n * k];
        for (int i = 0; i < n; i++) Array.Copy(_init, 0, raw, i * k, k);
        foreach (BoostingTree[] stage in _stages!)
        {
            for (int c = 0; c < k; c++)
                for (int i = 0; i < n; i++) raw[i * k + c] += LearningRate * stage[c].Value[stage[c].Apply(x, i, f)];
            yield return (double[])raw.Clone();
        }
    }

    /// <summary>The final raw predictions (n, K).</summary>
    private protected double[] Raw(double[] x, int n) => StagedRaw(x, n).Last();

    /// <summary>Rounds to float32 as scikit-learn's trees do.</summary>
    private protected static double[] ToFloat32(double[] x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)x[i];
        return x;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_stages, _init, _trainScore, _importances) = (null, null, null, null);
}
