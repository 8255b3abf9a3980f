using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>Fused batch normalisation and group normalisation, forward and backward. PyTorch:
/// <c>F.batch_norm</c>, <c>F.group_norm</c>.</summary>
/// <remarks>
/// <para>Shapes: x (N, C, L) contiguous, L the product of the spatial dims (1 for BatchNorm1d on (N, C)).</para>
/// <para>Batch norm normalises each channel over its M = N·L values: x̂ = (x − μ_c)·rstd_c with
/// rstd_c = 1/√(σ²_c + ε) (σ² biased), y = x̂·γ_c + β_c. Group norm normalises each (sample, group of C/G channels)
/// slice the same way and then applies the per-channel γ, β.</para>
/// <para>Backward, with ĝ = dy·γ over one normalised set of M values: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) when
/// the statistics came from the batch (they depend on x), dx = rstd·ĝ when they are constants (eval mode with
/// running statistics); dγ_c = Σ dy·x̂, dβ_c = Σ dy over the channel's values.</para>
/// </remarks>
public static class BatchNorm
{
    /// <summary>Per-channel mean and biased variance (two passes: mean, then centred squares).</summary>
    /// <param name="x">Input (N, C, L).</param>
    /// <param name="n">N.</param>
    /// <param name="c">C.</param>
    /// <param name="l">L.</param>
    /// <param name="mean">Output (C).</param>
    /// <param name="variance">Output (C), biased (divided by N·L).</param>
    public static void Statistics<T>(ReadOnlySpan<T> x, int n, int c, int l, Span<T> mean, Span<T> variance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked((long)n * l);
        for (int ch = 0; ch < c; ch++)
        {
            T sum = T.Zero;
            for (int s = 0; s < n; s++) sum += TensorPrimitives.Sum(x.Slice((s * c + ch) * l, l));
            T mu = sum / m, sq = T.Zero;
            for (int s = 0; s < n; s++)
            {
                sq += SumOfSquaredDeviations(x.Slice((s * c + ch) * l, l), mu);
            }
            mean[ch] = mu;
            variance[ch] = sq / m;
        }
    }

