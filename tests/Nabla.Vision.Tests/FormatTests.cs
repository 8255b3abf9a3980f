using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace Nabla.Vision.Tests;

public sealed class FormatTests
{
    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        foreach (string n in TestImages.Names.Where(n => !n.StartsWith("luma", StringComparison.Ordinal))) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Golden_files_decode_to_the_pixels_python_wrote(string name)
    {
        // tools/golden/images.py: each file's pixels as integers / (2^depth − 1 or maxval), cross-checked with PIL.
        (int[] shape, double[] expected) = TestImages.Expected(name);
        Tensor image = Image.Read(Path.Combine(TestImages.Dir, name));
        Assert.Equal(shape, image.Shape);
        Assert.Equal(DType.Float32, image.DType);
        float[] got = image.ToArray<float>();
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-7, $"{name}[{i}]: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void Grayscale_is_the_BT601_luma_of_PIL_convert_L()
    {
        // PIL's "L" is (19595 R + 38470 G + 7471 B + 2^15) >> 16, i.e. 0.299 R + 0.587 G + 0.114 B rounded to 8 bits;
        // ours is not rounded, so it is within half a level (plus PIL's 1e-5 coefficient error × 255).
        Tensor grey = Image.ToGrayscale(Image.Read(Path.Combine(TestImages.Dir, "rgb8.png")));
        (int[] shape, double[] pil) = TestImages.Expected("luma_of_rgb8.png");
        Assert.Equal(shape, grey.Shape);
        float[] got = grey.ToArray<float>();
        for (int i = 0; i < got.Length; i++) Assert.InRange(Math.Abs(got[i] - pil[i]) * 255, 0, 0.505);
    }

    [Fact]
    public void Grayscale_and_rgb_conversions_by_hand()
    {
        // One pixel (R, G, B) = (1, 0.5, 0): Y = 0.299 + 0.587·0.5 = 0.5925.
        Tensor rgb = Tensor.FromArray(new float[] { 1, 0.5f, 0 }, 3, 1, 1);
        Assert.Equal(0.5925f, Image.ToGrayscale(rgb).Item<float>(), 6);
        Tensor la = Tensor.FromArray(new float[] { 0.25f, 1 }, 2, 1, 1);
        Assert.Equal(new float[] { 0.25f, 0.25f, 0.25f }, Image.ToRgb(la).ToArray<float>());
        Assert.Equal(new float[] { 0.25f }, Image.ToGrayscale(la).ToArray<float>());
        Tensor rgba = Tensor.FromArray(new float[] { 0.1f, 0.2f, 0.3f, 0.4f }, 4, 1, 1);
        Assert.Equal(new float[] { 0.1f, 0.2f, 0.3f }, Image.ToRgb(rgba).ToArray<float>());
        Assert.Equal(new[] { 1, 2, 3 }, Image.ToGrayscale(Tensor.Zeros(2, 3)).Shape);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_values()
    {
        // The CRC-32 check value of "123456789" (zlib.crc32(b"123456789") = 0xCBF43926), and the CRC of the
        // empty IEND chunk that ends every PNG file (0xAE426082).
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xAE426082u, Crc32.Compute(Encoding.ASCII.GetBytes("IEND")));
    }

    [Fact]
    public void Png_filters_by_hand()
    {
        // Paeth(a, b, c): p = a + b − c; (10, 20, 15): p = 15, distances 5, 5, 0 → c = 15.
        Assert.Equal(15, Png.Paeth(10, 20, 15));
        // (10, 20, 5): p = 25, distances 15, 5, 20 → b = 20. Ties go to a: (10, 10, 10) → 10.
        Assert.Equal(20, Png.Paeth(10, 20, 5));
        Assert.Equal(10, Png.Paeth(10, 10, 10));
        byte[] above = [100, 200, 50, 250];
        // Sub with bpp 1: running sum 1, 1+2, 1+2+3, 6+250 = 256 ≡ 0 (mod 256).
        byte[] row = [1, 2, 3, 250];
        Png.Unfilter(1, row, above, 1);
        Assert.Equal(new byte[] { 1, 3, 6, 0 }, row);
        // Up: add the byte above mod 256: 1+100, 2+200, 3+50, 250+250 = 500 − 256 = 244.
        row = [1, 2, 3, 250];
        Png.Unfilter(2, row, above, 1);
        Assert.Equal(new byte[] { 101, 202, 53, 244 }, row);
        // Average with bpp 2: x0 + ⌊(0 + 100)/2⌋ = 51, x1 + ⌊(0 + 200)/2⌋ = 102, x2 + ⌊(51 + 50)/2⌋ = 53,
        // x3 + ⌊(102 + 250)/2⌋ = 250 + 176 = 426 − 256 = 170.
        row = [1, 2, 3, 250];
        Png.Unfilter(3, row, above, 2);
        Assert.Equal(new byte[] { 51, 102, 53, 170 }, row);
        // Filter is Unfilter's inverse for every type.
        byte[] original = [7, 250, 3, 128, 99, 0];
        byte[] prev = [5, 6, 255, 1, 2, 3];
        for (int f = 0; f <= 4; f++)
        {
            var filtered = new byte[6];
            Png.Filter(f, original, prev, 3, filtered);
            Png.Unfilter(f, filtered, prev, 3);
            Assert.Equal(original, filtered);
        }
    }

    [Fact]
    public void Hand_built_png_with_sub_and_paeth_rows()
    {
        // A 3×2 8-bit grey image:   row 0 = 10 20 30   row 1 = 15 20 40.
        // Row 0 with Sub (1): 10, 20−10, 30−20 = 10 10 10.
        // Row 1 with Paeth (4): x=0: a=0, b=10, c=0 → p=10 → b → 15−10 = 5;
        //   x=1: a=15, b=20, c=10 → p=25, |p−a|=10, |p−b|=5, |p−c|=15 → b=20 → 0;
        //   x=2: a=20, b=30, c=20 → p=30 → b=30 → 40−30 = 10.
        byte[] raw = [1, 10, 10, 10, 4, 5, 0, 10];
        byte[] file = TestImages.Concat(TestImages.PngSignature, TestImages.Ihdr(3, 2, 8, 0),
                                        TestImages.Chunk("IDAT", TestImages.Zlib(raw)), TestImages.Chunk("IEND"));
        Tensor image = Png.Decode(file);
        Assert.Equal(new[] { 1, 2, 3 }, image.Shape);
        Assert.Equal(new[] { 10, 20, 30, 15, 20, 40 }.Select(v => v / 255f).ToArray(), image.ToArray<float>());
    }

    [Fact]
    public void Hand_built_bmp_bottom_up_with_row_padding()
    {
        // 2×2 24-bit: 6 bytes of pixels per row, padded to 8. Rows are stored bottom-up, pixels as B, G, R.
        // Top row: red (255,0,0), green (0,255,0). Bottom row: blue (0,0,255), white.
        byte[] header = new byte[54];
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(2), 54 + 16);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(10), 54);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), 2);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(22), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), 24);
        byte[] pixels = [255, 0, 0, 255, 255, 255, 0, 0, /* bottom row: blue, white, padding */
                         0, 0, 255, 0, 255, 0, 0, 0 /* top row: red, green, padding */];
        Tensor image = Bmp.Decode(TestImages.Concat(header, pixels));
        Assert.Equal(new[] { 3, 2, 2 }, image.Shape);
        // Planes R, G, B over pixels (top-left, top-right, bottom-left, bottom-right).
        Assert.Equal(new float[] { 1, 0, 0, 1, /* R */ 0, 1, 0, 1, /* G */ 0, 0, 1, 1 /* B */ }, image.ToArray<float>());
        // Our encoder writes exactly these bytes (with the size field of the pixel data filled in).
        byte[] encoded = Bmp.Encode(image);
        Assert.Equal(70, encoded.Length);
        Assert.Equal(pixels, encoded[54..]);
    }

    [Fact]
    public void Hand_built_bmp_32_bit_top_down_with_and_without_an_alpha_mask()
    {
        // 2×1, top-down (height −1), 32 bits: pixel bytes B, G, R, X. With BI_RGB (compression 0) the fourth byte
        // is unused → 3 channels. With BI_BITFIELDS and masks after the 40-byte header (R 0x00FF0000, G 0x0000FF00,
        // B 0x000000FF, A 0xFF000000 for BI_ALPHABITFIELDS = 6) it is alpha → 4 channels.
        static byte[] File(uint compression, uint[] masks)
        {
            int offset = 54 + 4 * masks.Length;
            var header = new byte[offset];
            header[0] = (byte)'B';
            header[1] = (byte)'M';
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(2), (uint)offset + 8);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(10), (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), 40);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), 2);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(22), -1);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), 32);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(30), compression);
            for (int i = 0; i < masks.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(54 + 4 * i), masks[i]);
            return TestImages.Concat(header, [0, 0, 255, 51, /* red, X = 51 */ 255, 102, 0, 255 /* (0, 102, 255), X = 255 */]);
        }
        Tensor rgb = Bmp.Decode(File(0, []));
        Assert.Equal(new[] { 3, 1, 2 }, rgb.Shape);
        Assert.Equal(new float[] { 1, 0, 0, 0.4f, 0, 1 }, rgb.ToArray<float>());
        Tensor rgba = Bmp.Decode(File(6, [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000]));
        Assert.Equal(new float[] { 1, 0, 0, 0.4f, 0, 1, 0.2f, 1 }, rgba.ToArray<float>());
        Assert.Contains("not one run of set bits", Assert.Throws<ImageFormatException>(() => Bmp.Decode(File(3, [0x00FF00FF, 0x0000FF00, 0x000000FF]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_built_ppm_and_pgm()
    {
        // P6, 2×1, maxval 255, comment: pixels (255, 0, 51) and (0, 102, 255).
        byte[] ppm = TestImages.Concat(Encoding.ASCII.GetBytes("P6\n# two pixels\n2 1\n255\n"), [255, 0, 51, 0, 102, 255]);
        Assert.Equal(new float[] { 1, 0, 0, 0.4f, 0.2f, 1 }, Netpbm.Decode(ppm).ToArray<float>());
        // P2 with maxval 4: values 0 1 2 3 4 / 4.
        byte[] pgm = Encoding.ASCII.GetBytes("P2 5 1 4\n0 1 2 3 4\n");
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f, 1 }, Netpbm.Decode(pgm).ToArray<float>());
        // Encoding writes the header "P5\n2 1\n255\n" then one byte per sample.
        byte[] encoded = Netpbm.Encode(Tensor.FromArray(new float[] { 0, 1 }, 1, 1, 2));
        Assert.Equal(TestImages.Concat(Encoding.ASCII.GetBytes("P5\n2 1\n255\n"), [0, 255]), encoded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_and_bmp_round_trip_exactly(int channels)
    {
        Tensor image = TestImages.Levels(channels, 9, 13, seed: channels);
        Assert.Equal(image.ToArray<float>(), Png.Decode(Png.Encode(image)).ToArray<float>());
        Tensor back = Bmp.Decode(Bmp.Encode(image, topDown: channels % 2 == 0));
        // BMP stores grey + alpha as RGBA.
        Tensor expected = channels == 2 ? Tensor.Cat([image.Narrow(0, 0, 1), image.Narrow(0, 0, 1), image], 0) : image;
        Assert.Equal(expected.ToArray<float>(), back.ToArray<float>());
    }

    [Fact]
    public void Netpbm_round_trips_at_8_and_16_bits()
    {
        foreach (int c in new[] { 1, 3 })
        {
            Tensor eight = TestImages.Levels(c, 4, 5, seed: c);
            Assert.Equal(eight.ToArray<float>(), Netpbm.Decode(Netpbm.Encode(eight)).ToArray<float>());
            Tensor sixteen = TestImages.Levels(c, 4, 5, seed: c, max: 65535);
            Assert.Equal(sixteen.ToArray<float>(), Netpbm.Decode(Netpbm.Encode(sixteen, 65535)).ToArray<float>());
        }
        Assert.Throws<ArgumentException>(() => Netpbm.Encode(Tensor.Zeros(4, 2, 2)));
    }

    [Fact]
    public void Write_picks_the_format_from_the_extension_and_leaves_no_temporary_file()
    {
        using var dir = new TempDir();
        Tensor rgb = TestImages.Levels(3, 6, 5, seed: 9);
        foreach (string ext in new[] { ".png", ".bmp", ".ppm", ".PNG" })
        {
            string path = dir.File("out" + ext);
            Image.Write(path, rgb);
            Image.Write(path, rgb); // overwriting works
            Assert.Equal(rgb.ToArray<float>(), Image.Read(path).ToArray<float>());
        }
        Assert.True(Png.IsPng(File.ReadAllBytes(dir.File("out.png"))));
        Assert.True(Bmp.IsBmp(File.ReadAllBytes(dir.File("out.bmp"))));
        Assert.Equal(4, Directory.GetFiles(dir.Path).Length);
        Assert.Throws<ArgumentException>(() => Image.Write(dir.File("out.gif"), rgb));
        // Values outside 0..1 are clamped; rounding to the nearest level: 0.5 → 127.5 → 128.
        Png.Write(dir.File("clamp.png"), Tensor.FromArray(new float[] { -1, 2, 0.5f }, 1, 1, 3));
        Assert.Equal(new float[] { 0, 1, 128 / 255f }, Image.Read(dir.File("clamp.png")).ToArray<float>());
    }

    [Fact]
    public void Encoder_rejects_tensors_that_are_not_images()
    {
        Assert.Throws<ArgumentException>(() => Png.Encode(Tensor.Zeros(5, 2, 2)));
        Assert.Throws<ArgumentException>(() => Png.Encode(Tensor.Zeros(2)));
        Assert.Throws<ArgumentException>(() => Png.Encode(Tensor.Zeros([1, 2, 2], DType.Int64)));
        Assert.Throws<ArgumentException>(() => Png.Encode(Tensor.Full([1, 1, 1], double.NaN)));
    }
}
