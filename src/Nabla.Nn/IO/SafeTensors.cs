using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nabla.IO;

/// <summary>Reads and writes the Hugging Face safetensors format, the portable way to exchange weights with
/// PyTorch (<c>safetensors.torch.save_file</c> / <c>load_file</c>). PyTorch: the <c>safetensors</c> package.</summary>
/// <remarks>
/// <para>Layout: an 8-byte little-endian unsigned header length n; n bytes of UTF-8 JSON,
/// <c>{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}</c>,
/// padded with spaces to a multiple of 8 so that the data is aligned; then the raw little-endian, row-major
/// tensor bytes, offsets counted from the end of the header.</para>
/// <para>Writing follows the reference implementation byte for byte: tensors sorted by dtype alignment, largest
/// first (I64, F64, F32, BOOL), then by name in UTF-8 byte order; compact JSON with "__metadata__" first (its
/// keys sorted ordinally; the reference's order for several keys is unspecified). Dtypes F32, F64, I64 and BOOL
/// map to Nabla's <see cref="DType"/>s; other dtypes are rejected on reading.</para>
/// </remarks>
public static class SafeTensors
{
    // The reference reader refuses headers above 100 MB: a larger length means a corrupt or hostile file.
    private const long MaxHeaderSize = 100_000_000;
    private const int LengthPrefix = 8;
    private const int Alignment = 8;
    private const string MetadataKey = "__metadata__";

    // Tensor data is converted to and from little-endian bytes through a buffer of this size (64 KiB).
    private const int ChunkBytes = 1 << 16;

    /// <summary>Writes tensors to a file atomically: the bytes go to a temporary file in the same directory,
    /// which is flushed to disk and then renamed over <paramref name="path"/>, so a crash leaves either the old
    /// file or the complete new one. PyTorch: <c>safetensors.torch.save_file(tensors, path, metadata)</c>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">Name → tensor (any layout; written row-major).</param>
    /// <param name="metadata">Optional string pairs stored under "__metadata__".</param>
    /// <exception cref="ArgumentException">A name is empty or "__metadata__".</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (byte[] header, List<Tensor> ordered) = Prepare(tensors, metadata);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(stream, header, ordered);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);     // rename(2): atomic on the same file system
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads every tensor of a file, in file order. PyTorch: <c>safetensors.torch.load_file(path)</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Name → tensor, each with its own contiguous storage.</returns>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the byte
    /// offset of the problem.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OrderedDictionary<string, Tensor> Load(string path) => LoadWithMetadata(path).Tensors;

