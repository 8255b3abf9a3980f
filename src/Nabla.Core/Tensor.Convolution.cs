using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Output length of a convolution or pooling window sweep: ⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1, which is the
    /// course notes' ⌊(W − F + 2P)/S⌋ + 1 when the dilation D is 1. With <paramref name="ceilMode"/> the division
    /// rounds up, but the last window must start inside the input or its left padding. PyTorch: the output-size
    /// formula of <c>nn.Conv2d</c> and <c>nn.MaxPool2d</c>.</summary>
    /// <param name="inputSize">Input length W.</param>
    /// <param name="kernelSize">Kernel length F.</param>
    /// <param name="stride">Stride S (at least 1).</param>
    /// <param name="padding">Padding P added on each side.</param>
    /// <param name="dilation">Spacing D between kernel taps (at least 1).</param>
    /// <param name="ceilMode">Round up instead of down (pooling's <c>ceil_mode</c>).</param>
    /// <returns>The output length (0 when the dilated kernel is longer than the padded input).</returns>
    /// <exception cref="ArgumentOutOfRangeException">Stride or dilation is below 1.</exception>
    public static int ConvOutputSize(int inputSize, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, bool ceilMode = false)
        => ConvGeometry.OutputSize(inputSize, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D convolution (cross-correlation) over NCHW input. PyTorch: <c>F.conv2d(input, weight, bias,
    /// stride, padding, dilation, groups)</c>.</summary>
    /// <remarks>Shapes: x (N, C, H, W) or unbatched (C, H, W); weight (Cout, C/groups, KH, KW); bias (Cout) →
    /// (N, Cout, OH, OW) with OH = <see cref="ConvOutputSize"/>(H, KH, stride, padding, dilation). Im2col and one
    /// GEMM per sample and group; backward with respect to input, weight and bias.</remarks>
    /// <param name="weight">The filters.</param>
    /// <param name="bias">Per-output-channel bias, or null.</param>
    /// <param name="stride">(SH, SW) or one value for both; default 1.</param>
    /// <param name="padding">(PH, PW) zero padding on each side, or one value for both; default 0.</param>
    /// <param name="dilation">(DH, DW) or one value for both; default 1.</param>
    /// <param name="groups">Channels are split into this many independent groups.</param>
    /// <exception cref="ArgumentException">Shapes, groups or sizes do not fit; the message names them.</exception>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Dim == 3) return Unsqueeze(0).Conv2d(weight, bias, stride, padding, dilation, groups).Squeeze(0);
        Tensor x = RequireFloat(this, nameof(Conv2d));
        (int sh, int sw) = Pair(stride, 1, "stride", nameof(Conv2d));
        (int ph, int pw) = Pair(padding, 0, "padding", nameof(Conv2d));
        (int dh, int dw) = Pair(dilation, 1, "dilation", nameof(Conv2d));
        Tensor w = weight.To(x.DType);
        Tensor? b = bias?.To(x.DType);
        ConvGeometry g = ConvShapes(nameof(Conv2d), x, w, b, groups, sh, sw, ph, pw, dh, dw);
        int cout = w.ShapeArray[0];
        Tensor xc = x.ContiguousRaw(), wc = w.ContiguousRaw();
        Tensor? bc = b?.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, [g.N, cout, g.OH, g.OW]);
        if (x.DType == DType.Float32)
            Convolution.Forward<float>(xc.AsSpan<float>(), wc.AsSpan<float>(), bc is null ? default : bc.AsSpan<float>(), y.AsSpan<float>(), g, cout, groups);
        else
            Convolution.Forward<double>(xc.AsSpan<double>(), wc.AsSpan<double>(), bc is null ? default : bc.AsSpan<double>(), y.AsSpan<double>(), g, cout, groups);
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        return Graph.Record(y, nameof(Conv2d), inputs, gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            Tensor? dx = null, dW = null, db = null;
            if (x.RequiresGrad)
            {
                dx = AllocateUninitialized(x.DType, x.ShapeArray);
                if (x.DType == DType.Float32) Convolution.InputGradient<float>(gc.AsSpan<float>(), wc.AsSpan<float>(), g, cout, groups, dx.AsSpan<float>());
                else Convolution.InputGradient<double>(gc.AsSpan<double>(), wc.AsSpan<double>(), g, cout, groups, dx.AsSpan<double>());
            }
            if (w.RequiresGrad)
            {
                dW = AllocateUninitialized(x.DType, w.ShapeArray);
                if (x.DType == DType.Float32) Convolution.WeightGradient<float>(gc.AsSpan<float>(), xc.AsSpan<float>(), g, cout, groups, dW.AsSpan<float>());
                else Convolution.WeightGradient<double>(gc.AsSpan<double>(), xc.AsSpan<double>(), g, cout, groups, dW.AsSpan<double>());
            }
            if (b is not null && b.RequiresGrad) db = BiasGradient(gc, g.N, cout, g.OutputPlane);
            return b is null ? [dx, dW] : [dx, dW, db];
        });
    }

    /// <summary>2-D convolution with padding given by name: "valid" (none) or "same" (output size equals input size;
    /// total padding D·(K − 1) per dim, the odd extra element going to the bottom/right, as PyTorch does).
    /// PyTorch: <c>F.conv2d(input, weight, bias, stride, padding='same')</c>.</summary>
    /// <remarks>Shapes: as <see cref="Conv2d(Tensor, Tensor, int[], int[], int[], int)"/>; "same" needs stride 1.</remarks>
    /// <param name="weight">The filters (Cout, C/groups, KH, KW).</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">(SH, SW) or one value; must be 1 with "same".</param>
    /// <param name="dilation">(DH, DW) or one value.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <exception cref="ArgumentException">Unknown padding name, or "same" with a stride other than 1.</exception>
    public Tensor Conv2d(Tensor weight, Tensor? bias, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(padding);
        if (padding == "valid") return Conv2d(weight, bias, stride, [0], dilation, groups);
        if (padding != "same") throw new ArgumentException($"Conv2d: padding must be \"same\", \"valid\" or sizes, got \"{padding}\".");
        (int sh, int sw) = Pair(stride, 1, "stride", nameof(Conv2d));
        if (sh != 1 || sw != 1) throw new ArgumentException($"Conv2d: padding=\"same\" needs stride 1, got ({sh}, {sw}).");
        (int dh, int dw) = Pair(dilation, 1, "dilation", nameof(Conv2d));
        if (weight.Dim != 4) throw new ArgumentException($"Conv2d: weight must be 4-D (out, in/groups, kH, kW), got {weight.ShapeString}.");
        int th = dh * (weight.ShapeArray[2] - 1), tw = dw * (weight.ShapeArray[3] - 1);
        Tensor x = this;
        // Odd total padding: one extra row/column at the end, then symmetric padding of the rest.
        if (th % 2 == 1 || tw % 2 == 1) x = x.Pad([0, tw % 2, 0, th % 2]);
        return x.Conv2d(weight, bias, [1], [th / 2, tw / 2], [dh, dw], groups);
    }

    /// <summary>1-D convolution over NCL input, composed as a 2-D convolution over a height-1 image. PyTorch:
    /// <c>F.conv1d(input, weight, bias, stride, padding, dilation, groups)</c>.</summary>
    /// <remarks>Shapes: x (N, C, L) or unbatched (C, L); weight (Cout, C/groups, K); bias (Cout) → (N, Cout, OL),
    /// OL = <see cref="ConvOutputSize"/>(L, K, stride, padding, dilation).</remarks>
    /// <param name="weight">The filters.</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <exception cref="ArgumentException">Shapes do not fit.</exception>
    public Tensor Conv1d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Dim == 2) return Unsqueeze(0).Conv1d(weight, bias, stride, padding, dilation, groups).Squeeze(0);
        if (Dim != 3 || weight.Dim != 3)
            throw new ArgumentException($"Conv1d: expects input (N, C, L) and weight (out, in/groups, k), got {ShapeString} and {weight.ShapeString}.");
        return Unsqueeze(2).Conv2d(weight.Unsqueeze(2), bias, [1, stride], [0, padding], [1, dilation], groups).Squeeze(2);
    }

    /// <summary>1-D convolution with padding "same" or "valid". PyTorch: <c>F.conv1d(..., padding='same')</c>.</summary>
    /// <remarks>Shapes: as <see cref="Conv1d(Tensor, Tensor, int, int, int, int)"/>; "same" keeps the length L.</remarks>
    /// <param name="weight">The filters (Cout, C/groups, K).</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">Stride (1 with "same").</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <exception cref="ArgumentException">Unknown padding name or shapes that do not fit.</exception>
    public Tensor Conv1d(Tensor weight, Tensor? bias, string padding, int stride = 1, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Dim == 2) return Unsqueeze(0).Conv1d(weight, bias, padding, stride, dilation, groups).Squeeze(0);
        if (Dim != 3 || weight.Dim != 3)
            throw new ArgumentException($"Conv1d: expects input (N, C, L) and weight (out, in/groups, k), got {ShapeString} and {weight.ShapeString}.");
        return Unsqueeze(2).Conv2d(weight.Unsqueeze(2), bias, padding, [1, stride], [1, dilation], groups).Squeeze(2);
    }

    /// <summary>2-D transposed convolution (the gradient of <see cref="Conv2d(Tensor, Tensor, int[], int[], int[], int)"/>
    /// with respect to its input, used as an upsampling layer). PyTorch: <c>F.conv_transpose2d(input, weight, bias,
    /// stride, padding, output_padding, groups, dilation)</c>.</summary>
    /// <remarks>Shapes: x (N, Cin, H, W) or (Cin, H, W); weight (Cin, Cout/groups, KH, KW); bias (Cout) →
    /// (N, Cout, OH, OW), OH = (H − 1)·SH − 2·PH + DH·(KH − 1) + output_padding + 1. Each input element scatters
    /// weight·x into its output window (a GEMM then col2im); backward w.r.t. input, weight and bias.</remarks>
    /// <param name="weight">The filters.</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="stride">(SH, SW) or one value; default 1.</param>
    /// <param name="padding">(PH, PW) removed from each side of the output; default 0.</param>
    /// <param name="outputPadding">Extra rows/columns added at the bottom/right (smaller than the stride or the
    /// dilation); default 0.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <param name="dilation">(DH, DW) or one value; default 1.</param>
    /// <exception cref="ArgumentException">Shapes, groups or sizes do not fit.</exception>
    public Tensor ConvTranspose2d(Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
                                  int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Dim == 3) return Unsqueeze(0).ConvTranspose2d(weight, bias, stride, padding, outputPadding, groups, dilation).Squeeze(0);
        const string op = nameof(ConvTranspose2d);
        Tensor x = RequireFloat(this, op);
        (int sh, int sw) = Pair(stride, 1, "stride", op);
        (int ph, int pw) = Pair(padding, 0, "padding", op);
        (int oph, int opw) = Pair(outputPadding, 0, "output padding", op);
        (int dh, int dw) = Pair(dilation, 1, "dilation", op);
        Tensor w = weight.To(x.DType);
        Tensor? b = bias?.To(x.DType);
        if (x.Dim != 4 || w.Dim != 4)
            throw new ArgumentException($"{op}: expects input (N, C, H, W) and weight (in, out/groups, kH, kW), got {x.ShapeString} and {w.ShapeString}.");
        if (groups < 1 || x.ShapeArray[1] % groups != 0 || w.ShapeArray[0] != x.ShapeArray[1])
            throw new ArgumentException($"{op}: input {x.ShapeString} and weight {w.ShapeString} need weight.shape[0] = C and C divisible by groups={groups}.");
        if (oph < 0 || opw < 0 || (oph >= sh && oph >= dh) || (opw >= sw && opw >= dw))
            throw new ArgumentException($"{op}: output padding ({oph}, {opw}) must be smaller than the stride ({sh}, {sw}) or the dilation ({dh}, {dw}).");
        int n = x.ShapeArray[0], cin = x.ShapeArray[1], h = x.ShapeArray[2], wd = x.ShapeArray[3];
        int kh = w.ShapeArray[2], kw = w.ShapeArray[3], cout = w.ShapeArray[1] * groups;
        int oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1, ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        if (oh < 1 || ow < 1) throw new ArgumentException($"{op}: input {x.ShapeString} with weight {w.ShapeString} gives an empty output ({oh}, {ow}).");
        if (b is not null && (b.Dim != 1 || b.ShapeArray[0] != cout))
            throw new ArgumentException($"{op}: bias {b.ShapeString} must be ({cout}).");
        // The convolution whose input gradient this is: its input is our output (Cout channels, OH × OW) and its
        // output is our input (Cin channels, H × W).
        var g = new ConvGeometry(n, cout, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, h, wd);
        if (ConvGeometry.OutputSize(oh, kh, sh, ph, dh) != h || ConvGeometry.OutputSize(ow, kw, sw, pw, dw) != wd)
            throw new ArgumentException($"{op}: output size ({oh}, {ow}) is inconsistent with input {x.ShapeString}.");
        Tensor xc = x.ContiguousRaw(), wc = w.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, [n, cout, oh, ow]);
        if (x.DType == DType.Float32) Convolution.InputGradient<float>(xc.AsSpan<float>(), wc.AsSpan<float>(), g, cin, groups, y.AsSpan<float>());
        else Convolution.InputGradient<double>(xc.AsSpan<double>(), wc.AsSpan<double>(), g, cin, groups, y.AsSpan<double>());
        if (b is not null) AddChannelBias(y, b.ContiguousRaw(), n, cout, oh * ow);
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        return Graph.Record(y, op, inputs, gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            Tensor? dx = null, dW = null, db = null;
            if (x.RequiresGrad)
            {
                // The transposed convolution's input gradient is the ordinary convolution of dy.
                dx = AllocateUninitialized(x.DType, x.ShapeArray);
                if (x.DType == DType.Float32) Convolution.Forward<float>(gc.AsSpan<float>(), wc.AsSpan<float>(), default, dx.AsSpan<float>(), g, cin, groups);
                else Convolution.Forward<double>(gc.AsSpan<double>(), wc.AsSpan<double>(), default, dx.AsSpan<double>(), g, cin, groups);
            }
            if (w.RequiresGrad)
            {
                // dW = Σₙ x[n]·unfold(dy[n])ᵀ: the convolution's weight gradient with x in the role of its output gradient.
                dW = AllocateUninitialized(x.DType, w.ShapeArray);
                if (x.DType == DType.Float32) Convolution.WeightGradient<float>(xc.AsSpan<float>(), gc.AsSpan<float>(), g, cin, groups, dW.AsSpan<float>());
                else Convolution.WeightGradient<double>(xc.AsSpan<double>(), gc.AsSpan<double>(), g, cin, groups, dW.AsSpan<double>());
            }
            if (b is not null && b.RequiresGrad) db = BiasGradient(gc, n, cout, oh * ow);
            return b is null ? [dx, dW] : [dx, dW, db];
        });
    }

    /// <summary>Validates a convolution's operands and returns its geometry.</summary>
    private static ConvGeometry ConvShapes(string op, Tensor x, Tensor w, Tensor? b, int groups, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        if (x.Dim != 4 || w.Dim != 4)
            throw new ArgumentException($"{op}: expects input (N, C, H, W) and weight (out, in/groups, kH, kW), got {x.ShapeString} and {w.ShapeString}.");
        int c = x.ShapeArray[1], cout = w.ShapeArray[0];
        if (groups < 1 || c % groups != 0 || cout % groups != 0 || w.ShapeArray[1] * groups != c)
            throw new ArgumentException($"{op}: input {x.ShapeString} and weight {w.ShapeString} do not fit groups={groups} (need weight.shape[1]·groups = C and both channel counts divisible by groups).");
        if (b is not null && (b.Dim != 1 || b.ShapeArray[0] != cout))
            throw new ArgumentException($"{op}: bias {b.ShapeString} must be ({cout}) for weight {w.ShapeString}.");
        int h = x.ShapeArray[2], wd = x.ShapeArray[3], kh = w.ShapeArray[2], kw = w.ShapeArray[3];
        int oh = ConvGeometry.OutputSize(h, kh, sh, ph, dh), ow = ConvGeometry.OutputSize(wd, kw, sw, pw, dw);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: kernel ({kh}, {kw}) with dilation ({dh}, {dw}) does not fit input {x.ShapeString} padded by ({ph}, {pw}).");
        return new ConvGeometry(x.ShapeArray[0], c, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }

    /// <summary>One value for both spatial dims, or two; null gives the default.</summary>
    private static (int, int) Pair(int[]? values, int fallback, string what, string op)
    {
        int min = what is "padding" or "output padding" ? 0 : 1;
        (int a, int b) = values switch
        {
            null => (fallback, fallback),
            [int v] => (v, v),
            [int v0, int v1] => (v0, v1),
            _ => throw new ArgumentException($"{op}: {what} must have 1 or 2 values, got {values.Length}."),
        };
        if (a < min || b < min) throw new ArgumentException($"{op}: {what} ({a}, {b}) must be at least {min}.");
        return (a, b);
    }

    /// <summary>Σ over samples and positions of a (N, C, L) gradient, per channel.</summary>
    private static Tensor BiasGradient(Tensor gc, int n, int channels, int plane)
    {
        Tensor db = AllocateUninitialized(gc.DType, [channels]);
        if (gc.DType == DType.Float32) Convolution.BiasGradient<float>(gc.AsSpan<float>(), n, channels, plane, db.AsSpan<float>());
        else Convolution.BiasGradient<double>(gc.AsSpan<double>(), n, channels, plane, db.AsSpan<double>());
        return db;
    }

    /// <summary>y[n, c, ·] += b[c] in place on a fresh contiguous (N, C, L) tensor.</summary>
    private static void AddChannelBias(Tensor y, Tensor b, int n, int channels, int plane)
    {
        for (int s = 0; s < n; s++)
        {
            for (int c = 0; c < channels; c++)
            {
                if (y.DType == DType.Float32)
                {
                    Span<float> row = y.AsSpan<float>().Slice((s * channels + c) * plane, plane);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, b.AsSpan<float>()[c], row);
                }
                else
                {
                    Span<double> row = y.AsSpan<double>().Slice((s * channels + c) * plane, plane);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, b.AsSpan<double>()[c], row);
                }
            }
        }
    }
}
