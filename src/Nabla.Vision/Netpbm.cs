using System.Globalization;
using System.Text;

namespace Nabla.Vision;

/// <summary>Netpbm PGM (greyscale) and PPM (RGB) files — uncompressed — read into and written from image tensors
/// (C×H×W, float 0..1). PyTorch: no torchvision codec; PIL's <c>PpmImagePlugin</c> is the reference.</summary>
/// <remarks>
/// <para>A file is a text header — magic number, width, height, maxval, separated by whitespace, with comments from
/// '#' to the end of a line — followed by the samples. P5 (PGM) and P6 (PPM) store them in binary after exactly one
/// whitespace byte: one byte each when maxval &lt; 256, else two bytes big-endian. P2 and P3 are the ASCII
/// versions (decimal numbers separated by whitespace). Values are divided by maxval (1..65535).</para>
/// <para>Reading: P2, P3, P5 and P6 → 1 or 3 channels; a sample above maxval is an error. The 1-bit bitmaps P1 and
/// P4 and the PAM format P7 are rejected. Writing: P5 for 1 channel and P6 for 3, with maxval 255 (or 65535);
/// images with alpha cannot be written since the format has no alpha.</para>
/// </remarks>
public static class Netpbm
{
    /// <summary>True when <paramref name="data"/> starts with a Netpbm magic number P1..P7.</summary>
    /// <param name="data">The first bytes of a file.</param>
    public static bool IsNetpbm(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'P' && data[1] is >= (byte)'1' and <= (byte)'7';

    /// <summary>Reads a PGM or PPM file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Shapes: (1, H, W) for PGM, (3, H, W) for PPM; Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">The file is not a P2/P3/P5/P6 file or is malformed.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PGM or PPM bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (1, H, W) or (3, H, W); Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">The bytes are not a P2/P3/P5/P6 file or are malformed.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name = "PNM data")
    {
        if (!IsNetpbm(data)) throw new ImageFormatException(name, 0, "not a PGM/PPM file: it does not start with P1..P7");
        char kind = (char)data[1];
        if (kind is '1' or '4') throw new ImageFormatException(name, 0, $"P{kind} (1-bit PBM bitmap) is not supported; Nabla reads P2, P3, P5 and P6");
        if (kind == '7') throw new ImageFormatException(name, 0, "P7 (PAM) is not supported; Nabla reads P2, P3, P5 and P6");
        int channels = kind is '3' or '6' ? 3 : 1;
        bool ascii = kind is '2' or '3';
        int pos = 2;
        if (pos >= data.Length || !IsSpace(data[pos]))
            throw new ImageFormatException(name, pos, "expected whitespace after the magic number");
        long width = Number(data, ref pos, name, "the width", 1, int.MaxValue);
        long height = Number(data, ref pos, name, "the height", 1, int.MaxValue);
        int maxval = (int)Number(data, ref pos, name, "maxval", 1, ushort.MaxValue);
        long plane = width * height;
        if (plane * channels > Array.MaxLength) throw new ImageFormatException(name, 3, $"image of {width}×{height} pixels is too large to decode into one tensor");
        int n = (int)plane, bytes = maxval < 256 ? 1 : 2;
        // Check the length before allocating: binary samples take 1 or 2 bytes; ASCII ones at least a digit and a
        // separator (the last needs no separator).
        long need = ascii ? 2 * plane * channels - 1 : plane * channels * bytes + 1;
        if (data.Length - pos < need)
            throw new ImageFormatException(name, data.Length, $"truncated: {width}×{height}×{channels} samples need at least {need} more bytes from byte {pos}, but {data.Length - pos} remain");
        var output = new float[n * channels];
        double scale = 1.0 / maxval;
        if (ascii)
        {
            for (int i = 0; i < n * channels; i++)
            {
                long v = Number(data, ref pos, name, $"sample {i} of {n * channels}", 0, maxval);
                output[(i % channels) * n + i / channels] = (float)(v * scale);
            }
            return ImageTensor.FromPlanar(output, channels, (int)height, (int)width);
        }
        // Exactly one whitespace byte separates maxval from binary samples (the sample bytes may look like spaces).
        if (pos >= data.Length || !IsSpace(data[pos]))
            throw new ImageFormatException(name, pos, "expected one whitespace byte after maxval before the binary samples");
        pos++;
        for (int i = 0; i < n * channels; i++)
        {
            int at = pos + i * bytes;
            int v = bytes == 1 ? data[at] : (data[at] << 8) | data[at + 1];
            if (v > maxval) throw new ImageFormatException(name, at, $"sample {v} exceeds maxval {maxval}");
            output[(i % channels) * n + i / channels] = (float)(v * scale);
        }
        return ImageTensor.FromPlanar(output, channels, (int)height, (int)width);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    /// <summary>Skips whitespace and comments, then reads a decimal number in [min, max]; leaves
    /// <paramref name="pos"/> on the byte after its last digit.</summary>
    private static long Number(ReadOnlySpan<byte> data, ref int pos, string name, string what, long min, long max)
    {
        while (pos < data.Length)
        {
            if (IsSpace(data[pos])) pos++;
            else if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r') pos++;
            }
            else break;
        }
        if (pos >= data.Length) throw new ImageFormatException(name, pos, $"truncated: the file ends before {what}");
        int start = pos;
        long value = 0;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (data[pos] - '0');
            if (value > max) throw new ImageFormatException(name, start, $"{what} is larger than {max}");
            pos++;
        }
        if (pos == start) throw new ImageFormatException(name, start, $"expected a decimal number for {what}, found byte 0x{data[start]:X2}");
        if (pos < data.Length && !IsSpace(data[pos]) && data[pos] != '#')
            throw new ImageFormatException(name, pos, $"{what} is followed by byte 0x{data[pos]:X2} instead of whitespace");
        if (value < min) throw new ImageFormatException(name, start, $"{what} is {value}; it must be at least {min}");
        return value;
    }

