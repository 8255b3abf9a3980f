namespace Nabla.Vision;

/// <summary>How many chroma (Cb, Cr) samples a JPEG encoder keeps.</summary>
public enum ChromaSubsampling
{
    /// <summary>4:2:0: one Cb and one Cr sample per 2×2 pixels (libjpeg's and PIL's default): half the colour
    /// resolution in each direction, which the eye barely notices.</summary>
    Chroma420,

    /// <summary>4:4:4: full colour resolution (PIL: <c>subsampling=0</c>).</summary>
    Chroma444,
}

/// <summary>JPEG files (ITU-T T.81, lossy) read into and written from image tensors (C×H×W, float 0..1).
/// PyTorch: <c>torchvision.io.decode_jpeg</c> / <c>encode_jpeg</c>, or PIL's <c>Image.open</c> / <c>save(quality=…)</c>.</summary>
/// <remarks>
/// <para>JPEG turns RGB into luma and two chroma channels (YCbCr), usually keeps a quarter of the chroma samples,
/// cuts each channel into 8×8 blocks, takes their discrete cosine transform (64 frequencies), divides each
/// frequency by a step of a quantisation table and rounds: that rounding is where detail is lost for good, most
/// in the high frequencies whose steps are largest. The integers are then Huffman-coded. See docs/images.md.</para>
/// <para>Reading: baseline sequential DCT with Huffman coding (SOF0, and SOF1 with 8-bit samples, which is the
/// same process), 1 component (→ 1 channel) or 3 (→ RGB), sampling factors 1 or 2 (4:4:4, 4:2:2, 4:2:0, 4:4:0),
/// interleaved or one-component scans, restart intervals (DRI, RST0–7); APPn and COM segments are skipped.
/// Three components are YCbCr unless an Adobe APP14 marker with transform 0 (and no JFIF APP0) or component ids
/// 'R', 'G', 'B' say RGB, as libjpeg decides. The decoder repeats libjpeg-turbo's arithmetic: the integer
/// inverse DCT (jidctint.c), "fancy" triangle-filter upsampling of subsampled chroma and the fixed-point JFIF
/// YCbCr → RGB conversion, so its pixels equal PIL's (tests/golden/jpeg). Progressive (SOF2), lossless,
/// hierarchical, arithmetic-coded, 12-bit and 4-component (CMYK/YCCK) files are refused with
/// <see cref="ImageFormatException"/> naming what they are; so are truncated files (a scan cut short, a missing
/// EOI marker) and invalid tables or codes, with the byte offset.</para>
/// <para>Writing: baseline JFIF, 8-bit; 1 channel → greyscale, 3 → YCbCr with 4:2:0 (default) or 4:4:4 chroma.
/// Quantisation tables are the Annex K examples scaled by the IJG quality formula (<see cref="QuantizationTable"/>),
/// Huffman tables the Annex K.3 ones (what libjpeg writes unless it optimises). The encoder repeats libjpeg-turbo's
/// arithmetic too: fixed-point RGB → YCbCr, 2×2 chroma averaging with alternating rounding bias, edges padded by
/// repeating the last row and column, "dummy" blocks where an MCU reaches past a component, the integer forward DCT
/// (jfdctint.c) and quantisation rounded half away from zero; so its files are byte for byte those of PIL's
/// <c>save(quality=q, subsampling=2 or 0)</c> (tests/golden/jpeg). The output is deterministic.</para>
/// </remarks>
public static class Jpeg
{
    /// <summary>The quality <see cref="Image.Write"/> uses for .jpg files, PIL's default.</summary>
    public const int DefaultQuality = 75;

    /// <summary>True when <paramref name="data"/> starts with the SOI marker followed by another marker (FF D8 FF).</summary>
    /// <param name="data">The first bytes of a file.</param>
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    /// <summary>Reads a JPEG file. PyTorch: <c>torchvision.io.read_image(path).float() / 255</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1 (values k/255), C = 1 (greyscale) or 3 (RGB).</returns>
    /// <exception cref="ImageFormatException">The file is malformed, truncated or not baseline JPEG.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a JPEG file from a stream (to its end).</summary>
    /// <param name="stream">The stream, positioned at the SOI marker.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1, C = 1 or 3.</returns>
    /// <exception cref="ImageFormatException">The bytes are malformed, truncated or not baseline JPEG.</exception>
    public static Tensor Read(Stream stream, string name = "JPEG stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
    }

