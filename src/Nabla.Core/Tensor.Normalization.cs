using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>:
    /// (x − μ)/√(σ² + ε)·w + b with μ, σ² the mean and biased variance of each slice. PyTorch: <c>F.layer_norm</c>.</summary>
    /// <remarks>Shapes: x (*, normalizedShape) → same; weight and bias of normalizedShape (or null). Fused kernel
    /// with its own backward; tested against the composite formula built from Mean/Var/Rsqrt.</remarks>
    /// <param name="normalizedShape">The trailing shape normalised over.</param>
    /// <param name="weight">Scale γ, or null.</param>
    /// <param name="bias">Shift β, or null.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <exception cref="ArgumentException">The trailing dims or the weight/bias shapes do not match.</exception>
    public Tensor LayerNorm(int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        Tensor x = RequireFloat(this, nameof(LayerNorm));
        int k = normalizedShape.Length;
        if (k == 0 || k > x.Dim || !x.ShapeArray.AsSpan(x.Dim - k).SequenceEqual(normalizedShape))
            throw new ArgumentException($"LayerNorm: normalized shape {Layout.Format(normalizedShape)} must match the trailing dims of the input {x.ShapeString}.");
        foreach ((Tensor? p, string name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (p is not null && !p.ShapeArray.AsSpan().SequenceEqual(normalizedShape))
                throw new ArgumentException($"LayerNorm: {name} {p.ShapeString} must have the normalized shape {Layout.Format(normalizedShape)}.");
        }
        Tensor? w = weight?.To(x.DType), b = bias?.To(x.DType);
        int d = Layout.NumEl(normalizedShape), rows = d == 0 ? 0 : x.NumEl / d;
        Tensor xc = x.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, x.ShapeArray);
        Tensor mean = AllocateUninitialized(x.DType, [rows]), rstd = AllocateUninitialized(x.DType, [rows]);
        Tensor? wc = w?.ContiguousRaw(), bc = b?.ContiguousRaw();
        if (x.DType == DType.Float32)
            Kernels.LayerNorm.Forward<float>(xc.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(), bc is null ? default : bc.AsSpan<float>(),
                                             y.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(), rows, d, (float)eps);
        else
            Kernels.LayerNorm.Forward<double>(xc.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(), bc is null ? default : bc.AsSpan<double>(),
                                              y.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(), rows, d, eps);
        Tensor[] inputs = w is null ? (b is null ? [x] : [x, b]) : (b is null ? [x, w] : [x, w, b]);
        return Graph.Record(y, nameof(LayerNorm), inputs, g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dx = AllocateUninitialized(x.DType, x.ShapeArray);
            Tensor? dw = w is null ? null : Zeros(w.ShapeArray, x.DType), db = b is null ? null : Zeros(b.ShapeArray, x.DType);
            if (x.DType == DType.Float32)
                Kernels.LayerNorm.Backward<float>(xc.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(),
                    gc.AsSpan<float>(), dx.AsSpan<float>(), dw is null ? default : dw.AsSpan<float>(), db is null ? default : db.AsSpan<float>(), rows, d, new float[2 * d]);
            else
                Kernels.LayerNorm.Backward<double>(xc.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(),
                    gc.AsSpan<double>(), dx.AsSpan<double>(), dw is null ? default : dw.AsSpan<double>(), db is null ? default : db.AsSpan<double>(), rows, d, new double[2 * d]);
            var grads = new List<Tensor?> { dx };
            if (w is not null) grads.Add(dw);
            if (b is not null) grads.Add(db);
            return [.. grads];
        });
    }
}
