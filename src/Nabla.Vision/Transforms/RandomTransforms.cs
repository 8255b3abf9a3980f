using Nabla.Data;

namespace Nabla.Vision.Transforms;

/// <summary>Shared argument checks and draws of the random transforms.</summary>
internal static class Draw
{
    /// <summary>A uniform draw from [low, high).</summary>
    public static double Uniform(Generator g, double low, double high) => low + (high - low) * g.NextDouble();

    public static void Image(Tensor input, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2 || input.NumEl == 0 || !input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a non-empty floating-point image (…, H, W), got {input.DType} ({string.Join(", ", input.Shape)}).", nameof(input));
    }
}

/// <summary>Flips an image left-right with probability p. PyTorch: <c>torchvision.transforms.RandomHorizontalFlip(p)</c>.</summary>
/// <remarks>Draws one uniform number per call from the generator (flip when it is &lt; p). Not thread-safe when
/// the generator is shared. Shapes: (…, H, W) → the same; the input is not modified.</remarks>
public sealed class RandomHorizontalFlip : ITransform
{
    private readonly Generator _generator;

    /// <summary>A random flip. PyTorch: <c>RandomHorizontalFlip(p=0.5)</c>.</summary>
    /// <param name="p">The probability of flipping, 0..1.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public RandomHorizontalFlip(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "RandomHorizontalFlip: p must be in 0..1.");
        P = p;
        _generator = generator ?? Generator.Default;
    }

    /// <summary>The probability of flipping.</summary>
    public double P { get; }

    /// <summary>The image, flipped along W or not. PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W).</param>
    public Tensor Apply(Tensor input)
    {
        Draw.Image(input, nameof(RandomHorizontalFlip));
        return _generator.NextDouble() < P ? Flip(input) : input.Contiguous();
    }

    /// <summary>The image mirrored left-right: out[…, y, x] = in[…, y, W − 1 − x]. PyTorch: <c>F.hflip</c>.</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <returns>Shapes: the image's; a new tensor of the same dtype (Float32 rows are reversed in a copy; other dtypes are gathered).</returns>
    public static Tensor Flip(Tensor image)
    {
        Draw.Image(image, nameof(Flip));
        int w = image.Size(-1);
        if (image.DType != DType.Float32) return image.IndexSelect(-1, Tensor.Arange(w - 1, -1, -1));
        // Float32 (the common case): reverse each row of a copy, far cheaper per small image than a gather.
        float[] data = image.ToArray<float>();
        for (int start = 0; start < data.Length; start += w) data.AsSpan(start, w).Reverse();
        return Tensor.FromBuffer(data, image.Shape);
    }
}

/// <summary>Crops a random window, after padding the borders. PyTorch:
/// <c>torchvision.transforms.RandomCrop(size, padding, padding_mode)</c>.</summary>
/// <remarks>The image is padded by <see cref="Padding"/> pixels on every side (as <see cref="BorderMode"/> says),
/// then a window of the requested size is cut at top ∈ 0..H + 2P − h and left ∈ 0..W + 2P − w, drawn uniformly
/// (top first, as torchvision). Crops of a 28×28 image to 28×28 with padding 2 shift it by up to 2 pixels.
/// Shapes: (…, H, W) → (…, h, w); Float32; the input is not modified.</remarks>
public sealed class RandomCrop : ITransform
{
    private readonly Generator _generator;

    /// <summary>A random crop. PyTorch: <c>RandomCrop(size=(height, width), padding=padding)</c>.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="padding">Pixels added on each side before cropping, ≥ 0.</param>
    /// <param name="paddingMode">How the added pixels are filled.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public RandomCrop(int height, int width, int padding = 0, BorderMode paddingMode = BorderMode.Zero, Generator? generator = null)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"RandomCrop: the size must be positive, got {height}×{width}.");
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        (Height, Width, Padding, PaddingMode) = (height, width, padding, paddingMode);
        _generator = generator ?? Generator.Default;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Pixels added on each side before cropping.</summary>
    public int Padding { get; }

    /// <summary>How the added pixels are filled.</summary>
    public BorderMode PaddingMode { get; }

    /// <summary>A random window of the padded image. PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W) with H + 2P ≥ height and W + 2P ≥ width.</param>
    public Tensor Apply(Tensor input)
    {
        Draw.Image(input, nameof(RandomCrop));
        int h = input.Size(-2), w = input.Size(-1);
        if (h + 2 * Padding < Height || w + 2 * Padding < Width)
            throw new ArgumentException($"RandomCrop: a {Height}×{Width} crop does not fit a {h}×{w} image padded by {Padding}.", nameof(input));
        int top = (int)_generator.NextBounded((ulong)(h + 2 * Padding - Height + 1));
        int left = (int)_generator.NextBounded((ulong)(w + 2 * Padding - Width + 1));
        return Crop(input, top - Padding, left - Padding, Height, Width, PaddingMode);
    }

