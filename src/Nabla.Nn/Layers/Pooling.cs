using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>2-D max pooling: keeps the largest activation of each window, giving a small amount of translation
/// invariance and shrinking the feature map. PyTorch: <c>torch.nn.MaxPool2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW), OH = <see cref="Tensor.ConvOutputSize"/>(H, KH, SH, PH,
/// DH, ceilMode). No parameters.</remarks>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Max pooling with a square window. PyTorch: <c>nn.MaxPool2d(kernel_size, stride=None, padding=0,
    /// dilation=1, ceil_mode=False)</c>.</summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Stride; null means the kernel size (non-overlapping windows).</param>
    /// <param name="padding">Implicit −∞ padding on each side, at most half the kernel.</param>
    /// <param name="dilation">Spacing between window taps.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : this([kernelSize], stride is null ? null : [stride.Value], [padding], [dilation], ceilMode)
    {
    }

    /// <summary>Max pooling with per-dim sizes. PyTorch: <c>nn.MaxPool2d((kH, kW), stride=(sH, sW), …)</c>.</summary>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW), one value, or null for the kernel size.</param>
    /// <param name="padding">(PH, PW) or one value.</param>
    /// <param name="dilation">(DH, DW) or one value.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    public MaxPool2d(int[] kernelSize, int[]? stride, int[] padding, int[] dilation, bool ceilMode = false)
    {
        KernelSize = kernelSize ?? throw new ArgumentNullException(nameof(kernelSize));
        Stride = stride ?? kernelSize;
        Padding = padding ?? throw new ArgumentNullException(nameof(padding));
        Dilation = dilation ?? throw new ArgumentNullException(nameof(dilation));
        CeilMode = ceilMode;
    }

    /// <summary>Window size. PyTorch: <c>kernel_size</c>.</summary>
    public IReadOnlyList<int> KernelSize { get; }

    /// <summary>Stride. PyTorch: <c>stride</c>.</summary>
    public IReadOnlyList<int> Stride { get; }

    /// <summary>Padding. PyTorch: <c>padding</c>.</summary>
    public IReadOnlyList<int> Padding { get; }

    /// <summary>Dilation. PyTorch: <c>dilation</c>.</summary>
    public IReadOnlyList<int> Dilation { get; }

    /// <summary>Whether the output size rounds up. PyTorch: <c>ceil_mode</c>.</summary>
    public bool CeilMode { get; }

    /// <summary>Pools the input. PyTorch: <c>pool(input)</c>.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d([.. KernelSize], [.. Stride], [.. Padding], [.. Dilation], CeilMode);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
        => $"kernel_size={PoolRepr.Of(KernelSize)}, stride={PoolRepr.Of(Stride)}, padding={PoolRepr.Of(Padding)}, dilation={PoolRepr.Of(Dilation)}, ceil_mode={Py.Bool(CeilMode)}";
}

/// <summary>2-D average pooling: the mean of each window. PyTorch: <c>torch.nn.AvgPool2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW), OH = <see cref="Tensor.ConvOutputSize"/>(H, KH, SH,
/// PH, 1, ceilMode). No parameters.</remarks>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Stride; null means the kernel size.</param>
/// <param name="padding">Zero padding on each side, at most half the kernel.</param>
/// <param name="ceilMode">Round the output size up.</param>
/// <param name="countIncludePad">Whether padding cells count in the divisor.</param>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    : Module<Tensor, Tensor>
{
    /// <summary>Window size. PyTorch: <c>kernel_size</c>.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride. PyTorch: <c>stride</c>.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Padding. PyTorch: <c>padding</c>.</summary>
    public int Padding { get; } = padding;

    /// <summary>Whether the output size rounds up. PyTorch: <c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Whether padding counts in the divisor. PyTorch: <c>count_include_pad</c>.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>Pools the input. PyTorch: <c>pool(input)</c>.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d([KernelSize], [Stride], [Padding], CeilMode, CountIncludePad);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>Power-average pooling, (Σ_window xᵖ)^(1/p); p = 2 is L2-norm pooling, large p approaches max pooling.
/// PyTorch: <c>torch.nn.LPPool2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW) as <see cref="AvgPool2d"/> without padding.</remarks>
/// <param name="normType">p &gt; 0.</param>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Stride; null means the kernel size.</param>
/// <param name="ceilMode">Round the output size up.</param>
public sealed class LPPool2d(double normType, int kernelSize, int? stride = null, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>p. PyTorch: <c>norm_type</c>.</summary>
    public double NormType { get; } = normType;

    /// <summary>Window size. PyTorch: <c>kernel_size</c>.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride. PyTorch: <c>stride</c>.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Whether the output size rounds up. PyTorch: <c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Pools the input. PyTorch: <c>pool(input)</c>.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LPPool2d(NormType, [KernelSize], [Stride], CeilMode);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"norm_type={Py.IntOrFloat(NormType)}, kernel_size={KernelSize}, stride={(stride is int s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}, ceil_mode={Py.Bool(CeilMode)}";
}

/// <summary>Adaptive average pooling to a fixed output size whatever the input size (global average pooling with
/// output size 1). PyTorch: <c>torch.nn.AdaptiveAvgPool2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    /// <summary>A square output. PyTorch: <c>nn.AdaptiveAvgPool2d(output_size)</c>.</summary>
    /// <param name="outputSize">Output height and width.</param>
    public AdaptiveAvgPool2d(int outputSize) : this(outputSize, outputSize)
    {
    }

    /// <summary>A rectangular output. PyTorch: <c>nn.AdaptiveAvgPool2d((oH, oW))</c>.</summary>
    /// <param name="outputHeight">OH.</param>
    /// <param name="outputWidth">OW.</param>
    public AdaptiveAvgPool2d(int outputHeight, int outputWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
        OutputSize = [outputHeight, outputWidth];
    }

    /// <summary>(OH, OW). PyTorch: <c>output_size</c>.</summary>
    public IReadOnlyList<int> OutputSize { get; }

    /// <summary>Pools the input. PyTorch: <c>pool(input)</c>.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AdaptiveAvgPool2d([.. OutputSize]);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => OutputSize[0] == OutputSize[1] ? $"output_size={OutputSize[0]}" : $"output_size={PoolRepr.Of(OutputSize)}";
}

/// <summary>PyTorch's repr of a pooling size: a bare int when given as one value, else a tuple.</summary>
internal static class PoolRepr
{
    public static string Of(IReadOnlyList<int> v) => v.Count == 1 ? v[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "(" + string.Join(", ", v) + ")";
}
