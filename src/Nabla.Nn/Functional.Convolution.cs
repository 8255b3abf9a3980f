namespace Nabla.Nn;

public static partial class Functional
{
    // ---- convolution, pooling, normalisation --------------------------------------------------------------

    /// <summary>1-D convolution. PyTorch: <c>F.conv1d</c>.</summary>
    /// <remarks>Shapes: (N, C, L) with weight (Cout, C/groups, K) → (N, Cout, OL).</remarks>
    /// <param name="input">(N, C, L) or (C, L).</param>
    /// <param name="weight">(Cout, C/groups, K).</param>
    /// <param name="bias">(Cout) or null.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => NotNull(input).Conv1d(weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D convolution. PyTorch: <c>F.conv2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) with weight (Cout, C/groups, KH, KW) → (N, Cout, OH, OW).</remarks>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="weight">(Cout, C/groups, KH, KW).</param>
    /// <param name="bias">(Cout) or null.</param>
    /// <param name="stride">(SH, SW) or one value; default 1.</param>
    /// <param name="padding">(PH, PW) or one value; default 0.</param>
    /// <param name="dilation">(DH, DW) or one value; default 1.</param>
    /// <param name="groups">Channel groups.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
        => NotNull(input).Conv2d(weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D transposed convolution. PyTorch: <c>F.conv_transpose2d</c>.</summary>
    /// <remarks>Shapes: (N, Cin, H, W) with weight (Cin, Cout/groups, KH, KW) → (N, Cout, OH, OW).</remarks>
    /// <param name="input">(N, Cin, H, W) or (Cin, H, W).</param>
    /// <param name="weight">(Cin, Cout/groups, KH, KW).</param>
    /// <param name="bias">(Cout) or null.</param>
    /// <param name="stride">(SH, SW) or one value.</param>
    /// <param name="padding">(PH, PW) or one value.</param>
    /// <param name="outputPadding">(OPH, OPW) or one value.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">(DH, DW) or one value.</param>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
                                         int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
        => NotNull(input).ConvTranspose2d(weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>2-D max pooling. PyTorch: <c>F.max_pool2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
    /// <param name="input">The feature maps.</param>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW), one value, or null for the kernel size.</param>
    /// <param name="padding">(PH, PW) or one value.</param>
    /// <param name="dilation">(DH, DW) or one value.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    public static Tensor MaxPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        => NotNull(input).MaxPool2d(kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D average pooling. PyTorch: <c>F.avg_pool2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
    /// <param name="input">The feature maps.</param>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW), one value, or null for the kernel size.</param>
    /// <param name="padding">(PH, PW) or one value.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    /// <param name="countIncludePad">Whether padding counts in the divisor.</param>
    public static Tensor AvgPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true)
        => NotNull(input).AvgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad);

    /// <summary>Power-average pooling. PyTorch: <c>F.lp_pool2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
    /// <param name="input">The feature maps.</param>
    /// <param name="normType">p &gt; 0.</param>
    /// <param name="kernelSize">(KH, KW) or one value.</param>
    /// <param name="stride">(SH, SW), one value, or null for the kernel size.</param>
    /// <param name="ceilMode">Round the output size up.</param>
    public static Tensor LPPool2d(Tensor input, double normType, int[] kernelSize, int[]? stride = null, bool ceilMode = false)
        => NotNull(input).LPPool2d(normType, kernelSize, stride, ceilMode);

    /// <summary>Adaptive 2-D average pooling. PyTorch: <c>F.adaptive_avg_pool2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → (…, OH, OW).</remarks>
    /// <param name="input">The feature maps.</param>
    /// <param name="outputSize">(OH, OW) or one value.</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int[] outputSize) => NotNull(input).AdaptiveAvgPool2d(outputSize);

    /// <summary>Batch normalisation. PyTorch: <c>F.batch_norm(input, running_mean, running_var, weight, bias,
    /// training, momentum, eps)</c>.</summary>
    /// <remarks>Shapes: (N, C, *) → the same; statistics and parameters (C).</remarks>
    /// <param name="input">(N, C, *).</param>
    /// <param name="runningMean">Running mean, updated in training; required in evaluation.</param>
    /// <param name="runningVar">Running variance, updated in training; required in evaluation.</param>
    /// <param name="weight">γ or null.</param>
    /// <param name="bias">β or null.</param>
    /// <param name="training">Use and update the batch statistics.</param>
    /// <param name="momentum">Weight of the new batch in the running update.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                   bool training = false, double momentum = 0.1, double eps = 1e-5)
        => NotNull(input).BatchNorm(runningMean, runningVar, weight, bias, training, momentum, eps);

    /// <summary>Group normalisation. PyTorch: <c>F.group_norm</c>.</summary>
    /// <remarks>Shapes: (N, C, *) → the same; weight and bias (C).</remarks>
    /// <param name="input">(N, C, *).</param>
    /// <param name="numGroups">G, dividing C.</param>
    /// <param name="weight">γ or null.</param>
    /// <param name="bias">β or null.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
        => NotNull(input).GroupNorm(numGroups, weight, bias, eps);

    /// <summary>Channel dropout: zeroes whole (sample, channel) feature maps with probability p in training and
    /// scales the rest by 1/(1 − p). Composite: x · Bernoulli mask of shape (N, C, 1, 1) / (1 − p). PyTorch:
    /// <c>F.dropout2d</c>.</summary>
    /// <remarks>Shapes: (N, C, H, W) or (C, H, W) → the same.</remarks>
    /// <param name="input">The feature maps.</param>
    /// <param name="p">Probability of zeroing a channel.</param>
    /// <param name="training">Apply dropout (else the identity).</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D.</exception>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        if (input.Dim is not (3 or 4))
            throw new ArgumentException($"Dropout2d: expects (N, C, H, W) or (C, H, W), got {Internal.Py.Shape(input.Shape)}.", nameof(input));
        if (!training || p == 0) return input;
        if (p == 1) return input * 0.0;
        int[] maskShape = [.. input.Shape[..^2], 1, 1];
        Tensor keep = Tensor.Bernoulli(maskShape, 1 - p, generator, input.DType);
        return input * keep * (1.0 / (1 - p));
    }
}
