using System.Runtime.CompilerServices;

namespace Nabla.Learn.Tree;

/// <summary>Depth-first construction of a binary decision tree, following scikit-learn's <c>BestSplitter</c> and
/// <c>DepthFirstTreeBuilder</c>, with the split search done on histograms over each feature's distinct values.</summary>
/// <remarks>
/// A node owns a contiguous range of the sample array (partitioned stably in place, as scikit-learn's splitter does).
/// For each examined feature the node's samples are counted per distinct value (<see cref="BinnedFeatures"/>), and the
/// candidate splits are the boundaries between consecutive distinct values present in the node, visited in increasing
/// order: the same candidates, with the same left/right statistics, as a scan over the node's sorted values, at
/// O(n + distinct values) per feature instead of O(n log n). The hot loops are compiled fully optimised from the first
/// call (AggressiveOptimization): a fit runs them once, so tiered compilation would leave much of it to unoptimised code.
/// </remarks>
internal sealed class TreeBuilder
{
    /// <summary>scikit-learn's FEATURE_THRESHOLD: values closer than this count as equal, so no split falls between them.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>Impurities at or below this make a node a leaf (scikit-learn's EPSILON, the float64 machine epsilon).</summary>
    private const double Epsilon = 2.220446049250313e-16;

    private readonly BinnedFeatures _bins;
    private readonly int[] _classCodes;
    private readonly double[] _y;
    private readonly int _k, _width;
    private readonly Criterion _criterion;
    private readonly int _maxDepth, _minSplit, _minLeaf, _maxFeatures;
    private readonly Generator? _generator;
    private readonly int[] _rows, _spill, _features, _present, _stamp, _nodeClass, _nodeWeight, _classHist, _weight;
    private readonly double[] _valueHist, _nodeY, _left, _right;
    private int _stampValue;

    public readonly List<int> Feature = [], Left = [], Right = [];
    public readonly List<double> Threshold = [];
    public readonly List<double[]> Value = [];
    public double[] Importances { get; }

    /// <summary>Builds the tree. For classification <paramref name="k"/> &gt; 0 and <paramref name="codes"/> holds
    /// class indices; for regression k = 0 and <paramref name="y"/> holds targets.</summary>
    /// <remarks>With a generator, each node draws features in random order (a lazy Fisher–Yates shuffle) and stops
    /// after <paramref name="maxFeatures"/> non-constant ones (scikit-learn's max_features rule; constant features do not
    /// count); without one, all features are examined in index order. <paramref name="rows"/> lists the training rows,
    /// each once; it is used as the working sample array. <paramref name="weights"/> (indexed by row, null for all 1)
    /// gives each row's multiplicity, as a bootstrap sample draws it: counts, sums and the sample-count limits are
    /// those of the sample with the repeated rows, while each node touches each distinct row once.</remarks>
    public TreeBuilder(BinnedFeatures bins, int[] rows, int[]? weights, int[] codes, double[] y, int k, Criterion criterion, int maxDepth, int minSplit,
                       int minLeaf, int maxFeatures, Generator? generator)
    {
        _weight = weights ?? Enumerable.Repeat(1, bins.N).ToArray();
        (_bins, _classCodes, _y, _k, _criterion) = (bins, codes, y, k, criterion);
        (_maxDepth, _minSplit, _minLeaf, _maxFeatures, _generator) = (maxDepth, minSplit, minLeaf, maxFeatures, generator);
        int f = bins.F, n = rows.Length;
        _width = k > 0 ? k : 3;
        (_rows, _spill) = (rows, new int[n]);
        _features = Enumerable.Range(0, f).ToArray();
        (_present, _stamp) = (new int[bins.MaxBins], new int[bins.MaxBins]);
        // Classification counts per (value, class) as integers (exact, and integer increments are cheaper); regression
        // keeps (Σy, Σy², n) per value.
        (_classHist, _valueHist) = k > 0 ? (new int[bins.MaxBins * k], Array.Empty<double>()) : ([], new double[bins.MaxBins * 3]);
        (_nodeClass, _nodeY, _nodeWeight) = (k > 0 ? new int[n] : [], k > 0 ? [] : new double[n], new int[n]);
        (_left, _right) = (new double[_width], new double[_width]);
        Importances = new double[f];
        Build(0, n, 0);
        double total = Importances.Sum();
        if (total > 0) for (int j = 0; j < f; j++) Importances[j] /= total;
    }

