namespace Nabla.Learn.Ensemble;

/// <summary>A tree grown on binned features, leaf-wise (best-first), from histograms of gradients and hessians, as
/// scikit-learn's <c>TreeGrower</c> and LightGBM (Ke et al. 2017).</summary>
/// <remarks>
/// For a node with gradient sum G and hessian sum H, the second-order expansion of the loss is minimised by the leaf
/// value v = −G/(H + λ), decreasing it by G²/(H + λ). A split into L and R gains G_L²/(H_L + λ) + G_R²/(H_R + λ) −
/// G²/(H + λ); every threshold between bins is scored from the per-bin sums (the histogram) in one pass. A child's
/// histogram is built from its samples only for the smaller child; the larger one is the parent's minus it
/// (histogram subtraction). The leaf with the largest gain is split next until MaxLeafNodes leaves exist or no
/// split gains. Leaf values are scaled by the learning rate.
/// </remarks>
internal sealed class HistTree
{
    public readonly List<int> Feature = [], Left = [], Right = [], BinThreshold = [];
    public readonly List<double> Threshold = [], Value = [];

    /// <summary>The leaf value added to each training sample's raw prediction.</summary>
    public double[] TrainContribution { get; }

    /// <summary>Sum arrays of one node: per (feature, bin) gradient and hessian sums and counts.</summary>
    internal sealed class Histogram(int size)
    {
        public readonly double[] G = new double[size], H = new double[size];
        public readonly int[] Count = new int[size];
    }

    private sealed class Node
    {
        public int Id, Start, End, Depth;
        public double SumG, SumH;
        public Histogram? Hist;
        public int SplitFeature = -1, SplitBin;
        public double Gain;
    }

    private const int Bins = 256;

    /// <summary>Minimum hessian sum on each side of a split (scikit-learn's <c>min_hessian_to_split=1e-3</c>).</summary>
    private const double MinHessianToSplit = 1e-3;

    private readonly byte[] _bins;
    private readonly float[] _g, _h;
    private readonly bool _constantHessian;
    private readonly int _n, _f, _minLeaf, _maxLeaves;
    private readonly int? _maxDepth;
    private readonly double _lambda;
    private readonly int[] _nBins;
    private readonly int[] _partition, _buffer;
    private readonly Stack<Histogram> _pool;

    /// <summary>Grows one tree on binned data (f, n) with gradients g and hessians h (ignored when constant: then
    /// every hessian is 1 and H is the count).</summary>
    public HistTree(byte[] bins, int n, int f, int[] nBins, double[][] thresholds, float[] g, float[] h, bool constantHessian,
                    int maxLeaves, int? maxDepth, int minLeaf, double lambda, double shrinkage, Stack<Histogram> pool)
    {
        (_bins, _n, _f, _nBins, _g, _h, _constantHessian) = (bins, n, f, nBins, g, h, constantHessian);
        (_maxLeaves, _maxDepth, _minLeaf, _lambda) = (maxLeaves, maxDepth, minLeaf, lambda);
        _partition = Enumerable.Range(0, n).ToArray();
        _buffer = new int[n];
        _pool = pool;
        TrainContribution = new double[n];

        var root = NewNode(0, n, 0);
        Accumulate(root, out root.SumG, out root.SumH);
        root.Hist = Build(root);
        var frontier = new List<Node>();
        var leaves = new List<Node>();
        Consider(root, frontier, leaves);
        while (frontier.Count > 0)
        {
            if (frontier.Count + leaves.Count >= _maxLeaves)
            {
                leaves.AddRange(frontier);
                break;
            }
            Node best = frontier[0];
            foreach (Node node in frontier) if (node.Gain > best.Gain) best = node;
            frontier.Remove(best);
            (Node left, Node right) = Split(best);
            Consider(left, frontier, leaves);
            Consider(right, frontier, leaves);
        }
        foreach (Node leaf in leaves)
        {
            double v = -leaf.SumG / (leaf.SumH + _lambda) * shrinkage;
            Value[leaf.Id] = v;
            for (int t = leaf.Start; t < leaf.End; t++) TrainContribution[_partition[t]] = v;
            Release(leaf);
        }
        foreach (Node node in frontier) Release(node);
        for (int i = 0; i < Feature.Count; i++)
            Threshold.Add(Feature[i] >= 0 ? thresholds[Feature[i]][BinThreshold[i]] : double.NaN);
    }