    /// <summary>Σ (x[i] − μ)², with vector lanes (the two-pass form: no cancellation of Σx² against (Σx)²/M).</summary>
    private static T SumOfSquaredDeviations<T>(ReadOnlySpan<T> x, T mu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sq = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            Vector<T> acc = Vector<T>.Zero, mv = new(mu);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> d = new Vector<T>(x[i..]) - mv;
                acc += d * d;
            }
            sq = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            T d = x[i] - mu;
            sq += d * d;
        }
        return sq;
    }

    /// <summary>y = (x − mean_c)·rstd_c·γ_c + β_c.</summary>
    /// <param name="x">Input (N, C, L).</param>
    /// <param name="mean">Per-channel mean (C).</param>
    /// <param name="rstd">Per-channel 1/√(σ² + ε) (C).</param>
    /// <param name="weight">γ (C), or empty for 1.</param>
    /// <param name="bias">β (C), or empty for 0.</param>
    /// <param name="y">Output (N, C, L).</param>
    /// <param name="n">N.</param>
    /// <param name="c">C.</param>
    /// <param name="l">L.</param>
    public static void Normalize<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd, ReadOnlySpan<T> weight,
                                    ReadOnlySpan<T> bias, Span<T> y, int n, int c, int l)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < n; s++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                // y = x·scale + shift with scale = rstd·γ, shift = β − μ·scale.
                T scale = rstd[ch] * (weight.IsEmpty ? T.One : weight[ch]);
                T shift = (bias.IsEmpty ? T.Zero : bias[ch]) - mean[ch] * scale;
                int at = (s * c + ch) * l;
                TensorPrimitives.Multiply(x.Slice(at, l), scale, y.Slice(at, l));
                TensorPrimitives.Add(y.Slice(at, l), shift, y.Slice(at, l));
            }
        }
    }

    /// <summary>Gradients of batch norm (see the type's remarks); dx, dweight and dbias are overwritten and may be
    /// empty when not needed.</summary>
    /// <param name="x">Input (N, C, L).</param>
    /// <param name="weight">γ (C), or empty.</param>
    /// <param name="mean">The mean used in forward (C).</param>
    /// <param name="rstd">The rstd used in forward (C).</param>
    /// <param name="dy">Output gradient (N, C, L).</param>
    /// <param name="batchStatistics">Whether forward used the batch's own statistics (training).</param>
    /// <param name="dx">Input gradient (N, C, L), or empty.</param>
    /// <param name="dWeight">dγ (C), or empty.</param>
    /// <param name="dBias">dβ (C), or empty.</param>
    /// <param name="n">N.</param>
    /// <param name="c">C.</param>
    /// <param name="l">L.</param>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
                                   ReadOnlySpan<T> dy, bool batchStatistics, Span<T> dx, Span<T> dWeight, Span<T> dBias,
                                   int n, int c, int l)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked((long)n * l);
        for (int ch = 0; ch < c; ch++)
        {
            T mu = mean[ch], rs = rstd[ch], sumDy = T.Zero, sumDyXc = T.Zero;
            for (int s = 0; s < n; s++)
            {
                int at = (s * c + ch) * l;
                (T sum, T dot) = SumAndDot(dy.Slice(at, l), x.Slice(at, l));
                sumDy += sum;
                // Σ dy·(x − μ) = Σ dy·x − μ·Σ dy, accumulated per slice to limit cancellation.
                sumDyXc += dot - mu * sum;
            }
            T sumDyXhat = sumDyXc * rs;
            if (!dWeight.IsEmpty) dWeight[ch] = sumDyXhat;
            if (!dBias.IsEmpty) dBias[ch] = sumDy;
            if (dx.IsEmpty) continue;
            T w = weight.IsEmpty ? T.One : weight[ch];
            // dx = w·rstd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M) = a·dy + b·x + d with the constants below.
            T a = w * rs;
            T b = batchStatistics ? -a * rs * sumDyXhat / m : T.Zero;
            T d = batchStatistics ? -a * sumDy / m - b * mu : T.Zero;
            for (int s = 0; s < n; s++)
            {
                int at = (s * c + ch) * l;
                ReadOnlySpan<T> xs = x.Slice(at, l), gs = dy.Slice(at, l);
                Span<T> dxs = dx.Slice(at, l);
                if (batchStatistics) AffinePair(gs, a, xs, b, d, dxs);
                else TensorPrimitives.Multiply(gs, a, dxs);
            }
        }
    }

    /// <summary>(Σ g, Σ g·x) of one slice in a single pass over both.</summary>
    private static (T Sum, T Dot) SumAndDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero, dot = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && g.Length >= Vector<T>.Count)
        {
            Vector<T> vs = Vector<T>.Zero, vd = Vector<T>.Zero;
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gv = new Vector<T>(g[i..]);
                vs += gv;
                vd = GemmFma.MulAdd(gv, new Vector<T>(x[i..]), vd);
            }
            sum = Vector.Sum(vs);
            dot = Vector.Sum(vd);
        }
        for (; i < g.Length; i++)
        {
            sum += g[i];
            dot = T.FusedMultiplyAdd(g[i], x[i], dot);
        }
        return (sum, dot);
    }

    /// <summary>dx = a·g + (b·x + d) in a single pass (the batch-statistics input gradient).</summary>
    private static void AffinePair<T>(ReadOnlySpan<T> g, T a, ReadOnlySpan<T> x, T b, T d, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && g.Length >= Vector<T>.Count)
        {
            Vector<T> va = new(a), vb = new(b), vd = new(d);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
                GemmFma.MulAdd(new Vector<T>(g[i..]), va, GemmFma.MulAdd(new Vector<T>(x[i..]), vb, vd)).CopyTo(dx[i..]);
        }
        for (; i < g.Length; i++) dx[i] = T.FusedMultiplyAdd(g[i], a, T.FusedMultiplyAdd(x[i], b, d));
    }

    /// <summary>Group norm forward: per (sample, group) mean and rstd over its C/G·L values, then the per-channel
    /// affine map.</summary>
    /// <param name="x">Input (N, C, L).</param>
    /// <param name="weight">γ (C), or empty.</param>
    /// <param name="bias">β (C), or empty.</param>
    /// <param name="y">Output (N, C, L).</param>
    /// <param name="mean">Output (N, G).</param>
    /// <param name="rstd">Output (N, G).</param>
    /// <param name="n">N.</param>
    /// <param name="c">C.</param>
    /// <param name="l">L.</param>
    /// <param name="groups">G, dividing C.</param>
    /// <param name="eps">ε added to the variance.</param>
    public static void GroupForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                       Span<T> mean, Span<T> rstd, int n, int c, int l, int groups, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cg = c / groups, size = cg * l;
        T count = T.CreateChecked(size);
        for (int s = 0; s < n; s++)
        {
            for (int q = 0; q < groups; q++)
            {
                int at = (s * c + q * cg) * l;
                ReadOnlySpan<T> xs = x.Slice(at, size);
                T mu = TensorPrimitives.Sum(xs) / count, sq = T.Zero;
                for (int i = 0; i < size; i++)
                {
                    T d = xs[i] - mu;
                    sq += d * d;
                }
                T rs = T.One / T.Sqrt(sq / count + eps);
                mean[s * groups + q] = mu;
                rstd[s * groups + q] = rs;
                for (int k = 0; k < cg; k++)
                {
                    int ch = q * cg + k;
                    T scale = rs * (weight.IsEmpty ? T.One : weight[ch]);
                    T shift = (bias.IsEmpty ? T.Zero : bias[ch]) - mu * scale;
                    Span<T> ys = y.Slice(at + k * l, l);
                    TensorPrimitives.Multiply(xs.Slice(k * l, l), scale, ys);
                    TensorPrimitives.Add(ys, shift, ys);
                }
            }
        }
    }

    /// <summary>Group norm backward (see the type's remarks, with the set being one (sample, group) slice);
    /// outputs overwritten, empty ones skipped.</summary>
    /// <param name="x">Input (N, C, L).</param>
    /// <param name="weight">γ (C), or empty.</param>
    /// <param name="mean">From forward (N, G).</param>
    /// <param name="rstd">From forward (N, G).</param>
    /// <param name="dy">Output gradient (N, C, L).</param>
    /// <param name="dx">Input gradient (N, C, L), or empty.</param>
    /// <param name="dWeight">dγ (C), or empty.</param>
    /// <param name="dBias">dβ (C), or empty.</param>
    /// <param name="n">N.</param>
    /// <param name="c">C.</param>
    /// <param name="l">L.</param>
    /// <param name="groups">G.</param>
    public static void GroupBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
                                        ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, int n, int c, int l, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cg = c / groups, size = cg * l;
        T count = T.CreateChecked(size);
        if (!dWeight.IsEmpty) dWeight[..c].Clear();
        if (!dBias.IsEmpty) dBias[..c].Clear();
        for (int s = 0; s < n; s++)
        {
            for (int q = 0; q < groups; q++)
            {
                T mu = mean[s * groups + q], rs = rstd[s * groups + q];
                // Σ ĝ and Σ ĝ·x̂ over the slice, ĝ = dy·γ_c; also the per-channel dγ, dβ sums.
                T sumG = T.Zero, sumGx = T.Zero;
                for (int k = 0; k < cg; k++)
                {
                    int ch = q * cg + k, at = (s * c + ch) * l;
                    ReadOnlySpan<T> xs = x.Slice(at, l), gs = dy.Slice(at, l);
                    T sumDy = TensorPrimitives.Sum(gs);
                    T sumDyXhat = (TensorPrimitives.Dot(gs, xs) - mu * sumDy) * rs;
                    if (!dWeight.IsEmpty) dWeight[ch] += sumDyXhat;
                    if (!dBias.IsEmpty) dBias[ch] += sumDy;
                    T w = weight.IsEmpty ? T.One : weight[ch];
                    sumG += w * sumDy;
                    sumGx += w * sumDyXhat;
                }
                if (dx.IsEmpty) continue;
                T meanG = sumG / count, meanGx = sumGx / count;
                for (int k = 0; k < cg; k++)
                {
                    int ch = q * cg + k, at = (s * c + ch) * l;
                    T w = weight.IsEmpty ? T.One : weight[ch];
                    // dx = rstd·(w·dy − meanG − (x − μ)·rstd·meanGx) = a·dy + b·x + d.
                    T a = rs * w, b = -rs * rs * meanGx, d = -rs * meanG - b * mu;
                    Span<T> dxs = dx.Slice(at, l);
                    TensorPrimitives.Multiply(dy.Slice(at, l), a, dxs);
                    TensorPrimitives.FusedMultiplyAdd(x.Slice(at, l), b, dxs, dxs);
                    TensorPrimitives.Add(dxs, d, dxs);
                }
            }
        }
    }
}