    /// <summary>Node statistics: class counts (classification) or (Σy, Σy², n) (regression), summed in sample order
    /// with each row counted by its weight; and the weighted sample count.</summary>
    private double[] Stats(int start, int end, out int count)
    {
        var s = new double[_width];
        count = 0;
        for (int t = start; t < end; t++)
        {
            int i = _rows[t], w = _weight[i];
            count += w;
            if (_k > 0) s[_classCodes[i]] += w;
            else
            {
                s[0] += w * _y[i];
                s[1] += w * _y[i] * _y[i];
                s[2] += w;
            }
        }
        return s;
    }

    private double Impurity(ReadOnlySpan<double> s, double n)
    {
        double sum = 0;
        switch (_criterion)
        {
            case Criterion.Gini:
                // 1 − Σ_c n_c² / n², as scikit-learn's Gini criterion computes it.
                foreach (double c in s) sum += c * c;
                return 1 - sum / (n * n);
            case Criterion.Entropy:
                // −Σ_c p_c log₂ p_c over the classes present.
                foreach (double c in s) if (c > 0) sum += c / n * Math.Log2(c / n);
                return -sum;
            default:
                double mean = s[0] / n;
                return s[1] / n - mean * mean;
        }
    }

    private int Build(int start, int end, int depth)
    {
        int node = Feature.Count;
        double[] stats = Stats(start, end, out int n);
        double impurity = Impurity(stats, n);
        Feature.Add(-1);
        Threshold.Add(double.NaN);
        Left.Add(-1);
        Right.Add(-1);
        Value.Add(_k > 0 ? stats.Select(c => c / n).ToArray() : [stats[0] / n]);
        if (depth >= _maxDepth || n < _minSplit || n < 2 * _minLeaf || impurity <= Epsilon) return node;
        (int feature, int code, double threshold, double improvement) = BestSplit(start, end, n, stats, impurity);
        if (feature < 0) return node;
        int mid = Partition(start, end, feature, code);
        Importances[feature] += improvement;
        Feature[node] = feature;
        Threshold[node] = threshold;
        Left[node] = Build(start, mid, depth + 1);
        Right[node] = Build(mid, end, depth + 1);
        return node;
    }

    /// <summary>Moves the samples whose rank on <paramref name="feature"/> is at most <paramref name="code"/> to the
    /// front of the range, keeping the order on both sides; returns where the right child starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Partition(int start, int end, int feature, int code)
    {
        ReadOnlySpan<int> column = _bins.Codes.AsSpan(feature * _bins.N, _bins.N);
        int l = start, r = 0;
        for (int t = start; t < end; t++)
        {
            int i = _rows[t];
            if (column[i] <= code) _rows[l++] = i;
            else _spill[r++] = i;
        }
        _spill.AsSpan(0, r).CopyTo(_rows.AsSpan(l));
        return l;
    }

