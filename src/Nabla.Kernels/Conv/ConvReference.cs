namespace Nabla.Kernels;

/// <summary>Direct-loop convolution and pooling in double precision: the test oracle for <see cref="Convolution"/>,
/// <see cref="Im2Col"/> and <see cref="Pooling"/>, and a readable statement of their semantics.
/// PyTorch: <c>F.conv2d</c>, <c>F.conv_transpose2d</c>, <c>F.max_pool2d</c>, <c>F.avg_pool2d</c>.</summary>
/// <remarks>Shapes as in <see cref="ConvGeometry"/>: x (N, C, H, W), weight (Cout, C/G, KH, KW) for convolution and
/// (C, Cout/G, KH, KW) for the transposed convolution.</remarks>
public static class ConvReference
{
    /// <summary>y[n, o, oh, ow] = b[o] + Σ_{c in o's group, i, j} w[o, c − group start, i, j]·x[n, c, oh·SH − PH + i·DH, ow·SW − PW + j·DW].</summary>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="weight">Weight (Cout, C/G, KH, KW).</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="g">Geometry.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <returns>y (N, Cout, OH, OW).</returns>
    public static double[] Conv2d(double[] x, double[] weight, double[]? bias, ConvGeometry g, int outChannels, int groups)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        int cg = g.C / groups, og = outChannels / groups;
        var y = new double[g.N * outChannels * g.OH * g.OW];
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < outChannels; o++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        double s = bias?[o] ?? 0;
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < g.KH; i++)
                                for (int j = 0; j < g.KW; j++)
                                {
                                    int ih = oh * g.SH - g.PH + i * g.DH, iw = ow * g.SW - g.PW + j * g.DW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    int ci = o / og * cg + c;
                                    s += weight[((o * cg + c) * g.KH + i) * g.KW + j] * x[((n * g.C + ci) * g.H + ih) * g.W + iw];
                                }
                        y[((n * outChannels + o) * g.OH + oh) * g.OW + ow] = s;
                    }
        return y;
    }

    /// <summary>Transposed convolution by scattering: every input element x[n, c, h, w] adds w[c, o, i, j]·x to
    /// y[n, o', h·SH − PH + i·DH, w·SW − PW + j·DW] (o' = o in c's group), plus the bias.</summary>
    /// <param name="x">Input (N, C, H, W) (the geometry's N, C, H, W describe it).</param>
    /// <param name="weight">Weight (C, Cout/G, KH, KW).</param>
    /// <param name="bias">Bias (Cout), or null.</param>
    /// <param name="g">Geometry whose OH, OW give the output size.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="groups">G.</param>
    /// <returns>y (N, Cout, OH, OW).</returns>
    public static double[] ConvTranspose2d(double[] x, double[] weight, double[]? bias, ConvGeometry g, int outChannels, int groups)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        int cg = g.C / groups, og = outChannels / groups;
        var y = new double[g.N * outChannels * g.OH * g.OW];
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < outChannels; o++)
                for (int p = 0; p < g.OH * g.OW; p++) y[(n * outChannels + o) * g.OH * g.OW + p] = bias?[o] ?? 0;
        for (int n = 0; n < g.N; n++)
            for (int c = 0; c < g.C; c++)
                for (int h = 0; h < g.H; h++)
                    for (int w = 0; w < g.W; w++)
                        for (int o = 0; o < og; o++)
                            for (int i = 0; i < g.KH; i++)
                                for (int j = 0; j < g.KW; j++)
                                {
                                    int oh = h * g.SH - g.PH + i * g.DH, ow = w * g.SW - g.PW + j * g.DW;
                                    if (oh < 0 || oh >= g.OH || ow < 0 || ow >= g.OW) continue;
                                    int oc = c / cg * og + o;
                                    y[((n * outChannels + oc) * g.OH + oh) * g.OW + ow] +=
                                        weight[((c * og + o) * g.KH + i) * g.KW + j] * x[((n * g.C + c) * g.H + h) * g.W + w];
                                }
        return y;
    }

    /// <summary>Max pooling by direct search over each window (padding is −∞).</summary>
    /// <param name="x">Input (P, H, W).</param>
    /// <param name="g">Geometry with N = P planes.</param>
    /// <returns>y (P, OH, OW).</returns>
    public static double[] MaxPool2d(double[] x, ConvGeometry g) => Pool(x, g, (vals, _) => vals.Max());

    /// <summary>Average pooling by direct summation; the divisor counts padding cells inside the padded input when
    /// <paramref name="countIncludePad"/>.</summary>
    /// <param name="x">Input (P, H, W).</param>
    /// <param name="g">Geometry with N = P planes.</param>
    /// <param name="countIncludePad">Whether padding counts.</param>
    /// <returns>y (P, OH, OW).</returns>
    public static double[] AvgPool2d(double[] x, ConvGeometry g, bool countIncludePad)
        => Pool(x, g, (vals, padded) => vals.Sum() / (countIncludePad ? padded : vals.Count));

    private static double[] Pool(double[] x, ConvGeometry g, Func<List<double>, int, double> reduce)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new double[g.N * g.OH * g.OW];
        for (int p = 0; p < g.N; p++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var vals = new List<double>();
                    int padded = 0;
                    for (int i = 0; i < g.KH; i++)
                        for (int j = 0; j < g.KW; j++)
                        {
                            int ih = oh * g.SH - g.PH + i * g.DH, iw = ow * g.SW - g.PW + j * g.DW;
                            if (ih < g.H + g.PH && iw < g.W + g.PW) padded++;
                            if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) vals.Add(x[(p * g.H + ih) * g.W + iw]);
                        }
                    y[(p * g.OH + oh) * g.OW + ow] = reduce(vals, padded);
                }
        return y;
    }
}
