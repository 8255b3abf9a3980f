using Nabla;
using Nabla.Kernels;

namespace Nabla.Core.Tests.Ops;

/// <summary>Forward references for the convolution rows: direct loops (<see cref="ConvReference"/>, no im2col, no
/// GEMM) and composite formulas built from Mean/Var/Rsqrt for the normalisations, all in float64.</summary>
internal static class NaiveConvolution
{
    private static double[] D(Tensor t) => t.To(DType.Float64).ToArray<double>();

    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        int[] xs = x.Shape, ws = w.Shape;
        int oh = (xs[2] + 2 * ph - dh * (ws[2] - 1) - 1) / sh + 1, ow = (xs[3] + 2 * pw - dw * (ws[3] - 1) - 1) / sw + 1;
        var g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[2], ws[3], sh, sw, ph, pw, dh, dw, oh, ow);
        return Tensor.FromArray(ConvReference.Conv2d(D(x), D(w), b is null ? null : D(b), g, ws[0], groups)).Reshape(xs[0], ws[0], oh, ow);
    }

    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? b, int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups)
    {
        int[] xs = x.Shape, ws = w.Shape;
        int cout = ws[1] * groups;
        int oh = (xs[2] - 1) * sh - 2 * ph + dh * (ws[2] - 1) + oph + 1, ow = (xs[3] - 1) * sw - 2 * pw + dw * (ws[3] - 1) + opw + 1;
        var g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[2], ws[3], sh, sw, ph, pw, dh, dw, oh, ow);
        return Tensor.FromArray(ConvReference.ConvTranspose2d(D(x), D(w), b is null ? null : D(b), g, cout, groups)).Reshape(xs[0], cout, oh, ow);
    }

    public static Tensor MaxPool2d(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool ceil)
        => Pool(x, kh, kw, sh, sw, ph, pw, dh, dw, ceil, g => ConvReference.MaxPool2d(D(x), g));

    public static Tensor AvgPool2d(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, bool ceil, bool countIncludePad)
        => Pool(x, kh, kw, sh, sw, ph, pw, 1, 1, ceil, g => ConvReference.AvgPool2d(D(x), g, countIncludePad));

    private static Tensor Pool(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool ceil, Func<ConvGeometry, double[]> run)
    {
        int[] s = x.Shape;
        int oh = Tensor.ConvOutputSize(s[^2], kh, sh, ph, dh, ceil), ow = Tensor.ConvOutputSize(s[^1], kw, sw, pw, dw, ceil);
        int planes = x.NumEl / (s[^2] * s[^1]);
        var g = new ConvGeometry(planes, 1, s[^2], s[^1], kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        return Tensor.FromArray(run(g)).Reshape([.. s[..^2], oh, ow]);
    }

    /// <summary>Adaptive average pooling cell by cell: rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1, columns likewise.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int oh, int ow)
    {
        int[] s = x.Shape;
        int h = s[^2], w = s[^1], planes = x.NumEl / (h * w);
        double[] v = D(x);
        var y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int h0 = (int)Math.Floor((double)i * h / oh), h1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                    int w0 = (int)Math.Floor((double)j * w / ow), w1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                    double sum = 0;
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) sum += v[(p * h + r) * w + c];
                    y[(p * oh + i) * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                }
        return Tensor.FromArray(y).Reshape([.. s[..^2], oh, ow]);
    }

    /// <summary>(x − mean)/√(var + ε) over dims 0 and 2.., then γ, β broadcast along dim 1.</summary>
    public static Tensor BatchNormTraining(Tensor x, Tensor? w, Tensor? b, double eps = 1e-5)
    {
        int[] dims = [0, .. Enumerable.Range(2, x.Dim - 2)];
        Tensor y = (x - x.Mean(dims, true)) * (x.Var(dims, correction: 0, keepDim: true) + eps).Rsqrt();
        return Affine(y, w, b);
    }

    public static Tensor Affine(Tensor y, Tensor? w, Tensor? b)
    {
        int[] shape = [1, y.Shape[1], .. Enumerable.Repeat(1, y.Dim - 2)];
        if (w is not null) y = y * w.Reshape(shape);
        if (b is not null) y = y + b.Reshape(shape);
        return y;
    }

    public static Tensor GroupNorm(Tensor x, int groups, Tensor? w, Tensor? b, double eps = 1e-5)
    {
        int n = x.Shape[0];
        Tensor r = x.Reshape(n, groups, -1);
        Tensor y = ((r - r.Mean(-1, true)) * (r.Var(-1, correction: 0, keepDim: true) + eps).Rsqrt()).Reshape(x.Shape);
        return Affine(y, w, b);
    }
}