    /// <summary>Reads every tensor and the "__metadata__" pairs of a file. PyTorch:
    /// <c>safetensors.safe_open(path, "pt")</c> with <c>.keys()</c>, <c>.get_tensor()</c> and <c>.metadata()</c>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path);
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/>. PyTorch:
    /// <c>safetensors.torch.save(tensors, metadata)</c>.</summary>
    /// <param name="tensors">Name → tensor.</param>
    /// <param name="metadata">Optional string pairs stored under "__metadata__".</param>
    /// <exception cref="ArgumentException">A name is empty or "__metadata__".</exception>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        (byte[] header, List<Tensor> ordered) = Prepare(tensors, metadata);
        using var stream = new MemoryStream();
        Write(stream, header, ordered);
        return stream.ToArray();
    }

    /// <summary>The length prefix and padded JSON header, and the tensors in the order their data follows.</summary>
    private static (byte[] Header, List<Tensor> Ordered) Prepare(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (string name in tensors.Keys)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey)
                throw new ArgumentException($"SafeTensors: '{name}' cannot be a tensor name.", nameof(tensors));
        }
        // The reference sorts by descending dtype alignment, then by name (Rust compares UTF-8 bytes).
        var ordered = tensors.OrderByDescending(kv => DTypeRank(kv.Value.DType))
                             .ThenBy(kv => Encoding.UTF8.GetBytes(kv.Key), ByteOrder.Instance).ToList();
        var json = new StringBuilder("{");
        bool first = true;
        if (metadata is not null)
        {
            json.Append(Quote(MetadataKey)).Append(":{");
            json.AppendJoin(",", metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value)));
            json.Append('}');
            first = false;
        }
        long offset = 0;
        foreach ((string name, Tensor t) in ordered)
        {
            long size = (long)t.NumEl * ElementSize(t.DType);
            if (!first) json.Append(',');
            first = false;
            json.Append(Quote(name)).Append(":{\"dtype\":\"").Append(DTypeName(t.DType)).Append("\",\"shape\":[")
                .AppendJoin(",", t.Shape).Append("],\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((offset + size).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += size;
        }
        json.Append('}');
        byte[] text = Encoding.UTF8.GetBytes(json.ToString());
        int padded = (text.Length + Alignment - 1) / Alignment * Alignment;    // spaces up to a multiple of 8
        var header = new byte[LengthPrefix + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        text.CopyTo(header, LengthPrefix);
        header.AsSpan(LengthPrefix + text.Length).Fill((byte)' ');
        return (header, ordered.Select(kv => kv.Value).ToList());
    }

    private static void Write(Stream stream, byte[] header, List<Tensor> ordered)
    {
        stream.Write(header);
        var buffer = new byte[ChunkBytes];
        foreach (Tensor t in ordered) WriteData(t, stream, buffer);
    }

    /// <summary>Parses the bytes of a safetensors file, validating everything the format promises. PyTorch:
    /// <c>safetensors.torch.load(bytes)</c>.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>The tensors in file order, and the metadata (empty when absent).</returns>
    /// <exception cref="InvalidDataException">Truncated data, a bad header length, invalid JSON, an unknown dtype,
    /// a shape that does not match its byte range, or offsets out of range, overlapping or leaving gaps; the
    /// message names <paramref name="source"/> and the byte offset.</exception>
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Deserialize(byte[] bytes, string source = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, source);
    }

    /// <summary>Reads a whole safetensors file from a seekable stream: the header is validated completely before any
    /// tensor data is read, then the tensors are read in offset order.</summary>
    private static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, string source)
    {
        InvalidDataException Error(long at, string what) => new($"SafeTensors: {source}: {what} (at byte offset {at}).");
        long length = stream.Length;
        if (length < LengthPrefix)
            throw Error(0, $"truncated file: {length} bytes, too short for the 8-byte header length");
        Span<byte> prefix = stackalloc byte[LengthPrefix];
        stream.ReadExactly(prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderSize)
            throw Error(0, $"header length {n} exceeds the {MaxHeaderSize}-byte limit");
        if ((long)n > length - LengthPrefix)
            throw Error(0, $"header length {n} runs past the end of the {length}-byte file (truncated file?)");
        var headerBytes = new byte[n];
        stream.ReadExactly(headerBytes);
        long dataStart = LengthPrefix + (long)n;
        long dataLength = length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw Error(LengthPrefix + (e.BytePositionInLine ?? 0), "the header is not valid JSON: " + e.Message);
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(LengthPrefix, "the header must be a JSON object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw Error(LengthPrefix, $"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw Error(LengthPrefix, "\"__metadata__\" must be an object of strings");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Error(LengthPrefix, $"metadata value of '{m.Name}' must be a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(property, Error));
            }
        }

        // Sorted by offset, the byte ranges must tile the data section exactly: no overlap, no gap, no excess.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var e in entries)
        {
            long size;
            try
            {
                size = checked(e.Shape.Aggregate(1L, (a, b) => checked(a * b)) * ElementSize(e.DType));
            }
            catch (OverflowException)
            {
                throw Error(dataStart + e.Begin, $"tensor '{e.Name}' has a shape [{string.Join(", ", e.Shape)}] whose byte size overflows");
            }
            if (e.End > dataLength)
                throw Error(dataStart + e.Begin, $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] beyond the {dataLength}-byte data section (truncated file?)");
            if (e.Begin < expected)
                throw Error(dataStart + e.Begin, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expected}");
            if (e.Begin > expected)
                throw Error(dataStart + expected, $"tensor '{e.Name}' starts at {e.Begin}, leaving a gap after offset {expected}");
            if (e.End - e.Begin != size)
                throw Error(dataStart + e.Begin, $"tensor '{e.Name}' of dtype {DTypeName(e.DType)} and shape [{string.Join(", ", e.Shape)}] needs {size} bytes but data_offsets [{e.Begin}, {e.End}] hold {e.End - e.Begin}");
            if (size / ElementSize(e.DType) > Array.MaxLength)
                throw Error(dataStart + e.Begin, $"tensor '{e.Name}' has more elements than a .NET array can hold");
            expected = e.End;
        }
        if (expected != dataLength)
            throw Error(dataStart + expected, $"{dataLength - expected} bytes after the last tensor are not described by the header");

        // The ranges tile the data section in this order, so the tensors are read front to back.
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var buffer = new byte[ChunkBytes];
        foreach (var e in entries) tensors[e.Name] = ReadData(stream, buffer, e.DType, e.Shape, (int)((e.End - e.Begin) / ElementSize(e.DType)));
        return (tensors, metadata);
    }

    private static (string Name, DType DType, int[] Shape, long Begin, long End) ParseEntry(
        JsonProperty property, Func<long, string, InvalidDataException> error)
    {
        string name = property.Name;
        JsonElement v = property.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw error(LengthPrefix, $"tensor '{name}' needs \"dtype\", \"shape\" and two \"data_offsets\"");
        DType type = dtype.GetString() switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "I64" => DType.Int64,
            "BOOL" => DType.Bool,
            string other => throw error(LengthPrefix, $"tensor '{name}' has dtype '{other}', which Nabla does not support (F32, F64, I64, BOOL)"),
            null => throw error(LengthPrefix, $"tensor '{name}' has a null dtype"),
        };
        var dims = new List<int>();
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int size) || size < 0)
                throw error(LengthPrefix, $"tensor '{name}' has an invalid shape entry {d.GetRawText()}");
            dims.Add(size);
        }
        long[] range = new long[2];
        for (int i = 0; i < 2; i++)
        {
            JsonElement o = offsets[i];
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out range[i]) || range[i] < 0)
                throw error(LengthPrefix, $"tensor '{name}' has an invalid data offset {o.GetRawText()}");
        }
        if (range[1] < range[0])
            throw error(LengthPrefix, $"tensor '{name}' has data_offsets [{range[0]}, {range[1]}] that end before they begin");
        return (name, type, [.. dims], range[0], range[1]);
    }

    /// <summary>Writes a tensor's elements row-major and little-endian, a buffer at a time (no whole-tensor byte copy).</summary>
    private static void WriteData(Tensor t, Stream stream, byte[] buffer)
    {
        switch (t.DType)
        {
            case DType.Float32: Encode(t.ToArray<float>(), 4, stream, buffer, static (d, v) => BinaryPrimitives.WriteSingleLittleEndian(d, v)); break;
            case DType.Float64: Encode(t.ToArray<double>(), 8, stream, buffer, static (d, v) => BinaryPrimitives.WriteDoubleLittleEndian(d, v)); break;
            case DType.Int64: Encode(t.ToArray<long>(), 8, stream, buffer, static (d, v) => BinaryPrimitives.WriteInt64LittleEndian(d, v)); break;
            default: Encode(t.ToArray<bool>(), 1, stream, buffer, static (d, v) => d[0] = v ? (byte)1 : (byte)0); break;
        }
    }

    private delegate void Encoder<T>(Span<byte> destination, T value);

    private delegate T Decoder<T>(ReadOnlySpan<byte> source);

    private static void Encode<T>(T[] values, int size, Stream stream, byte[] buffer, Encoder<T> encode)
    {
        int perChunk = buffer.Length / size;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, values.Length - start);
            for (int i = 0; i < count; i++) encode(buffer.AsSpan(i * size, size), values[start + i]);
            stream.Write(buffer, 0, count * size);
        }
    }

    private static T[] Decode<T>(Stream stream, byte[] buffer, int count, int size, Decoder<T> decode)
    {
        var values = new T[count];
        int perChunk = buffer.Length / size;
        for (int start = 0; start < count; start += perChunk)
        {
            int chunk = Math.Min(perChunk, count - start);
            stream.ReadExactly(buffer, 0, chunk * size);
            for (int i = 0; i < chunk; i++) values[start + i] = decode(buffer.AsSpan(i * size, size));
        }
        return values;
    }

    private static Tensor ReadData(Stream stream, byte[] buffer, DType dtype, int[] shape, int count) => dtype switch
    {
        DType.Float32 => Tensor.FromArray(Decode(stream, buffer, count, 4, static s => BinaryPrimitives.ReadSingleLittleEndian(s)), [count]).Reshape(shape),
        DType.Float64 => Tensor.FromArray(Decode(stream, buffer, count, 8, static s => BinaryPrimitives.ReadDoubleLittleEndian(s)), [count]).Reshape(shape),
        DType.Int64 => Tensor.FromArray(Decode(stream, buffer, count, 8, static s => BinaryPrimitives.ReadInt64LittleEndian(s)), [count]).Reshape(shape),
        _ => Tensor.FromArray(Decode(stream, buffer, count, 1, static s => s[0] != 0), [count]).Reshape(shape),
    };

    /// <summary>Position of the dtype in the reference's enum, which is ordered by alignment.</summary>
    private static int DTypeRank(DType dtype) => dtype switch
    {
        DType.Bool => 0,
        DType.Float32 => 11,
        DType.Float64 => 12,
        _ => 13,
    };

    private static string DTypeName(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        _ => "BOOL",
    };

    private static int ElementSize(DType dtype) => dtype.ElementSize();

    /// <summary>A JSON string as serde_json writes it: quote, backslash and control characters escaped, the rest
    /// (including non-ASCII) verbatim.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