    private Node NewNode(int start, int end, int depth)
    {
        Feature.Add(-1);
        BinThreshold.Add(0);
        Left.Add(-1);
        Right.Add(-1);
        Value.Add(0);
        return new Node { Id = Feature.Count - 1, Start = start, End = end, Depth = depth };
    }

    private void Release(Node node)
    {
        if (node.Hist is not null) _pool.Push(node.Hist);
        node.Hist = null;
    }

    private void Accumulate(Node node, out double sumG, out double sumH)
    {
        sumG = 0;
        sumH = 0;
        for (int t = node.Start; t < node.End; t++)
        {
            int i = _partition[t];
            sumG += _g[i];
            sumH += _constantHessian ? 1 : _h[i];
        }
    }

    /// <summary>Finds the node's best split; splittable nodes join the frontier, others become leaves.</summary>
    private void Consider(Node node, List<Node> frontier, List<Node> leaves)
    {
        int count = node.End - node.Start;
        if ((_maxDepth is int d && node.Depth >= d) || count < 2 * _minLeaf)
        {
            leaves.Add(node);
            return;
        }
        FindSplit(node);
        if (node.SplitFeature >= 0) frontier.Add(node);
        else leaves.Add(node);
    }

    private Histogram Rent()
    {
        if (_pool.TryPop(out Histogram? h))
        {
            Array.Clear(h.G);
            if (!_constantHessian) Array.Clear(h.H);
            Array.Clear(h.Count);
            return h;
        }
        return new Histogram(_f * Bins);
    }

    /// <summary>The node's histogram from its samples: gradients gathered in partition order once, then one pass per
    /// feature over its bin column, features in parallel.</summary>
    private Histogram Build(Node node)
    {
        Histogram hist = Rent();
        int m = node.End - node.Start;
        var og = new float[m];
        float[]? oh = _constantHessian ? null : new float[m];
        bool whole = m == _n;
        for (int t = 0; t < m; t++)
        {
            int i = _partition[node.Start + t];
            og[t] = _g[i];
            if (oh is not null) oh[t] = _h[i];
        }
        int rowStart = node.Start;
        Threading.ForBlocks(_f, m, (start, count) => Accumulate(hist, start, count, whole ? -1 : rowStart, m, og, oh));
        return hist;
    }

    /// <summary>The histogram of features start..start+count−1 over m samples: those at partition[rowStart..] or, for
    /// rowStart = −1, samples 0..m−1 in order. Pointer loop: the bin index is a byte, so it cannot leave the 256-entry
    /// histogram of its feature, and the per-update bounds checks of spans are avoided.</summary>
    private unsafe void Accumulate(Histogram hist, int start, int count, int rowStart, int m, float[] og, float[]? oh)
    {
        fixed (double* pg = hist.G, ph = hist.H)
        fixed (int* pc = hist.Count, partition = _partition)
        fixed (byte* pb = _bins)
        fixed (float* g = og, h = oh)
        {
            int* rows = rowStart >= 0 ? partition + rowStart : null;
            for (int j = start; j < start + count; j++)
            {
                double* hg = pg + j * Bins, hh = ph + j * Bins;
                int* hc = pc + j * Bins;
                byte* column = pb + (long)j * _n;
                if (rows is null && h is null)
                    for (int t = 0; t < m; t++) { int b = column[t]; hg[b] += g[t]; hc[b]++; }
                else if (rows is null)
                    for (int t = 0; t < m; t++) { int b = column[t]; hg[b] += g[t]; hh[b] += h[t]; hc[b]++; }
                else if (h is null)
                    for (int t = 0; t < m; t++) { int b = column[rows[t]]; hg[b] += g[t]; hc[b]++; }
                else
                    for (int t = 0; t < m; t++) { int b = column[rows[t]]; hg[b] += g[t]; hh[b] += h[t]; hc[b]++; }
            }
        }
    }

