namespace Nabla.Vision;

/// <summary>Conversions between image tensors (C×H×W float in 0..1) and the 8-bit interleaved pixels that the file
/// encoders write, plus the atomic file write they share.</summary>
internal static class ImageTensor
{
    /// <summary>The largest sample value of an 8-bit channel.</summary>
    public const double Max8 = 255;

    /// <summary>Checks that <paramref name="image"/> is an image tensor: (C, H, W) with C in 1..4, or (H, W) as one
    /// channel; floating point. Returns C, H and W.</summary>
    public static (int C, int H, int W) Dims(Tensor image, string op)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a Float32 or Float64 image with values in 0..1, got {image.DType}.", nameof(image));
        return image.Dim switch
        {
            2 when image.Size(0) > 0 && image.Size(1) > 0 => (1, image.Size(0), image.Size(1)),
            3 when image.Size(0) is >= 1 and <= 4 && image.Size(1) > 0 && image.Size(2) > 0 => (image.Size(0), image.Size(1), image.Size(2)),
            _ => throw new ArgumentException(
                $"{op}: expected an image of shape (C, H, W) with C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) and H, W ≥ 1, or (H, W); got ({string.Join(", ", image.Shape)}).",
                nameof(image)),
        };
    }

    /// <summary>The image as planar float32 samples, C·H·W in row-major (C, H, W) order.</summary>
    public static float[] Planar(Tensor image, string op)
    {
        Dims(image, op);
        return image.To(DType.Float32).ToArray<float>();
    }

    /// <summary>8-bit interleaved pixels (row by row, channel samples of a pixel adjacent): each value clamped to
    /// 0..1 and rounded to the nearest of the 256 levels, so that reading a written file gives back exactly the
    /// values k/255. (torchvision's <c>to_pil_image</c> truncates instead; rounding makes write∘read the
    /// identity.)</summary>
    public static byte[] Interleaved8(Tensor image, string op, out int c, out int h, out int w)
    {
        (c, h, w) = Dims(image, op);
        float[] planar = Planar(image, op);
        int plane = h * w;
        var result = new byte[checked(plane * c)];
        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < plane; i++)
            {
                float v = planar[ch * plane + i];
                if (float.IsNaN(v)) throw new ArgumentException($"{op}: the image has a NaN at channel {ch}, pixel {i}.", nameof(image));
                result[i * c + ch] = To8(v);
            }
        }
        return result;
    }

    /// <summary>A value in 0..1 as an 8-bit level (clamped, rounded half away from zero).</summary>
    public static byte To8(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * Max8, MidpointRounding.AwayFromZero);

    /// <summary>An image tensor from planar samples already scaled to 0..1.</summary>
    public static Tensor FromPlanar(float[] planar, int c, int h, int w) => Tensor.FromBuffer(planar, c, h, w);

    /// <summary>Writes <paramref name="bytes"/> so that readers see the old file or the new one, never a partial
    /// one: a temporary file in the same directory, flushed to disk, renamed over the target.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
    }
}
