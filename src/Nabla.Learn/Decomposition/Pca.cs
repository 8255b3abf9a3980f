namespace Nabla.Learn.Decomposition;

/// <summary>Principal component analysis: projects centred data onto the directions of largest variance.
/// scikit-learn: <c>sklearn.decomposition.PCA(svd_solver='full')</c>.</summary>
/// <remarks>
/// With X̄ = X − μ and the covariance C = X̄ᵀX̄/(N − 1) = V diag(λ) Vᵀ (λ decreasing), the components are the rows
/// of Vᵀ and λ_k = s_k²/(N − 1) with s_k the singular values of X̄, so this is the SVD route scikit-learn takes,
/// computed through the eigen-decomposition of C in double (Householder tridiagonalisation and implicit QL). Signs follow scikit-learn's
/// <c>svd_flip</c>: each component is oriented so that the projection X̄v_k with the largest magnitude is positive.
/// Transform: (x − μ) Vₖᵀ, divided by √λ_k when <see cref="Whiten"/>. At most min(N, F) components exist.
/// Shapes: input (N, F) → output (N, k), Float64.
/// </remarks>
public sealed class Pca : Transformer
{
    private double[]? _components, _explainedVariance, _ratio, _singular, _mean;
    private int? _nComponents;
    private double? _noiseVariance;

    /// <summary>Components to keep: null keeps min(N, F). scikit-learn: <c>n_components=None</c>. Use
    /// <see cref="VarianceFraction"/> for a fraction such as 0.99.</summary>
    public int? NComponents { get; init; }

    /// <summary>Keep the fewest components whose explained variance ratio sums above this fraction in (0, 1); used when
    /// <see cref="NComponents"/> is null. scikit-learn: a float <c>n_components</c> such as 0.99.</summary>
    public double? VarianceFraction { get; init; }

    /// <summary>Whether to scale the projections to unit variance. scikit-learn: <c>whiten=False</c>.</summary>
    public bool Whiten { get; init; }

    /// <summary>Principal axes (k, F), rows orthonormal, largest variance first. scikit-learn: <c>components_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Components => Tensor.FromArray(Fitted(_components), NComponentsFitted, NFeaturesIn);

    /// <summary>Variance λ_k along each kept component (k). scikit-learn: <c>explained_variance_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor ExplainedVariance => Tensor.FromArray(Fitted(_explainedVariance));

    /// <summary>λ_k / Σ_all λ (k). scikit-learn: <c>explained_variance_ratio_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor ExplainedVarianceRatio => Tensor.FromArray(Fitted(_ratio));

    /// <summary>Singular values s_k = √((N − 1) λ_k) of the centred data (k). scikit-learn: <c>singular_values_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor SingularValues => Tensor.FromArray(Fitted(_singular));

    /// <summary>Per-feature mean μ (F). scikit-learn: <c>mean_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Mean => Tensor.FromArray(Fitted(_mean));

    /// <summary>The number k of kept components. scikit-learn: <c>n_components_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NComponentsFitted => Fitted(_nComponents);

    /// <summary>Mean of the discarded eigenvalues (0 if none are discarded). scikit-learn: <c>noise_variance_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double NoiseVariance => Fitted(_noiseVariance);

