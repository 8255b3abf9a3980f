namespace Nabla.Vision;

/// <summary>The 8×8 discrete cosine transforms of JPEG (ITU-T T.81 §A.3.3): libjpeg's integer forward and inverse DCTs
/// (<c>jfdctint.c</c>, <c>jidctint.c</c>, "islow") and the direct cosine sums that serve as their test oracles.</summary>
/// <remarks>Blocks are 64 values in natural (row-major) order: index <c>v·8 + u</c> holds the coefficient of
/// vertical frequency v and horizontal frequency u, or the sample at row y = v, column x = u.
/// The transform pair is
/// F(u, v) = ¼ C(u) C(v) Σₓ Σᵧ f(x, y) cos((2x + 1)uπ/16) cos((2y + 1)vπ/16) and
/// f(x, y) = ¼ Σᵤ Σᵥ C(u) C(v) F(u, v) cos((2x + 1)uπ/16) cos((2y + 1)vπ/16), with C(0) = 1/√2 and C(k) = 1
/// otherwise.</remarks>
internal static class JpegDct
{
    /// <summary>libjpeg's accurate integer forward DCT (<c>jpeg_fdct_islow</c>, jfdctint.c, the default of libjpeg and
    /// so of PIL's encoder): the same 13-bit fixed-point rotations as <see cref="InverseIslow"/>, 2 extra bits kept
    /// between the row and column passes. The outputs are the coefficients F(u, v) scaled by 8 and rounded to
    /// integers (libjpeg folds the 1/8 into the quantisation divisors).</summary>
    /// <param name="samples">64 level-shifted samples (sample − 128), natural order.</param>
    /// <param name="output">8·F(u, v), natural order.</param>
    public static void ForwardIslow(ReadOnlySpan<int> samples, Span<int> output)
    {
        Span<int> d = output;
        samples[..64].CopyTo(d);
        for (int pass = 0; pass < 2; pass++)
        {
            // Pass 0 transforms rows (stride 1 within, 8 between), pass 1 columns.
            int step = pass == 0 ? 1 : 8, next = pass == 0 ? 8 : 1;
            int shift = pass == 0 ? ConstBits - Pass1Bits : ConstBits + Pass1Bits;
            for (int line = 0; line < 8; line++)
            {
                int b = line * next;
                int tmp0 = d[b] + d[b + 7 * step], tmp7 = d[b] - d[b + 7 * step];
                int tmp1 = d[b + step] + d[b + 6 * step], tmp6 = d[b + step] - d[b + 6 * step];
                int tmp2 = d[b + 2 * step] + d[b + 5 * step], tmp5 = d[b + 2 * step] - d[b + 5 * step];
                int tmp3 = d[b + 3 * step] + d[b + 4 * step], tmp4 = d[b + 3 * step] - d[b + 4 * step];
                // Even part.
                int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
                if (pass == 0)
                {
                    d[b] = (tmp10 + tmp11) << Pass1Bits;
                    d[b + 4 * step] = (tmp10 - tmp11) << Pass1Bits;
                }
                else
                {
                    d[b] = Descale(tmp10 + tmp11, Pass1Bits);
                    d[b + 4 * step] = Descale(tmp10 - tmp11, Pass1Bits);
                }
                int z1 = (tmp12 + tmp13) * Fix0_541196100;
                d[b + 2 * step] = Descale(z1 + tmp13 * Fix0_765366865, shift);
                d[b + 6 * step] = Descale(z1 + tmp12 * -Fix1_847759065, shift);
                // Odd part.
                z1 = tmp4 + tmp7;
                int z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
                int z5 = (z3 + z4) * Fix1_175875602;
                tmp4 *= Fix0_298631336;
                tmp5 *= Fix2_053119869;
                tmp6 *= Fix3_072711026;
                tmp7 *= Fix1_501321110;
                z1 *= -Fix0_899976223;
                z2 *= -Fix2_562915447;
                z3 = z3 * -Fix1_961570560 + z5;
                z4 = z4 * -Fix0_390180644 + z5;
                d[b + 7 * step] = Descale(tmp4 + z1 + z3, shift);
                d[b + 5 * step] = Descale(tmp5 + z2 + z4, shift);
                d[b + 3 * step] = Descale(tmp6 + z2 + z3, shift);
                d[b + step] = Descale(tmp7 + z1 + z4, shift);
            }
        }
    }

    /// <summary>The forward DCT as the direct quadruple sum of T.81 §A.3.3 (test oracle).</summary>
    public static void ForwardNaive(ReadOnlySpan<double> samples, Span<double> coefficients)
    {
        for (int v = 0; v < 8; v++)
        {
            for (int u = 0; u < 8; u++)
            {
                double s = 0;
                for (int y = 0; y < 8; y++)
                {
                    for (int x = 0; x < 8; x++)
                        s += samples[y * 8 + x] * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                }
                coefficients[v * 8 + u] = 0.25 * C(u) * C(v) * s;
            }
        }
    }

