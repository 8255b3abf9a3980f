namespace Nabla.Vision;

/// <summary>Baseline JFIF encoding (ITU-T T.81 Annex F): colour conversion, chroma downsampling, forward DCT,
/// quantisation and Huffman coding with the Annex K.3 tables. See <see cref="Jpeg"/>.</summary>
internal static class JpegEncoder
{
    // jccolor.c: 16-bit fixed-point JFIF RGB → YCbCr; chroma is offset by 128 and rounded with ONE_HALF − 1.
    private const int ScaleBits = 16, Half = 1 << (ScaleBits - 1), ChromaOffset = 128 << ScaleBits;

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static readonly int RToY = Fix(0.29900), GToY = Fix(0.58700), BToY = Fix(0.11400);
    private static readonly int RToCb = Fix(0.16874), GToCb = Fix(0.33126), Point5 = Fix(0.5), GToCr = Fix(0.41869), BToCr = Fix(0.08131);

    /// <summary>Encodes interleaved 8-bit pixels (1 or 3 channels) as a baseline JPEG file; a positive
    /// <paramref name="restartInterval"/> writes a DRI segment and an RSTn marker every that many MCUs; with
    /// <paramref name="interleaved"/> false each component gets its own scan (also baseline, rarer).</summary>
    public static byte[] Encode(byte[] pixels, int channels, int height, int width, int quality, bool subsample,
        int restartInterval = 0, bool interleaved = true)
    {
        int plane = width * height;
        var full = new byte[channels][];
        for (int c = 0; c < channels; c++) full[c] = new byte[plane];
        if (channels == 1) pixels.CopyTo(full[0], 0);
        else
        {
            for (int i = 0; i < plane; i++)
            {
                int r = pixels[3 * i], g = pixels[3 * i + 1], b = pixels[3 * i + 2];
                full[0][i] = (byte)((RToY * r + GToY * g + BToY * b + Half) >> ScaleBits);
                full[1][i] = (byte)((-RToCb * r - GToCb * g + Point5 * b + ChromaOffset + Half - 1) >> ScaleBits);
                full[2][i] = (byte)((Point5 * r - GToCr * g - BToCr * b + ChromaOffset + Half - 1) >> ScaleBits);
            }
        }

        // Sampling factors: luma 2×2 and chroma 1×1 for 4:2:0, everything 1×1 otherwise.
        bool sub = subsample && channels == 3;
        int hMax = sub ? 2 : 1;
        int mcusX = (width + 8 * hMax - 1) / (8 * hMax), mcusY = (height + 8 * hMax - 1) / (8 * hMax);
        var planes = new byte[channels][];
        var factors = new int[channels];
        var blocksW = new int[channels];
        var blocksH = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            factors[c] = sub && c == 0 ? 2 : 1;
            // The component is ⌈X·H/Hmax⌉ × ⌈Y·V/Vmax⌉ samples, coded as whole blocks (T.81 §A.1.1).
            int cw = (width * factors[c] + hMax - 1) / hMax, ch = (height * factors[c] + hMax - 1) / hMax;
            blocksW[c] = (cw + 7) / 8;
            blocksH[c] = (ch + 7) / 8;
            planes[c] = factors[c] == hMax
                ? Pad(full[c], width, height, blocksW[c] * 8, blocksH[c] * 8)
                : Downsample(full[c], width, height, blocksW[c] * 8, blocksH[c] * 8);
        }

        int[][] quant = [Jpeg.QuantizationTable(quality), Jpeg.QuantizationTable(quality, chrominance: true)];
        var luma = (Dc: JpegTables.Codes(JpegTables.DcLuminanceBits, JpegTables.DcValues), Ac: JpegTables.Codes(JpegTables.AcLuminanceBits, JpegTables.AcLuminanceValues));
        var chroma = (Dc: JpegTables.Codes(JpegTables.DcChrominanceBits, JpegTables.DcValues), Ac: JpegTables.Codes(JpegTables.AcChrominanceBits, JpegTables.AcChrominanceValues));

