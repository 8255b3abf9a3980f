namespace Nabla.Learn.Ensemble;

/// <summary>A weighted regression tree grown depth-first with scikit-learn's <c>friedman_mse</c> criterion, as
/// gradient boosting grows them (<c>DecisionTreeRegressor(criterion='friedman_mse', splitter='best')</c>).</summary>
/// <remarks>
/// A node with samples S (weights w, targets r) splits on the feature and threshold maximising Friedman's
/// improvement proxy (w_R·Σ_L − w_L·Σ_R)² / (w_L·w_R), Σ the weighted target sums — equal to w·(mean_L − mean_R)²·w_L·w_R/w²
/// up to the node's constant, i.e. the weighted squared-error decrease. Splits respect MinSamplesLeaf in sample
/// counts (zero-weight samples count, as scikit-learn's subsampling keeps out-of-bag samples with weight 0);
/// thresholds are midpoints of consecutive distinct float32 feature values. Features are visited in scikit-learn's
/// random order (its <c>BestSplitter</c> loop with the same <see cref="SklearnRandR"/> draws and constant-feature
/// bookkeeping) and the first strictly best split wins, so exact ties break as there.
/// Leaves hold the weighted mean target, which the boosting loss may then replace (its line search).
/// </remarks>
internal sealed class BoostingTree
{
    /// <summary>scikit-learn's FEATURE_THRESHOLD: values closer than this count as equal.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>Nodes with impurity at or below the float64 epsilon are leaves (scikit-learn's EPSILON).</summary>
    private const double Epsilon = 2.220446049250313e-16;

    public readonly List<int> Feature = [], Left = [], Right = [];
    public readonly List<double> Threshold = [], Value = [];

    /// <summary>Unnormalised importances: Σ over splits of w·I − w_L·I_L − w_R·I_R per feature, divided by the root weight.</summary>
    public double[] RawImportances { get; }

    /// <summary>The leaf of every training sample, filled by the constructor.</summary>
    public int[] TrainLeaf { get; }

    private readonly double[] _x, _r, _w;
    private readonly int _f, _maxDepth, _minSplit, _minLeaf;
    private readonly int[] _features, _constantFeatures;
    private SklearnRandR _random;

    /// <summary>Grows the tree on x (n, f) float32-rounded, targets r and weights w; <paramref name="seed"/> is the
    /// splitter's rand_r state.</summary>
    public BoostingTree(double[] x, int n, int f, double[] r, double[] w, int maxDepth, int minSplit, int minLeaf, uint seed)
    {
        (_x, _r, _w, _f, _maxDepth, _minSplit, _minLeaf) = (x, r, w, f, maxDepth, minSplit, minLeaf);
        _features = Enumerable.Range(0, f).ToArray();
        _constantFeatures = new int[f];
        _random = new SklearnRandR(seed);
        RawImportances = new double[f];
        TrainLeaf = new int[n];
        int[] rows = Enumerable.Range(0, n).ToArray();
        double rootWeight = 0;
        foreach (double v in w) rootWeight += v;
        Build(rows, 0, 0);
        if (rootWeight > 0) for (int j = 0; j < f; j++) RawImportances[j] /= rootWeight;
    }

    public int NodeCount => Feature.Count;

    private int Build(int[] rows, int depth, int nConstant)
    {
        int node = Feature.Count;
        double sw = 0, sum = 0, sq = 0;
        foreach (int i in rows)
        {
            sw += _w[i];
            sum += _w[i] * _r[i];
            sq += _w[i] * _r[i] * _r[i];
        }
        Feature.Add(-1);
        Threshold.Add(double.NaN);
        Left.Add(-1);
        Right.Add(-1);
        Value.Add(sw > 0 ? sum / sw : 0);
        int n = rows.Length;
        double impurity = sw > 0 ? sq / sw - (sum / sw) * (sum / sw) : 0;
        bool leaf = depth >= _maxDepth || n < _minSplit || n < 2 * _minLeaf || impurity <= Epsilon;
        (int feature, double threshold, double gain) = leaf ? (-1, 0, 0) : BestSplit(rows, sw, sum, ref nConstant);
        if (feature < 0)
        {
            foreach (int i in rows) TrainLeaf[i] = node;
            return node;
        }
        int[] left = rows.Where(i => _x[i * _f + feature] <= threshold).ToArray();
        int[] right = rows.Where(i => _x[i * _f + feature] > threshold).ToArray();
        RawImportances[feature] += gain;
        Feature[node] = feature;
        Threshold[node] = threshold;
        Left[node] = Build(left, depth + 1, nConstant);
        Right[node] = Build(right, depth + 1, nConstant);
        return node;
    }

    /// <summary>The best split, and its decrease w·I − w_L·I_L − w_R·I_R = Σ_L²/w_L + Σ_R²/w_R − Σ²/w. The feature loop
    /// is scikit-learn's: draw a not-yet-visited feature, skip those known constant from the ancestors, record newly found
    /// constant ones for the children, evaluate the rest.</summary>
    private (int Feature, double Threshold, double Gain) BestSplit(int[] rows, double sw, double sum, ref int nConstant)
    {
        int n = rows.Length, bestFeature = -1;
        double bestProxy = double.NegativeInfinity, bestThreshold = 0, bestGain = 0;
        var keys = new double[n];
        var order = new int[n];
        int[] features = _features;
        int fi = _f, visited = 0, found = 0, drawn = 0, known = nConstant, total = known;
        while (fi > total && (visited < _f || visited <= found + drawn))
        {
            visited++;
            int fj = _random.Next(drawn, fi - found);
            if (fj < known)
            {
                (features[drawn], features[fj]) = (features[fj], features[drawn]);
                drawn++;
                continue;
            }
            fj += found;
            int j = features[fj];
            for (int t = 0; t < n; t++)
            {
                order[t] = rows[t];
                keys[t] = _x[rows[t] * _f + j];
            }
            Array.Sort(keys, order);
            if (keys[n - 1] <= keys[0] + FeatureThreshold)
            {
                (features[fj], features[total]) = (features[total], features[fj]);
                found++;
                total++;
                continue;
            }
            fi--;
            (features[fi], features[fj]) = (features[fj], features[fi]);
            double wl = 0, sl = 0;
            for (int p = 1; p < n; p++)
            {
                int moved = order[p - 1];
                wl += _w[moved];
                sl += _w[moved] * _r[moved];
                if (keys[p] <= keys[p - 1] + FeatureThreshold || p < _minLeaf || n - p < _minLeaf) continue;
                double wr = sw - wl, sr = sum - sl;
                if (wl <= 0 || wr <= 0) continue;
                double diff = wr * sl - wl * sr;
                double proxy = diff * diff / (wl * wr);
                if (proxy > bestProxy)
                {
                    bestProxy = proxy;
                    bestFeature = j;
                    double mid = keys[p - 1] / 2 + keys[p] / 2;
                    bestThreshold = mid == keys[p] || double.IsInfinity(mid) ? keys[p - 1] : mid;
                    bestGain = sl * sl / wl + sr * sr / wr - sum * sum / sw;
                }
            }
        }
        // The ancestors' constant features keep their order for siblings and children; new ones are appended.
        Array.Copy(_constantFeatures, 0, features, 0, known);
        Array.Copy(features, known, _constantFeatures, known, found);
        nConstant = total;
        return (bestFeature, bestThreshold, bestGain);
    }

    /// <summary>The leaf reached by row i of x (n, f).</summary>
    public int Apply(double[] x, int i, int f)
    {
        int node = 0;
        while (Feature[node] >= 0) node = x[i * f + Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        return node;
    }
}
