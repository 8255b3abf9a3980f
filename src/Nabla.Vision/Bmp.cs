using System.Buffers.Binary;
using System.Numerics;

namespace Nabla.Vision;

/// <summary>Windows BMP files (uncompressed) read into and written from image tensors (C×H×W, float 0..1).
/// PyTorch: no torchvision codec; PIL's <c>BmpImagePlugin</c> is the reference.</summary>
/// <remarks>
/// <para>A BMP file is a 14-byte file header ("BM", file size, offset of the pixels), a DIB header
/// (BITMAPINFOHEADER, 40 bytes, or its V2–V5 extensions up to 124 bytes), an optional colour table and the pixel
/// rows. Rows are stored bottom-up when the height is positive and top-down when it is negative; each row is padded
/// to a multiple of 4 bytes. Pixels are stored B, G, R(, A).</para>
/// <para>Reading: 24-bit (→ 3 channels); 32-bit BI_RGB (the fourth byte is unused by the format, → 3 channels) and
/// 32-bit BI_BITFIELDS / BI_ALPHABITFIELDS with any contiguous masks (→ 4 channels when an alpha mask is given,
/// else 3); 1-, 4- and 8-bit palette images (→ 1 channel when every palette entry is grey, as PIL's "L" mode, else
/// 3). Run-length (RLE4/RLE8), embedded JPEG/PNG and 16-bit files are rejected with
/// <see cref="ImageFormatException"/>.</para>
/// <para>Writing (bottom-up unless asked, resolution fields 0 = unspecified): 1 channel → 8-bit with a 256-entry
/// grey palette; 3 → 24-bit; 2 or 4 → 32-bit BITMAPV4HEADER with BI_BITFIELDS masks R 0x00FF0000, G 0x0000FF00,
/// B 0x000000FF, A 0xFF000000 (grey + alpha is stored as RGBA).</para>
/// </remarks>
public static class Bmp
{
    private const int FileHeaderSize = 14, InfoHeaderSize = 40, V4HeaderSize = 108, MaxHeaderSize = 124;
    private const uint BiRgb = 0, BiBitfields = 3, BiAlphaBitfields = 6;

    /// <summary>True when <paramref name="data"/> starts with "BM".</summary>
    /// <param name="data">The first bytes of a file.</param>
    public static bool IsBmp(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'B' && data[1] == 'M';

    /// <summary>Reads a BMP file. PIL: <c>Image.open(path)</c> + <c>to_tensor</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1, C as in the remarks.</returns>
    /// <exception cref="ImageFormatException">The file is not a BMP Nabla can read.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes BMP bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">The bytes are not a BMP Nabla can read.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name = "BMP data")
    {
        if (!IsBmp(data)) throw new ImageFormatException(name, 0, "not a BMP file: it does not start with \"BM\"");
        if (data.Length < FileHeaderSize + InfoHeaderSize)
            throw new ImageFormatException(name, data.Length, $"truncated: the file and BITMAPINFOHEADER headers need {FileHeaderSize + InfoHeaderSize} bytes, the file has {data.Length}");
        uint pixelOffset = U32(data, 10);
        uint dib = U32(data, 14);
        if (dib < InfoHeaderSize || dib > MaxHeaderSize)
            throw new ImageFormatException(name, 14, $"unsupported DIB header of {dib} bytes (BITMAPINFOHEADER is 40, V4 108, V5 124; OS/2 headers are not read)");
        if (FileHeaderSize + dib > data.Length)
            throw new ImageFormatException(name, data.Length, $"truncated: the {dib}-byte DIB header does not fit in the {data.Length}-byte file");
        int width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
        int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
        int planes = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]);
        int bpp = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
        uint compression = U32(data, 30);
        uint colorsUsed = U32(data, 46);
        if (width <= 0) throw new ImageFormatException(name, 18, $"invalid width {width}: must be positive");
        if (rawHeight == 0 || rawHeight == int.MinValue) throw new ImageFormatException(name, 22, $"invalid height {rawHeight}");
        if (planes != 1) throw new ImageFormatException(name, 26, $"{planes} colour planes; BMP files have 1");
        bool topDown = rawHeight < 0;
        int height = Math.Abs(rawHeight);
        if (bpp is not (1 or 4 or 8 or 24 or 32))
            throw new ImageFormatException(name, 28, $"{bpp} bits per pixel is not supported (1, 4, 8, 24 and 32 are)");
        bool masked = compression is BiBitfields or BiAlphaBitfields;
        if (compression != BiRgb && !(masked && bpp == 32))
            throw new ImageFormatException(name, 30, $"compression {compression} ({CompressionName(compression)}) with {bpp} bits per pixel is not supported; Nabla reads uncompressed BMP");
        long stride = ((long)width * bpp + 31) / 32 * 4;
        long plane = (long)width * height;
        if (plane * 4 > Array.MaxLength || stride * height > Array.MaxLength)
            throw new ImageFormatException(name, 18, $"image of {width}×{height} pixels is too large to decode into one tensor");

