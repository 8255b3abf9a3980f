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
        if (x.DType == DType.Float32) LayerNormForward(xc, wc, bc, y, mean, rstd, rows, d, (float)eps);
        else LayerNormForward(xc, wc, bc, y, mean, rstd, rows, d, eps);
        Tensor[] inputs = w is null ? (b is null ? [x] : [x, b]) : (b is null ? [x, w] : [x, w, b]);
        return Graph.Record(y, nameof(LayerNorm), inputs, g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor dx = AllocateUninitialized(x.DType, x.ShapeArray);
            Tensor? dw = w is null ? null : Zeros(w.ShapeArray, x.DType), db = b is null ? null : Zeros(b.ShapeArray, x.DType);
            if (x.DType == DType.Float32) LayerNormBackward<float>(xc, wc, mean, rstd, gc, dx, dw, db, rows, d);
            else LayerNormBackward<double>(xc, wc, mean, rstd, gc, dx, dw, db, rows, d);
            var grads = new List<Tensor?> { dx };
            if (w is not null) grads.Add(dw);
            if (b is not null) grads.Add(db);
            return [.. grads];
        });
    }

    /// <summary>Rows of work below which a block is not worth a thread: the kernel's ~8 flops per element over
    /// 256 rows of d ≥ 32 passes the threading grain.</summary>
    private const int LayerNormRowsPerBlock = 256;

    /// <summary>The forward kernel over blocks of rows split across the threads.</summary>
    private static void LayerNormForward<T>(Tensor xc, Tensor? wc, Tensor? bc, Tensor y, Tensor mean, Tensor rstd, int rows, int d, T eps)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T[] xa = xc.Array<T>(), ya = y.Array<T>(), ma = mean.Array<T>(), ra = rstd.Array<T>();
        int xo = xc.Offset;
        T[]? wa = wc?.Array<T>(), ba = bc?.Array<T>();
        int wo = wc?.Offset ?? 0, bo = bc?.Offset ?? 0;
        Threading.ForBlocks(rows, 8L * d, (r0, nr) => Kernels.LayerNorm.Forward<T>(
            xa.AsSpan(xo + r0 * d, nr * d), wa is null ? default : wa.AsSpan(wo, d), ba is null ? default : ba.AsSpan(bo, d),
            ya.AsSpan(r0 * d, nr * d), ma.AsSpan(r0, nr), ra.AsSpan(r0, nr), nr, d, eps));
    }

    /// <summary>The backward kernel over blocks of rows split across the threads; each block accumulates its own
    /// weight and bias gradient, summed afterwards in block order (so the result depends only on the thread count).</summary>
    private static void LayerNormBackward<T>(Tensor xc, Tensor? wc, Tensor mean, Tensor rstd, Tensor gc, Tensor dx, Tensor? dw, Tensor? db, int rows, int d)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T[] xa = xc.Array<T>(), ga = gc.Array<T>(), da = dx.Array<T>(), ma = mean.Array<T>(), ra = rstd.Array<T>();
        int xo = xc.Offset, go = gc.Offset;
        T[]? wa = wc?.Array<T>();
        int wo = wc?.Offset ?? 0;
        int parts = Math.Max(1, Math.Min(Threading.NumThreads, rows / LayerNormRowsPerBlock));
        var dwParts = new T[dw is null ? 0 : parts * d];
        var dbParts = new T[db is null ? 0 : parts * d];
        Threading.For(parts, i =>
        {
            int r0 = (int)((long)i * rows / parts), nr = (int)((long)(i + 1) * rows / parts) - r0;
            Kernels.LayerNorm.Backward<T>(xa.AsSpan(xo + r0 * d, nr * d), wa is null ? default : wa.AsSpan(wo, d), ma.AsSpan(r0, nr),
                ra.AsSpan(r0, nr), ga.AsSpan(go + r0 * d, nr * d), da.AsSpan(r0 * d, nr * d),
                dw is null ? default : dwParts.AsSpan(i * d, d), db is null ? default : dbParts.AsSpan(i * d, d), nr, d, new T[2 * d]);
        });
        for (int i = 0; i < parts; i++)
        {
            if (dw is not null) System.Numerics.Tensors.TensorPrimitives.Add(dw.AsSpan<T>(), dwParts.AsSpan(i * d, d), dw.AsSpan<T>());
            if (db is not null) System.Numerics.Tensors.TensorPrimitives.Add(db.AsSpan<T>(), dbParts.AsSpan(i * d, d), db.AsSpan<T>());
        }
    }
}
