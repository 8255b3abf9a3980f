namespace Nabla.Learn.Cluster;

/// <summary>K-means clustering by Lloyd's algorithm with k-means++ seeding.
/// scikit-learn: <c>sklearn.cluster.KMeans(algorithm='lloyd')</c>.</summary>
/// <remarks>
/// Minimises the inertia Σ_i ‖x_i − c_{label(i)}‖². Each Lloyd iteration assigns every sample to its nearest centre and
/// moves each centre to the mean of its samples; an emptied cluster takes the sample farthest from its own centre.
/// Stops when the labels no longer change or the total squared centre shift is at most Tol·mean_j var(x_j)
/// (scikit-learn's scaled tolerance), or after MaxIter iterations, then relabels against the final centres.
/// The best of NInit seeded runs (lowest inertia) is kept. Shapes: X (N, F) → ClusterCenters (K, F), Labels (N);
/// Transform gives distances (N, K).
/// </remarks>
public sealed class KMeans : Transformer
{
    private double[]? _centers;
    private long[]? _labels;
    private double? _inertia;
    private int? _nIter;

    /// <summary>Number of clusters K. scikit-learn: <c>n_clusters=8</c>.</summary>
    public int NClusters { get; init; } = 8;

    /// <summary>The seeding method. scikit-learn: <c>init='k-means++'</c>.</summary>
    public KMeansInit Init { get; init; } = KMeansInit.KMeansPlusPlus;

    /// <summary>Explicit starting centres (K, F); when set, <see cref="Init"/> is ignored and one run is made.
    /// scikit-learn: an array passed as <c>init</c>.</summary>
    public Tensor? InitialCenters { get; init; }

    /// <summary>Number of seeded runs; the lowest-inertia one is kept. scikit-learn 1.2: <c>n_init=10</c>.</summary>
    public int NInit { get; init; } = 10;

    /// <summary>Maximum Lloyd iterations per run. scikit-learn: <c>max_iter=300</c>.</summary>
    public int MaxIter { get; init; } = 300;

    /// <summary>Centre-shift tolerance, relative to the mean feature variance. scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Seed of the initialisations; null draws a fresh one. scikit-learn: <c>random_state=None</c>
    /// (Nabla's generator, so seeded runs differ from scikit-learn's).</summary>
    public long? RandomState { get; init; }

    /// <summary>The centres (K, F). scikit-learn: <c>cluster_centers_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor ClusterCenters => Tensor.FromArray(Fitted(_centers), NClusters, NFeaturesIn);

    /// <summary>The cluster of each training sample (N), Int64. scikit-learn: <c>labels_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Labels => Tensor.FromArray(Fitted(_labels));

    /// <summary>Sum of squared distances of the training samples to their centres. scikit-learn: <c>inertia_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double Inertia => Fitted(_inertia);

