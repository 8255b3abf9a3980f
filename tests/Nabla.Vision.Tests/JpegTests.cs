using Xunit;

namespace Nabla.Vision.Tests;

/// <summary>The JPEG codec: DCTs against the direct cosine sums, IJG quality scaling, PIL goldens both ways
/// (tools/golden/jpeg.py), round-trip quality, restart intervals and refused or malformed files.</summary>
public sealed class JpegTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "golden", "jpeg");

    private static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    /// <summary>A tensor of 8-bit values as integers 0..255.</summary>
    private static int[] Levels(Tensor image) => [.. image.ToArray<float>().Select(v => (int)Math.Round(v * 255))];

    /// <summary>Peak signal-to-noise ratio in dB of 8-bit images: 10 log₁₀(255² / mean squared error).</summary>
    private static double Psnr(Tensor a, Tensor b)
    {
        int[] x = Levels(a), y = Levels(b);
        double mse = x.Zip(y, (p, q) => (double)(p - q) * (p - q)).Average();
        return 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    [Fact]
    public void Forward_dct_matches_the_direct_cosine_sum()
    {
        var rng = new Random(1);
        var samples = new int[64];
        var exactIn = new double[64];
        var fast = new int[64];
        var naive = new double[64];
        double worst = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            for (int i = 0; i < 64; i++) exactIn[i] = samples[i] = rng.Next(256) - 128;
            JpegDct.ForwardIslow(samples, fast);
            JpegDct.ForwardNaive(exactIn, naive);
            for (int i = 0; i < 64; i++) worst = Math.Max(worst, Math.Abs(fast[i] / 8.0 - naive[i]));
            // The direct inverse sum takes the coefficients back to the samples (the oracles agree with each other).
            var back = new double[64];
            JpegDct.InverseNaive(naive, back);
            for (int i = 0; i < 64; i++) Assert.True(Math.Abs(back[i] - samples[i]) < 1e-9, $"f[{i}]: {back[i]} vs {samples[i]}");
        }
        // libjpeg's integer DCT returns 8·F rounded, through 13-bit constants and 2 guard bits: the worst error on
        // these 200 uniform random blocks is 0.1495 of a coefficient unit (rounding 8·F alone allows 1/16 = 0.0625;
        // a quantisation step is ≥ 1 unit, usually ≥ 5).
        Assert.InRange(worst, 0, 0.16);
        // A flat block of value 10 has only F(0,0) = ¼ · (1/√2)² · 64 · 10 = 80, i.e. 8·F = 640 exactly.
        Array.Fill(samples, 10);
        JpegDct.ForwardIslow(samples, fast);
        Assert.Equal(640, fast[0]);
        for (int i = 1; i < 64; i++) Assert.Equal(0, fast[i]);
    }

    [Fact]
    public void Integer_idct_is_within_one_level_of_the_exact_inverse()
    {
        // libjpeg's islow IDCT meets IEEE 1180 accuracy: each sample within 1 of the exact inverse rounded.
        var rng = new Random(2);
        int[] quant = Jpeg.QuantizationTable(50);
        var coefficients = new int[64];
        var exact = new double[64];
        var output = new byte[64];
        int worst = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            Array.Clear(coefficients);
            // Realistic blocks: a DC term and a few AC terms shrinking with frequency, as after quantisation.
            coefficients[0] = rng.Next(-60, 61);
            for (int k = 0; k < 10; k++) coefficients[rng.Next(1, 64)] = rng.Next(-6, 7);
            var dequantized = new double[64];
            for (int i = 0; i < 64; i++) dequantized[i] = coefficients[i] * quant[i];
            JpegDct.InverseNaive(dequantized, exact);
            JpegDct.InverseIslow(coefficients, quant, output, 0, 8);
            for (int i = 0; i < 64; i++)
            {
                int reference = (int)Math.Clamp(Math.Round(exact[i] + 128), 0, 255);
                worst = Math.Max(worst, Math.Abs(output[i] - reference));
            }
        }
        Assert.InRange(worst, 0, 1);
        // DC only: F(0,0) = 5 · 16 = 80 → every sample 80 / 8 + 128 = 138 exactly.
        Array.Clear(coefficients);
        coefficients[0] = 5;
        JpegDct.InverseIslow(coefficients, quant, output, 0, 8);
        Assert.All(output, v => Assert.Equal(138, v));
    }

    [Fact]
    public void Quality_scaling_is_the_IJG_formula()
    {
        // Quality 50: scale 100, the Annex K tables themselves.
        Assert.Equal([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19], Jpeg.QuantizationTable(50)[..12]);
        Assert.Equal([17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66], Jpeg.QuantizationTable(50, chrominance: true)[..12]);
        // Quality 100: scale 0, every step ⌊50 / 100⌋ = 0 → clamped to 1.
        Assert.All(Jpeg.QuantizationTable(100), q => Assert.Equal(1, q));
        Assert.All(Jpeg.QuantizationTable(100, chrominance: true), q => Assert.Equal(1, q));
        // Quality 75: scale 50, ⌊(t·50 + 50) / 100⌋: 16 → 8, 11 → 6, 10 → 5, 24 → 12, 40 → 20, 51 → 26, 61 → 31.
        Assert.Equal([8, 6, 5, 8, 12, 20, 26, 31], Jpeg.QuantizationTable(75)[..8]);
        // Chroma 17 → 9, 18 → 9, 24 → 12, 47 → 24, 99 → 50.
        Assert.Equal([9, 9, 12, 24, 50, 50, 50, 50], Jpeg.QuantizationTable(75, chrominance: true)[..8]);
        // Quality 10: scale 500: 16 → 80, 11 → 55; 99 · 5 = 495 → 255 (baseline clamp).
        Assert.Equal([80, 55, 50, 80, 120, 200, 255, 255], Jpeg.QuantizationTable(10)[..8]);
        // And PIL (libjpeg-turbo) wrote the same quality-75 tables into its file (DQT, zig-zag order).
        (int[] luma, int[] chroma) = Dqt(Bytes("pil_q75_420.jpg"));
        Assert.Equal(Jpeg.QuantizationTable(75), luma);
        Assert.Equal(Jpeg.QuantizationTable(75, chrominance: true), chroma);
        Assert.Throws<ArgumentOutOfRangeException>(() => Jpeg.QuantizationTable(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Jpeg.QuantizationTable(101));
    }

    /// <summary>Quantisation tables 0 and 1 of a file (PIL writes one DQT segment per table), natural order.</summary>
    private static (int[] Luma, int[] Chroma) Dqt(byte[] file)
    {
        var tables = new int[2][];
        for (int at = 2; file[at + 1] != 0xDA; at += 2 + (file[at + 2] << 8 | file[at + 3]))
        {
            if (file[at + 1] != 0xDB) continue;
            int end = at + 2 + (file[at + 2] << 8 | file[at + 3]);
            for (int start = at + 4; start < end; start += 65)
            {
                var table = new int[64];
                for (int k = 0; k < 64; k++) table[JpegTables.ZigZag[k]] = file[start + 1 + k];
                tables[file[start]] = table;
            }
        }
        return (tables[0], tables[1]);
    }

    public static TheoryData<string> DecodedByPil() => new()
    {
        "pil_q75_420.jpg", "pil_q75_422.jpg", "pil_q75_444.jpg", "pil_q20_420.jpg", "pil_grey_q75.jpg", "pil_tiny_420.jpg",
        "pil_ids_rgb.jpg", "pil_adobe_rgb.jpg", "pil_adobe_ycc.jpg",
        "nabla_q75_420.jpg", "nabla_q75_444.jpg", "nabla_q10_420.jpg", "nabla_grey_q75.jpg", "nabla_tiny_420.jpg",
    };

    [Theory]
    [MemberData(nameof(DecodedByPil))]
    public void Decoder_matches_PIL_exactly(string name)
    {
        // Same integer IDCT, fancy upsampling and fixed-point colour conversion as libjpeg-turbo: no tolerance.
        // pil_ids_rgb / pil_adobe_rgb hold the coded data of pil_q75_444 but say "RGB" (ids 'R','G','B'; Adobe
        // transform 0): PIL's pixels differ from pil_q75_444's by up to 247 levels, and ours must follow.
        Tensor ours = Jpeg.Read(Path.Combine(Dir, name));
        Tensor pil = Png.Read(Path.Combine(Dir, Path.GetFileNameWithoutExtension(name) + ".pil.png"));
        Assert.Equal(pil.Shape, ours.Shape);
        int[] a = Levels(ours), b = Levels(pil);
        int mismatches = a.Zip(b, (p, q) => p != q ? 1 : 0).Sum();
        Assert.True(mismatches == 0, $"{name}: {mismatches} of {a.Length} samples differ from PIL");
    }

    public static TheoryData<string, string, int, ChromaSubsampling> NablaFiles() => new()
    {
        { "nabla_q75_420.jpg", "src_rgb.png", 75, ChromaSubsampling.Chroma420 },
        { "nabla_q75_444.jpg", "src_rgb.png", 75, ChromaSubsampling.Chroma444 },
        { "nabla_q10_420.jpg", "src_rgb.png", 10, ChromaSubsampling.Chroma420 },
        { "nabla_grey_q75.jpg", "src_grey.png", 75, ChromaSubsampling.Chroma420 },
        { "nabla_tiny_420.jpg", "src_tiny.png", 75, ChromaSubsampling.Chroma420 },
    };

    [Theory]
    [MemberData(nameof(NablaFiles))]
    public void Encoder_output_is_byte_for_byte_the_file_PIL_decoded(string name, string source, int quality, ChromaSubsampling subsampling)
    {
        // tools/golden/jpeg.py had these bytes written by Nabla and decoded by PIL (Decoder_matches_PIL_exactly
        // compares PIL's pixels with ours): the encoder is deterministic and other decoders read its files.
        byte[] encoded = Jpeg.Encode(Png.Read(Path.Combine(Dir, source)), quality, subsampling);
        Assert.Equal(Bytes(name), encoded);
    }

    public static TheoryData<string, string, int, ChromaSubsampling> PilFiles() => new()
    {
        { "pil_q75_420.jpg", "src_rgb.png", 75, ChromaSubsampling.Chroma420 },
        { "pil_q75_444.jpg", "src_rgb.png", 75, ChromaSubsampling.Chroma444 },
        { "pil_q20_420.jpg", "src_rgb.png", 20, ChromaSubsampling.Chroma420 },
        { "pil_grey_q75.jpg", "src_grey.png", 75, ChromaSubsampling.Chroma420 },
        { "pil_tiny_420.jpg", "src_tiny.png", 75, ChromaSubsampling.Chroma420 },
    };

    [Theory]
    [MemberData(nameof(PilFiles))]
    public void Encoder_writes_the_same_bytes_as_PIL(string name, string source, int quality, ChromaSubsampling subsampling)
    {
        // Same colour conversion, downsampling, edge padding and dummy blocks, integer DCT, quantisation rounding,
        // tables and segment layout as libjpeg-turbo (PIL's save with quality=, subsampling=): the files are equal.
        Assert.Equal(Bytes(name), Jpeg.Encode(Png.Read(Path.Combine(Dir, source)), quality, subsampling));
    }

    [Fact]
    public void Round_trip_quality_is_as_measured()
    {
        // PSNR of encode → decode on the 37×29 golden source (gradients, diagonal stripes of period ≈ 6.7 px in
        // blue, a saturated red disc, noise σ = 6): a hard image for JPEG, so the values are low. Measured (dB):
        // q10 4:2:0 17.350, q75 4:2:0 24.115, q95 4:2:0 25.733, q95 4:4:4 36.055, q100 4:4:4 50.562, grey q75 32.091.
        // The codec is integer arithmetic throughout, so these are exact; the bounds are ±0.01 dB around them. 4:2:0
        // caps the colour image near 26 dB whatever the quality: halving the chroma resolution loses the stripes.
        Tensor rgb = Png.Read(Path.Combine(Dir, "src_rgb.png"));
        Tensor grey = Png.Read(Path.Combine(Dir, "src_grey.png"));
        double Trip(Tensor image, int quality, ChromaSubsampling s) => Psnr(image, Jpeg.Decode(Jpeg.Encode(image, quality, s)));
        Assert.InRange(Trip(rgb, 10, ChromaSubsampling.Chroma420), 17.34, 17.36);
        Assert.InRange(Trip(rgb, 75, ChromaSubsampling.Chroma420), 24.105, 24.125);
        Assert.InRange(Trip(rgb, 95, ChromaSubsampling.Chroma420), 25.723, 25.743);
        Assert.InRange(Trip(rgb, 95, ChromaSubsampling.Chroma444), 36.045, 36.065);
        Assert.InRange(Trip(rgb, 100, ChromaSubsampling.Chroma444), 50.552, 50.572);
        Assert.InRange(Trip(grey, 75, ChromaSubsampling.Chroma420), 32.081, 32.101);
    }

    [Fact]
    public void Image_read_and_write_use_jpeg_by_extension_and_content()
    {
        using var dir = new TempDir();
        Tensor rgb = Png.Read(Path.Combine(Dir, "src_rgb.png"));
        Image.Write(dir.File("a.jpg"), rgb);
        Image.Write(dir.File("b.JPEG"), rgb);
        // Image.Write is quality 75, 4:2:0: the same bytes as the committed Nabla golden.
        Assert.Equal(Bytes("nabla_q75_420.jpg"), File.ReadAllBytes(dir.File("a.jpg")));
        Assert.Equal(Bytes("nabla_q75_420.jpg"), File.ReadAllBytes(dir.File("b.JPEG")));
        // Reading goes by content: a JPEG renamed .png still reads as JPEG.
        File.Copy(dir.File("a.jpg"), dir.File("c.png"));
        Assert.Equal(Levels(Jpeg.Read(dir.File("a.jpg"))), Levels(Image.Read(dir.File("c.png"))));
        Assert.Equal(3, Directory.GetFiles(dir.Path).Length); // no temporary files left behind
        // Streams give the same bytes and pixels.
        using var stream = new MemoryStream();
        Jpeg.Write(stream, rgb);
        Assert.Equal(Bytes("nabla_q75_420.jpg"), stream.ToArray());
        stream.Position = 0;
        Assert.Equal(Levels(Jpeg.Read(dir.File("a.jpg"))), Levels(Jpeg.Read(stream)));
        // A (H, W) tensor is greyscale; alpha cannot be stored; quality is 1..100.
        Assert.Equal([1, 29, 37], Jpeg.Decode(Jpeg.Encode(rgb.Select(0, 0))).Shape);
        Assert.Contains("no alpha", Assert.Throws<ArgumentException>(() => Jpeg.Encode(Tensor.Ones(4, 8, 8))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Jpeg.Encode(rgb, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Jpeg.Encode(rgb, 101));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Restart_intervals_decode_to_the_same_pixels(int interval)
    {
        // 37×29 at 4:2:0 is 3×2 MCUs: interval 1 puts RST0..RST4 between all of them, 5 one marker.
        Tensor rgb = Png.Read(Path.Combine(Dir, "src_rgb.png"));
        byte[] plain = Jpeg.Encode(rgb);
        byte[] restarts = Jpeg.Encode(rgb, Jpeg.DefaultQuality, ChromaSubsampling.Chroma420, interval, interleaved: true);
        Assert.NotEqual(plain, restarts);
        Assert.Equal(Levels(Jpeg.Decode(plain)), Levels(Jpeg.Decode(restarts)));
        int markers = Enumerable.Range(0, restarts.Length - 1).Count(i => restarts[i] == 0xFF && restarts[i + 1] is >= 0xD0 and <= 0xD7);
        Assert.Equal((6 - 1) / interval, markers);
        // A missing restart marker is an error naming it.
        int at = Enumerable.Range(0, restarts.Length - 1).First(i => restarts[i] == 0xFF && restarts[i + 1] == 0xD0);
        byte[] broken = (byte[])restarts.Clone();
        broken[at + 1] = 0xD3;
        Assert.Contains("expected restart marker RST0", Assert.Throws<ImageFormatException>(() => Jpeg.Decode(broken, "r.jpg")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChromaSubsampling.Chroma420, 0)]
    [InlineData(ChromaSubsampling.Chroma444, 0)]
    [InlineData(ChromaSubsampling.Chroma420, 3)]
    public void One_scan_per_component_decodes_like_one_interleaved_scan(ChromaSubsampling chroma, int restartInterval)
    {
        // Same coefficients, coded component by component: the luma scan of the 37×29 4:2:0 image has
        // ⌈37/8⌉ × ⌈29/8⌉ = 5 × 4 blocks (not the 6 × 4 its MCUs would hold), each chroma scan ⌈19/8⌉ × ⌈15/8⌉ = 3 × 2.
        Tensor rgb = Png.Read(Path.Combine(Dir, "src_rgb.png"));
        byte[] interleaved = Jpeg.Encode(rgb, 75, chroma, restartInterval, interleaved: true);
        byte[] separate = Jpeg.Encode(rgb, 75, chroma, restartInterval, interleaved: false);
        int scans = Enumerable.Range(0, separate.Length - 1).Count(i => separate[i] == 0xFF && separate[i + 1] == 0xDA);
        Assert.Equal(3, scans);
        Assert.Equal(Levels(Jpeg.Decode(interleaved)), Levels(Jpeg.Decode(separate)));
    }

    [Fact]
    public void Extended_sof1_16_bit_tables_and_extra_segments_decode_like_baseline()
    {
        // pil_q75_420.jpg rewritten: SOF0 → SOF1 (extended sequential, same process at 8 bits), every DQT table as
        // 16-bit values (Pq = 1), and a COM, an APP1 and an APP15 segment plus FF fill bytes before a marker. The
        // pixels must not change.
        byte[] file = Bytes("pil_q75_420.jpg");
        var rewritten = new List<byte> { 0xFF, 0xD8 };
        rewritten.AddRange([0xFF, 0xFE, 0, 7, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o']);
        rewritten.AddRange([0xFF, 0xE1, 0, 4, 1, 2, 0xFF, 0xFF, 0xFF, 0xEF, 0, 2]);
        int at = 2;
        while (true)
        {
            int marker = file[at + 1], length = file[at + 2] << 8 | file[at + 3];
            if (marker == 0xDA)
            {
                rewritten.AddRange(file.AsSpan(at).ToArray());
                break;
            }
            if (marker == 0xDB)
            {
                var body = new List<byte>();
                for (int t = at + 4; t < at + 2 + length; t += 65)
                {
                    body.Add((byte)(0x10 | file[t]));
                    for (int k = 0; k < 64; k++) body.AddRange([0, file[t + 1 + k]]);
                }
                rewritten.AddRange([0xFF, 0xDB, (byte)((body.Count + 2) >> 8), (byte)(body.Count + 2)]);
                rewritten.AddRange(body);
            }
            else
            {
                byte[] segment = file.AsSpan(at, 2 + length).ToArray();
                if (marker == 0xC0) segment[1] = 0xC1;
                rewritten.AddRange(segment);
            }
            at += 2 + length;
        }
        Assert.Equal(Levels(Jpeg.Decode(file)), Levels(Jpeg.Decode(rewritten.ToArray())));
    }

    [Fact]
    public void Unsupported_jpeg_kinds_are_refused_by_name()
    {
        byte[] file = Bytes("pil_q75_420.jpg");
        int sof = Enumerable.Range(0, file.Length - 1).First(i => file[i] == 0xFF && file[i + 1] == 0xC0);
        string Refusal(Action<byte[]> change)
        {
            byte[] copy = (byte[])file.Clone();
            change(copy);
            var e = Assert.Throws<ImageFormatException>(() => Jpeg.Decode(copy, "x.jpg"));
            Assert.Equal("x.jpg", e.File);
            return e.Problem;
        }
        Assert.StartsWith("progressive JPEG (SOF2)", Assert.Throws<ImageFormatException>(() => Jpeg.Read(Path.Combine(Dir, "pil_progressive.jpg"))).Problem, StringComparison.Ordinal);
        Assert.StartsWith("lossless JPEG (SOF3)", Refusal(f => f[sof + 1] = 0xC3), StringComparison.Ordinal);
        Assert.StartsWith("arithmetic-coded JPEG", Refusal(f => f[sof + 1] = 0xC9), StringComparison.Ordinal);
        Assert.StartsWith("hierarchical JPEG", Refusal(f => f[sof + 1] = 0xC5), StringComparison.Ordinal);
        Assert.StartsWith("12-bit JPEG is not supported", Refusal(f => f[sof + 4] = 12), StringComparison.Ordinal);
        Assert.StartsWith("a 4-component (CMYK or YCCK) JPEG", Refusal(f => f[sof + 9] = 4), StringComparison.Ordinal);
        Assert.Contains("sampling factors 4×1", Refusal(f => f[sof + 11] = 0x41), StringComparison.Ordinal);
        // 65535 × 65535 × 3 samples do not fit one array: refused before anything is allocated.
        Assert.Contains("65535×65535 pixels is too large", Refusal(f => f[sof + 5] = f[sof + 6] = f[sof + 7] = f[sof + 8] = 0xFF), StringComparison.Ordinal);
        // The SOF offset is reported: the precision byte is 4 bytes after the marker.
        Assert.Equal(sof + 4, Assert.Throws<ImageFormatException>(() => { byte[] c = (byte[])file.Clone(); c[sof + 4] = 12; Jpeg.Decode(c); }).Offset);
    }

    [Fact]
    public void Every_truncation_and_corruption_fails_cleanly()
    {
        foreach (string name in new[] { "pil_q75_420.jpg", "pil_grey_q75.jpg", "nabla_q75_444.jpg" })
        {
            byte[] file = Bytes(name);
            for (int length = 0; length < file.Length; length++)
            {
                var e = Assert.Throws<ImageFormatException>(() => Image.Decode(file.AsSpan(0, length), name));
                Assert.Equal(name, e.File);
                Assert.InRange(e.Offset, 0, length);
            }
        }
        // Flipped bytes: either a picture or an ImageFormatException, never another exception.
        byte[] good = Bytes("pil_q75_420.jpg");
        var rng = new Random(3);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            for (int k = 0; k < 3; k++) bad[rng.Next(2, bad.Length)] = (byte)rng.Next(256);
            try
            {
                Jpeg.Decode(bad, "fuzz");
            }
            catch (ImageFormatException)
            {
            }
        }
        Assert.Contains("EOI before any scan", Assert.Throws<ImageFormatException>(() => Jpeg.Decode([0xFF, 0xD8, 0xFF, 0xD9])).Message, StringComparison.Ordinal);
    }
}
