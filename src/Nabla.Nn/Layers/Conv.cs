using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Shared state of the convolution layers: sizes per spatial dim, parameters "weight" and "bias", and
/// PyTorch's default initialisation. PyTorch: <c>torch.nn.modules.conv._ConvNd</c>.</summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    /// <summary>Registers the parameters and initialises them as PyTorch's <c>reset_parameters</c> does.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel size per spatial dim.</param>
    /// <param name="stride">Stride per spatial dim.</param>
    /// <param name="padding">Padding per spatial dim (ignored when <paramref name="paddingMode"/> is "same").</param>
    /// <param name="paddingMode">Null for explicit sizes, or "same" / "valid".</param>
    /// <param name="dilation">Dilation per spatial dim.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="transposed">Weight layout (in, out/groups, k…) instead of (out, in/groups, k…).</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Channels not divisible by groups, or a size out of range.</exception>
    private protected ConvNd(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, string? paddingMode,
                             int[] dilation, int groups, bool bias, bool transposed, DType dtype, Generator? generator)
    {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{TypeName}: in_channels={inChannels} and out_channels={outChannels} must be divisible by groups={groups}.");
        if (kernelSize.Any(k => k < 1) || stride.Any(s => s < 1) || dilation.Any(d => d < 1) || padding.Any(p => p < 0))
            throw new ArgumentException($"{TypeName}: kernel_size {Py.Shape(kernelSize)}, stride {Py.Shape(stride)} and dilation {Py.Shape(dilation)} must be positive and padding {Py.Shape(padding)} non-negative.");
        if (paddingMode is not (null or "same" or "valid"))
            throw new ArgumentException($"{TypeName}: padding must be \"same\", \"valid\" or sizes, got \"{paddingMode}\".");
        if (paddingMode == "same" && stride.Any(s => s != 1))
            throw new ArgumentException($"{TypeName}: padding='same' is not supported for strided convolutions.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        PaddingMode = paddingMode;
        Dilation = dilation;
        Groups = groups;
        int[] shape = transposed ? [inChannels, outChannels / groups, .. kernelSize] : [outChannels, inChannels / groups, .. kernelSize];
        Weight = RegisterParameter("weight", Tensor.Empty(shape, dtype));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outChannels], dtype)) : null;
        ResetParameters(generator);
    }

    /// <summary>Input channels. PyTorch: <c>in_channels</c>.</summary>
    public int InChannels { get; }

    /// <summary>Output channels. PyTorch: <c>out_channels</c>.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size per spatial dim. PyTorch: <c>kernel_size</c>.</summary>
    public IReadOnlyList<int> KernelSize { get; }

    /// <summary>Stride per spatial dim. PyTorch: <c>stride</c>.</summary>
    public IReadOnlyList<int> Stride { get; }

    /// <summary>Zero padding per spatial dim (unused when <see cref="PaddingMode"/> is "same"). PyTorch: <c>padding</c>.</summary>
    public IReadOnlyList<int> Padding { get; }

    /// <summary>"same" or "valid" when padding was given by name, else null. PyTorch: <c>padding</c> as a string.</summary>
    public string? PaddingMode { get; }

    /// <summary>Dilation per spatial dim. PyTorch: <c>dilation</c>.</summary>
    public IReadOnlyList<int> Dilation { get; }

    /// <summary>Channel groups. PyTorch: <c>groups</c>.</summary>
    public int Groups { get; }

    /// <summary>The filters. PyTorch: <c>conv.weight</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias (OutChannels), or null. PyTorch: <c>conv.bias</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the parameters: weight by <c>Init.KaimingUniform(a: √5)</c>, i.e. U(−1/√fan_in, 1/√fan_in)
    /// with fan_in = weight.shape[1]·Πkernel, and the bias from the same bound. PyTorch: <c>conv.reset_parameters()</c>.</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        if (Weight.NumEl == 0) return;
        Init.KaimingUniform(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is not null)
        {
            (int fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform(Bias, -bound, bound, generator);
        }
    }

    /// <summary>The padding argument for the functional call: the sizes, or null when <see cref="PaddingMode"/> is set.</summary>
    private protected int[] PaddingArray => [.. Padding];

    private static string Tuple(IReadOnlyList<int> v) => v.Count == 1 ? $"({v[0]},)" : "(" + string.Join(", ", v) + ")";

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        string s = $"{InChannels}, {OutChannels}, kernel_size={Tuple(KernelSize)}, stride={Tuple(Stride)}";
        if (PaddingMode is not null) s += $", padding={PaddingMode}";
        else if (Padding.Any(p => p != 0)) s += $", padding={Tuple(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={Tuple(Dilation)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }

    private protected static int[] Two(int[] v, string what)
    {
        ArgumentNullException.ThrowIfNull(v, what);
        return v.Length switch
        {
            1 => [v[0], v[0]],
            2 => [v[0], v[1]],
            _ => throw new ArgumentException($"Conv2d: {what} must have 1 or 2 values, got {v.Length}."),
        };
    }
}