    /// <summary>Lloyd iterations of the kept run. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    /// <summary>Clusters <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">NClusters outside 1..N, NInit or MaxIter &lt; 1, Tol &lt; 0, InitialCenters of the
    /// wrong shape, or non-finite input.</exception>
    public override KMeans Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        int k = NClusters;
        if (k < 1 || k > n) throw new ArgumentException($"KMeans: NClusters must be in 1..{n} (the number of samples), got {k}.");
        if (NInit < 1 || MaxIter < 1 || !(Tol >= 0)) throw new ArgumentException($"KMeans: need NInit ≥ 1, MaxIter ≥ 1, Tol ≥ 0; got {NInit}, {MaxIter}, {Tol}.");
        double[]? given = null;
        if (InitialCenters is not null)
        {
            given = Input.Matrix(InitialCenters, "KMeans.Fit", nameof(InitialCenters), out int kc, out int fc);
            if (kc != k || fc != f) throw new ArgumentException($"KMeans: InitialCenters has shape ({kc}, {fc}) but needs ({k}, {f}).");
        }
        // scikit-learn's _tolerance: Tol times the mean per-feature variance, so it does not depend on the data's scale.
        double[] mean = LinAlg.ColumnMeans(d, n, f);
        double meanVar = 0;
        for (int i = 0; i < d.Length; i++) meanVar += (d[i] - mean[i % f]) * (d[i] - mean[i % f]);
        double tol = Tol * meanVar / (n * f);
        Generator g = new(RandomState ?? System.Random.Shared.NextInt64());
        (double[] Centers, int[] Labels, double Inertia, int Iter)? best = null;
        for (int run = 0; run < (given is null ? NInit : 1); run++)
        {
            double[] centers = given is not null ? (double[])given.Clone() : Init == KMeansInit.Random ? RandomInit(d, n, f, k, g) : PlusPlus(d, n, f, k, g);
            var result = Lloyd(d, n, f, k, centers, tol);
            if (best is null || result.Inertia < best.Value.Inertia) best = result;
        }
        _centers = best!.Value.Centers;
        _labels = best.Value.Labels.Select(l => (long)l).ToArray();
        _inertia = best.Value.Inertia;
        _nIter = best.Value.Iter;
        return this;
    }

    private static double Dist2(double[] a, int ai, double[] b, int bi, int f)
    {
        double s = 0;
        for (int j = 0; j < f; j++)
        {
            double t = a[ai + j] - b[bi + j];
            s += t * t;
        }
        return s;
    }

    private static double[] RandomInit(double[] d, int n, int f, int k, Generator g)
    {
        int[] perm = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)g.NextBounded((ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        var c = new double[k * f];
        for (int r = 0; r < k; r++) Array.Copy(d, perm[r] * f, c, r * f, f);
        return c;
    }

    /// <summary>Greedy k-means++: the first centre uniform, then for each next centre 2 + ⌊ln K⌋ candidates drawn with
    /// probability D(x)²/Σ D², keeping the one that most lowers the potential Σ D².</summary>
    private static double[] PlusPlus(double[] d, int n, int f, int k, Generator g)
    {
        var c = new double[k * f];
        int first = (int)g.NextBounded((ulong)n);
        Array.Copy(d, first * f, c, 0, f);
        var closest = new double[n];
        for (int i = 0; i < n; i++) closest[i] = Dist2(d, i * f, c, 0, f);
        int trials = 2 + (int)Math.Log(k);
        var candidateDist = new double[n];
        var dots = new double[n];
        var rowNorms = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) rowNorms[i] += d[i * f + j] * d[i * f + j];
        for (int r = 1; r < k; r++)
        {
            double potential = closest.Sum();
            int bestCandidate = -1;
            double bestPotential = double.PositiveInfinity;
            double[]? bestDist = null;
            for (int t = 0; t < trials; t++)
            {
                // Inverse-CDF draw from the D² distribution (uniform if every sample already sits on a centre).
                int pick = potential > 0 ? n - 1 : (int)g.NextBounded((ulong)n);
                double u = g.NextDouble() * potential, acc = 0;
                for (int i = 0; potential > 0 && i < n; i++)
                {
                    acc += closest[i];
                    if (acc > u) { pick = i; break; }
                }
                // ‖x_i − x_pick‖² = ‖x_i‖² − 2 x_i·x_pick + ‖x_pick‖² with the products by GEMM (clamped at 0 against round-off).
                Skinny.XWt(d, n, f, d[(pick * f)..((pick + 1) * f)], 1, dots);
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    candidateDist[i] = Math.Min(closest[i], Math.Max(rowNorms[i] - 2 * dots[i] + rowNorms[pick], 0));
                    sum += candidateDist[i];
                }
                if (sum < bestPotential)
                {
                    (bestCandidate, bestPotential) = (pick, sum);
                    bestDist = (double[])candidateDist.Clone();
                }
            }
            Array.Copy(d, bestCandidate * f, c, r * f, f);
            closest = bestDist!;
        }
        return c;
    }

    private (double[] Centers, int[] Labels, double Inertia, int Iter) Lloyd(double[] d, int n, int f, int k, double[] centers, double tol)
    {
        var labels = new int[n];
        var previous = Enumerable.Repeat(-1, n).ToArray();
        int iter = 0;
        bool strict = false;
        while (iter < MaxIter)
        {
            iter++;
            Assign(d, n, f, k, centers, labels);
            double[] next = Update(d, n, f, k, centers, labels);
            double shift = 0;
            for (int i = 0; i < next.Length; i++) shift += (next[i] - centers[i]) * (next[i] - centers[i]);
            centers = next;
            if (labels.AsSpan().SequenceEqual(previous)) { strict = true; break; }
            if (shift <= tol) break;
            Array.Copy(labels, previous, n);
        }
        // Without strict convergence the labels belong to the centres before the last update: recompute them.
        if (!strict) Assign(d, n, f, k, centers, labels);
        double inertia = 0;
        for (int i = 0; i < n; i++) inertia += Dist2(d, i * f, centers, labels[i] * f, f);
        return (centers, labels, inertia, iter);
    }

    /// <summary>The nearest centre of each sample: argmin_c ‖c‖² − 2 x·c (‖x‖² is the same for every c), with the
    /// products x·c for all samples and centres by one GEMM, as scikit-learn's Lloyd iteration computes them.</summary>
    private static void Assign(double[] d, int n, int f, int k, double[] centers, int[] labels)
    {
        var norms = new double[k];
        for (int a = 0; a < k * f; a++) norms[a / f] += centers[a] * centers[a];
        var dots = new double[n * k];
        Skinny.XWt(d, n, f, centers, k, dots);
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestDist = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double dist = norms[c] - 2 * dots[i * k + c];
                if (dist < bestDist) (best, bestDist) = (c, dist);
            }
            labels[i] = best;
        }
    }

    /// <summary>Cluster means; an empty cluster moves onto the sample farthest from its centre, which leaves that
    /// sample's own cluster (as scikit-learn's <c>_relocate_empty_clusters</c>).</summary>
    private static double[] Update(double[] d, int n, int f, int k, double[] centers, int[] labels)
    {
        var sums = new double[k * f];
        var counts = new int[k];
        for (int i = 0; i < n; i++)
        {
            counts[labels[i]]++;
            System.Numerics.Tensors.TensorPrimitives.Add(sums.AsSpan(labels[i] * f, f), d.AsSpan(i * f, f), sums.AsSpan(labels[i] * f, f));
        }
        int[] empty = Enumerable.Range(0, k).Where(c => counts[c] == 0).ToArray();
        if (empty.Length > 0)
        {
            int[] far = Enumerable.Range(0, n).OrderByDescending(i => Dist2(d, i * f, centers, labels[i] * f, f)).Take(empty.Length).ToArray();
            for (int e = 0; e < empty.Length; e++)
            {
                int i = far[e], old = labels[i];
                counts[old]--;
                for (int j = 0; j < f; j++)
                {
                    sums[old * f + j] -= d[i * f + j];
                    sums[empty[e] * f + j] = d[i * f + j];
                }
                counts[empty[e]] = 1;
                labels[i] = empty[e];
            }
        }
        var next = new double[k * f];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < f; j++) next[c * f + j] = counts[c] == 0 ? centers[c * f + j] : sums[c * f + j] / counts[c];
        return next;
    }

    /// <summary>The nearest centre of each sample (N), Int64. scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        var labels = new int[n];
        Assign(d, n, NFeaturesIn, NClusters, _centers!, labels);
        return Tensor.FromArray(labels.Select(l => (long)l).ToArray());
    }

    /// <summary>Euclidean distances to every centre (N, K). scikit-learn: <c>transform(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int f = NFeaturesIn, k = NClusters;
        var dist = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++) dist[i * k + c] = Math.Sqrt(Dist2(d, i * f, _centers!, c * f, f));
        return Tensor.FromArray(dist, n, k);
    }

    /// <summary>Minus the inertia of <paramref name="x"/> against the fitted centres (larger is better).
    /// scikit-learn: <c>score(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public double Score(Tensor x)
    {
        double[] dist = Transform(x).ToArray<double>();
        double s = 0;
        for (int i = 0; i < dist.Length / NClusters; i++)
            s -= Enumerable.Range(0, NClusters).Min(c => dist[i * NClusters + c] * dist[i * NClusters + c]);
        return s;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_centers, _labels, _inertia, _nIter) = (null, null, null, null);
}
