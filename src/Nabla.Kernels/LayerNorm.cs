using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Fused layer normalisation over the rows of a contiguous block, forward and backward.
/// PyTorch: <c>F.layer_norm</c>.</summary>
/// <remarks>Shapes: x (rows, d) contiguous; weight and bias (d) or empty; mean and rstd (rows) are saved for
/// backward. Per row: μ = Σx/d, σ² = Σ(x − μ)²/d (biased), rstd = 1/√(σ² + ε), x̂ = (x − μ)·rstd,
/// y = x̂·w + b. When d is a multiple of the 512-bit vector width each row is processed in registers (a transformer's
/// d = 128 is 8 vectors of float): one pass for μ, one for σ², one writing y; backward one pass for the row sums
/// and the weight/bias gradients and one writing dx. Otherwise the rows take <see cref="LayerNormReference"/>,
/// which is also the tests' oracle.</remarks>
public static class LayerNorm
{
    /// <summary>y = (x − μ)·rstd·w + b per row; writes μ and rstd for backward.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                  Span<T> mean, Span<T> rstd, int rows, int d, T eps)
        where T : IFloatingPointIeee754<T>
    {
        if (!Vectorised<T>(d))
        {
            LayerNormReference.Forward(x, weight, bias, y, mean, rstd, rows, d, eps);
            return;
        }
        CheckLengths(x.Length, y.Length, mean.Length, rstd.Length, rows, d, weight.Length, bias.Length);
        int w = Vector512<T>.Count;
        T n = T.CreateChecked(d);
        ref T xr0 = ref MemoryMarshal.GetReference(x);
        ref T yr0 = ref MemoryMarshal.GetReference(y);
        for (int r = 0; r < rows; r++)
        {
            ref T xr = ref Unsafe.Add(ref xr0, r * d);
            ref T yr = ref Unsafe.Add(ref yr0, r * d);
            var acc = Vector512<T>.Zero;
            for (int j = 0; j < d; j += w) acc += Vector512.LoadUnsafe(ref xr, (nuint)j);
            T mu = Vector512.Sum(acc) / n;
            // Centred squares, not E[x²] − E[x]², which cancels badly.
            var vmu = Vector512.Create(mu);
            acc = Vector512<T>.Zero;
            for (int j = 0; j < d; j += w)
            {
                Vector512<T> c = Vector512.LoadUnsafe(ref xr, (nuint)j) - vmu;
                acc += c * c;
            }
            T rs = T.One / T.Sqrt(Vector512.Sum(acc) / n + eps);
            mean[r] = mu;
            rstd[r] = rs;
            var vrs = Vector512.Create(rs);
            for (int j = 0; j < d; j += w)
            {
                Vector512<T> v = (Vector512.LoadUnsafe(ref xr, (nuint)j) - vmu) * vrs;
                if (!weight.IsEmpty) v *= Vector512.Create(weight.Slice(j, w));
                if (!bias.IsEmpty) v += Vector512.Create(bias.Slice(j, w));
                v.StoreUnsafe(ref yr, (nuint)j);
            }
        }
    }

