using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace Nabla.Vision.Tests;

/// <summary>Malformed files: always <see cref="ImageFormatException"/> naming the file and byte offset, never a
/// crash or another exception type.</summary>
public sealed class MalformedTests
{
    private static ImageFormatException Fails(byte[] data, string name = "test")
        => Assert.Throws<ImageFormatException>(() => Image.Decode(data, name));

    /// <summary>Decoding either succeeds or throws ImageFormatException; anything else fails the test.</summary>
    private static bool DecodesOrFailsCleanly(byte[] data)
    {
        try
        {
            Image.Decode(data, "fuzz");
            return true;
        }
        catch (ImageFormatException)
        {
            return false;
        }
    }

    public static TheoryData<string> SmallFiles() => new() { "tiny.png", "grey1.png", "rgb8_adam7.png", "palette8_trns.png", "rgb24.bmp", "pil_grey.bmp", "rgba32.bmp", "grey.pgm", "rgb_ascii.ppm", "grey16.pgm" };

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Every_truncation_fails_with_the_file_and_an_offset(string file)
    {
        byte[] data = TestImages.Bytes(file);
        // An ASCII file cut inside its last number still holds a (smaller) valid number: only shorter cuts are
        // detectable.
        int end = file.Contains("ascii", StringComparison.Ordinal)
            ? Array.LastIndexOf(data, (byte)' ', data.Length - 2) + 1
            : data.Length;
        for (int length = 0; length < end; length++)
        {
            byte[] prefix = data[..length];
            ImageFormatException e = Fails(prefix, file);
            Assert.StartsWith(file + ": byte ", e.Message, StringComparison.Ordinal);
            Assert.InRange(e.Offset, 0, length);
        }
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Flipped_bytes_never_crash(string file)
    {
        byte[] data = TestImages.Bytes(file);
        bool png = file.EndsWith(".png", StringComparison.Ordinal);
        foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (int i = 0; i < data.Length; i++)
            {
                byte[] copy = (byte[])data.Clone();
                copy[i] ^= mask;
                bool ok = DecodesOrFailsCleanly(copy);
                // In a PNG every byte is covered by the signature, a length, or a CRC: a flip is always caught.
                if (png) Assert.False(ok, $"{file}: flipping byte {i} with 0x{mask:X2} was not detected");
            }
        }
    }

    [Fact]
    public void Bad_crc_names_the_chunk_and_the_offset_of_the_stored_crc()
    {
        byte[] data = TestImages.Bytes("tiny.png");
        // IHDR's CRC follows the signature (8), length + type (8) and 13 data bytes: offset 29.
        data[29] ^= 1;
        ImageFormatException e = Fails(data, "tiny.png");
        Assert.Equal(29, e.Offset);
        Assert.Contains("CRC mismatch in chunk IHDR", e.Message, StringComparison.Ordinal);
        Assert.Equal("tiny.png", e.File);
    }

