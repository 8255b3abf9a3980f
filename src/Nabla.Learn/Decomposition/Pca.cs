using Nabla.Kernels;

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
        FitProjections(x);
        return this;
    }

    /// <summary>Fits on <paramref name="x"/> (N, F) and returns its projections (N, k), computed once: the sign rule
    /// needs them anyway. scikit-learn: <c>fit_transform(X)</c>.</summary>
    /// <exception cref="ArgumentException">As <see cref="Fit"/>.</exception>
    public override Tensor FitTransform(Tensor x, Tensor? y = null)
    {
        double[] z = FitProjections(x);
        return Tensor.FromArray(z, z.Length / NComponentsFitted, NComponentsFitted);
    }

    /// <summary>Fits and returns the (whitened when asked) projections of the training data, (N, k) row-major.</summary>
    private double[] FitProjections(Tensor x)
    {
        double[] d = FitInput(x, out int n, out int f, nameof(Fit));
        if (n < 2) throw new ArgumentException($"Pca.Fit: needs at least 2 samples to estimate a variance, got {n}.", nameof(x));
        int rank = Math.Min(n, f);
        if (NComponents is int requested && (requested < 1 || requested > rank))
            throw new ArgumentException($"Pca: NComponents must be in 1..{rank} (min of samples and features), got {requested}.");
        if (VarianceFraction is double fraction && !(fraction > 0 && fraction < 1))
            throw new ArgumentException($"Pca: VarianceFraction must be in (0, 1), got {fraction}.");
        double[] mean = LinAlg.ColumnMeans(d, n, f);
        for (int i = 0; i < d.Length; i++) d[i] -= mean[i % f];
        double[] gram = LinAlg.Gram(d, n, f);
        for (int i = 0; i < gram.Length; i++) gram[i] /= n - 1;
        (double[] values, double[] vectors) = LinAlg.SymmetricEigen(gram, f);
        // Beyond rank min(N, F) the eigenvalues are round-off around 0; scikit-learn's thin SVD has no such components.
        var variance = new double[rank];
        for (int r = 0; r < rank; r++) variance[r] = Math.Max(values[r], 0);
        double total = variance.Sum();
        double[] ratio = variance.Select(v => v / total).ToArray();
        int k = NComponents ?? (VarianceFraction is double frac ? Fewest(ratio, frac) : rank);
        // Projections Z = X̄ Vₖᵀ (N, k) by GEMM; svd_flip (u-based) then makes the largest-magnitude entry of each
        // column of Z positive (the first one on ties), flipping the component and the column together.
        var components = vectors[..(k * f)];
        var z = new double[n * k];
        Gemm.Multiply(transA: false, transB: true, n, k, f, 1, d, f, components, f, 0, z, k);
        for (int r = 0; r < k; r++)
        {
            double bestAbs = -1, bestValue = 0;
            for (int i = 0; i < n; i++)
            {
                double v = z[i * k + r];
                if (Math.Abs(v) > bestAbs) (bestAbs, bestValue) = (Math.Abs(v), v);
            }
            if (bestValue >= 0) continue;
            for (int j = 0; j < f; j++) components[r * f + j] = -components[r * f + j];
            for (int i = 0; i < n; i++) z[i * k + r] = -z[i * k + r];
        }
        if (Whiten)
        {
            double[] scale = variance[..k].Select(v => 1 / Math.Sqrt(v)).ToArray();
            for (int i = 0; i < z.Length; i++) z[i] *= scale[i % k];
        }
        _components = components;
        _explainedVariance = variance[..k];
        _ratio = ratio[..k];
        _singular = variance[..k].Select(v => Math.Sqrt(v * (n - 1))).ToArray();
        _mean = mean;
        _nComponents = k;
        _noiseVariance = k < rank ? variance[k..].Average() : 0;
        return z;
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
        for (int i = 0; i < d.Length; i++) d[i] -= mean[i % f];
        var z = new double[n * k];
        Gemm.Multiply(transA: false, transB: true, n, k, f, 1, d, f, v, f, 0, z, k);
        if (Whiten)
            for (int i = 0; i < z.Length; i++) z[i] /= Math.Sqrt(ev[i % k]);
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
        if (Whiten)
            for (int i = 0; i < d.Length; i++) d[i] *= Math.Sqrt(ev[i % k]);
        // Rows of x start as μ, then x += z Vₖ by GEMM (beta = 1).
        var x = new double[n * f];
        for (int i = 0; i < n; i++) mean.CopyTo(x, i * f);
        Gemm.Multiply(transA: false, transB: false, n, f, k, 1, d, k, v, f, 1, x, f);
        return Tensor.FromArray(x, n, f);
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        (_components, _explainedVariance, _ratio, _singular, _mean) = (null, null, null, null, null);
        (_nComponents, _noiseVariance) = (null, null);
    }
}