/// <summary>A 1-D convolution layer over (N, C, L) sequences. PyTorch: <c>torch.nn.Conv1d</c>.</summary>
/// <remarks>Shapes: (N, InChannels, L) or (InChannels, L) → (N, OutChannels, OL), OL =
/// <see cref="Tensor.ConvOutputSize"/>(L, kernelSize, stride, padding, dilation). Weight (OutChannels,
/// InChannels/groups, kernelSize), bias (OutChannels).</remarks>
public sealed class Conv1d : ConvNd
{
    /// <summary>A 1-D convolution. PyTorch: <c>nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    /// dilation=1, groups=1, bias=True)</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Channels not divisible by groups or a size out of range.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
                  int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], groups, bias, false, dtype, generator)
    {
    }

    /// <summary>A 1-D convolution with padding "same" (output length = input length) or "valid". PyTorch:
    /// <c>nn.Conv1d(..., padding='same')</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Unknown padding name or channels not divisible by groups.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, string padding, int dilation = 1, int groups = 1,
                  bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize], [1], [0], padding, [dilation], groups, bias, false, dtype, generator)
    {
    }

    /// <summary>Convolves the input. PyTorch: <c>conv(input)</c>.</summary>
    /// <param name="input">(N, InChannels, L) or (InChannels, L).</param>
    /// <exception cref="ArgumentException">The channel count or the length does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (2 or 3) || input.Size(-2) != InChannels)
            throw new ArgumentException($"Conv1d({InChannels}, {OutChannels}) expects input (N, {InChannels}, L) or ({InChannels}, L) but got {Py.Shape(input.Shape)}.", nameof(input));
        return PaddingMode is null
            ? input.Conv1d(Weight, Bias, Stride[0], Padding[0], Dilation[0], Groups)
            : input.Conv1d(Weight, Bias, PaddingMode, Stride[0], Dilation[0], Groups);
    }
}

