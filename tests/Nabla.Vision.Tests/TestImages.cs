using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Nabla.Vision.Tests;

/// <summary>Golden images written by tools/golden/images.py and helpers to build files by hand.</summary>
internal static class TestImages
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "golden", "images");

    private static readonly Lazy<JsonDocument> Doc = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))));

    public static IEnumerable<string> Names => Doc.Value.RootElement.EnumerateObject().Select(p => p.Name);

    /// <summary>The expected (C, H, W) shape and the values scaled to 0..1.</summary>
    public static (int[] Shape, double[] Values) Expected(string name)
    {
        JsonElement e = Doc.Value.RootElement.GetProperty(name);
        int[] shape = [.. e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32())];
        double max = e.GetProperty("max").GetDouble();
        double[] values = [.. e.GetProperty("data").EnumerateArray().Select(v => v.GetInt32() / max)];
        return (shape, values);
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    /// <summary>One PNG chunk: big-endian length, type, body, CRC-32 of type + body.</summary>
    public static byte[] Chunk(string type, params byte[] body)
    {
        var result = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)body.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(result, 4);
        body.CopyTo(result, 8);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8 + body.Length), Crc32.Compute(result.AsSpan(4, 4 + body.Length)));
        return result;
    }

    public static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Ihdr(uint width, uint height, byte depth, byte colorType, byte interlace = 0)
    {
        var body = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(body, width);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), height);
        (body[8], body[9], body[12]) = (depth, colorType, interlace);
        return Chunk("IHDR", body);
    }

    /// <summary>zlib-compresses raw scanlines.</summary>
    public static byte[] Zlib(params byte[] raw)
    {
        var ms = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(ms, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>A tensor of random 8-bit levels k/255 (or k/65535), exactly representable by the formats.</summary>
    public static Tensor Levels(int c, int h, int w, int seed, int max = 255)
    {
        var rng = new Random(seed);
        var v = new float[c * h * w];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.Next(max + 1) / (double)max);
        return Tensor.FromArray(v, c, h, w);
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nabla-vision-" + Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
