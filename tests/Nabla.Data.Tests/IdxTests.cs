using System.IO.Compression;
using Xunit;

namespace Nabla.Data.Tests;

public sealed class IdxTests
{
    /// <summary>An IDX file written byte by byte from the format's definition, independently of Idx.Write.</summary>
    private static byte[] IdxBytes(byte[] dims32BigEndianHeader, params byte[] data) => [.. dims32BigEndianHeader, .. data];

    private static void WriteGzip(string path, byte[] bytes)
    {
        using FileStream file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }

    // magic 00 00 08 03, dims 2, 2, 3 (big-endian 32-bit).
    private static readonly byte[] ImagesHeader = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3];
    private static readonly byte[] Pixels = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];

    [Fact]
    public void Reads_hand_written_image_and_label_files_raw_and_gzipped()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("images"), IdxBytes(ImagesHeader, Pixels));
        WriteGzip(dir.File("images.gz"), IdxBytes(ImagesHeader, Pixels));
        foreach (string name in new[] { "images", "images.gz" })
        {
            Tensor x = Idx.Read(dir.File(name));
            Assert.Equal(DType.Float32, x.DType);
            Assert.Equal([2, 2, 3], x.Shape);
            Assert.Equal(Pixels.Select(b => (float)b), x.ToArray<float>());
        }
        // Labels: magic 00 00 08 01, one dim of 4; values above 127 stay unsigned.
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 4, 9, 0, 3, 200];
        File.WriteAllBytes(dir.File("labels"), labels);
        Tensor y = Idx.Read(dir.File("labels"));
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([9L, 0, 3, 200], y.ToArray<long>());
        Assert.Equal([9.0, 0, 3, 200], Idx.Read(dir.File("labels"), DType.Float64).ToArray<double>());
        Assert.Equal(Pixels.Select(b => (long)b), Idx.Read(dir.File("images.gz"), DType.Int64).ToArray<long>());
    }

    [Fact]
    public void Write_then_Read_round_trips_raw_and_gzipped()
    {
        using var dir = new TempDirectory();
        Tensor images = Tensor.FromArray(Pixels.Select(b => (float)b).ToArray(), 2, 2, 3);
        Tensor labels = Tensor.FromArray(new long[] { 7, 0, 255 });
        Idx.Write(dir.File("i"), images);
        Idx.Write(dir.File("i.gz"), images, gzip: true);
        Idx.Write(dir.File("l.gz"), labels, gzip: true);
        Assert.Equal(IdxBytes(ImagesHeader, Pixels), File.ReadAllBytes(dir.File("i")));
        Assert.Equal([0x1f, 0x8b], File.ReadAllBytes(dir.File("i.gz")).Take(2));
        Assert.Equal(images.ToArray<float>(), Idx.Read(dir.File("i")).ToArray<float>());
        Assert.Equal(images.ToArray<float>(), Idx.Read(dir.File("i.gz")).ToArray<float>());
        Assert.Equal([2, 2, 3], Idx.Read(dir.File("i.gz")).Shape);
        Assert.Equal([7L, 0, 255], Idx.Read(dir.File("l.gz")).ToArray<long>());
        Assert.Single(Directory.GetFiles(dir.Path, "l.gz*"));
    }

    [Fact]
    public void Write_rejects_values_that_are_not_bytes_and_leaves_no_file()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ArgumentException>(() => Idx.Write(dir.File("bad"), Tensor.FromArray(new float[] { 1, 2.5f })));
        Assert.StartsWith($"Idx.Write: {dir.File("bad")}: element 1 is 2.5; unsigned-byte IDX holds integers 0..255.", e.Message);
        Assert.Contains("element 0 is 256", Assert.Throws<ArgumentException>(() => Idx.Write(dir.File("bad"), Tensor.FromArray(new long[] { 256 }))).Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => Idx.Read(dir.File("nope.gz")));
        Assert.Equal($"Idx.Read: file not found: {dir.File("nope.gz")}", e.Message);
    }

    [Fact]
    public void A_wrong_magic_number_is_reported_with_the_bytes_found()
    {
        using var dir = new TempDirectory();
        // Element type 0x09 (signed byte) is valid IDX but not MNIST's unsigned bytes.
        File.WriteAllBytes(dir.File("f"), [0, 0, 9, 1, 0, 0, 0, 1, 5]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("f")));
        Assert.Equal($"Idx.Read: {dir.File("f")}: wrong magic number at offset 0: expected 00 00 08 0d (unsigned bytes, d ≥ 1 dims; " +
                     "00 00 08 01 labels, 00 00 08 03 images), found 00 00 09 01.", e.Message);
        // A text file, gzipped: the message says the bytes are those after decompression.
        WriteGzip(dir.File("t.gz"), "hello world"u8.ToArray());
        Assert.Contains($"{dir.File("t.gz")} (after gunzip): wrong magic number at offset 0", Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("t.gz"))).Message);
        Assert.EndsWith("found 68 65 6c 6c.", Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("t.gz"))).Message);
        File.WriteAllBytes(dir.File("short"), [0, 0]);
        Assert.Equal($"Idx.Read: {dir.File("short")}: the file has 2 bytes, fewer than the 4-byte magic number.",
            Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("short"))).Message);
    }

    [Fact]
    public void Truncated_data_is_reported_with_offset_and_expected_and_actual_sizes()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("cut"), IdxBytes(ImagesHeader, Pixels[..10]));
        Assert.Equal($"Idx.Read: {dir.File("cut")}: dims (2, 2, 3) need 12 data bytes from offset 16, found 10 (truncated).",
            Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("cut"))).Message);
        WriteGzip(dir.File("cut.gz"), IdxBytes(ImagesHeader, Pixels[..10]));
        Assert.Equal($"Idx.Read: {dir.File("cut.gz")} (after gunzip): dims (2, 2, 3) need 12 data bytes from offset 16, found 10 (truncated).",
            Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("cut.gz"))).Message);
        File.WriteAllBytes(dir.File("long"), IdxBytes(ImagesHeader, [.. Pixels, 1, 2]));
        Assert.Equal($"Idx.Read: {dir.File("long")}: dims (2, 2, 3) need 12 data bytes from offset 16, found 14 (extra bytes at the end).",
            Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("long"))).Message);
        File.WriteAllBytes(dir.File("header"), ImagesHeader[..9]);
        Assert.Equal($"Idx.Read: {dir.File("header")}: truncated header: 3 dims need 16 bytes (offsets 0..15), the file has 9.",
            Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("header"))).Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported_with_the_sizes()
    {
        using var dir = new TempDirectory();
        Idx.Write(dir.File("full.gz"), Tensor.FromArray(Enumerable.Range(0, 4000).Select(i => (float)(i * 7919 % 251)).ToArray(), 40, 100), gzip: true);
        byte[] full = File.ReadAllBytes(dir.File("full.gz"));
        // Cut inside the 8-byte trailer, and in the middle of the compressed data.
        foreach (int keep in new[] { full.Length - 3, full.Length / 2 })
        {
            File.WriteAllBytes(dir.File("cut.gz"), full[..keep]);
            var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("cut.gz")));
            Assert.StartsWith($"Idx.Read: {dir.File("cut.gz")}: the gzip stream is truncated or corrupt: ", e.Message);
            Assert.Contains($"the trailer (last 4 bytes, offset {keep - 4}) records ", e.Message);
        }
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_reported()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("bad.gz")));
        Assert.StartsWith($"Idx.Read: {dir.File("bad.gz")}: starts with the gzip signature 1f 8b but does not decompress: ", e.Message);
    }
}