    /// <summary>Writes a binary PGM (1 channel, P5) or PPM (3 channels, P6) atomically (temporary file + rename).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="image">Shapes: (1, H, W), (H, W) or (3, H, W); values in 0..1 (clamped, rounded).</param>
    /// <param name="maxValue">255 (one byte per sample) or 65535 (two bytes, big-endian).</param>
    public static void Write(string path, Tensor image, int maxValue = 255) => ImageTensor.WriteAtomic(path, Encode(image, maxValue));

    /// <summary>Encodes an image as binary PGM (P5) or PPM (P6) bytes.</summary>
    /// <param name="image">Shapes: (1, H, W), (H, W) or (3, H, W); values in 0..1.</param>
    /// <param name="maxValue">255 or 65535.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentException">An image with alpha (2 or 4 channels), or another maxval.</exception>
    public static byte[] Encode(Tensor image, int maxValue = 255)
    {
        (int c, int h, int w) = ImageTensor.Dims(image, "Netpbm.Encode");
        if (c is 2 or 4)
            throw new ArgumentException($"Netpbm.Encode: PGM/PPM have no alpha channel; the image has {c} channels (drop alpha with Image.ToRgb or Image.ToGrayscale first).", nameof(image));
        if (maxValue is not (255 or 65535))
            throw new ArgumentException($"Netpbm.Encode: maxValue must be 255 or 65535, got {maxValue}.", nameof(maxValue));
        float[] planar = ImageTensor.Planar(image, "Netpbm.Encode");
        int bytes = maxValue == 255 ? 1 : 2, n = h * w;
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"P{(c == 1 ? 5 : 6)}\n{w} {h}\n{maxValue}\n"));
        var file = new byte[header.Length + (long)n * c * bytes];
        header.CopyTo(file, 0);
        for (int i = 0; i < n * c; i++)
        {
            float v = planar[(i % c) * n + i / c];
            if (float.IsNaN(v)) throw new ArgumentException($"Netpbm.Encode: the image has a NaN at sample {i}.", nameof(image));
            int q = (int)Math.Round(Math.Clamp(v, 0f, 1f) * maxValue, MidpointRounding.AwayFromZero);
            int at = header.Length + i * bytes;
            if (bytes == 1) file[at] = (byte)q;
            else (file[at], file[at + 1]) = ((byte)(q >> 8), (byte)q);
        }
        return file;
    }
}
