using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Nabla.Data;

/// <summary>Reads and writes the IDX format of MNIST and Fashion-MNIST (unsigned-byte tensors with big-endian
/// dimensions), plain or gzipped. PyTorch: <c>torchvision.datasets.mnist.read_image_file</c> /
/// <c>read_label_file</c>.</summary>
/// <remarks>
/// <para>Layout: bytes 0–1 are zero, byte 2 is the element type (0x08 = unsigned byte, the only one MNIST uses and
/// the only one read here), byte 3 the number of dims d; then d big-endian 32-bit sizes; then the elements,
/// row-major, one byte each. Labels files have magic 0x00000801 (one dim), image files 0x00000803 (count, rows,
/// columns). A file starting with the gzip signature 1f 8b is decompressed first.</para>
/// <para>Nabla has no unsigned-byte dtype, so <see cref="Read(string)"/> returns a 1-D file (labels) as Int64 and
/// any other file (images) as Float32 holding the raw values 0..255, unscaled; see <see cref="ToUnitRange"/>.</para>
/// </remarks>
public static class Idx
{
    /// <summary>The element type code of unsigned bytes, the third byte of the magic number. PyTorch: the
    /// <c>8: torch.uint8</c> entry of torchvision's <c>SN3_PASCALVINCENT_TYPEMAP</c>.</summary>
    public const byte UnsignedByteType = 0x08;

    private static ReadOnlySpan<byte> GzipSignature => [0x1f, 0x8b];

    /// <summary>Reads an IDX file: 1-D (labels, magic 0x00000801) as Int64, more dims (images, 0x00000803) as
    /// Float32 values 0..255. PyTorch: <c>torchvision.datasets.mnist.read_sn3_pascalvincent_tensor</c>.</summary>
    /// <param name="path">An IDX file, raw or gzipped.</param>
    /// <returns>A tensor of the file's dims, e.g. (60000, 28, 28) Float32 or (60000) Int64.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not gzip-readable, a wrong magic number, a short header, truncated
    /// data or bytes past the end; the message names the file, the offset and the bytes expected and found.</exception>
    public static Tensor Read(string path) => Read(path, dtype: null);

    /// <summary>Reads an IDX file into a tensor of the given dtype (values 0..255 unscaled; Bool is 0 or not).
    /// PyTorch: <c>read_sn3_pascalvincent_tensor(path).to(dtype)</c>.</summary>
    /// <param name="path">An IDX file, raw or gzipped.</param>
    /// <param name="dtype">The element type of the result.</param>
    /// <returns>A tensor of the file's dims.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Read(string)"/>.</exception>
    public static Tensor Read(string path, DType dtype) => Read(path, (DType?)dtype);

    private static Tensor Read(string path, DType? dtype)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Idx.Read: file not found: {path}", path);
        byte[] raw = File.ReadAllBytes(path);
        bool gzipped = raw.AsSpan().StartsWith(GzipSignature);
        byte[] bytes = gzipped ? Gunzip(path, raw) : raw;
        string where = gzipped ? $"{path} (after gunzip)" : path;