/// <summary>A 2-D convolution layer over NCHW images: each of the OutChannels filters slides over the input and
/// takes a dot product with every window (local receptive field, shared weights). PyTorch: <c>torch.nn.Conv2d</c>.</summary>
/// <remarks>Shapes: (N, InChannels, H, W) or (InChannels, H, W) → (N, OutChannels, OH, OW), OH =
/// <see cref="Tensor.ConvOutputSize"/>(H, KH, SH, PH, DH) (the notes' ⌊(W − F + 2P)/S⌋ + 1). Weight (OutChannels,
/// InChannels/groups, KH, KW), bias (OutChannels).</remarks>
public sealed class Conv2d : ConvNd
{
    /// <summary>A 2-D convolution with a square kernel. PyTorch: <c>nn.Conv2d(in_channels, out_channels, kernel_size,
    /// stride=1, padding=0, dilation=1, groups=1, bias=True)</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (number of filters).</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="stride">Stride in both dims.</param>
    /// <param name="padding">Zero padding on each side in both dims.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Channels not divisible by groups or a size out of range.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
                  int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, [kernelSize], [stride], [padding], [dilation], groups, bias, dtype, generator)
    {
    }

    /// <summary>A 2-D convolution with per-dim sizes. PyTorch: <c>nn.Conv2d(in, out, (kH, kW), stride=(sH, sW),
    /// padding=(pH, pW), dilation=(dH, dW))</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW) or one value.</param>
    /// <param name="padding">(PH, PW) or one value.</param>
    /// <param name="dilation">(DH, DW) or one value.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Channels not divisible by groups or a size out of range.</exception>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, Two(kernelSize, "kernel_size"), Two(stride, "stride"), Two(padding, "padding"), null,
               Two(dilation, "dilation"), groups, bias, false, dtype, generator)
    {
    }

    /// <summary>A 2-D convolution with padding "same" (output size = input size) or "valid". PyTorch:
    /// <c>nn.Conv2d(..., padding='same')</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Unknown padding name or channels not divisible by groups.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, string padding, int dilation = 1, int groups = 1,
                  bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize, kernelSize], [1, 1], [0, 0], padding, [dilation, dilation], groups, bias, false, dtype, generator)
    {
    }

    /// <summary>Convolves the input. PyTorch: <c>conv(input)</c>.</summary>
    /// <param name="input">(N, InChannels, H, W) or (InChannels, H, W).</param>
    /// <exception cref="ArgumentException">The channel count does not fit or the kernel is larger than the padded input.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (3 or 4) || input.Size(-3) != InChannels)
            throw new ArgumentException($"Conv2d({InChannels}, {OutChannels}) expects input (N, {InChannels}, H, W) or ({InChannels}, H, W) but got {Py.Shape(input.Shape)}.", nameof(input));
        return PaddingMode is null
            ? input.Conv2d(Weight, Bias, [.. Stride], PaddingArray, [.. Dilation], Groups)
            : input.Conv2d(Weight, Bias, PaddingMode, [.. Stride], [.. Dilation], Groups);
    }
}

/// <summary>A 2-D transposed convolution (fractionally strided convolution) layer, the gradient of Conv2d with
/// respect to its input; upsamples by the stride. PyTorch: <c>torch.nn.ConvTranspose2d</c>.</summary>
/// <remarks>Shapes: (N, InChannels, H, W) or (InChannels, H, W) → (N, OutChannels, OH, OW), OH = (H − 1)·SH − 2·PH
/// + DH·(KH − 1) + output_padding + 1. Weight (InChannels, OutChannels/groups, KH, KW), bias (OutChannels).</remarks>
public sealed class ConvTranspose2d : ConvNd
{
    /// <summary>A transposed convolution with a square kernel. PyTorch: <c>nn.ConvTranspose2d(in_channels,
    /// out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1)</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="stride">Stride (upsampling factor).</param>
    /// <param name="padding">Rows/columns removed from each side of the output.</param>
    /// <param name="outputPadding">Extra rows/columns at the bottom/right, smaller than the stride or dilation.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">Channels not divisible by groups or a size out of range.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
                           int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize, kernelSize], [stride, stride], [padding, padding], null, [dilation, dilation],
               groups, bias, true, dtype, generator)
    {
        if (outputPadding < 0 || (outputPadding >= stride && outputPadding >= dilation))
            throw new ArgumentException($"ConvTranspose2d: output_padding={outputPadding} must be smaller than stride={stride} or dilation={dilation}.");
        OutputPadding = [outputPadding, outputPadding];
    }

    /// <summary>Extra rows/columns added at the bottom/right of the output. PyTorch: <c>output_padding</c>.</summary>
    public IReadOnlyList<int> OutputPadding { get; }

    /// <summary>Applies the transposed convolution. PyTorch: <c>conv_t(input)</c>.</summary>
    /// <param name="input">(N, InChannels, H, W) or (InChannels, H, W).</param>
    /// <exception cref="ArgumentException">The channel count does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (3 or 4) || input.Size(-3) != InChannels)
            throw new ArgumentException($"ConvTranspose2d({InChannels}, {OutChannels}) expects input (N, {InChannels}, H, W) or ({InChannels}, H, W) but got {Py.Shape(input.Shape)}.", nameof(input));
        return input.ConvTranspose2d(Weight, Bias, [.. Stride], PaddingArray, [.. OutputPadding], Groups, [.. Dilation]);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
        => base.ExtraRepr() + (OutputPadding[0] != 0 ? $", output_padding=({OutputPadding[0]}, {OutputPadding[1]})" : "");
}
