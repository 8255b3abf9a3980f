namespace Nabla.Kernels;

/// <summary>The sizes of one 2-D convolution or pooling window sweep over a batch of NCHW planes.</summary>
/// <remarks>Shapes: input (N, C, H, W), kernel KH × KW, output (N, ·, OH, OW). Output position (oh, ow) with kernel tap
/// (i, j) reads input row ih = oh·SH − PH + i·DH and column iw = ow·SW − PW + j·DW; taps outside the input read the
/// padding. OH and OW are given (not derived) so that ceil-mode pooling and transposed convolutions can state their
/// own output sizes.</remarks>
/// <param name="N">Batch size.</param>
/// <param name="C">Input channels (for a pooling sweep, all N·C planes are independent).</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="KH">Kernel height.</param>
/// <param name="KW">Kernel width.</param>
/// <param name="SH">Vertical stride.</param>
/// <param name="SW">Horizontal stride.</param>
/// <param name="PH">Padding above (and below).</param>
/// <param name="PW">Padding left (and right).</param>
/// <param name="DH">Vertical dilation.</param>
/// <param name="DW">Horizontal dilation.</param>
/// <param name="OH">Output height.</param>
/// <param name="OW">Output width.</param>
public readonly record struct ConvGeometry(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW,
                                           int DH, int DW, int OH, int OW)
{
    /// <summary>Elements of one input sample, C·H·W.</summary>
    public int InputPerSample => C * H * W;

    /// <summary>Rows of one sample's column matrix, C·KH·KW.</summary>
    public int ColumnRows => C * KH * KW;

    /// <summary>Output positions per plane, OH·OW.</summary>
    public int OutputPlane => OH * OW;

    /// <summary>Elements of one sample's column matrix, C·KH·KW·OH·OW.</summary>
    public int ColumnPerSample => ColumnRows * OutputPlane;

    /// <summary>Output size of a window sweep, ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 (the
    /// course notes' ⌊(W − F + 2P)/S⌋ + 1 when dilation is 1); with <paramref name="ceilMode"/> the division rounds
    /// up, except that the last window must start inside the input or the left padding (PyTorch's rule).
    /// PyTorch: the formula in <c>torch.nn.Conv2d</c>'s and <c>torch.nn.MaxPool2d</c>'s documentation.</summary>
    /// <param name="inputSize">Input length W.</param>
    /// <param name="kernelSize">Kernel length F.</param>
    /// <param name="stride">Stride S.</param>
    /// <param name="padding">Padding P on each side.</param>
    /// <param name="dilation">Dilation D (spacing of the kernel taps).</param>
    /// <param name="ceilMode">Round the division up (pooling's <c>ceil_mode</c>).</param>
    /// <returns>The output length; it may be zero or negative when the kernel does not fit, which callers reject.</returns>
    public static int OutputSize(int inputSize, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        long span = (long)inputSize + 2L * padding - (long)dilation * (kernelSize - 1) - 1;
        if (span < 0) return 0;
        if (!ceilMode) return (int)(span / stride + 1);
        long size = (span + stride - 1) / stride + 1;
        // The last window must start inside the input or its left padding, or it would cover padding only.
        if ((size - 1) * stride >= (long)inputSize + padding) size--;
        return (int)size;
    }
}