        var output = new MemoryStream();
        WriteHeaders(output, channels, height, width, factors, quant, restartInterval);
        // One interleaved scan (all components, MCU by MCU), or one scan per component in raster block order.
        int[][] scans = interleaved ? [[.. Enumerable.Range(0, channels)]] : [.. Enumerable.Range(0, channels).Select(c => new[] { c })];
        Span<int> samples = stackalloc int[64];
        Span<int> transformed = stackalloc int[64];
        Span<int> quantized = stackalloc int[64];
        foreach (int[] scan in scans)
        {
            WriteScanHeader(output, scan);
            var bits = new BitWriter(output);
            var dc = new int[channels];
            // A one-component scan codes exactly the component's blocks (T.81 §A.2.2); an interleaved scan codes
            // whole MCUs, which may reach past them.
            bool single = scan.Length == 1;
            int unitsX = single ? blocksW[scan[0]] : mcusX, unitsY = single ? blocksH[scan[0]] : mcusY;
            for (int unit = 0; unit < unitsX * unitsY; unit++)
            {
                if (restartInterval > 0 && unit > 0 && unit % restartInterval == 0)
                {
                    // T.81 §F.1.2.3: byte-align, RSTn (n counts modulo 8), and restart DC prediction.
                    bits.Flush();
                    output.Write([0xFF, (byte)(0xD0 + (unit / restartInterval - 1) % 8)]);
                    Array.Clear(dc);
                }
                int ux = unit % unitsX, uy = unit / unitsX;
                foreach (int c in scan)
                {
                    int f = single ? 1 : factors[c], stride = blocksW[c] * 8;
                    int[] q = quant[c == 0 ? 0 : 1];
                    var codes = c == 0 ? luma : chroma;
                    int previousDc = 0;
                    for (int by = 0; by < f; by++)
                    {
                        for (int bx = 0; bx < f; bx++)
                        {
                            int col = ux * f + bx, row = uy * f + by;
                            if (col < blocksW[c] && row < blocksH[c])
                            {
                                for (int y = 0; y < 8; y++)
                                    for (int x = 0; x < 8; x++) samples[y * 8 + x] = planes[c][(row * 8 + y) * stride + col * 8 + x] - 128;
                                JpegDct.ForwardIslow(samples, transformed);
                                Quantize(transformed, q, quantized);
                            }
                            else
                            {
                                // A block of the MCU past the component's edge: libjpeg codes a "dummy" block, flat
                                // at the DC of the block before it (jccoefct.c), which costs almost no bits.
                                quantized.Clear();
                                quantized[0] = previousDc;
                            }
                            previousDc = quantized[0];
                            EncodeBlock(bits, quantized, ref dc[c], codes.Dc, codes.Ac);
                        }
                    }
                }
            }
            bits.Flush();
        }
        output.WriteByte(0xFF);
        output.WriteByte(0xD9);
        return output.ToArray();
    }

    /// <summary>Quantisation, the lossy step: the coefficient 8·F (see <see cref="JpegDct.ForwardIslow"/>) divided by
    /// 8·Q and rounded half away from zero, in integers as libjpeg's quantize(). For 8-bit samples |F(0,0)| ≤ 1024
    /// and |F(u,v)| &lt; 930 otherwise, so every value fits the 11-bit DC difference and 10-bit AC categories of
    /// baseline JPEG.</summary>
    private static void Quantize(ReadOnlySpan<int> transformed, int[] q, Span<int> quantized)
    {
        for (int i = 0; i < 64; i++)
        {
            int divisor = q[i] << 3, v = transformed[i];
            quantized[i] = v < 0 ? -((-v + (divisor >> 1)) / divisor) : (v + (divisor >> 1)) / divisor;
        }
    }

    /// <summary>The plane enlarged to <paramref name="pw"/>×<paramref name="ph"/> by repeating its last column and
    /// row (libjpeg's expand_right_edge and expand_bottom_edge), so that edge blocks hold no artificial step that would
    /// cost bits and ring back into the image.</summary>
    private static byte[] Pad(byte[] plane, int w, int h, int pw, int ph)
    {
        var padded = new byte[pw * ph];
        for (int y = 0; y < ph; y++)
        {
            int sy = Math.Min(y, h - 1);
            for (int x = 0; x < pw; x++) padded[y * pw + x] = plane[sy * w + Math.Min(x, w - 1)];
        }
        return padded;
    }

    /// <summary>2×2 averaging as libjpeg's h2v2_downsample: (a + b + c + d + bias) / 4 with the bias alternating
    /// 1, 2, 1, 2… along each row so that rounding has no systematic drift. As in libjpeg, the full-resolution rows
    /// are first extended to 2·<paramref name="ow"/> columns and an even number of rows by repeating the last column
    /// and row; output rows past ⌈h/2⌉ repeat the last computed one.</summary>
    private static byte[] Downsample(byte[] plane, int w, int h, int ow, int oh)
    {
        var output = new byte[ow * oh];
        int rows = (h + 1) / 2;
        for (int y = 0; y < oh; y++)
        {
            if (y >= rows)
            {
                output.AsSpan((rows - 1) * ow, ow).CopyTo(output.AsSpan(y * ow, ow));
                continue;
            }
            int r0 = 2 * y * w, r1 = Math.Min(2 * y + 1, h - 1) * w;
            int bias = 1;
            for (int x = 0; x < ow; x++)
            {
                int x0 = Math.Min(2 * x, w - 1), x1 = Math.Min(2 * x + 1, w - 1);
                output[y * ow + x] = (byte)((plane[r0 + x0] + plane[r0 + x1] + plane[r1 + x0] + plane[r1 + x1] + bias) >> 2);
                bias ^= 3;
            }
        }
        return output;
    }

    private static void WriteHeaders(MemoryStream s, int channels, int height, int width, int[] factors, int[][] quant, int restartInterval)
    {
        s.Write([0xFF, 0xD8]);
        // JFIF APP0: version 1.01, no units, 1:1 pixel aspect, no thumbnail.
        s.Write([0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        // One DQT and one DHT segment per table, in libjpeg's order.
        int tables = channels == 1 ? 1 : 2;
        for (int t = 0; t < tables; t++)
        {
            Marker(s, 0xDB, 65);
            s.WriteByte((byte)t);
            for (int k = 0; k < 64; k++) s.WriteByte((byte)quant[t][JpegTables.ZigZag[k]]);
        }
        Marker(s, 0xC0, 6 + 3 * channels);
        s.Write([8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)channels]);
        for (int c = 0; c < channels; c++) s.Write([(byte)(c + 1), (byte)(factors[c] << 4 | factors[c]), (byte)(c == 0 ? 0 : 1)]);
        (byte Class, byte[] Bits, byte[] Values)[] huffman =
        [
            (0x00, JpegTables.DcLuminanceBits.ToArray(), JpegTables.DcValues.ToArray()),
            (0x10, JpegTables.AcLuminanceBits.ToArray(), JpegTables.AcLuminanceValues.ToArray()),
            (0x01, JpegTables.DcChrominanceBits.ToArray(), JpegTables.DcValues.ToArray()),
            (0x11, JpegTables.AcChrominanceBits.ToArray(), JpegTables.AcChrominanceValues.ToArray()),
        ];
        int used = channels == 1 ? 2 : 4;
        foreach (var t in huffman.Take(used))
        {
            Marker(s, 0xC4, 17 + t.Values.Length);
            s.WriteByte(t.Class);
            s.Write(t.Bits);
            s.Write(t.Values);
        }
        if (restartInterval > 0)
        {
            Marker(s, 0xDD, 2);
            s.Write([(byte)(restartInterval >> 8), (byte)restartInterval]);
        }
    }

    /// <summary>SOS for the components in <paramref name="scan"/>: luma uses Huffman tables 0, chroma 1.</summary>
    private static void WriteScanHeader(MemoryStream s, int[] scan)
    {
        Marker(s, 0xDA, 4 + 2 * scan.Length);
        s.WriteByte((byte)scan.Length);
        foreach (int c in scan) s.Write([(byte)(c + 1), (byte)(c == 0 ? 0x00 : 0x11)]);
        s.Write([0, 63, 0]); // Spectral selection 0..63, no successive approximation: sequential.
    }

    /// <summary>A marker and the length field of its segment (<paramref name="body"/> data bytes + 2).</summary>
    private static void Marker(MemoryStream s, byte marker, int body) => s.Write([0xFF, marker, (byte)((body + 2) >> 8), (byte)(body + 2)]);

    /// <summary>T.81 §F.1.2: the DC difference, then runs of zeros and AC values in zig-zag order, each a Huffman
    /// code for (run, category) followed by the value's category bits; EOB after the last non-zero value and ZRL for
    /// 16 zeros.</summary>
    private static void EncodeBlock(BitWriter bits, ReadOnlySpan<int> block, ref int dcPred,
        (ushort[] Codes, byte[] Lengths) dc, (ushort[] Codes, byte[] Lengths) ac)
    {
        int diff = block[0] - dcPred;
        dcPred = block[0];
        int size = Category(diff);
        bits.Write(dc.Codes[size], dc.Lengths[size]);
        bits.Write(Magnitude(diff, size), size);
        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int v = block[JpegTables.ZigZag[k]];
            if (v == 0)
            {
                run++;
                continue;
            }
            while (run > 15)
            {
                bits.Write(ac.Codes[0xF0], ac.Lengths[0xF0]);
                run -= 16;
            }
            size = Category(v);
            int symbol = run << 4 | size;
            bits.Write(ac.Codes[symbol], ac.Lengths[symbol]);
            bits.Write(Magnitude(v, size), size);
            run = 0;
        }
        if (run > 0) bits.Write(ac.Codes[0x00], ac.Lengths[0x00]);
    }

    /// <summary>The category (bit length) of |v|: 0 for 0, else ⌊log₂|v|⌋ + 1.</summary>
    private static int Category(int v) => v == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(v));

    /// <summary>The category bits of v: v itself when positive, v + 2^size − 1 (ones' complement) when negative.</summary>
    private static int Magnitude(int v, int size) => v >= 0 ? v : v + (1 << size) - 1;

    /// <summary>Writes bits most significant first, stuffing a 00 after every FF byte (T.81 §F.1.2.3) and padding
    /// the last byte with 1-bits.</summary>
    private sealed class BitWriter(MemoryStream output)
    {
        private int _buffer, _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8) Emit();
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                _buffer = (_buffer << 1) | 1;
                if (++_count == 8) Emit();
            }
        }

        private void Emit()
        {
            output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF) output.WriteByte(0);
            _buffer = 0;
            _count = 0;
        }
    }
}