    /// <summary>Scans every feature's bins left to right for the split of largest gain (scikit-learn's
    /// <c>_find_best_bin_to_split_left_to_right</c>), respecting the minimum leaf size and hessian.</summary>
    private void FindSplit(Node node)
    {
        Histogram hist = node.Hist!;
        int count = node.End - node.Start;
        double parent = node.SumG * node.SumG / (node.SumH + _lambda);
        var bestGain = new double[_f];
        var bestBin = new int[_f];
        Threading.ForBlocks(_f, Bins * 4, (start, len) =>
        {
            for (int j = start; j < start + len; j++)
            {
                double gl = 0, hl = 0, best = 0;
                int nl = 0, bin = -1;
                for (int b = 0; b < _nBins[j] - 1; b++)
                {
                    int k = j * Bins + b;
                    nl += hist.Count[k];
                    gl += hist.G[k];
                    hl += _constantHessian ? hist.Count[k] : hist.H[k];
                    int nr = count - nl;
                    double hr = node.SumH - hl, gr = node.SumG - gl;
                    if (nl < _minLeaf || hl < MinHessianToSplit) continue;
                    if (nr < _minLeaf || hr < MinHessianToSplit) break;
                    double gain = gl * gl / (hl + _lambda) + gr * gr / (hr + _lambda) - parent;
                    if (gain > best)
                    {
                        best = gain;
                        bin = b;
                    }
                }
                (bestGain[j], bestBin[j]) = (best, bin);
            }
        });
        node.SplitFeature = -1;
        node.Gain = 0;
        for (int j = 0; j < _f; j++)
            if (bestBin[j] >= 0 && bestGain[j] > node.Gain)
                (node.Gain, node.SplitFeature, node.SplitBin) = (bestGain[j], j, bestBin[j]);
    }

    /// <summary>Partitions the node's samples (stable), builds the smaller child's histogram and subtracts it from the
    /// parent's for the larger one.</summary>
    private (Node Left, Node Right) Split(Node node)
    {
        int j = node.SplitFeature, threshold = node.SplitBin;
        int l = node.Start, r = 0;
        for (int t = node.Start; t < node.End; t++)
        {
            int i = _partition[t];
            if (_bins[(long)j * _n + i] <= threshold) _partition[l++] = i;
            else _buffer[r++] = i;
        }
        Array.Copy(_buffer, 0, _partition, l, r);
        Feature[node.Id] = j;
        BinThreshold[node.Id] = threshold;
        Node left = NewNode(node.Start, l, node.Depth + 1), right = NewNode(l, node.End, node.Depth + 1);
        Left[node.Id] = left.Id;
        Right[node.Id] = right.Id;
        Accumulate(left, out left.SumG, out left.SumH);
        Accumulate(right, out right.SumG, out right.SumH);
        (Node small, Node large) = left.End - left.Start <= right.End - right.Start ? (left, right) : (right, left);
        small.Hist = Build(small);
        Histogram parent = node.Hist!;
        node.Hist = null;
        for (int k = 0; k < parent.G.Length; k++)
        {
            parent.G[k] -= small.Hist.G[k];
            parent.Count[k] -= small.Hist.Count[k];
        }
        if (!_constantHessian)
            for (int k = 0; k < parent.H.Length; k++) parent.H[k] -= small.Hist.H[k];
        large.Hist = parent;
        return (left, right);
    }

    /// <summary>The value of the leaf reached by row i of real-valued x (n, f): left when x ≤ the split's threshold.</summary>
    public double Predict(double[] x, int i, int f)
    {
        int node = 0;
        while (Feature[node] >= 0) node = x[i * f + Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        return Value[node];
    }
}