    /// <summary>Learns μ and the components from <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">N &lt; 2; NComponents outside 1..min(N, F); VarianceFraction outside (0, 1);
    /// non-finite input.</exception>
    public override Pca Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        if (n < 2) throw new ArgumentException($"Pca.Fit: needs at least 2 samples to estimate a variance, got {n}.", nameof(x));
        int rank = Math.Min(n, f);
        if (NComponents is int requested && (requested < 1 || requested > rank))
            throw new ArgumentException($"Pca: NComponents must be in 1..{rank} (min of samples and features), got {requested}.");
        if (VarianceFraction is double fraction && !(fraction > 0 && fraction < 1))
            throw new ArgumentException($"Pca: VarianceFraction must be in (0, 1), got {fraction}.");
        double[] mean = LinAlg.ColumnMeans(d, n, f);
        for (int i = 0; i < d.Length; i++) d[i] -= mean[i % f];
        (double[] gram, _) = LinAlg.Normal(d, new double[n], n, f);
        for (int i = 0; i < gram.Length; i++) gram[i] /= n - 1;
        (double[] values, double[] vectors) = LinAlg.SymmetricEigen(gram, f);
        // Beyond rank min(N, F) the eigenvalues are round-off around 0; scikit-learn's thin SVD has no such components.
        var variance = new double[rank];
        for (int r = 0; r < rank; r++) variance[r] = Math.Max(values[r], 0);
        double total = variance.Sum();
        double[] ratio = variance.Select(v => v / total).ToArray();
        int k = NComponents ?? (VarianceFraction is double frac ? Fewest(ratio, frac) : rank);
        var components = new double[k * f];
        for (int r = 0; r < k; r++)
        {
            // svd_flip (u-based): make the largest-magnitude entry of the projection X̄v positive (first one on ties).
            int best = 0;
            double bestAbs = -1, bestValue = 0;
            for (int i = 0; i < n; i++)
            {
                double z = 0;
                for (int j = 0; j < f; j++) z += d[i * f + j] * vectors[r * f + j];
                if (Math.Abs(z) > bestAbs) (best, bestAbs, bestValue) = (i, Math.Abs(z), z);
            }
            double sign = bestValue < 0 ? -1 : 1;
            for (int j = 0; j < f; j++) components[r * f + j] = sign * vectors[r * f + j];
        }
        _components = components;
        _explainedVariance = variance[..k];
        _ratio = ratio[..k];
        _singular = variance[..k].Select(v => Math.Sqrt(v * (n - 1))).ToArray();
        _mean = mean;
        _nComponents = k;
        _noiseVariance = k < rank ? variance[k..].Average() : 0;
        return this;
    }

    /// <summary>scikit-learn's rule: the first k with cumulative ratio strictly above the fraction
    /// (<c>searchsorted(cumsum, fraction, side='right') + 1</c>).</summary>
    private static int Fewest(double[] ratio, double fraction)
    {
        double cumulative = 0;
        for (int k = 0; k < ratio.Length; k++)
        {
            cumulative += ratio[k];
            if (cumulative > fraction) return k + 1;
        }
        return ratio.Length;
    }

    /// <summary>Projections (N, k): (x − μ) Vₖᵀ, divided by √λ when whitening.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        double[] v = _components!, mean = _mean!, ev = _explainedVariance!;
        int f = mean.Length, k = ev.Length;
        var z = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < k; r++)
            {
                double s = 0;
                for (int j = 0; j < f; j++) s += (d[i * f + j] - mean[j]) * v[r * f + j];
                z[i * k + r] = Whiten ? s / Math.Sqrt(ev[r]) : s;
            }
        return Tensor.FromArray(z, n, k);
    }

    /// <summary>Maps projections (N, k) back to feature space (N, F): z Vₖ + μ (z·√λ first when whitening); exact for
    /// data in the span of the kept components. scikit-learn: <c>inverse_transform(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">z does not have k columns, or is not finite.</exception>
    public Tensor InverseTransform(Tensor z)
    {
        double[] v = Fitted(_components), mean = _mean!, ev = _explainedVariance!;
        int f = mean.Length, k = ev.Length;
        double[] d = Input.Matrix(z, "Pca.InverseTransform", nameof(z), out int n, out int columns);
        if (columns != k) throw new ArgumentException($"Pca.InverseTransform: z has {columns} columns, but Pca was fitted with {k} components.", nameof(z));
        var x = new double[n * f];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < k; r++)
            {
                double s = Whiten ? d[i * k + r] * Math.Sqrt(ev[r]) : d[i * k + r];
                for (int j = 0; j < f; j++) x[i * f + j] += s * v[r * f + j];
            }
        for (int i = 0; i < x.Length; i++) x[i] += mean[i % f];
        return Tensor.FromArray(x, n, f);
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        (_components, _explainedVariance, _ratio, _singular, _mean) = (null, null, null, null, null);
        (_nComponents, _noiseVariance) = (null, null);
    }
}