    /// <summary>The inverse DCT as the direct quadruple sum of T.81 §A.3.3 (test oracle), without the level shift
    /// or rounding: sample values are the results + 128.</summary>
    public static void InverseNaive(ReadOnlySpan<double> coefficients, Span<double> samples)
    {
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                double s = 0;
                for (int v = 0; v < 8; v++)
                {
                    for (int u = 0; u < 8; u++)
                        s += C(u) * C(v) * coefficients[v * 8 + u] * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                }
                samples[y * 8 + x] = 0.25 * s;
            }
        }
    }

    private static double C(int k) => k == 0 ? 1 / Math.Sqrt(2) : 1;

    // libjpeg's jidctint.c fixed-point constants: round(c · 2^13) with CONST_BITS = 13.
    private const int ConstBits = 13, Pass1Bits = 2;
    private const int Fix0_298631336 = 2446, Fix0_390180644 = 3196, Fix0_541196100 = 4433, Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373, Fix1_175875602 = 9633, Fix1_501321110 = 12299, Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069, Fix2_053119869 = 16819, Fix2_562915447 = 20995, Fix3_072711026 = 25172;

    /// <summary>libjpeg's accurate integer inverse DCT (<c>jpeg_idct_islow</c>, the default of libjpeg, libjpeg-turbo and so
    /// of PIL): dequantises, transforms with 13-bit fixed-point rotations (Loeffler–Ligtenberg–Moschytz), keeps 2
    /// extra bits between the column and row passes, adds the level shift 128 and clamps to 0..255. The arithmetic is
    /// the same as libjpeg's step for step, so the samples are bit-identical to libjpeg's.</summary>
    /// <param name="coefficients">64 quantised coefficients, natural order.</param>
    /// <param name="quant">The 64 quantisation steps, natural order.</param>
    /// <param name="output">The plane the samples go to.</param>
    /// <param name="offset">Index of the block's top-left sample in <paramref name="output"/>.</param>
    /// <param name="stride">Samples per row of <paramref name="output"/>.</param>
    public static void InverseIslow(ReadOnlySpan<int> coefficients, ReadOnlySpan<int> quant, Span<byte> output, int offset, int stride)
    {
        Span<int> ws = stackalloc int[64];
        // Pass 1: columns, results scaled up by 2^Pass1Bits.
        for (int col = 0; col < 8; col++)
        {
            int z2 = coefficients[16 + col] * quant[16 + col], z3 = coefficients[48 + col] * quant[48 + col];
            (int t10, int t11, int t12, int t13) = Even(z2, z3, coefficients[col] * quant[col], coefficients[32 + col] * quant[32 + col]);
            (int t0, int t1, int t2, int t3) = Odd(coefficients[56 + col] * quant[56 + col], coefficients[40 + col] * quant[40 + col],
                coefficients[24 + col] * quant[24 + col], coefficients[8 + col] * quant[8 + col]);
            const int shift = ConstBits - Pass1Bits;
            ws[col] = Descale(t10 + t3, shift);
            ws[56 + col] = Descale(t10 - t3, shift);
            ws[8 + col] = Descale(t11 + t2, shift);
            ws[48 + col] = Descale(t11 - t2, shift);
            ws[16 + col] = Descale(t12 + t1, shift);
            ws[40 + col] = Descale(t12 - t1, shift);
            ws[24 + col] = Descale(t13 + t0, shift);
            ws[32 + col] = Descale(t13 - t0, shift);
        }
        // Pass 2: rows; the extra 3 bits of the shift are the 1/8 of the 2-D transform's scale.
        for (int row = 0; row < 8; row++)
        {
            ReadOnlySpan<int> w = ws.Slice(row * 8, 8);
            (int t10, int t11, int t12, int t13) = Even(w[2], w[6], w[0], w[4]);
            (int t0, int t1, int t2, int t3) = Odd(w[7], w[5], w[3], w[1]);
            const int shift = ConstBits + Pass1Bits + 3;
            Span<byte> o = output.Slice(offset + row * stride, 8);
            o[0] = Clamp(Descale(t10 + t3, shift));
            o[7] = Clamp(Descale(t10 - t3, shift));
            o[1] = Clamp(Descale(t11 + t2, shift));
            o[6] = Clamp(Descale(t11 - t2, shift));
            o[2] = Clamp(Descale(t12 + t1, shift));
            o[5] = Clamp(Descale(t12 - t1, shift));
            o[3] = Clamp(Descale(t13 + t0, shift));
            o[4] = Clamp(Descale(t13 - t0, shift));
        }
    }

    /// <summary>The even part of the 1-D IDCT from inputs 2, 6, 0, 4 (jidctint.c).</summary>
    private static (int T10, int T11, int T12, int T13) Even(int in2, int in6, int in0, int in4)
    {
        int z1 = (in2 + in6) * Fix0_541196100;
        int tmp2 = z1 + in6 * -Fix1_847759065;
        int tmp3 = z1 + in2 * Fix0_765366865;
        int tmp0 = (in0 + in4) << ConstBits;
        int tmp1 = (in0 - in4) << ConstBits;
        return (tmp0 + tmp3, tmp1 + tmp2, tmp1 - tmp2, tmp0 - tmp3);
    }

    /// <summary>The odd part of the 1-D IDCT from inputs 7, 5, 3, 1 (jidctint.c).</summary>
    private static (int T0, int T1, int T2, int T3) Odd(int tmp0, int tmp1, int tmp2, int tmp3)
    {
        int z1 = tmp0 + tmp3, z2 = tmp1 + tmp2, z3 = tmp0 + tmp2, z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * Fix1_175875602;
        tmp0 *= Fix0_298631336;
        tmp1 *= Fix2_053119869;
        tmp2 *= Fix3_072711026;
        tmp3 *= Fix1_501321110;
        z1 *= -Fix0_899976223;
        z2 *= -Fix2_562915447;
        z3 = z3 * -Fix1_961570560 + z5;
        z4 = z4 * -Fix0_390180644 + z5;
        return (tmp0 + z1 + z3, tmp1 + z2 + z4, tmp2 + z2 + z3, tmp3 + z1 + z4);
    }

    /// <summary>Division by 2^n rounded half up (libjpeg's DESCALE).</summary>
    private static int Descale(int x, int n) => (x + (1 << (n - 1))) >> n;

    /// <summary>The level shift (+128) and clamp to 8 bits (libjpeg's range_limit for valid input).</summary>
    private static byte Clamp(int x) => (byte)Math.Clamp(x + 128, 0, 255);
}