        uint[] masks = [0x00FF0000, 0x0000FF00, 0x000000FF, 0];
        if (masked)
        {
            // Masks live in the V2+ header fields, or right after a 40-byte header (3 masks, 4 with alpha).
            int count = compression == BiAlphaBitfields || dib >= 56 ? 4 : 3;
            int at = FileHeaderSize + InfoHeaderSize;
            if (at + 4 * count > data.Length)
                throw new ImageFormatException(name, data.Length, "truncated: the colour masks are missing");
            for (int i = 0; i < count; i++) masks[i] = U32(data, at + 4 * i);
            for (int i = 0; i < count; i++)
            {
                if ((i < 3 || masks[i] != 0) && !Contiguous(masks[i]))
                    throw new ImageFormatException(name, at + 4 * i, $"colour mask 0x{masks[i]:X8} is not one run of set bits");
            }
        }

        byte[]? palette = null;
        if (bpp <= 8)
        {
            long entries = colorsUsed == 0 ? 1L << bpp : colorsUsed;
            if (entries > 1L << bpp)
                throw new ImageFormatException(name, 46, $"{colorsUsed} palette entries, more than {bpp} bits can index");
            long at = FileHeaderSize + dib;
            if (at + 4 * entries > data.Length)
                throw new ImageFormatException(name, data.Length, $"truncated: the {entries}-entry colour table needs bytes {at}..{at + 4 * entries - 1}");
            palette = data.Slice((int)at, (int)(4 * entries)).ToArray();
        }

        if (pixelOffset > data.Length || stride * height > data.Length - pixelOffset)
            throw new ImageFormatException(name, Math.Min(pixelOffset, (uint)data.Length),
                $"truncated: {height} rows of {stride} bytes from byte {pixelOffset} need {pixelOffset + stride * height} bytes, the file has {data.Length}");

