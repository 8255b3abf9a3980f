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
        byte[] bytes = Serialize(tensors, metadata);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
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
        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/>. PyTorch:
    /// <c>safetensors.torch.save(tensors, metadata)</c>.</summary>
    /// <param name="tensors">Name → tensor.</param>
    /// <param name="metadata">Optional string pairs stored under "__metadata__".</param>
    /// <exception cref="ArgumentException">A name is empty or "__metadata__".</exception>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
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
        var header = new StringBuilder("{");
        bool first = true;
        if (metadata is not null)
        {
            header.Append(Quote(MetadataKey)).Append(":{");
            header.AppendJoin(",", metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value)));
            header.Append('}');
            first = false;
        }
        long offset = 0;
        foreach ((string name, Tensor t) in ordered)
        {
            long size = (long)t.NumEl * ElementSize(t.DType);
            if (!first) header.Append(',');
            first = false;
            header.Append(Quote(name)).Append(":{\"dtype\":\"").Append(DTypeName(t.DType)).Append("\",\"shape\":[")
                  .AppendJoin(",", t.Shape).Append("],\"data_offsets\":[")
                  .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append((offset + size).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += size;
        }
        header.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        int padded = (json.Length + Alignment - 1) / Alignment * Alignment;    // spaces up to a multiple of 8
        var bytes = new byte[LengthPrefix + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, LengthPrefix);
        bytes.AsSpan(LengthPrefix + json.Length, padded - json.Length).Fill((byte)' ');
        int position = LengthPrefix + padded;
        foreach ((_, Tensor t) in ordered) position += WriteData(t, bytes.AsSpan(position));
        return bytes;
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
        InvalidDataException Error(long at, string what) => new($"SafeTensors: {source}: {what} (at byte offset {at}).");

        if (bytes.Length < LengthPrefix)
            throw Error(0, $"truncated file: {bytes.Length} bytes, too short for the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeaderSize)
            throw Error(0, $"header length {n} exceeds the {MaxHeaderSize}-byte limit");
        if ((long)n > bytes.Length - LengthPrefix)
            throw Error(0, $"header length {n} runs past the end of the {bytes.Length}-byte file (truncated file?)");
        int dataStart = LengthPrefix + (int)n;
        long dataLength = bytes.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(LengthPrefix, (int)n));
        }
        catch (JsonException e)
        {
            throw Error(LengthPrefix + (e.BytePositionInLine ?? 0), "the header is not valid JSON: " + e.Message);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(LengthPrefix, "the header must be a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
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

            // Sorted by offset, the byte ranges must tile the data section exactly: no overlap, no gap, no excess.
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
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
                tensors[e.Name] = ReadData(bytes.AsSpan(dataStart + (int)e.Begin, (int)size), e.DType, e.Shape);
                expected = e.End;
            }
            if (expected != dataLength)
                throw Error(dataStart + expected, $"{dataLength - expected} bytes after the last tensor are not described by the header");
            return (tensors, metadata);
        }
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

    private static int WriteData(Tensor t, Span<byte> destination)
    {
        switch (t.DType)
        {
            case DType.Float32:
                float[] f = t.ToArray<float>();
                for (int i = 0; i < f.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], f[i]);
                return 4 * f.Length;
            case DType.Float64:
                double[] d = t.ToArray<double>();
                for (int i = 0; i < d.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(destination[(8 * i)..], d[i]);
                return 8 * d.Length;
            case DType.Int64:
                long[] l = t.ToArray<long>();
                for (int i = 0; i < l.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(destination[(8 * i)..], l[i]);
                return 8 * l.Length;
            default:
                bool[] b = t.ToArray<bool>();
                for (int i = 0; i < b.Length; i++) destination[i] = b[i] ? (byte)1 : (byte)0;
                return b.Length;
        }
    }

    private static Tensor ReadData(ReadOnlySpan<byte> source, DType dtype, int[] shape)
    {
        switch (dtype)
        {
            case DType.Float32:
                var f = new float[source.Length / 4];
                for (int i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                return Tensor.FromArray(f).Reshape(shape);
            case DType.Float64:
                var d = new double[source.Length / 8];
                for (int i = 0; i < d.Length; i++) d[i] = BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                return Tensor.FromArray(d).Reshape(shape);
            case DType.Int64:
                var l = new long[source.Length / 8];
                for (int i = 0; i < l.Length; i++) l[i] = BinaryPrimitives.ReadInt64LittleEndian(source[(8 * i)..]);
                return Tensor.FromArray(l).Reshape(shape);
            default:
                var b = new bool[source.Length];
                for (int i = 0; i < b.Length; i++) b[i] = source[i] != 0;
                return Tensor.FromArray(b).Reshape(shape);
        }
    }

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