    /// <summary>The window of size (height, width) whose top-left pixel is (top, left) of the image; positions
    /// outside the image come from the border mode. PyTorch: <c>F.crop</c> (zero border).</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="top">Row of the window's first row (may be negative).</param>
    /// <param name="left">Column of the window's first column (may be negative).</param>
    /// <param name="height">Window height.</param>
    /// <param name="width">Window width.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: (…, height, width); Float32.</returns>
    public static Tensor Crop(Tensor image, int top, int left, int height, int width, BorderMode border = BorderMode.Zero)
    {
        Draw.Image(image, nameof(Crop));
        int h = image.Size(-2), w = image.Size(-1), plane = h * w, planes = image.NumEl / plane;
        float[] src = image.To(DType.Float32).ToArray<float>();
        var dst = new float[planes * height * width];
        var columns = new int[width];
        for (int x = 0; x < width; x++) columns[x] = Filters.Index(left + x, w, border);
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < height; y++)
            {
                int sy = Filters.Index(top + y, h, border);
                if (sy < 0) continue; // a zero row: dst is already 0
                int from = p * plane + sy * w, to = (p * height + y) * width;
                for (int x = 0; x < width; x++) dst[to + x] = columns[x] < 0 ? 0 : src[from + columns[x]];
            }
        }
        int[] shape = image.Shape;
        (shape[^2], shape[^1]) = (height, width);
        return Tensor.FromBuffer(dst, shape);
    }
}

/// <summary>Shifts an image by a random whole number of pixels, filling the uncovered part. PyTorch:
/// <c>torchvision.transforms.RandomAffine(degrees=0, translate=(a, b))</c>.</summary>
/// <remarks>As torchvision: dx = round(U(−a·W, a·W)), dy = round(U(−b·H, b·H)), x drawn first. Shapes: (…, H, W) →
/// the same; Float32; the input is not modified.</remarks>
public sealed class RandomTranslation : ITransform
{
    private readonly Generator _generator;

    /// <summary>A random shift. PyTorch: <c>RandomAffine(0, translate=(maxFractionX, maxFractionY))</c>.</summary>
    /// <param name="maxFractionX">Largest shift as a fraction of the width, 0..1.</param>
    /// <param name="maxFractionY">Largest shift as a fraction of the height, 0..1.</param>
    /// <param name="fill">The value of uncovered pixels.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public RandomTranslation(double maxFractionX, double maxFractionY, double fill = 0, Generator? generator = null)
    {
        if (!(maxFractionX >= 0 && maxFractionX <= 1) || !(maxFractionY >= 0 && maxFractionY <= 1))
            throw new ArgumentOutOfRangeException(nameof(maxFractionX), $"RandomTranslation: the fractions must be in 0..1, got {maxFractionX} and {maxFractionY}.");
        (MaxFractionX, MaxFractionY, Fill) = (maxFractionX, maxFractionY, fill);
        _generator = generator ?? Generator.Default;
    }

    /// <summary>Largest shift as a fraction of the width.</summary>
    public double MaxFractionX { get; }

    /// <summary>Largest shift as a fraction of the height.</summary>
    public double MaxFractionY { get; }

    /// <summary>The value of uncovered pixels.</summary>
    public double Fill { get; }

    /// <summary>The image shifted by a random (dx, dy). PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W).</param>
    public Tensor Apply(Tensor input)
    {
        Draw.Image(input, nameof(RandomTranslation));
        double mx = MaxFractionX * input.Size(-1), my = MaxFractionY * input.Size(-2);
        double dx = Math.Round(Draw.Uniform(_generator, -mx, mx)), dy = Math.Round(Draw.Uniform(_generator, -my, my));
        return new AffineTransform(translateX: dx, translateY: dy, fill: Fill).Apply(input);
    }
}

/// <summary>Zooms an image about its centre by a random factor. PyTorch:
/// <c>torchvision.transforms.RandomAffine(degrees=0, scale=(min, max))</c>.</summary>
/// <remarks>The factor is drawn uniformly from [min, max). Shapes: (…, H, W) → the same; Float32; the input is
/// not modified.</remarks>
public sealed class RandomScale : ITransform
{
    private readonly Generator _generator;

    /// <summary>A random zoom. PyTorch: <c>RandomAffine(0, scale=(min, max), interpolation=...)</c>.</summary>
    /// <param name="min">Smallest factor, &gt; 0.</param>
    /// <param name="max">Largest factor, ≥ min.</param>
    /// <param name="interpolation">How to read between pixels.</param>
    /// <param name="fill">The value of points outside the input.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public RandomScale(double min, double max, Interpolation interpolation = Interpolation.Bilinear, double fill = 0, Generator? generator = null)
    {
        if (!(min > 0) || !(max >= min) || double.IsInfinity(max))
            throw new ArgumentOutOfRangeException(nameof(min), $"RandomScale: expected 0 < min ≤ max, got {min} and {max}.");
        (Min, Max, Interpolation, Fill) = (min, max, interpolation, fill);
        _generator = generator ?? Generator.Default;
    }