    [Fact]
    public void Reading_a_file_names_its_path()
    {
        using var dir = new TempDir();
        string path = dir.File("broken.png");
        File.WriteAllBytes(path, TestImages.Bytes("tiny.png")[..20]);
        ImageFormatException e = Assert.Throws<ImageFormatException>(() => Image.Read(path));
        Assert.StartsWith(path + ": byte ", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Theory]
    [InlineData(0u, 1u, 8, 0, "invalid width 0")]
    [InlineData(1u, 0u, 8, 0, "invalid height 0")]
    [InlineData(0x80000000u, 1u, 8, 0, "invalid width 2147483648")]
    [InlineData(100000u, 100000u, 8, 2, "too large")]
    [InlineData(1u, 1u, 16, 3, "invalid bit depth 16 for colour type 3")]
    [InlineData(1u, 1u, 8, 5, "invalid bit depth 8 for colour type 5")]
    public void Bad_png_headers_are_named(uint width, uint height, int depth, int colorType, string problem)
    {
        byte[] data = TestImages.Concat(TestImages.PngSignature, TestImages.Ihdr(width, height, (byte)depth, (byte)colorType),
                                        TestImages.Chunk("IDAT", TestImages.Zlib(0, 0, 0, 0)), TestImages.Chunk("IEND"));
        Assert.Contains(problem, Fails(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_claimed_sizes_with_little_data_fail_on_the_data()
    {
        // 20000×20000 grey needs 20000·(1 + 20000) = 400,020,000 bytes of image data; the file has 2 bytes of it.
        byte[] png = TestImages.Concat(TestImages.PngSignature, TestImages.Ihdr(20000, 20000, 8, 0),
                                       TestImages.Chunk("IDAT", TestImages.Zlib(0, 7)), TestImages.Chunk("IEND"));
        Assert.Contains("decompresses to 2 bytes; a 20000×20000 image needs 400020000", Fails(png).Message, StringComparison.Ordinal);
        Assert.Contains("truncated: 40000×40000×1 samples", Fails(Encoding.ASCII.GetBytes("P5 40000 40000 255\n\0")).Message, StringComparison.Ordinal);
        Assert.Contains("truncated: 20000×20000×3 samples", Fails(Encoding.ASCII.GetBytes("P3 20000 20000 255\n1 2 3")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_structure_errors_are_named()
    {
        byte[] sig = TestImages.PngSignature, ihdr = TestImages.Ihdr(1, 1, 8, 0), end = TestImages.Chunk("IEND");
        byte[] good = TestImages.Chunk("IDAT", TestImages.Zlib(0, 7));
        Assert.Equal(7 / 255f, Png.Decode(TestImages.Concat(sig, ihdr, good, end)).Item<float>());
        // Image data one byte short, one byte long, an unknown filter type, a corrupt zlib stream.
        Assert.Contains("decompresses to 1 bytes", Fails(TestImages.Concat(sig, ihdr, TestImages.Chunk("IDAT", TestImages.Zlib(0)), end)).Message, StringComparison.Ordinal);
        Assert.Contains("more than the 2 bytes", Fails(TestImages.Concat(sig, ihdr, TestImages.Chunk("IDAT", TestImages.Zlib(0, 7, 7)), end)).Message, StringComparison.Ordinal);
        Assert.Contains("unknown filter type 5", Fails(TestImages.Concat(sig, ihdr, TestImages.Chunk("IDAT", TestImages.Zlib(5, 7)), end)).Message, StringComparison.Ordinal);
        Assert.Contains("zlib stream", Fails(TestImages.Concat(sig, ihdr, TestImages.Chunk("IDAT", 0x78, 0x9C, 0xFF, 0xFF, 0xFF), end)).Message, StringComparison.Ordinal);
        // Chunk order and kinds.
        Assert.Contains("first chunk must be IHDR", Fails(TestImages.Concat(sig, good, ihdr, end)).Message, StringComparison.Ordinal);
        Assert.Contains("unknown critical chunk ABCD", Fails(TestImages.Concat(sig, ihdr, TestImages.Chunk("ABCD"), good, end)).Message, StringComparison.Ordinal);
        Assert.Equal(7 / 255f, Png.Decode(TestImages.Concat(sig, ihdr, TestImages.Chunk("abCD", 1, 2), good, end)).Item<float>());
        Assert.Contains("no IEND", Fails(TestImages.Concat(sig, ihdr, good)).Message, StringComparison.Ordinal);
        Assert.Contains("IEND before any IDAT", Fails(TestImages.Concat(sig, ihdr, end)).Message, StringComparison.Ordinal);
        Assert.Contains("must be consecutive", Fails(TestImages.Concat(sig, ihdr, good, TestImages.Chunk("tEXt", 65, 0, 66), good, end)).Message, StringComparison.Ordinal);
        // A palette image without PLTE; a palette index past the end of PLTE.
        byte[] pihdr = TestImages.Ihdr(1, 1, 8, 3);
        Assert.Contains("needs a PLTE", Fails(TestImages.Concat(sig, pihdr, good, end)).Message, StringComparison.Ordinal);
        Assert.Contains("palette index 7", Fails(TestImages.Concat(sig, pihdr, TestImages.Chunk("PLTE", 1, 2, 3), good, end)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_unsupported_formats_say_what_they_are()
    {
        // A JPEG is now decoded: a truncated header fails inside the JPEG reader, progressive JPEG is refused by name.
        Assert.Contains("truncated JPEG", Fails([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).Message, StringComparison.Ordinal);
        Assert.Contains("progressive JPEG (SOF2) is not supported", Fails(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "golden", "jpeg", "pil_progressive.jpg"))).Message, StringComparison.Ordinal);
        Assert.Contains("GIF", Fails(Encoding.ASCII.GetBytes("GIF89a")).Message, StringComparison.Ordinal);
        Assert.Contains("TIFF", Fails([(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0]).Message, StringComparison.Ordinal);
        Assert.Contains("empty file", Fails([]).Message, StringComparison.Ordinal);
        Assert.Contains("P4 (1-bit PBM bitmap)", Fails(Encoding.ASCII.GetBytes("P4\n1 1\n\0")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_bmp_and_netpbm_fields_are_named()
    {
        byte[] bmp = TestImages.Bytes("rgb24.bmp");
        byte[] copy = (byte[])bmp.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(18), -3);
        Assert.Equal(18, Fails(copy).Offset);
        copy = (byte[])bmp.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(30), 1);
        Assert.Contains("RLE8", Fails(copy).Message, StringComparison.Ordinal);
        copy = (byte[])bmp.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(28), 16);
        Assert.Contains("16 bits per pixel", Fails(copy).Message, StringComparison.Ordinal);

        Assert.Contains("the width is 0", Fails(Encoding.ASCII.GetBytes("P5 0 1 255\n")).Message, StringComparison.Ordinal);
        Assert.Contains("maxval is larger than 65535", Fails(Encoding.ASCII.GetBytes("P5 1 1 70000\n")).Message, StringComparison.Ordinal);
        ImageFormatException e = Fails(Encoding.ASCII.GetBytes("P2 2 1 9\n3 12\n"));
        Assert.Contains("sample 1 of 2 is larger than 9", e.Message, StringComparison.Ordinal);
        Assert.Equal(11, e.Offset);
        Assert.Contains("exceeds maxval 300", Fails(TestImages.Concat(Encoding.ASCII.GetBytes("P5 1 1 300\n"), [0x01, 0x2D])).Message, StringComparison.Ordinal);
        Assert.Contains("expected a decimal number for the height", Fails(Encoding.ASCII.GetBytes("P6 1 x 255\n")).Message, StringComparison.Ordinal);
    }
}