    /// <summary>Gradients of layer norm. With ĝ = dy·w per row:
    /// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dw = Σ_rows dy·x̂, db = Σ_rows dy (dw and db accumulate into
    /// their spans, which may be empty when not needed). Scratch must hold 2·d elements.</summary>
    /// <remarks>Derivation: x̂ = (x − μ)·rstd depends on every x in the row through μ and rstd;
    /// ∂x̂ᵢ/∂xⱼ = rstd·(δᵢⱼ − 1/d − x̂ᵢx̂ⱼ/d), and contracting with ĝ gives the formula above.</remarks>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
                                   ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, int rows, int d,
                                   Span<T> scratch)
        where T : IFloatingPointIeee754<T>
    {
        if (!Vectorised<T>(d))
        {
            LayerNormReference.Backward(x, weight, mean, rstd, dy, dx, dWeight, dBias, rows, d, scratch);
            return;
        }
        CheckLengths(x.Length, dy.Length, mean.Length, rstd.Length, rows, d, weight.Length, 0);
        if ((!dx.IsEmpty && dx.Length < (long)rows * d) || (!dWeight.IsEmpty && dWeight.Length < d) || (!dBias.IsEmpty && dBias.Length < d))
            throw new ArgumentException($"LayerNorm backward: gradient spans dx {dx.Length}, dw {dWeight.Length}, db {dBias.Length} are too short for ({rows}, {d}).");
        int w = Vector512<T>.Count;
        T invN = T.One / T.CreateChecked(d);
        ref T xr0 = ref MemoryMarshal.GetReference(x);
        ref T gr0 = ref MemoryMarshal.GetReference(dy);
        for (int r = 0; r < rows; r++)
        {
            ref T xr = ref Unsafe.Add(ref xr0, r * d);
            ref T gr = ref Unsafe.Add(ref gr0, r * d);
            var vmu = Vector512.Create(mean[r]);
            var vrs = Vector512.Create(rstd[r]);
            Vector512<T> sumG = Vector512<T>.Zero, sumGx = Vector512<T>.Zero;
            for (int j = 0; j < d; j += w)
            {
                Vector512<T> xhat = (Vector512.LoadUnsafe(ref xr, (nuint)j) - vmu) * vrs;
                Vector512<T> g = Vector512.LoadUnsafe(ref gr, (nuint)j);
                if (!dWeight.IsEmpty) (Vector512.Create((ReadOnlySpan<T>)dWeight.Slice(j, w)) + g * xhat).CopyTo(dWeight.Slice(j, w));
                if (!dBias.IsEmpty) (Vector512.Create((ReadOnlySpan<T>)dBias.Slice(j, w)) + g).CopyTo(dBias.Slice(j, w));
                if (!weight.IsEmpty) g *= Vector512.Create(weight.Slice(j, w));
                sumG += g;
                sumGx += g * xhat;
            }
            if (dx.IsEmpty) continue;
            var meanG = Vector512.Create(Vector512.Sum(sumG) * invN);
            var meanGx = Vector512.Create(Vector512.Sum(sumGx) * invN);
            ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), r * d);
            for (int j = 0; j < d; j += w)
            {
                Vector512<T> xhat = (Vector512.LoadUnsafe(ref xr, (nuint)j) - vmu) * vrs;
                Vector512<T> g = Vector512.LoadUnsafe(ref gr, (nuint)j);
                if (!weight.IsEmpty) g *= Vector512.Create(weight.Slice(j, w));
                // dx = rstd·(g − meanG − x̂·meanGx)
                ((g - meanG - xhat * meanGx) * vrs).StoreUnsafe(ref dr, (nuint)j);
            }
        }
    }

    private static void CheckLengths(int x, int y, int mean, int rstd, int rows, int d, int weight, int bias)
    {
        long n = (long)rows * d;
        if (x < n || y < n || mean < rows || rstd < rows || (weight != 0 && weight < d) || (bias != 0 && bias < d))
            throw new ArgumentException($"LayerNorm: spans x {x}, y/dy {y}, mean {mean}, rstd {rstd}, weight {weight}, bias {bias} are too short for ({rows}, {d}).");
    }

    /// <summary>Whether rows of d elements take the register path.</summary>
    private static bool Vectorised<T>(int d) where T : IFloatingPointIeee754<T>
        => Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && d > 0 && d % Vector512<T>.Count == 0;
}

/// <summary>The oracle of <see cref="LayerNorm"/> (and its path for widths the vector path does not take): the same
/// formulas row by row with TensorPrimitives.</summary>
public static class LayerNormReference
{
    /// <summary>y = (x − μ)·rstd·w + b per row; writes μ and rstd. See <see cref="LayerNorm.Forward{T}"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                  Span<T> mean, Span<T> rstd, int rows, int d, T eps)
        where T : IFloatingPointIeee754<T>
    {
        T n = T.CreateChecked(d);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * d, d);
            Span<T> yr = y.Slice(r * d, d);
            // Two passes (mean, then centred squares) rather than E[x²] − E[x]², which cancels badly.
            T mu = TensorPrimitives.Sum(xr) / n;
            TensorPrimitives.Subtract(xr, mu, yr);
            T variance = TensorPrimitives.SumOfSquares<T>(yr) / n;
            T rs = T.One / T.Sqrt(variance + eps);
            mean[r] = mu;
            rstd[r] = rs;
            TensorPrimitives.Multiply(yr, rs, yr);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(yr, weight, yr);
            if (!bias.IsEmpty) TensorPrimitives.Add(yr, bias, yr);
        }
    }

    /// <summary>Gradients of layer norm; see <see cref="LayerNorm.Backward{T}"/>. Scratch must hold 2·d elements.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
                                   ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, int rows, int d,
                                   Span<T> scratch)
        where T : IFloatingPointIeee754<T>
    {
        T n = T.CreateChecked(d);
        Span<T> xhat = scratch[..d], g = scratch.Slice(d, d);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * d, d), dyr = dy.Slice(r * d, d);
            TensorPrimitives.Subtract(xr, mean[r], xhat);
            TensorPrimitives.Multiply(xhat, rstd[r], xhat);
            if (!dWeight.IsEmpty) TensorPrimitives.FusedMultiplyAdd(dyr, xhat, dWeight, dWeight);
            if (!dBias.IsEmpty) TensorPrimitives.Add(dBias, dyr, dBias);
            if (dx.IsEmpty) continue;
            if (weight.IsEmpty) dyr.CopyTo(g);
            else TensorPrimitives.Multiply(dyr, weight, g);
            T meanG = TensorPrimitives.Sum<T>(g) / n;
            T meanGx = TensorPrimitives.Dot<T>(g, xhat) / n;
            Span<T> dxr = dx.Slice(r * d, d);
            // dx = rstd·(g − meanG − x̂·meanGx)
            TensorPrimitives.Multiply(xhat, -meanGx, dxr);
            TensorPrimitives.Add(dxr, g, dxr);
            TensorPrimitives.Subtract(dxr, meanG, dxr);
            TensorPrimitives.Multiply(dxr, rstd[r], dxr);
        }
    }
}