        const int MagicBytes = 4, DimBytes = 4;
        if (bytes.Length < MagicBytes)
            throw new InvalidDataException($"Idx.Read: {where}: the file has {bytes.Length} bytes, fewer than the 4-byte magic number.");
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UnsignedByteType || bytes[3] == 0)
            throw new InvalidDataException(
                $"Idx.Read: {where}: wrong magic number at offset 0: expected 00 00 08 0d (unsigned bytes, d ≥ 1 dims; " +
                $"00 00 08 01 labels, 00 00 08 03 images), found {Hex(bytes.AsSpan(0, MagicBytes))}.");
        int rank = bytes[3];
        int header = MagicBytes + DimBytes * rank;
        if (bytes.Length < header)
            throw new InvalidDataException(
                $"Idx.Read: {where}: truncated header: {rank} dims need {header} bytes (offsets 0..{header - 1}), the file has {bytes.Length}.");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(MagicBytes + DimBytes * i));
            if (size > int.MaxValue)
                throw new InvalidDataException($"Idx.Read: {where}: dim {i} at offset {MagicBytes + DimBytes * i} is {size}, more than {int.MaxValue}.");
            shape[i] = (int)size;
            count *= size;
            if (count > Array.MaxLength)
                throw new InvalidDataException($"Idx.Read: {where}: dims ({string.Join(", ", shape[..(i + 1)])}) hold more than {Array.MaxLength} elements.");
        }
        long actual = bytes.Length - header;
        if (actual != count)
            throw new InvalidDataException(
                $"Idx.Read: {where}: dims {TensorDataset.Format(shape)} need {count} data bytes from offset {header}, " +
                $"found {actual} ({(actual < count ? "truncated" : "extra bytes at the end")}).");

        ReadOnlySpan<byte> data = bytes.AsSpan(header);
        DType target = dtype ?? (rank == 1 ? DType.Int64 : DType.Float32);
        return target switch
        {
            // The widened arrays are fresh, so the tensors take them over rather than copying them again.
            DType.Float32 => Tensor.FromBuffer(Widen(data, b => (float)b), shape),
            DType.Float64 => Tensor.FromBuffer(Widen(data, b => (double)b), shape),
            DType.Int64 => Tensor.FromBuffer(Widen(data, b => (long)b), shape),
            _ => Tensor.FromArray(Widen(data, b => b != 0), shape),
        };
    }

    /// <summary>Writes a tensor of integer values 0..255 as an unsigned-byte IDX file, gzipped or not. The file is
    /// written to a temporary name and renamed, so a failure leaves no partial file. PyTorch: no counterpart.</summary>
    /// <remarks>PyTorch has no writer; this one exists for tests and for exporting data to MNIST tools.</remarks>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensor">At least one dim, at most 255; every value an integer in 0..255.</param>
    /// <param name="gzip">Compress the file (MNIST's distribution format).</param>
    /// <exception cref="ArgumentException">A 0-d tensor, more than 255 dims, or a value that is not an integer in 0..255.</exception>
    public static void Write(string path, Tensor tensor, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim is 0 or > byte.MaxValue)
            throw new ArgumentException($"Idx.Write: {path}: IDX needs 1 to 255 dims, the tensor has {tensor.Dim}.", nameof(tensor));
        double[] values = tensor.To(DType.Float64).ToArray<double>();
        int[] shape = tensor.Shape;
        const int MagicBytes = 4, DimBytes = 4;
        var bytes = new byte[MagicBytes + DimBytes * shape.Length + values.Length];
        bytes[2] = UnsignedByteType;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(MagicBytes + DimBytes * i), (uint)shape[i]);
        int header = MagicBytes + DimBytes * shape.Length;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!(v >= 0 && v <= byte.MaxValue && v == Math.Floor(v)))
                throw new ArgumentException($"Idx.Write: {path}: element {i} is {v}; unsigned-byte IDX holds integers 0..255.", nameof(tensor));
            bytes[header + i] = (byte)v;
        }
        string temporary = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            using (FileStream file = File.Create(temporary))
            {
                if (gzip)
                {
                    using var zip = new GZipStream(file, CompressionLevel.Optimal);
                    zip.Write(bytes);
                }
                else
                {
                    file.Write(bytes);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    internal static byte[] Gunzip(string path, byte[] compressed)
    {
        byte[] output;
        try
        {
            // The trailer's ISIZE (below) sizes the output exactly, so nothing is copied while it grows; a stream
            // that inflates to more or fewer bytes than recorded is caught by the same check.
            int hint = compressed.Length >= 4 ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4)), (uint)Array.MaxLength) : 0;
            using var zip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var exact = new byte[hint];
            int filled = zip.ReadAtLeast(exact, hint, throwOnEndOfStream: false);
            if (filled == hint && zip.ReadByte() < 0) output = exact;
            else
            {
                using var buffer = new MemoryStream();
                buffer.Write(exact, 0, filled);
                zip.CopyTo(buffer);
                output = buffer.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Idx.Read: {path}: starts with the gzip signature 1f 8b but does not decompress: {e.Message}", e);
        }
        // GZipStream returns what it could inflate from a cut file without complaint; the trailer's last 4 bytes
        // (ISIZE, little-endian) hold the uncompressed size mod 2^32, which a cut file lacks.
        const int TrailerSizeBytes = 4;
        int at = compressed.Length - TrailerSizeBytes;
        uint recorded = at < 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(at));
        if (at < 0 || recorded != (uint)output.Length)
            throw new InvalidDataException(
                $"Idx.Read: {path}: the gzip stream is truncated or corrupt: the trailer (last 4 bytes, offset {at}) records " +
                $"{recorded} uncompressed bytes (mod 2^32), decompression gave {output.Length}.");
        return output;
    }

    /// <summary>Bytes as spaced lower-case hex, the way a hex dump shows them: "00 00 08 03".</summary>
    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static TOut[] Widen<TOut>(ReadOnlySpan<byte> data, Func<byte, TOut> convert)
    {
        var result = new TOut[data.Length];
        for (int i = 0; i < result.Length; i++) result[i] = convert(data[i]);
        return result;
    }
}
