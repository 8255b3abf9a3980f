namespace Nabla.Learn.Ensemble;

/// <summary>Base of the histogram-based gradient boosting estimators. scikit-learn:
/// <c>sklearn.ensemble.HistGradientBoostingClassifier/Regressor</c> (after LightGBM, Ke et al. 2017; the same idea as
/// XGBoost's 'hist' method, Chen and Guestrin 2016).</summary>
/// <remarks>
/// Features are binned once into at most <see cref="MaxBins"/> quantile bins (<see cref="HistBinMapper"/>), so a split
/// search costs O(bins) per feature from a histogram instead of a sort. Each iteration computes the loss's gradient
/// and hessian at the current raw predictions and grows, per tree column, a tree leaf-wise (<see cref="HistTree"/>)
/// whose leaves are Newton steps −G/(H + λ) scaled by <see cref="LearningRate"/>. Unlike scikit-learn, whose default
/// turns early stopping on above 10,000 samples, all <see cref="MaxIter"/> iterations run. Deterministic: no random
/// subsampling (scikit-learn subsamples 200,000 rows to find the bin thresholds only when there are more).
/// Missing values are not supported (inputs must be finite).
/// </remarks>
public abstract class HistGradientBoosting : Estimator
{
    private protected HistTree[][]? _iterations;
    private protected double[]? _baseline;
    private protected double[]? _trainScore;

    /// <summary>Shrinkage of each tree's leaf values. scikit-learn: <c>learning_rate=0.1</c>.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Boosting iterations (trees per class per iteration: one, or K for multi-class). scikit-learn: <c>max_iter=100</c>.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Maximum leaves per tree. scikit-learn: <c>max_leaf_nodes=31</c>.</summary>
    public int MaxLeafNodes { get; init; } = 31;

    /// <summary>Maximum depth of each tree; null for none. scikit-learn: <c>max_depth=None</c>.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Minimum samples per leaf. scikit-learn: <c>min_samples_leaf=20</c>.</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>L2 penalty λ on leaf values (added to the hessian sums). scikit-learn: <c>l2_regularization=0</c>.</summary>
    public double L2Regularization { get; init; }

    /// <summary>Maximum bins per feature (2..255). scikit-learn: <c>max_bins=255</c>.</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>The training loss after each iteration (MaxIter): half squared error for regression, log-loss for
    /// classification. scikit-learn: <c>train_score_</c> holds the negated loss, and only with early stopping.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor TrainScore => Tensor.FromArray(Fitted(_trainScore));

    /// <summary>Number of iterations run. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_iterations).Length;

    private protected abstract int Columns { get; }

    private protected abstract bool ConstantHessian { get; }

    private protected abstract double[] Baseline(double[] y);

    /// <summary>Gradients and hessians of every column (n, K) at raw (n, K) into g and h (K, n); returns the loss.</summary>
    private protected abstract double Gradients(double[] y, double[] raw, float[][] g, float[][] h);

    private protected void Boost(double[] x, int n, int f, double[] y)
    {
        if (MaxIter < 1 || !(LearningRate > 0) || MaxLeafNodes < 2 || MinSamplesLeaf < 1 || L2Regularization < 0 || MaxBins < 2 || MaxBins > 255 || MaxDepth < 1)
            throw new ArgumentException($"{Name}: need MaxIter ≥ 1, LearningRate > 0, MaxLeafNodes ≥ 2, MinSamplesLeaf ≥ 1, L2Regularization ≥ 0, " +
                                        $"MaxBins in 2..255, MaxDepth ≥ 1 or null; got {MaxIter}, {LearningRate}, {MaxLeafNodes}, {MinSamplesLeaf}, {L2Regularization}, {MaxBins}, {MaxDepth}.");
        var mapper = new HistBinMapper(x, n, f, MaxBins);
        byte[] bins = mapper.Transform(x, n, f);
        int[] nBins = mapper.Thresholds.Select(t => t.Length + 1).ToArray();
        int k = Columns;
        double[] baseline = Baseline(y);
        var raw = new double[n * k];
        for (int i = 0; i < n; i++) Array.Copy(baseline, 0, raw, i * k, k);
        var g = new float[k][];
        var h = new float[k][];
        for (int c = 0; c < k; c++) (g[c], h[c]) = (new float[n], new float[n]);
        var iterations = new HistTree[MaxIter][];
        var trainScore = new double[MaxIter];
        var pool = new Stack<HistTree.Histogram>();
        // Each loss evaluation also leaves the gradients at the new raw predictions, ready for the next iteration.
        Gradients(y, raw, g, h);
        for (int it = 0; it < MaxIter; it++)
        {
            iterations[it] = new HistTree[k];
            for (int c = 0; c < k; c++)
            {
                var tree = new HistTree(bins, n, f, nBins, mapper.Thresholds, g[c], h[c], ConstantHessian, MaxLeafNodes, MaxDepth,
                                        MinSamplesLeaf, L2Regularization, LearningRate, pool);
                iterations[it][c] = tree;
                for (int i = 0; i < n; i++) raw[i * k + c] += tree.TrainContribution[i];
            }
            trainScore[it] = Gradients(y, raw, g, h);
        }
        (_iterations, _baseline, _trainScore) = (iterations, baseline, trainScore);
    }

    /// <summary>Raw predictions (n, K) of validated rows.</summary>
    private protected double[] Raw(double[] x, int n)
    {
        int k = _baseline!.Length, f = NFeaturesIn;
        var raw = new double[n * k];
        HistTree[][] iterations = _iterations!;
        Threading.ForBlocks(n, (long)iterations.Length * k * 8, (start, count) =>
        {
            for (int i = start; i < start + count; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    double v = _baseline[c];
                    foreach (HistTree[] trees in iterations) v += trees[c].Predict(x, i, f);
                    raw[i * k + c] = v;
                }
            }
        });
        return raw;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_iterations, _baseline, _trainScore) = (null, null, null);
}
