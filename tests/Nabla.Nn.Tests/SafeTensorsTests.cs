using System.Buffers.Binary;
using System.Text;
using Nabla.IO;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>The safetensors format: round trips, a file written by tools/golden/safetensors_file.py (read and
/// reproduced byte for byte), validation errors, atomic writes, Module.Save/Load.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-st-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "golden", "nn.safetensors");

    /// <summary>The TENSORS table of tools/golden/safetensors_file.py.</summary>
    private static Dictionary<string, Tensor> GoldenTensors() => new()
    {
        ["b.weight"] = Tensor.FromArray([1.5f, -2.25f, 3.0f, 0.1f, -0.0f, 1e-8f], 2, 3),
        ["a.bias"] = Tensor.FromArray([0.5f, 0.25f, -1.0f]),
        ["scale"] = Tensor.FromArray([3.141592653589793, -1e300, 2.5e-310]),
        ["counts"] = Tensor.FromArray(new long[] { 0, -1, 1L << 62, long.MinValue }, 2, 2),
        ["mask"] = Tensor.FromArray([true, false, false, true]),
        ["z"] = Tensor.FromArray([7.0f]).Reshape([]),
        ["empty"] = Tensor.Zeros(0, 2),
    };

    private static void AssertSameTensor(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        switch (expected.DType)
        {
            case DType.Float32: Assert.Equal(expected.ToArray<float>().Select(BitConverter.SingleToInt32Bits), actual.ToArray<float>().Select(BitConverter.SingleToInt32Bits)); break;
            case DType.Float64: Assert.Equal(expected.ToArray<double>().Select(BitConverter.DoubleToInt64Bits), actual.ToArray<double>().Select(BitConverter.DoubleToInt64Bits)); break;
            case DType.Int64: Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>()); break;
            default: Assert.Equal(expected.ToArray<bool>(), actual.ToArray<bool>()); break;
        }
        Assert.True(true, name);
    }

    [Fact]
    public void Reads_the_golden_file()
    {
        (OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.LoadWithMetadata(GoldenPath);
        // File order: I64, F64, F32 (by name), BOOL.
        Assert.Equal(["counts", "scale", "a.bias", "b.weight", "empty", "z", "mask"], tensors.Keys);
        Assert.Equal("pt", metadata["format"]);
        foreach ((string name, Tensor expected) in GoldenTensors()) AssertSameTensor(name, expected, tensors[name]);
    }

    [Fact]
    public void Writes_the_golden_file_byte_for_byte()
    {
        byte[] expected = File.ReadAllBytes(GoldenPath);
        Assert.Equal(expected, SafeTensors.Serialize(GoldenTensors(), new Dictionary<string, string> { ["format"] = "pt" }));
        string path = Path.Combine(_dir, "copy.safetensors");
        SafeTensors.Save(path, GoldenTensors(), new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Matches_the_reference_implementation_test_vectors()
    {
        // huggingface/safetensors tensor.rs test_serialization: "attn.0", F32 (1, 2, 3) holding 0..5: the JSON is
        // exactly 64 bytes (a multiple of 8, no padding), then 24 data bytes, 1.0f being 00 00 80 3F.
        byte[] bytes = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["attn.0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], 1, 2, 3) });
        Assert.Equal(64UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", Encoding.UTF8.GetString(bytes, 8, 64));
        Assert.Equal(8 + 64 + 24, bytes.Length);
        Assert.Equal([0, 0, 0x80, 0x3F], bytes[76..80]);
        // test_serialization_forced_alignement: "attn0" with shape (1, 1, 2, 3) makes 65 bytes of JSON, padded
        // with 7 spaces to 72.
        byte[] aligned = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["attn0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], 1, 1, 2, 3) });
        Assert.Equal(72UL, BinaryPrimitives.ReadUInt64LittleEndian(aligned));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", Encoding.UTF8.GetString(aligned, 8, 72));
        // test_empty: no tensors is "{}" padded to 8; with metadata {"framework": "pt"} the header is 40 bytes.
        Assert.Equal("{}      ", Encoding.UTF8.GetString(SafeTensors.Serialize(new Dictionary<string, Tensor>()), 8, 8));
        byte[] meta = SafeTensors.Serialize(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(40UL, BinaryPrimitives.ReadUInt64LittleEndian(meta));
        Assert.Equal("{\"__metadata__\":{\"framework\":\"pt\"}}     ", Encoding.UTF8.GetString(meta, 8, 40));
    }

    [Fact]
    public void Round_trips_strided_views_and_escaped_names()
    {
        Tensor strided = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), 3, 4).T;   // (4, 3), not contiguous
        var tensors = new Dictionary<string, Tensor> { ["t\"quoted\\name\n"] = strided, ["ünï"] = Tensor.Ones(2) };
        string path = Path.Combine(_dir, "rt.safetensors");
        SafeTensors.Save(path, tensors);
        OrderedDictionary<string, Tensor> loaded = SafeTensors.Load(path);
        AssertSameTensor("strided", strided.Contiguous(), loaded["t\"quoted\\name\n"]);
        AssertSameTensor("unicode", Tensor.Ones(2), loaded["ünï"]);
        Assert.Empty(SafeTensors.LoadWithMetadata(path).Metadata);
        Assert.Single(Directory.GetFiles(_dir));   // the temporary file was renamed, not left behind
    }

    [Fact]
    public void Round_trips_tensors_larger_than_the_copy_buffer()
    {
        // 50,000 doubles (400 KB) and 70,001 bools cross several 64 KiB chunks, including a partial last one.
        var g = new Generator(3);
        var tensors = new Dictionary<string, Tensor>
        {
            ["big"] = Tensor.Randn([250, 200], g, DType.Float64),
            ["flags"] = Tensor.Rand([70_001], g).Gt(0.5),
            ["ids"] = Tensor.RandInt(-1000, 1000, [9000], g),
        };
        string path = Path.Combine(_dir, "big.safetensors");
        SafeTensors.Save(path, tensors);
        OrderedDictionary<string, Tensor> loaded = SafeTensors.Load(path);
        foreach ((string name, Tensor t) in tensors) AssertSameTensor(name, t, loaded[name]);
        Assert.Equal(System.IO.File.ReadAllBytes(path), SafeTensors.Serialize(tensors));
    }

    [Fact]
    public void Save_replaces_an_existing_file()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        File.WriteAllText(path, "old");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(3) });
        Assert.Equal([1f, 1f, 1f], SafeTensors.Load(path)["x"].ToArray<float>());
        Assert.Single(Directory.GetFiles(_dir));
    }

    private static byte[] MakeFile(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("truncated file: 5 bytes", "(at byte offset 0)")]
    [InlineData("header length 1000 runs past the end", "(at byte offset 0)")]
    [InlineData("the header is not valid JSON", "(at byte offset 18)")]
    [InlineData("has dtype 'F16', which Nabla does not support", "(at byte offset 8)")]
    [InlineData("data_offsets [0, 16] beyond the 8-byte data section", "(at byte offset 72)")]
    [InlineData("data_offsets [4, 12] overlap the previous tensor, which ends at 8", "(at byte offset 140)")]
    [InlineData("starts at 12, leaving a gap after offset 8", "(at byte offset 144)")]
    [InlineData("needs 8 bytes but data_offsets [0, 4] hold 4", "(at byte offset 72)")]
    [InlineData("4 bytes after the last tensor are not described", "(at byte offset 76)")]
    [InlineData("header length 200000000 exceeds", "(at byte offset 0)")]
    public void Malformed_files_raise_InvalidDataException_naming_file_and_offset(string problem, string offset)
    {
        byte[] bytes = problem switch
        {
            _ when problem.StartsWith("truncated", StringComparison.Ordinal) => new byte[5],
            _ when problem.StartsWith("header length 1000", StringComparison.Ordinal) => Patch(MakeFile("{}      ", 0), 1000),
            _ when problem.StartsWith("header length 2", StringComparison.Ordinal) => Patch(MakeFile("{}      ", 0), 200_000_000),
            _ when problem.Contains("JSON", StringComparison.Ordinal) => MakeFile("{\"a\": [1, ", 0),
            _ when problem.Contains("F16", StringComparison.Ordinal) => MakeFile("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
            _ when problem.Contains("beyond", StringComparison.Ordinal) => MakeFile(Pad("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 64), 8),
            _ when problem.Contains("overlap", StringComparison.Ordinal) => MakeFile(Pad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 128), 12),
            _ when problem.Contains("gap", StringComparison.Ordinal) => MakeFile(Pad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 128), 20),
            _ when problem.Contains("needs", StringComparison.Ordinal) => MakeFile(Pad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 64), 4),
            _ => MakeFile(Pad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 64), 8),
        };
        string path = Path.Combine(_dir, "bad.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains(offset, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", "the header names 'a' twice")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "metadata value of 'k' must be a string")]
    [InlineData("[1, 2]", "the header must be a JSON object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", "tensor 'a' needs \"dtype\", \"shape\" and two \"data_offsets\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,0]}}", "invalid shape entry -2")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "end before they begin")]
    [InlineData("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]}}", "byte size overflows")]
    public void Malformed_headers_are_described(string header, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(MakeFile(header, 0), "h.safetensors"));
        Assert.StartsWith("SafeTensors: h.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_into_a_missing_directory_fails_cleanly_and_bad_names_are_refused()
    {
        string path = Path.Combine(_dir, "missing", "x.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(1) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones(1) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { [""] = Tensor.Ones(1) }));
    }

    private static string Pad(string header, int length) => header.PadRight(length);

    private static byte[] Patch(byte[] bytes, ulong headerLength)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        return bytes;
    }

    [Fact]
    public void Module_save_and_load_round_trip()
    {
        var g = new Generator(1);
        var source = new Sequential(new Linear(3, 4, generator: g), new Relu(), new Linear(4, 2, generator: g));
        var target = new Sequential(new Linear(3, 4, generator: g), new Relu(), new Linear(4, 2, generator: g));
        string path = Path.Combine(_dir, "model.safetensors");
        source.Save(path, new Dictionary<string, string> { ["format"] = "pt" });
        target.Load(path);
        Tensor x = Tensor.Randn([5, 3], g);
        Assert.Equal(source.Forward(x).ToArray<float>(), target.Forward(x).ToArray<float>());
        // Strictness applies to files as to dictionaries.
        var bigger = new Sequential(new Linear(3, 4), new Relu(), new Linear(4, 2), new Linear(2, 2));
        Assert.Throws<InvalidOperationException>(() => bigger.Load(path));
        Assert.Equal(["3.weight", "3.bias"], bigger.Load(path, strict: false).MissingKeys);
    }
}