    /// <summary>Decodes JPEG bytes. PyTorch: <c>torchvision.io.decode_jpeg</c>.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1, C = 1 or 3.</returns>
    /// <exception cref="ImageFormatException">The bytes are malformed, truncated or not baseline JPEG.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name = "JPEG data")
    {
        (byte[] planes, int c, int h, int w) = JpegDecoder.Decode(data, name);
        var values = new float[planes.Length];
        for (int i = 0; i < planes.Length; i++) values[i] = planes[i] / (float)ImageTensor.Max8;
        return ImageTensor.FromPlanar(values, c, h, w);
    }

    /// <summary>Writes a JPEG file atomically (temporary file + rename). PIL: <c>img.save(path, quality=q,
    /// subsampling=2 or 0)</c>; PyTorch: <c>torchvision.io.write_jpeg</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="image">Shapes: (C, H, W) with C = 1 or 3, or (H, W); values in 0..1 (clamped, rounded to 8 bits).</param>
    /// <param name="quality">1 (smallest, worst) .. 100 (largest, best), IJG scale.</param>
    /// <param name="subsampling">Chroma resolution of colour images.</param>
    public static void Write(string path, Tensor image, int quality = DefaultQuality, ChromaSubsampling subsampling = ChromaSubsampling.Chroma420)
        => ImageTensor.WriteAtomic(path, Encode(image, quality, subsampling));

    /// <summary>Writes a JPEG file to a stream.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="image">Shapes: (C, H, W) with C = 1 or 3, or (H, W); values in 0..1.</param>
    /// <param name="quality">1..100, IJG scale.</param>
    /// <param name="subsampling">Chroma resolution of colour images.</param>
    public static void Write(Stream stream, Tensor image, int quality = DefaultQuality, ChromaSubsampling subsampling = ChromaSubsampling.Chroma420)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(image, quality, subsampling));
    }

    /// <summary>Encodes an image as baseline JPEG bytes (the layout in the remarks).</summary>
    /// <param name="image">Shapes: (C, H, W) with C = 1 or 3, or (H, W); values in 0..1.</param>
    /// <param name="quality">1..100, IJG scale.</param>
    /// <param name="subsampling">Chroma resolution of colour images (ignored for greyscale).</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentException">An image with alpha (C = 2 or 4), a side over 65 535, or a quality outside 1..100.</exception>
    public static byte[] Encode(Tensor image, int quality = DefaultQuality, ChromaSubsampling subsampling = ChromaSubsampling.Chroma420)
        => Encode(image, quality, subsampling, restartInterval: 0, interleaved: true);

    /// <summary><see cref="Encode(Tensor, int, ChromaSubsampling)"/> with a restart marker every
    /// <paramref name="restartInterval"/> MCUs (0: none) and optionally one scan per component; the tests use them
    /// to exercise the decoder's DRI/RSTn and non-interleaved paths.</summary>
    internal static byte[] Encode(Tensor image, int quality, ChromaSubsampling subsampling, int restartInterval, bool interleaved)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        (int c, _, _) = ImageTensor.Dims(image, "Jpeg.Encode");
        if (c is 2 or 4)
            throw new ArgumentException($"Jpeg.Encode: JPEG has no alpha channel; got {c} channels. Drop alpha first (Image.ToRgb or Image.ToGrayscale).", nameof(image));
        byte[] pixels = ImageTensor.Interleaved8(image, "Jpeg.Encode", out c, out int h, out int w);
        if (w > ushort.MaxValue || h > ushort.MaxValue)
            throw new ArgumentException($"Jpeg.Encode: a {w}×{h} image is too large; JPEG sides are at most 65535.", nameof(image));
        return JpegEncoder.Encode(pixels, c, h, w, quality, subsampling == ChromaSubsampling.Chroma420, restartInterval, interleaved);
    }

    /// <summary>The quantisation table libjpeg uses at <paramref name="quality"/> (<c>jpeg_set_quality</c> with
    /// baseline tables): the Annex K.1 (luminance) or K.2 (chrominance) example table scaled by
    /// s = 5000 / quality below 50 and 200 − 2·quality from 50 on, each step ⌊(t·s + 50) / 100⌋ clamped to 1..255.
    /// Quality 50 gives the Annex K table itself, 100 all ones.</summary>
    /// <param name="quality">1..100.</param>
    /// <param name="chrominance">The chroma table instead of the luma one.</param>
    /// <returns>64 steps in natural (row-major) order: index v·8 + u for vertical frequency v, horizontal u.</returns>
    public static int[] QuantizationTable(int quality, bool chrominance = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        ReadOnlySpan<byte> basic = chrominance ? JpegTables.Chrominance : JpegTables.Luminance;
        var table = new int[64];
        for (int i = 0; i < 64; i++) table[i] = Math.Clamp((basic[i] * scale + 50) / 100, 1, 255);
        return table;
    }
}