        bool grey = palette is not null && IsGreyPalette(palette);
        int channels = palette is not null ? (grey ? 1 : 3) : masks[3] != 0 ? 4 : 3;
        int n = (int)plane;
        var output = new float[n * channels];
        for (int r = 0; r < height; r++)
        {
            int y = topDown ? r : height - 1 - r;
            int rowStart = (int)(pixelOffset + r * stride);
            ReadOnlySpan<byte> row = data.Slice(rowStart, (int)stride);
            for (int x = 0; x < width; x++)
            {
                int index = y * width + x;
                if (palette is not null)
                {
                    int entry = (row[x * bpp / 8] >> (8 - bpp - (x * bpp % 8))) & ((1 << bpp) - 1);
                    if (entry * 4 >= palette.Length)
                        throw new ImageFormatException(name, rowStart + x * bpp / 8, $"palette index {entry} but the colour table has {palette.Length / 4} entries");
                    // Colour-table entries are B, G, R, reserved.
                    if (grey) output[index] = palette[entry * 4] / 255f;
                    else
                        for (int c = 0; c < 3; c++) output[c * n + index] = palette[entry * 4 + 2 - c] / 255f;
                }
                else if (bpp == 24)
                {
                    for (int c = 0; c < 3; c++) output[c * n + index] = row[x * 3 + 2 - c] / 255f;
                }
                else
                {
                    uint pixel = BinaryPrimitives.ReadUInt32LittleEndian(row[(x * 4)..]);
                    for (int c = 0; c < channels; c++) output[c * n + index] = Field(pixel, masks[c]);
                }
            }
        }
        return ImageTensor.FromPlanar(output, channels, height, width);
    }

    private static uint U32(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);

    private static string CompressionName(uint compression) => compression switch
    {
        1 => "RLE8", 2 => "RLE4", 3 => "BI_BITFIELDS", 4 => "embedded JPEG", 5 => "embedded PNG", 6 => "BI_ALPHABITFIELDS", _ => "unknown",
    };

    private static bool Contiguous(uint mask)
    {
        if (mask == 0) return false;
        uint shifted = mask >> BitOperations.TrailingZeroCount(mask);
        return (shifted & (shifted + 1)) == 0;
    }

    /// <summary>The field of <paramref name="pixel"/> under <paramref name="mask"/>, scaled to 0..1 by the field's
    /// largest value 2^bits − 1.</summary>
    private static float Field(uint pixel, uint mask)
    {
        int shift = BitOperations.TrailingZeroCount(mask);
        uint max = mask >> shift;
        return (float)(((pixel & mask) >> shift) / (double)max);
    }

    private static bool IsGreyPalette(byte[] palette)
    {
        for (int i = 0; i < palette.Length; i += 4)
        {
            if (palette[i] != palette[i + 1] || palette[i] != palette[i + 2]) return false;
        }
        return true;
    }

    /// <summary>Writes a BMP file atomically (temporary file + rename).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W); values in 0..1 (clamped, rounded to 8 bits).</param>
    /// <param name="topDown">Store rows top-down (negative height) instead of the usual bottom-up.</param>
    public static void Write(string path, Tensor image, bool topDown = false) => ImageTensor.WriteAtomic(path, Encode(image, topDown));

    /// <summary>Encodes an image as BMP bytes (the layouts in the remarks).</summary>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W); values in 0..1.</param>
    /// <param name="topDown">Store rows top-down (negative height) instead of the usual bottom-up.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Encode(Tensor image, bool topDown = false)
    {
        byte[] pixels = ImageTensor.Interleaved8(image, "Bmp.Encode", out int c, out int h, out int w);
        int bpp = c switch { 1 => 8, 3 => 24, _ => 32 };
        int dib = bpp == 32 ? V4HeaderSize : InfoHeaderSize;
        int paletteBytes = bpp == 8 ? 256 * 4 : 0;
        long stride = ((long)w * bpp + 31) / 32 * 4;
        long size = FileHeaderSize + dib + paletteBytes + stride * h;
        if (size > Array.MaxLength) throw new ArgumentException($"Bmp.Encode: a {w}×{h} image is too large for a BMP file.", nameof(image));
        var file = new byte[size];
        Span<byte> s = file;
        s[0] = (byte)'B';
        s[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(s[2..], (uint)size);
        int pixelOffset = FileHeaderSize + dib + paletteBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(s[10..], (uint)pixelOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(s[14..], (uint)dib);
        BinaryPrimitives.WriteInt32LittleEndian(s[18..], w);
        BinaryPrimitives.WriteInt32LittleEndian(s[22..], topDown ? -h : h);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)bpp);
        BinaryPrimitives.WriteUInt32LittleEndian(s[30..], bpp == 32 ? BiBitfields : BiRgb);
        BinaryPrimitives.WriteUInt32LittleEndian(s[34..], (uint)(stride * h));
        if (bpp == 8) BinaryPrimitives.WriteUInt32LittleEndian(s[46..], 256);
        if (bpp == 32)
        {
            uint[] masks = [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000];
            for (int i = 0; i < 4; i++) BinaryPrimitives.WriteUInt32LittleEndian(s[(54 + 4 * i)..], masks[i]);
            // bV4CSType = LCS_sRGB ('sRGB' as a little-endian four-character code).
            BinaryPrimitives.WriteUInt32LittleEndian(s[70..], 0x73524742);
        }
        for (int i = 0; i < paletteBytes / 4; i++)
        {
            int at = FileHeaderSize + dib + 4 * i;
            s[at] = s[at + 1] = s[at + 2] = (byte)i;
        }
        for (int y = 0; y < h; y++)
        {
            int fileRow = topDown ? y : h - 1 - y;
            Span<byte> row = s.Slice((int)(pixelOffset + fileRow * stride), (int)stride);
            for (int x = 0; x < w; x++)
            {
                int p = (y * w + x) * c;
                switch (c)
                {
                    case 1:
                        row[x] = pixels[p];
                        break;
                    case 3:
                        (row[3 * x], row[3 * x + 1], row[3 * x + 2]) = (pixels[p + 2], pixels[p + 1], pixels[p]);
                        break;
                    case 2:
                        (row[4 * x], row[4 * x + 1], row[4 * x + 2], row[4 * x + 3]) = (pixels[p], pixels[p], pixels[p], pixels[p + 1]);
                        break;
                    default:
                        (row[4 * x], row[4 * x + 1], row[4 * x + 2], row[4 * x + 3]) = (pixels[p + 2], pixels[p + 1], pixels[p], pixels[p + 3]);
                        break;
                }
            }
        }
        return file;
    }
}
