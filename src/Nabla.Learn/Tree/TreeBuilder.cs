namespace Nabla.Learn.Tree;

/// <summary>Depth-first construction of a binary decision tree on dense double data, following scikit-learn's
/// <c>BestSplitter</c> and <c>DepthFirstTreeBuilder</c>.</summary>
internal sealed class TreeBuilder
{
    /// <summary>scikit-learn's FEATURE_THRESHOLD: values closer than this count as equal, so no split falls between them.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>Impurities at or below this make a node a leaf (scikit-learn's EPSILON, the float64 machine epsilon).</summary>
    private const double Epsilon = 2.220446049250313e-16;

    private readonly double[] _x;
    private readonly int _f;
    private readonly int[] _classCodes;
    private readonly double[] _y;
    private readonly int _k;
    private readonly Criterion _criterion;
    private readonly int _maxDepth, _minSplit, _minLeaf, _maxFeatures;
    private readonly Generator? _generator;

    public readonly List<int> Feature = [], Left = [], Right = [];
    public readonly List<double> Threshold = [];
    public readonly List<double[]> Value = [];
    public double[] Importances { get; }

    /// <summary>Builds the tree. For classification <paramref name="k"/> &gt; 0 and <paramref name="codes"/> holds
    /// class indices; for regression k = 0 and <paramref name="y"/> holds targets.</summary>
    /// <remarks>With a generator, each node examines the features in a fresh random order and stops after
    /// <paramref name="maxFeatures"/> non-constant ones once a valid split is found (scikit-learn's max_features rule);
    /// <paramref name="rows"/> lists the training rows, repeated for a bootstrap sample.</remarks>
    public TreeBuilder(double[] x, int[] rows, int f, int[] codes, double[] y, int k, Criterion criterion, int maxDepth, int minSplit, int minLeaf,
                       int maxFeatures, Generator? generator)
    {
        (_x, _f, _classCodes, _y, _k, _criterion) = (x, f, codes, y, k, criterion);
        (_maxDepth, _minSplit, _minLeaf, _maxFeatures, _generator) = (maxDepth, minSplit, minLeaf, maxFeatures, generator);
        Importances = new double[f];
        Build(rows, 0);
        double total = Importances.Sum();
        if (total > 0) for (int j = 0; j < f; j++) Importances[j] /= total;
    }

    /// <summary>Per-node statistics: class counts (classification) or (Σy, Σy², n) (regression).</summary>
    private double[] Stats(ReadOnlySpan<int> rows)
    {
        var s = new double[_k > 0 ? _k : 3];
        foreach (int i in rows)
        {
            if (_k > 0) s[_classCodes[i]]++;
            else
            {
                s[0] += _y[i];
                s[1] += _y[i] * _y[i];
                s[2]++;
            }
        }
        return s;
    }

    private double Impurity(double[] s, double n)
    {
        switch (_criterion)
        {
            case Criterion.Gini:
                return 1 - s.Sum(c => (c / n) * (c / n));
            case Criterion.Entropy:
                return -s.Where(c => c > 0).Sum(c => c / n * Math.Log2(c / n));
            default:
                double mean = s[0] / n;
                return s[1] / n - mean * mean;
        }
    }

    private int Build(int[] rows, int depth)
    {
        int node = Feature.Count;
        double[] stats = Stats(rows);
        int n = rows.Length;
        double impurity = Impurity(stats, n);
        Feature.Add(-1);
        Threshold.Add(double.NaN);
        Left.Add(-1);
        Right.Add(-1);
        Value.Add(_k > 0 ? stats.Select(c => c / n).ToArray() : [stats[0] / n]);
        if (depth >= _maxDepth || n < _minSplit || n < 2 * _minLeaf || impurity <= Epsilon) return node;
        (int feature, double threshold, double improvement) = BestSplit(rows, stats, n, impurity);
        if (feature < 0) return node;
        int[] left = rows.Where(i => _x[i * _f + feature] <= threshold).ToArray();
        int[] right = rows.Where(i => _x[i * _f + feature] > threshold).ToArray();
        Importances[feature] += improvement;
        Feature[node] = feature;
        Threshold[node] = threshold;
        Left[node] = Build(left, depth + 1);
        Right[node] = Build(right, depth + 1);
        return node;
    }

    /// <summary>The split of largest weighted impurity decrease n·I − n_L·I_L − n_R·I_R over all features and all
    /// positions between distinct sorted values (respecting the minimum leaf size); the first found wins ties.</summary>
    private (int Feature, double Threshold, double Improvement) BestSplit(int[] rows, double[] total, int n, double impurity)
    {
        int bestFeature = -1;
        double bestThreshold = 0, bestImprovement = 0, bestChildren = double.PositiveInfinity;
        int[] order = (int[])rows.Clone();
        var left = new double[total.Length];
        int[] features = Enumerable.Range(0, _f).ToArray();
        if (_generator is not null)
            for (int i = _f - 1; i > 0; i--)
            {
                int r = (int)_generator.NextBounded((ulong)(i + 1));
                (features[i], features[r]) = (features[r], features[i]);
            }
        int visited = 0;
        foreach (int j in features)
        {
            if (visited >= _maxFeatures && bestFeature >= 0) break;
            int feature = j;
            Array.Sort(order, (a, b) => _x[a * _f + feature].CompareTo(_x[b * _f + feature]));
            if (_x[order[^1] * _f + j] <= _x[order[0] * _f + j] + FeatureThreshold) continue;
            visited++;
            Array.Clear(left);
            for (int p = 1; p < n; p++)
            {
                int moved = order[p - 1];
                if (_k > 0) left[_classCodes[moved]]++;
                else
                {
                    left[0] += _y[moved];
                    left[1] += _y[moved] * _y[moved];
                    left[2]++;
                }
                double prev = _x[moved * _f + j], cur = _x[order[p] * _f + j];
                if (cur <= prev + FeatureThreshold || p < _minLeaf || n - p < _minLeaf) continue;
                double[] right = total.Select((t, c) => t - left[c]).ToArray();
                double children = p * Impurity(left, p) + (n - p) * Impurity(right, n - p);
                // A split must beat the best so far by more than round-off (1e-12 relative, ~4500 ε): the same partition
                // reached through another feature sums its impurities in another order, and must count as a tie.
                if (children < bestChildren - 1e-12 * Math.Abs(bestChildren) || bestFeature < 0)
                {
                    bestChildren = children;
                    bestFeature = j;
                    // Midpoint, falling back to the lower value when rounding lands on the upper one (scikit-learn).
                    double mid = prev / 2 + cur / 2;
                    bestThreshold = mid == cur || double.IsInfinity(mid) ? prev : mid;
                }
            }
        }
        if (bestFeature >= 0) bestImprovement = n * impurity - bestChildren;
        return bestImprovement > 0 ? (bestFeature, bestThreshold, bestImprovement) : (-1, 0, 0);
    }
}
