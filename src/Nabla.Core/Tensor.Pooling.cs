using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    /// <summary>2-D max pooling: the largest value of each (dilated) window; padding counts as −∞. Backward routes
    /// each output's gradient to the input element that won its window. PyTorch: <c>F.max_pool2d(input,
    /// kernel_size, stride, padding, dilation, ceil_mode)</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW), OH = <see cref="ConvOutputSize"/>(H, KH, SH, PH,
    /// DH, ceilMode).</remarks>
    /// <param name="kernelSize">(KH, KW) or one value for both.</param>
    /// <param name="stride">(SH, SW) or one value; defaults to the kernel size.</param>
    /// <param name="padding">(PH, PW) or one value, at most half the kernel; default 0.</param>
    /// <param name="dilation">(DH, DW) or one value; default 1.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit.</exception>
    public Tensor MaxPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        Tensor x = RequireFloat(this, nameof(MaxPool2d));
        ConvGeometry g = PoolShapes(nameof(MaxPool2d), x, kernelSize, stride, padding, dilation, ceilMode);
        Tensor xc = x.ContiguousRaw();
        int[] outShape = [.. x.ShapeArray[..^2], g.OH, g.OW];
        Tensor y = AllocateUninitialized(x.DType, outShape);
        int[] argmax = GC.AllocateUninitializedArray<int>(g.N * g.OutputPlane);
        if (x.DType == DType.Float32) Pooling.MaxForward<float>(xc.AsSpan<float>(), g, y.AsSpan<float>(), argmax);
        else Pooling.MaxForward<double>(xc.AsSpan<double>(), g, y.AsSpan<double>(), argmax);
        return Graph.Record(y, nameof(MaxPool2d), [x], gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            Tensor dx = AllocateUninitialized(x.DType, x.ShapeArray);
            if (x.DType == DType.Float32) Pooling.MaxBackward<float>(gc.AsSpan<float>(), argmax, g, dx.AsSpan<float>());
            else Pooling.MaxBackward<double>(gc.AsSpan<double>(), argmax, g, dx.AsSpan<double>());
            return [dx];
        });
    }

    /// <summary>2-D average pooling: the mean of each window. PyTorch: <c>F.avg_pool2d(input, kernel_size, stride,
    /// padding, ceil_mode, count_include_pad)</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW), OH = <see cref="ConvOutputSize"/>(H, KH, SH, PH,
    /// 1, ceilMode). The divisor is the window area inside the padded input when <paramref name="countIncludePad"/>
    /// (padding counted as zeros), else the number of real input elements in the window.</remarks>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW) or one value; defaults to the kernel size.</param>
    /// <param name="padding">(PH, PW) or one value, at most half the kernel; default 0.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    /// <param name="countIncludePad">Whether padding counts in the divisor (PyTorch's default true).</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit.</exception>
    public Tensor AvgPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        Tensor x = RequireFloat(this, nameof(AvgPool2d));
        ConvGeometry g = PoolShapes(nameof(AvgPool2d), x, kernelSize, stride, padding, null, ceilMode);
        Tensor xc = x.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, [.. x.ShapeArray[..^2], g.OH, g.OW]);
        if (x.DType == DType.Float32) Pooling.AvgForward<float>(xc.AsSpan<float>(), g, countIncludePad, y.AsSpan<float>());
        else Pooling.AvgForward<double>(xc.AsSpan<double>(), g, countIncludePad, y.AsSpan<double>());
        return Graph.Record(y, nameof(AvgPool2d), [x], gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            Tensor dx = AllocateUninitialized(x.DType, x.ShapeArray);
            if (x.DType == DType.Float32) Pooling.AvgBackward<float>(gc.AsSpan<float>(), g, countIncludePad, dx.AsSpan<float>());
            else Pooling.AvgBackward<double>(gc.AsSpan<double>(), g, countIncludePad, dx.AsSpan<double>());
            return [dx];
        });
    }

    /// <summary>Adaptive 2-D average pooling to a fixed output size: output cell i averages input rows
    /// ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 (and the columns likewise). PyTorch: <c>F.adaptive_avg_pool2d(input,
    /// output_size)</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
    /// <param name="outputSize">(OH, OW) or one value for both.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or a size is below 1.</exception>
    public Tensor AdaptiveAvgPool2d(int[] outputSize)
    {
        const string op = nameof(AdaptiveAvgPool2d);
        Tensor x = RequireFloat(this, op);
        if (x.Dim is not (3 or 4)) throw new ArgumentException($"{op}: expects (N, C, H, W) or (C, H, W), got {x.ShapeString}.");
        (int oh, int ow) = Pair(outputSize, 1, "output size", op);
        int h = x.ShapeArray[^2], w = x.ShapeArray[^1], planes = Layout.NumEl(x.ShapeArray.AsSpan(0, x.Dim - 2));
        if (h < 1 || w < 1) throw new ArgumentException($"{op}: input {x.ShapeString} has an empty plane.");
        Tensor xc = x.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, [.. x.ShapeArray[..^2], oh, ow]);
        if (x.DType == DType.Float32) Pooling.AdaptiveAvgForward<float>(xc.AsSpan<float>(), planes, h, w, oh, ow, y.AsSpan<float>());
        else Pooling.AdaptiveAvgForward<double>(xc.AsSpan<double>(), planes, h, w, oh, ow, y.AsSpan<double>());
        return Graph.Record(y, op, [x], gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            Tensor dx = AllocateUninitialized(x.DType, x.ShapeArray);
            if (x.DType == DType.Float32) Pooling.AdaptiveAvgBackward<float>(gc.AsSpan<float>(), planes, h, w, oh, ow, dx.AsSpan<float>());
            else Pooling.AdaptiveAvgBackward<double>(gc.AsSpan<double>(), planes, h, w, oh, ow, dx.AsSpan<double>());
            return [dx];
        });
    }

    /// <summary>Power-average (L<sub>p</sub>-norm) pooling: (Σ_window xᵖ)^(1/p); p = 2 is the course notes' L2-norm
    /// pooling, p → ∞ approaches max pooling. Composite: (AvgPool2d(xᵖ)·KH·KW)^(1/p). PyTorch: <c>F.lp_pool2d(input,
    /// norm_type, kernel_size, stride, ceil_mode)</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW) as <see cref="AvgPool2d"/> without padding. As in
    /// PyTorch, a negative window sum is clamped to 0 (odd p on negative inputs).</remarks>
    /// <param name="normType">p &gt; 0.</param>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW) or one value; defaults to the kernel size.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    /// <exception cref="ArgumentException">p is not positive, or the window does not fit.</exception>
    public Tensor LPPool2d(double normType, int[] kernelSize, int[]? stride = null, bool ceilMode = false)
    {
        if (!(normType > 0)) throw new ArgumentException($"LPPool2d: norm type p must be positive, got {normType}.");
        (int kh, int kw) = Pair(kernelSize, 1, "kernel size", nameof(LPPool2d));
        Tensor sum = Pow(normType).AvgPool2d(kernelSize, stride, null, ceilMode) * (kh * kw);
        return sum.Relu().Pow(1 / normType);
    }

    /// <summary>Validates a pooling call and returns its geometry over all leading-dim planes.</summary>
    private static ConvGeometry PoolShapes(string op, Tensor x, int[] kernelSize, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (x.Dim is not (3 or 4)) throw new ArgumentException($"{op}: expects (N, C, H, W) or (C, H, W), got {x.ShapeString}.");
        (int kh, int kw) = Pair(kernelSize, 1, "kernel size", op);
        (int sh, int sw) = stride is null || stride.Length == 0 ? (kh, kw) : Pair(stride, 1, "stride", op);
        (int ph, int pw) = Pair(padding, 0, "padding", op);
        (int dh, int dw) = Pair(dilation, 1, "dilation", op);
        if (2 * ph > kh || 2 * pw > kw)
            throw new ArgumentException($"{op}: padding ({ph}, {pw}) must be at most half the kernel size ({kh}, {kw}).");
        int h = x.ShapeArray[^2], w = x.ShapeArray[^1], planes = Layout.NumEl(x.ShapeArray.AsSpan(0, x.Dim - 2));
        int oh = ConvGeometry.OutputSize(h, kh, sh, ph, dh, ceilMode), ow = ConvGeometry.OutputSize(w, kw, sw, pw, dw, ceilMode);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: kernel ({kh}, {kw}) with dilation ({dh}, {dw}) does not fit input {x.ShapeString} padded by ({ph}, {pw}).");
        return new ConvGeometry(planes, 1, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }
}
