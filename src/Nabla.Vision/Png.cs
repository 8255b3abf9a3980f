using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Nabla.Vision;

/// <summary>PNG files (ISO/IEC 15948, lossless) read into and written from image tensors (C×H×W, float 0..1).
/// PyTorch: <c>torchvision.io.decode_png</c> / <c>encode_png</c>, or <c>PIL.Image.open</c> + <c>to_tensor</c>.</summary>
/// <remarks>
/// <para>Reading: every colour type and bit depth of the standard: greyscale (1, 2, 4, 8, 16 bits) → 1 channel,
/// grey + alpha (8, 16) → 2, RGB (8, 16) → 3, RGBA (8, 16) → 4, palette (1, 2, 4, 8 bits, PLTE) → 3 channels, or
/// 4 when a tRNS chunk gives the palette entries alpha. Samples are divided by 2^depth − 1 (255 for 8-bit, 65535 for
/// 16-bit). All five row filters (None, Sub, Up, Average, Paeth) and Adam7 interlacing are decoded. A tRNS chunk of
/// a grey or RGB image (one transparent colour) is checked and then ignored, as PIL leaves it in
/// <c>info["transparency"]</c> rather than in the pixels. Ancillary chunks (gAMA, tEXt, pHYs…) are skipped; an
/// unknown critical chunk is an error.</para>
/// <para>Every chunk's CRC-32 is checked; the IDAT stream is inflated with <see cref="ZLibStream"/> (which checks
/// zlib's Adler-32). Any problem — truncation, a bad CRC, an invalid header, a wrong amount of image data, an unknown
/// filter type — throws <see cref="ImageFormatException"/> naming the file and the byte offset.</para>
/// <para>Writing: 8-bit greyscale (C = 1), grey + alpha (2), RGB (3) or RGBA (4), not interlaced. The filter of each
/// row is chosen as libpng's default heuristic does: the one whose filtered bytes, read as signed values, have the
/// smallest sum of absolute values. The data is compressed with <see cref="CompressionLevel.SmallestSize"/>.</para>
/// </remarks>
public static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7 passes: (x start, y start, x step, y step), PNG spec §8.2.
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    /// <param name="data">The first bytes of a file.</param>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>Reads a PNG file. PyTorch: <c>torchvision.io.read_image(path)</c> (as float / 255).</summary>
    /// <param name="path">The file.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1, C as in the remarks.</returns>
    /// <exception cref="ImageFormatException">The file is not a valid PNG.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG bytes. PyTorch: <c>torchvision.io.decode_png</c>.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">The bytes are not a valid PNG.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name = "PNG data")
    {
        if (!IsPng(data))
            throw new ImageFormatException(name, 0, "not a PNG file: the signature 89 50 4E 47 0D 0A 1A 0A is missing");
        Header? header = null;
        byte[]? palette = null, transparency = null;
        var idat = new MemoryStream();
        long idatOffset = -1;
        bool idatDone = false;
        int pos = Signature.Length;
        while (true)
        {
            if (data.Length - pos < 12)
                throw new ImageFormatException(name, pos, $"truncated: a chunk needs at least 12 bytes but {data.Length - pos} remain (no IEND chunk)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            ReadOnlySpan<byte> typeBytes = data.Slice(pos + 4, 4);
            string type = ChunkName(typeBytes);
            foreach (byte b in typeBytes)
            {
                if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')))
                    throw new ImageFormatException(name, pos + 4, $"invalid chunk type {type}: chunk types are four ASCII letters");
            }
            if (length > int.MaxValue || length > data.Length - pos - 12)
                throw new ImageFormatException(name, pos, $"truncated chunk {type}: it declares {length} data bytes but {data.Length - pos - 12} remain");
            int n = (int)length;
            ReadOnlySpan<byte> body = data.Slice(pos + 8, n);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + n)..]);
            uint computed = Crc32.Compute(data.Slice(pos + 4, n + 4));
            if (stored != computed)
                throw new ImageFormatException(name, pos + 8 + n, $"CRC mismatch in chunk {type}: stored 0x{stored:X8}, computed 0x{computed:X8}");
            if (header is null && type != "IHDR")
                throw new ImageFormatException(name, pos, $"the first chunk must be IHDR, found {type}");
            if (idatOffset >= 0 && type != "IDAT") idatDone = true;
            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw new ImageFormatException(name, pos, "a second IHDR chunk");
                    header = ParseHeader(body, name, pos);
                    break;
                case "PLTE":
                    if (idatOffset >= 0) throw new ImageFormatException(name, pos, "PLTE after IDAT");
                    if (palette is not null) throw new ImageFormatException(name, pos, "a second PLTE chunk");
                    if (n == 0 || n % 3 != 0 || n / 3 > 256)
                        throw new ImageFormatException(name, pos, $"PLTE has {n} bytes; it must hold 1 to 256 RGB entries (a multiple of 3 bytes)");
                    if (header!.ColorType is 0 or 4)
                        throw new ImageFormatException(name, pos, $"PLTE is not allowed in a greyscale image (colour type {header.ColorType})");
                    if (n / 3 > 1 << header.BitDepth && header.ColorType == 3)
                        throw new ImageFormatException(name, pos, $"PLTE has {n / 3} entries, more than a {header.BitDepth}-bit index can address");
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    if (idatOffset >= 0) throw new ImageFormatException(name, pos, "tRNS after IDAT");
                    transparency = CheckTransparency(body, header!, palette, name, pos);
                    break;
                case "IDAT":
                    if (idatDone) throw new ImageFormatException(name, pos, "IDAT chunks must be consecutive");
                    if (header!.ColorType == 3 && palette is null)
                        throw new ImageFormatException(name, pos, "a palette image (colour type 3) needs a PLTE chunk before IDAT");
                    if (idatOffset < 0) idatOffset = pos;
                    idat.Write(body);
                    break;
                case "IEND":
                    if (idatOffset < 0) throw new ImageFormatException(name, pos, "IEND before any IDAT chunk: no image data");
                    return Pixels(header!, palette, transparency, Inflate(idat, header!, name, idatOffset), name, idatOffset);
                default:
                    // Bit 5 of the first letter (lower case) marks an ancillary chunk that a decoder may skip.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new ImageFormatException(name, pos, $"unknown critical chunk {type}");
                    break;
            }
            pos += 12 + n;
        }
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        var sb = new StringBuilder(4);
        foreach (byte b in type) sb.Append(b is >= 32 and < 127 ? (char)b : '?');
        return sb.ToString();
    }

    private sealed record Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        /// <summary>Samples per pixel in the file: grey 1, RGB 3, palette 1 (an index), grey+alpha 2, RGBA 4.</summary>
        public int Samples => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

        public int BitsPerPixel => Samples * BitDepth;

        /// <summary>Bytes of one filtered row of <paramref name="width"/> pixels (without the filter-type byte).</summary>
        public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;
    }

    private static Header ParseHeader(ReadOnlySpan<byte> body, string name, int pos)
    {
        if (body.Length != 13) throw new ImageFormatException(name, pos, $"IHDR has {body.Length} bytes; it must have 13");
        int at = pos + 8;
        uint width = BinaryPrimitives.ReadUInt32BigEndian(body), height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        if (width == 0 || width > int.MaxValue) throw new ImageFormatException(name, at, $"invalid width {width}: must be 1..2³¹−1");
        if (height == 0 || height > int.MaxValue) throw new ImageFormatException(name, at + 4, $"invalid height {height}: must be 1..2³¹−1");
        int depth = body[8], color = body[9];
        bool valid = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid) throw new ImageFormatException(name, at + 8, $"invalid bit depth {depth} for colour type {color}");
        if (body[10] != 0) throw new ImageFormatException(name, at + 10, $"unknown compression method {body[10]} (only 0, deflate, exists)");
        if (body[11] != 0) throw new ImageFormatException(name, at + 11, $"unknown filter method {body[11]} (only 0 exists)");
        if (body[12] > 1) throw new ImageFormatException(name, at + 12, $"unknown interlace method {body[12]} (0 none, 1 Adam7)");
        var header = new Header((int)width, (int)height, depth, color, body[12] == 1);
        // One output channel is a float per pixel: refuse sizes whose tensor would not fit in an array.
        long samples = (long)header.Width * header.Height * Math.Max(header.Samples, 3);
        if (samples > Array.MaxLength)
            throw new ImageFormatException(name, at, $"image of {width}×{height} pixels is too large to decode into one tensor");
        return header;
    }

    private static byte[] CheckTransparency(ReadOnlySpan<byte> body, Header header, byte[]? palette, string name, int pos)
    {
        int expected = header.ColorType switch { 0 => 2, 2 => 6, _ => -1 };
        if (header.ColorType == 3)
        {
            if (palette is null) throw new ImageFormatException(name, pos, "tRNS before PLTE in a palette image");
            if (body.Length > palette.Length / 3)
                throw new ImageFormatException(name, pos, $"tRNS has {body.Length} alpha values but PLTE only {palette.Length / 3} entries");
        }
        else if (expected < 0) throw new ImageFormatException(name, pos, $"tRNS is not allowed with colour type {header.ColorType} (it has an alpha channel)");
        else if (body.Length != expected)
            throw new ImageFormatException(name, pos, $"tRNS has {body.Length} bytes; colour type {header.ColorType} needs {expected}");
        return body.ToArray();
    }

    /// <summary>The expected size of the decompressed stream: each row of each (Adam7) pass is a filter byte plus
    /// its packed samples.</summary>
    private static long RawSize(Header h)
    {
        long total = 0;
        foreach ((int w, int rows) in Passes(h)) total += rows * (1 + h.RowBytes(w));
        return total;
    }

    private static IEnumerable<(int Width, int Height)> Passes(Header h)
    {
        if (!h.Interlaced)
        {
            yield return (h.Width, h.Height);
            yield break;
        }
        foreach ((int x0, int y0, int dx, int dy) in Adam7)
        {
            int w = h.Width > x0 ? (h.Width - x0 + dx - 1) / dx : 0;
            int rows = h.Height > y0 ? (h.Height - y0 + dy - 1) / dy : 0;
            // A pass with no columns or no rows has no bytes at all (not even filter bytes), spec §8.2.
            yield return w == 0 || rows == 0 ? (0, 0) : (w, rows);
        }
    }

    private static byte[] Inflate(MemoryStream idat, Header header, string name, long offset)
    {
        long expected = RawSize(header);
        if (expected > Array.MaxLength)
            throw new ImageFormatException(name, offset, $"image of {header.Width}×{header.Height} pixels is too large to decode");
        idat.Position = 0;
        // Inflate into a growing buffer rather than one of the size the header claims, so that a small file with a
        // huge claimed size fails on its data before any large allocation.
        var raw = new MemoryStream();
        var block = new byte[1 << 16];
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            int got;
            while (raw.Length <= expected && (got = z.Read(block, 0, (int)Math.Min(block.Length, expected + 1 - raw.Length))) > 0)
                raw.Write(block, 0, got);
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException(name, offset, $"the zlib stream of the IDAT chunks is corrupt ({e.Message})", e);
        }
        if (raw.Length > expected)
            throw new ImageFormatException(name, offset, $"IDAT data decompresses to more than the {expected} bytes a {header.Width}×{header.Height} image needs");
        if (raw.Length != expected)
            throw new ImageFormatException(name, offset, $"IDAT data decompresses to {raw.Length} bytes; a {header.Width}×{header.Height} image needs {expected}");
        return raw.Length == raw.Capacity ? raw.GetBuffer() : raw.ToArray();
    }

    private static Tensor Pixels(Header h, byte[]? palette, byte[]? transparency, byte[] raw, string name, long offset)
    {
        bool paletteAlpha = h.ColorType == 3 && transparency is not null;
        int channels = h.ColorType == 3 ? (paletteAlpha ? 4 : 3) : h.Samples;
        int plane = h.Width * h.Height;
        var output = new float[checked(plane * channels)];
        int bpp = Math.Max(1, h.BitsPerPixel / 8);
        double scale = 1.0 / ((1 << h.BitDepth) - 1);
        int pos = 0, pass = 0;
        foreach ((int pw, int ph) in Passes(h))
        {
            (int x0, int y0, int dx, int dy) = h.Interlaced ? Adam7[pass] : (0, 0, 1, 1);
            pass++;
            if (pw == 0) continue;
            int rowBytes = (int)h.RowBytes(pw);
            var previous = new byte[rowBytes];
            var row = new byte[rowBytes];
            for (int y = 0; y < ph; y++)
            {
                int filter = raw[pos];
                if (filter > 4)
                    throw new ImageFormatException(name, offset, $"unknown filter type {filter} at byte {pos} of the decompressed image data (row {y}{(h.Interlaced ? $" of Adam7 pass {pass}" : "")}); types are 0..4");
                Array.Copy(raw, pos + 1, row, 0, rowBytes);
                pos += 1 + rowBytes;
                Unfilter(filter, row, previous, bpp);
                int outY = y0 + y * dy;
                for (int x = 0; x < pw; x++)
                {
                    int index = outY * h.Width + x0 + x * dx;
                    if (h.ColorType == 3)
                    {
                        int entry = Sample(row, x, h.BitDepth);
                        if (entry * 3 >= palette!.Length)
                            throw new ImageFormatException(name, offset, $"palette index {entry} at pixel ({x0 + x * dx}, {outY}) but PLTE has {palette.Length / 3} entries");
                        for (int c = 0; c < 3; c++) output[c * plane + index] = palette[entry * 3 + c] / 255f;
                        if (paletteAlpha) output[3 * plane + index] = entry < transparency!.Length ? transparency[entry] / 255f : 1f;
                    }
                    else
                    {
                        for (int c = 0; c < channels; c++)
                            output[c * plane + index] = (float)(Sample(row, x * channels + c, h.BitDepth) * scale);
                    }
                }
                (previous, row) = (row, previous);
            }
        }
        return ImageTensor.FromPlanar(output, channels, h.Height, h.Width);
    }

    /// <summary>Sample <paramref name="i"/> of a row packed at <paramref name="depth"/> bits, most significant bits
    /// first (sub-byte depths) or big-endian (16 bits).</summary>
    private static int Sample(byte[] row, int i, int depth) => depth switch
    {
        8 => row[i],
        16 => (row[2 * i] << 8) | row[2 * i + 1],
        _ => (row[i * depth / 8] >> (8 - depth - (i * depth % 8))) & ((1 << depth) - 1),
    };

    /// <summary>Undoes one row's filter in place (spec §9.2): x is the byte, a the byte bpp to the left, b the byte
    /// above, c the byte above-left; Sub adds a, Up adds b, Average adds ⌊(a + b)/2⌋, Paeth adds the one of a, b, c
    /// nearest to a + b − c. All sums are mod 256.</summary>
    internal static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case 2:
                for (int i = 0; i < row.Length; i++) row[i] += previous[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++) row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1);
                break;
            default:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, c = i >= bpp ? previous[i - bpp] : 0;
                    row[i] += Paeth(a, previous[i], c);
                }
                break;
        }
    }

    /// <summary>The Paeth predictor: of a (left), b (above), c (upper left), the one nearest to p = a + b − c, ties
    /// broken in the order a, b, c.</summary>
    internal static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    /// <summary>Writes an 8-bit PNG atomically (temporary file + rename). PyTorch: <c>torchvision.io.write_png</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="image">Shapes: (C, H, W) with C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA), or (H, W);
    /// values in 0..1 (clamped, rounded to 8 bits).</param>
    public static void Write(string path, Tensor image) => ImageTensor.WriteAtomic(path, Encode(image));

    /// <summary>Encodes an image as 8-bit PNG bytes. PyTorch: <c>torchvision.io.encode_png</c>.</summary>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W); values in 0..1.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Encode(Tensor image)
    {
        byte[] pixels = ImageTensor.Interleaved8(image, "Png.Encode", out int c, out int h, out int w);
        int stride = w * c;
        if ((long)h * (stride + 1) > Array.MaxLength)
            throw new ArgumentException($"Png.Encode: a {w}×{h} image with {c} channels is too large for one PNG data stream here.", nameof(image));
        var filtered = new byte[h * (stride + 1)];
        var candidate = new byte[stride];
        var zero = new byte[stride];
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> previous = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : zero;
            long best = long.MaxValue;
            for (int f = 0; f <= 4; f++)
            {
                Filter(f, row, previous, c, candidate);
                long cost = 0;
                foreach (byte b in candidate) cost += Math.Abs((int)(sbyte)b);
                if (cost < best)
                {
                    best = cost;
                    filtered[y * (stride + 1)] = (byte)f;
                    candidate.CopyTo(filtered, y * (stride + 1) + 1);
                }
            }
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(filtered);

        var file = new MemoryStream();
        file.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)w);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)h);
        ihdr[8] = 8;
        ihdr[9] = c switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        WriteChunk(file, "IHDR", ihdr);
        WriteChunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>Applies filter <paramref name="f"/> to a row (the inverse of <see cref="Unfilter"/>).</summary>
    internal static void Filter(int f, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
            output[i] = (byte)(row[i] - f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) >> 1, _ => Paeth(a, b, c) });
        }
    }

    private static void WriteChunk(Stream file, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)body.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        file.Write(head);
        file.Write(body);
        uint crc = ~Crc32.Update(Crc32.Update(0xFFFFFFFF, head[4..]), body);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        file.Write(tail);
    }
}