    /// <summary>The split of largest weighted impurity decrease n·I − n_L·I_L − n_R·I_R over the examined features and
    /// all boundaries between distinct values present (respecting the minimum leaf size); the first found wins ties.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Feature, int Code, double Threshold, double Improvement) BestSplit(int start, int end, int n, double[] total, double impurity)
    {
        int rowCount = end - start, f = _bins.F, w = _width;
        int bestFeature = -1, bestCode = 0;
        double bestThreshold = 0, bestChildren = double.PositiveInfinity;
        for (int t = 0; t < rowCount; t++)
        {
            int i = _rows[start + t];
            _nodeWeight[t] = _weight[i];
            if (_k > 0) _nodeClass[t] = _classCodes[i];
            else _nodeY[t] = _y[i];
        }
        ReadOnlySpan<int> rows = _rows.AsSpan(start, rowCount);
        int visited = 0;
        for (int drawn = 0; drawn < f; drawn++)
        {
            if (_generator is not null)
            {
                if (visited >= _maxFeatures) break;
                int r = drawn + (int)_generator.NextBounded((ulong)(f - drawn));
                (_features[drawn], _features[r]) = (_features[r], _features[drawn]);
            }
            int j = _features[drawn];
            double[] values = _bins.Values[j];
            int present = Histogram(rows, _bins.Codes.AsSpan(j * _bins.N, _bins.N), values.Length);
            if (values[_present[present - 1]] <= values[_present[0]] + FeatureThreshold)
            {
                Clear(present);
                continue;
            }
            visited++;
            Array.Clear(_left);
            int p = 0;
            for (int b = 0; b < present - 1; b++)
            {
                int code = _present[b];
                if (_k > 0)
                {
                    ReadOnlySpan<int> bin = _classHist.AsSpan(code * w, w);
                    for (int c = 0; c < w; c++)
                    {
                        _left[c] += bin[c];
                        p += bin[c];
                    }
                }
                else
                {
                    ReadOnlySpan<double> bin = _valueHist.AsSpan(code * 3, 3);
                    for (int c = 0; c < 3; c++) _left[c] += bin[c];
                    p += (int)bin[2];
                }
                double prev = values[code], cur = values[_present[b + 1]];
                if (cur <= prev + FeatureThreshold || p < _minLeaf || n - p < _minLeaf) continue;
                for (int c = 0; c < w; c++) _right[c] = total[c] - _left[c];
                double children = p * Impurity(_left, p) + (n - p) * Impurity(_right, n - p);
                // A split must beat the best so far by more than round-off (1e-12 relative, ~4500 ε): the same partition
                // reached through another feature sums its impurities in another order, and must count as a tie.
                if (children < bestChildren - 1e-12 * Math.Abs(bestChildren) || bestFeature < 0)
                {
                    (bestChildren, bestFeature, bestCode) = (children, j, code);
                    // Midpoint, falling back to the lower value when rounding lands on the upper one (scikit-learn).
                    double mid = prev / 2 + cur / 2;
                    bestThreshold = mid == cur || double.IsInfinity(mid) ? prev : mid;
                }
            }
            Clear(present);
        }
        double bestImprovement = bestFeature >= 0 ? n * impurity - bestChildren : 0;
        return bestImprovement > 0 ? (bestFeature, bestCode, bestThreshold, bestImprovement) : (-1, 0, 0, 0);
    }

    /// <summary>Counts the node's (weighted) samples per distinct value of one feature into the histogram and lists
    /// the values present, in increasing order, in <c>_present</c>; returns how many there are.</summary>
    /// <remarks>Each value is marked when first met (a stamp per fill, so marks never need clearing); the marked list
    /// is then sorted, or, when sorting u values would cost more than scanning all the feature's values in order
    /// (u log₂ u &gt; bins), replaced by that scan.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Histogram(ReadOnlySpan<int> rows, ReadOnlySpan<int> column, int bins)
    {
        int n = rows.Length, k = _k, present = 0;
        int stamp = ++_stampValue;
        int[] marks = _stamp, list = _present;
        ReadOnlySpan<int> weights = _nodeWeight.AsSpan(0, n);
        if (k > 0)
        {
            int[] hist = _classHist;
            ReadOnlySpan<int> classes = _nodeClass.AsSpan(0, n);
            for (int t = 0; t < n; t++)
            {
                int code = column[rows[t]];
                if (marks[code] != stamp) (marks[code], list[present++]) = (stamp, code);
                hist[code * k + classes[t]] += weights[t];
            }
        }
        else
        {
            double[] hist = _valueHist;
            for (int t = 0; t < n; t++)
            {
                int code = column[rows[t]];
                if (marks[code] != stamp) (marks[code], list[present++]) = (stamp, code);
                double y = _nodeY[t], w = weights[t];
                hist[code * 3] += w * y;
                hist[code * 3 + 1] += w * y * y;
                hist[code * 3 + 2] += w;
            }
        }
        if ((double)present * Math.Log2(present + 1) > bins)
        {
            present = 0;
            for (int code = 0; code < bins; code++)
                if (marks[code] == stamp) list[present++] = code;
        }
        else Array.Sort(list, 0, present);
        return present;
    }

    private void Clear(int present)
    {
        for (int b = 0; b < present; b++)
        {
            int code = _present[b];
            if (_k > 0) Array.Clear(_classHist, code * _k, _k);
            else Array.Clear(_valueHist, code * 3, 3);
        }
    }
}