    /// <summary>Smallest factor.</summary>
    public double Min { get; }

    /// <summary>Largest factor.</summary>
    public double Max { get; }

    /// <summary>How to read between pixels.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The value of points outside the input.</summary>
    public double Fill { get; }

    /// <summary>The image zoomed by a random factor. PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W).</param>
    public Tensor Apply(Tensor input)
    {
        Draw.Image(input, nameof(RandomScale));
        return new AffineTransform(scale: Draw.Uniform(_generator, Min, Max), interpolation: Interpolation, fill: Fill).Apply(input);
    }
}

/// <summary>Rotates an image about its centre by a random angle. PyTorch:
/// <c>torchvision.transforms.RandomRotation(degrees, interpolation, fill)</c>.</summary>
/// <remarks>The angle is drawn uniformly from [−degrees, degrees) (counter-clockwise positive); corners that come
/// from outside the image get the fill value (0 by default, as torchvision). Shapes: (…, H, W) → the same; Float32;
/// the input is not modified.</remarks>
public sealed class RandomRotation : ITransform
{
    private readonly Generator _generator;

    /// <summary>A random rotation. PyTorch: <c>RandomRotation(degrees, interpolation=NEAREST, fill=0)</c>.</summary>
    /// <param name="degrees">The largest angle in degrees, ≥ 0.</param>
    /// <param name="interpolation">How to read between pixels (torchvision's default is nearest).</param>
    /// <param name="fill">The value of points outside the input.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public RandomRotation(double degrees, Interpolation interpolation = Interpolation.Nearest, double fill = 0, Generator? generator = null)
    {
        if (!(degrees >= 0) || double.IsInfinity(degrees))
            throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "RandomRotation: degrees must be non-negative and finite.");
        (Degrees, Interpolation, Fill) = (degrees, interpolation, fill);
        _generator = generator ?? Generator.Default;
    }

    /// <summary>The largest angle in degrees.</summary>
    public double Degrees { get; }

    /// <summary>How to read between pixels.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The value of points outside the input.</summary>
    public double Fill { get; }

    /// <summary>The image rotated by a random angle. PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W).</param>
    public Tensor Apply(Tensor input)
    {
        Draw.Image(input, nameof(RandomRotation));
        return new AffineTransform(angle: Draw.Uniform(_generator, -Degrees, Degrees), interpolation: Interpolation, fill: Fill).Apply(input);
    }
}

/// <summary>Adds Gaussian noise N(mean, std²) to every element, then (by default) clips to 0..1. PyTorch:
/// <c>torchvision.transforms.v2.GaussianNoise(mean, sigma, clip)</c>.</summary>
/// <remarks>Shapes: any → the same; the input's floating dtype; the input is not modified.</remarks>
public sealed class GaussianNoise : ITransform
{
    private readonly Generator _generator;

    /// <summary>Additive noise. PyTorch: <c>v2.GaussianNoise(mean=0.0, sigma=0.1, clip=True)</c>.</summary>
    /// <param name="std">The noise standard deviation, ≥ 0.</param>
    /// <param name="mean">The noise mean.</param>
    /// <param name="clip">Clip the result to 0..1.</param>
    /// <param name="generator">The random source; null for <see cref="Generator.Default"/>.</param>
    public GaussianNoise(double std = 0.1, double mean = 0, bool clip = true, Generator? generator = null)
    {
        if (!(std >= 0) || double.IsInfinity(std)) throw new ArgumentOutOfRangeException(nameof(std), std, "GaussianNoise: std must be non-negative and finite.");
        (Std, Mean, Clip) = (std, mean, clip);
        _generator = generator ?? Generator.Default;
    }

    /// <summary>The noise standard deviation.</summary>
    public double Std { get; }

    /// <summary>The noise mean.</summary>
    public double Mean { get; }

    /// <summary>Whether the result is clipped to 0..1.</summary>
    public bool Clip { get; }

    /// <summary>input + noise (clipped). PyTorch: <c>transform(img)</c>.</summary>
    /// <param name="input">Shapes: any; floating point.</param>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"GaussianNoise: expected a floating-point tensor, got {input.DType}.", nameof(input));
        Tensor noisy = input + (Tensor.Randn(input.Shape, _generator, input.DType) * Std + Mean);
        return Clip ? noisy.Clamp(0, 1) : noisy;
    }
}
