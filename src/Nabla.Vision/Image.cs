namespace Nabla.Vision;

/// <summary>Image files as tensors: reading by content, writing by extension, and grey/RGB conversion.
/// PyTorch: <c>torchvision.io.read_image</c> / <c>write_png</c>, PIL's <c>Image.open</c> and <c>convert</c>.</summary>
/// <remarks>Images are (C, H, W) Float32 tensors in 0..1, C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA), as
/// torchvision's <c>ToTensor</c> gives. Formats: PNG (lossless, <see cref="Png"/>), JPEG (lossy, baseline,
/// <see cref="Jpeg"/>), BMP (uncompressed, <see cref="Bmp"/>), PGM/PPM (uncompressed, <see cref="Netpbm"/>). GIF and
/// TIFF are recognised and rejected with a clear error. See docs/images.md.</remarks>
public static class Image
{
    // ITU-R BT.601 luma weights, the ones PIL's convert("L") uses (as 299/1000, 587/1000, 114/1000).
    private const double LumaR = 0.299, LumaG = 0.587, LumaB = 0.114;

    /// <summary>Reads a PNG, JPEG, BMP or PGM/PPM file, recognised by its first bytes (not its extension).
    /// PyTorch: <c>torchvision.io.read_image(path).float() / 255</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">An unknown or unsupported format, or a malformed file.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG, JPEG, BMP or PGM/PPM bytes, recognised by their first bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <returns>Shapes: (C, H, W) Float32 in 0..1.</returns>
    /// <exception cref="ImageFormatException">An unknown or unsupported format, or malformed bytes.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name = "image data")
    {
        if (Png.IsPng(data)) return Png.Decode(data, name);
        if (Jpeg.IsJpeg(data)) return Jpeg.Decode(data, name);
        if (Bmp.IsBmp(data)) return Bmp.Decode(data, name);
        if (Netpbm.IsNetpbm(data)) return Netpbm.Decode(data, name);
        string what = data switch
        {
            [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "a GIF file; Nabla does not decode GIF",
            [(byte)'I', (byte)'I', 42, 0, ..] or [(byte)'M', (byte)'M', 0, 42, ..] => "a TIFF file; Nabla does not decode TIFF",
            [] => "an empty file",
            _ => $"an unknown format (first bytes {Convert.ToHexString(data[..Math.Min(data.Length, 8)])})",
        };
        throw new ImageFormatException(name, 0, $"{what}; Nabla reads PNG, JPEG (baseline), BMP and PGM/PPM (P2, P3, P5, P6)");
    }

    /// <summary>Writes an image atomically (temporary file + rename) in the format its extension names: .png →
    /// 8-bit PNG, .jpg/.jpeg → baseline JPEG at quality 75 with 4:2:0 chroma (1 or 3 channels; use
    /// <see cref="Jpeg.Write(string, Tensor, int, ChromaSubsampling)"/> for other settings), .bmp → BMP,
    /// .pgm/.ppm/.pnm → binary P5 (1 channel) or P6 (3 channels).
    /// PyTorch: <c>torchvision.utils.save_image</c> / PIL's <c>Image.save</c>.</summary>
    /// <param name="path">The file; its extension chooses the format (case-insensitive).</param>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W); values in 0..1 (clamped, rounded).</param>
    /// <exception cref="ArgumentException">An unknown extension, or channels the format cannot store.</exception>
    public static void Write(string path, Tensor image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => Png.Encode(image),
            ".jpg" or ".jpeg" => Jpeg.Encode(image),
            ".bmp" => Bmp.Encode(image),
            ".pgm" or ".ppm" or ".pnm" => Netpbm.Encode(image),
            string ext => throw new ArgumentException($"Image.Write: {path}: unknown extension '{ext}'; use .png, .jpg, .jpeg, .bmp, .pgm, .ppm or .pnm.", nameof(path)),
        };
        ImageTensor.WriteAtomic(path, bytes);
    }

    /// <summary>The luma of an image: Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's <c>convert("L")</c>
    /// but without rounding to 8 bits); alpha is dropped. A grey image (1 or 2 channels) gives its grey channel.
    /// PyTorch: <c>torchvision.transforms.functional.rgb_to_grayscale</c>.</summary>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W).</param>
    /// <returns>Shapes: (1, H, W), same dtype (a view for grey inputs).</returns>
    public static Tensor ToGrayscale(Tensor image)
    {
        (int c, int h, int w) = ImageTensor.Dims(image, nameof(ToGrayscale));
        Tensor x = image.Dim == 2 ? image.Reshape(1, h, w) : image;
        if (c <= 2) return x.Narrow(0, 0, 1);
        return x.Narrow(0, 0, 1) * LumaR + x.Narrow(0, 1, 1) * LumaG + x.Narrow(0, 2, 1) * LumaB;
    }

    /// <summary>An RGB image: grey is copied to the three channels, alpha is dropped. PIL: <c>convert("RGB")</c>.</summary>
    /// <param name="image">Shapes: (C, H, W) with C in 1..4, or (H, W).</param>
    /// <returns>Shapes: (3, H, W), same dtype.</returns>
    public static Tensor ToRgb(Tensor image)
    {
        (int c, int h, int w) = ImageTensor.Dims(image, nameof(ToRgb));
        Tensor x = image.Dim == 2 ? image.Reshape(1, h, w) : image;
        if (c <= 2)
        {
            Tensor grey = x.Narrow(0, 0, 1);
            return Tensor.Cat([grey, grey, grey], 0);
        }
        return x.Narrow(0, 0, 3).Contiguous();
    }
}
