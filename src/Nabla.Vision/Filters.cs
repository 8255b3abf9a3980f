using System.Numerics;

namespace Nabla.Vision;

/// <summary>Image filters: 2-D convolution and cross-correlation with border modes, Sobel gradients, the Laplacian
/// and Gaussian blur. PyTorch: <c>torchvision.transforms.functional.gaussian_blur</c>; scipy: <c>scipy.ndimage</c>
/// (<c>correlate</c>, <c>convolve</c>, <c>sobel</c>, <c>laplace</c>, <c>gaussian_filter</c>); OpenCV:
/// <c>filter2D</c>, <c>Sobel</c>, <c>Laplacian</c>, <c>GaussianBlur</c>.</summary>
/// <remarks>
/// <para>Images are (…, H, W): every leading index (channel, or batch and channel) is filtered on its own. Results
/// are Float32 of the input's shape (not differentiable: use <c>Conv2d</c> inside a network).</para>
/// <para>Cross-correlation slides the kernel without flipping it: out[y, x] = Σᵢⱼ k[i, j] · in[y + i − r, x + j − s]
/// with r = (kh − 1)/2, s = (kw − 1)/2 — what deep-learning "convolution" layers and OpenCV's filter2D compute.
/// True convolution flips the kernel first: out[y, x] = Σᵢⱼ k[i, j] · in[y − i + r, x − j + s]. They agree for
/// symmetric kernels (Gaussian, Laplacian) and differ in sign for Sobel. Kernel sizes must be odd, so that the
/// kernel has a centre pixel. Pixels outside the image come from <see cref="BorderMode"/>.</para>
/// <para>The loop pads each plane once by the kernel radius, then adds k[i, j] times a shifted row of the padded
/// plane to each output row (a SIMD a·x + y over the row), so the work is kh·kw vector passes per row;
/// <see cref="ReferenceCorrelate2d"/> is the naive per-pixel loop kept as the test oracle.</para>
/// </remarks>
public static class Filters
{
    /// <summary>Cross-correlation of each plane of an image with a kernel (the kernel is not flipped).
    /// scipy: <c>ndimage.correlate</c>; OpenCV: <c>filter2D</c>; PyTorch: <c>F.conv2d</c> (zero border only).</summary>
    /// <param name="image">Shapes: (…, H, W), at least 2-D.</param>
    /// <param name="kernel">Shapes: (kh, kw), both odd.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor Correlate2d(Tensor image, Tensor kernel, BorderMode border = BorderMode.Reflect)
    {
        (float[] k, int kh, int kw) = Kernel(kernel, nameof(Correlate2d));
        return Apply(image, nameof(Correlate2d), (src, so, h, w, dst, d) => Correlate(src, so, h, w, k, kh, kw, border, dst, d));
    }

    /// <summary>True 2-D convolution of each plane with a kernel: the kernel flipped in both directions, then
    /// correlated. scipy: <c>ndimage.convolve</c>.</summary>
    /// <param name="image">Shapes: (…, H, W), at least 2-D.</param>
    /// <param name="kernel">Shapes: (kh, kw), both odd.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor Convolve2d(Tensor image, Tensor kernel, BorderMode border = BorderMode.Reflect)
    {
        (float[] k, int kh, int kw) = Kernel(kernel, nameof(Convolve2d));
        Array.Reverse(k); // row-major reversal = flip both axes
        return Apply(image, nameof(Convolve2d), (src, so, h, w, dst, d) => Correlate(src, so, h, w, k, kh, kw, border, dst, d));
    }

    /// <summary>Correlation with the separable kernel columnKernel ⊗ rowKernel as two 1-D passes (along W, then
    /// along H): kh + kw instead of kh·kw multiply-adds per pixel, and the same result as the 2-D kernel for every
    /// border mode (the border is a remapping of indices, which commutes with filtering the other axis).</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="rowKernel">Shapes: (kw), odd; applied along each row (x).</param>
    /// <param name="columnKernel">Shapes: (kh), odd; applied along each column (y).</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor SeparableCorrelate2d(Tensor image, Tensor rowKernel, Tensor columnKernel, BorderMode border = BorderMode.Reflect)
    {
        ArgumentNullException.ThrowIfNull(rowKernel);
        ArgumentNullException.ThrowIfNull(columnKernel);
        if (rowKernel.Dim != 1 || columnKernel.Dim != 1)
            throw new ArgumentException($"SeparableCorrelate2d: expected 1-D kernels, got shapes ({string.Join(", ", rowKernel.Shape)}) and ({string.Join(", ", columnKernel.Shape)}).");
        (float[] kx, _, int kw) = Kernel(rowKernel.Reshape(1, -1), nameof(SeparableCorrelate2d));
        (float[] ky, int kh, _) = Kernel(columnKernel.Reshape(-1, 1), nameof(SeparableCorrelate2d));
        return Apply(image, nameof(SeparableCorrelate2d), (src, so, h, w, dst, d) =>
        {
            var tmp = new float[h * w];
            Correlate(src, so, h, w, kx, 1, kw, border, tmp, 0);
            Correlate(tmp, 0, h, w, ky, kh, 1, border, dst, d);
        });
    }

    /// <summary>The horizontal Sobel kernel G_x = [[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]] (for correlation): a
    /// central difference along x smoothed by [1, 2, 1] along y; positive where intensity grows to the right.
    /// OpenCV: <c>Sobel(dx=1, dy=0)</c>.</summary>
    /// <returns>Shapes: (3, 3) Float32.</returns>
    public static Tensor SobelXKernel() => Tensor.FromArray(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, 3, 3);

    /// <summary>The vertical Sobel kernel G_y = [[−1, −2, −1], [0, 0, 0], [1, 2, 1]] (for correlation): positive
    /// where intensity grows downwards (image rows go down). OpenCV: <c>Sobel(dx=0, dy=1)</c>.</summary>
    /// <returns>Shapes: (3, 3) Float32.</returns>
    public static Tensor SobelYKernel() => Tensor.FromArray(new float[] { -1, -2, -1, 0, 0, 0, 1, 2, 1 }, 3, 3);

    /// <summary>The discrete Laplacian ∇²I = ∂²I/∂x² + ∂²I/∂y²: with 4 neighbours [[0, 1, 0], [1, −4, 1], [0, 1, 0]]
    /// (the sum of the two second differences [1, −2, 1]); with 8 neighbours [[1, 1, 1], [1, −8, 1], [1, 1, 1]]
    /// (also counting the diagonals). OpenCV: <c>Laplacian(ksize=1)</c> is the 4-neighbour kernel.</summary>
    /// <param name="neighbours">4 or 8.</param>
    /// <returns>Shapes: (3, 3) Float32.</returns>
    public static Tensor LaplacianKernel(int neighbours = 4) => neighbours switch
    {
        4 => Tensor.FromArray(new float[] { 0, 1, 0, 1, -4, 1, 0, 1, 0 }, 3, 3),
        8 => Tensor.FromArray(new float[] { 1, 1, 1, 1, -8, 1, 1, 1, 1 }, 3, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, "LaplacianKernel: neighbours must be 4 or 8."),
    };

    /// <summary>The horizontal image gradient G_x (correlation with <see cref="SobelXKernel"/>).
    /// scipy: <c>ndimage.sobel(axis=-1)</c> (with mode="mirror" for Reflect).</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32; for an image in 0..1, values in −4..4.</returns>
    public static Tensor SobelX(Tensor image, BorderMode border = BorderMode.Reflect) => Correlate2d(image, SobelXKernel(), border);

    /// <summary>The vertical image gradient G_y (correlation with <see cref="SobelYKernel"/>).
    /// scipy: <c>ndimage.sobel(axis=-2)</c>.</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor SobelY(Tensor image, BorderMode border = BorderMode.Reflect) => Correlate2d(image, SobelYKernel(), border);

    /// <summary>The gradient magnitude √(G_x² + G_y²) of the Sobel gradients: large on edges in any direction.
    /// scipy: <c>np.hypot(sobel(x, -1), sobel(x, -2))</c>.</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32, ≥ 0 (up to 4√2 for an image in 0..1).</returns>
    public static Tensor SobelMagnitude(Tensor image, BorderMode border = BorderMode.Reflect)
    {
        Tensor gx = SobelX(image, border), gy = SobelY(image, border);
        return (gx * gx + gy * gy).Sqrt();
    }

    /// <summary>The discrete Laplacian of each plane (correlation with <see cref="LaplacianKernel"/>): near zero
    /// on flat areas and linear ramps, large with opposite signs on the two sides of an edge.
    /// scipy: <c>ndimage.laplace</c> (4 neighbours); OpenCV: <c>Laplacian</c>.</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="neighbours">4 or 8.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor Laplacian(Tensor image, int neighbours = 4, BorderMode border = BorderMode.Reflect)
        => Correlate2d(image, LaplacianKernel(neighbours), border);

    /// <summary>The default Gaussian kernel size for σ: 2⌈3σ⌉ + 1, which covers ±3σ (99.7 % of the mass).</summary>
    /// <param name="sigma">The standard deviation in pixels, &gt; 0.</param>
    public static int GaussianKernelSize(double sigma)
    {
        CheckSigma(sigma);
        return 2 * (int)Math.Ceiling(3 * sigma) + 1;
    }

    /// <summary>A sampled 1-D Gaussian g[i] ∝ exp(−(i − r)²/(2σ²)), i = 0..size−1, r = (size − 1)/2, normalised to
    /// sum 1. PyTorch: <c>torchvision.transforms.functional._get_gaussian_kernel1d</c>.</summary>
    /// <param name="sigma">The standard deviation in pixels, &gt; 0.</param>
    /// <param name="size">An odd size, or null for <see cref="GaussianKernelSize"/>.</param>
    /// <returns>Shapes: (size) Float32.</returns>
    public static Tensor GaussianKernel1d(double sigma, int? size = null)
    {
        int n = size ?? GaussianKernelSize(sigma);
        CheckSigma(sigma);
        if (n < 1 || n % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), n, "GaussianKernel1d: the size must be odd and positive.");
        var g = new double[n];
        double r = (n - 1) / 2.0, sum = 0;
        for (int i = 0; i < n; i++) sum += g[i] = Math.Exp(-(i - r) * (i - r) / (2 * sigma * sigma));
        return Tensor.FromArray(g.Select(v => (float)(v / sum)).ToArray(), n);
    }

    /// <summary>Gaussian blur: separable correlation with <see cref="GaussianKernel1d"/> along x and along y
    /// (the 2-D Gaussian is the outer product of two 1-D ones). PyTorch:
    /// <c>torchvision.transforms.functional.gaussian_blur(img, kernel_size, sigma)</c> (which pads with reflect);
    /// scipy: <c>ndimage.gaussian_filter(mode="mirror", truncate=3)</c>.</summary>
    /// <param name="image">Shapes: (…, H, W).</param>
    /// <param name="sigma">The standard deviation in pixels, &gt; 0.</param>
    /// <param name="kernelSize">An odd size, or null for 2⌈3σ⌉ + 1.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor GaussianBlur(Tensor image, double sigma, int? kernelSize = null, BorderMode border = BorderMode.Reflect)
    {
        Tensor g = GaussianKernel1d(sigma, kernelSize);
        return SeparableCorrelate2d(image, g, g, border);
    }

    private static void CheckSigma(double sigma)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "Gaussian: sigma must be positive and finite.");
    }

    /// <summary>The naive per-pixel cross-correlation, the oracle for <see cref="Correlate2d"/>.</summary>
    /// <param name="image">Shapes: (H, W).</param>
    /// <param name="kernel">Shapes: (kh, kw), both odd.</param>
    /// <param name="border">Pixels outside the image.</param>
    /// <returns>Shapes: (H, W) Float64.</returns>
    public static Tensor ReferenceCorrelate2d(Tensor image, Tensor kernel, BorderMode border = BorderMode.Reflect)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dim != 2) throw new ArgumentException($"ReferenceCorrelate2d: expected (H, W), got ({string.Join(", ", image.Shape)}).", nameof(image));
        (float[] k, int kh, int kw) = Kernel(kernel, nameof(ReferenceCorrelate2d));
        int h = image.Size(0), w = image.Size(1), r = kh / 2, s = kw / 2;
        double[] src = image.To(DType.Float64).ToArray<double>();
        var dst = new double[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        int sy = Index(y + i - r, h, border), sx = Index(x + j - s, w, border);
                        if (sy >= 0 && sx >= 0) sum += k[i * kw + j] * src[sy * w + sx];
                    }
                }
                dst[y * w + x] = sum;
            }
        }
        return Tensor.FromArray(dst, h, w);
    }

    /// <summary>The source index of position <paramref name="i"/> (possibly outside 0..n−1) under a border mode,
    /// or −1 for a zero pixel.</summary>
    internal static int Index(int i, int n, BorderMode border)
    {
        if ((uint)i < (uint)n) return i;
        switch (border)
        {
            case BorderMode.Zero:
                return -1;
            case BorderMode.Replicate:
                return i < 0 ? 0 : n - 1;
            default:
                if (n == 1) return 0;
                int period = 2 * (n - 1);
                int m = ((i % period) + period) % period;
                return m < n ? m : period - m;
        }
    }

    private static (float[] K, int Kh, int Kw) Kernel(Tensor kernel, string op)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.Dim != 2 || kernel.Size(0) % 2 == 0 || kernel.Size(1) % 2 == 0 || !kernel.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point kernel of shape (kh, kw) with odd kh and kw, got {kernel.DType} ({string.Join(", ", kernel.Shape)}).", nameof(kernel));
        return (kernel.To(DType.Float32).ToArray<float>(), kernel.Size(0), kernel.Size(1));
    }

    private delegate void PlaneFilter(float[] src, int srcOffset, int h, int w, float[] dst, int dstOffset);

    private static Tensor Apply(Tensor image, string op, PlaneFilter filter)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dim < 2 || image.NumEl == 0 || !image.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a non-empty floating-point image of shape (…, H, W), got {image.DType} ({string.Join(", ", image.Shape)}).", nameof(image));
        int h = image.Size(-2), w = image.Size(-1), planeSize = h * w, planes = image.NumEl / planeSize;
        float[] src = image.To(DType.Float32).ToArray<float>();
        var dst = new float[src.Length];
        for (int p = 0; p < planes; p++) filter(src, p * planeSize, h, w, dst, p * planeSize);
        return Tensor.FromBuffer(dst, image.Shape);
    }

    /// <summary>Correlates one (h, w) plane: pads it by the kernel radius under the border mode, then for each
    /// output row adds k[i, j] × (padded row y + i, shifted by j) with a vector multiply-add. Output rows are
    /// independent, so blocks of rows run on <see cref="Threading.NumThreads"/> threads (each row is computed the
    /// same way whatever the split, so results do not depend on the thread count).</summary>
    private static void Correlate(float[] src, int srcOffset, int h, int w, float[] k, int kh, int kw, BorderMode border, float[] dst, int dstOffset)
    {
        int r = kh / 2, s = kw / 2, pw = w + 2 * s, ph = h + 2 * r;
        var padded = new float[(long)ph * pw];
        var columns = new int[pw];
        for (int px = 0; px < pw; px++) columns[px] = Index(px - s, w, border);
        for (int py = 0; py < ph; py++)
        {
            int sy = Index(py - r, h, border);
            if (sy < 0) continue;
            ReadOnlySpan<float> row = src.AsSpan(srcOffset + sy * w, w);
            Span<float> target = padded.AsSpan(py * pw, pw);
            row.CopyTo(target[s..]);
            for (int px = 0; px < s; px++)
            {
                target[px] = columns[px] < 0 ? 0 : row[columns[px]];
                target[pw - 1 - px] = columns[pw - 1 - px] < 0 ? 0 : row[columns[pw - 1 - px]];
            }
        }
        Threading.ForBlocks(h, (long)w * kh * kw, (start, count) =>
        {
            for (int y = start; y < start + count; y++)
            {
                Span<float> output = dst.AsSpan(dstOffset + y * w, w);
                output.Clear();
                for (int i = 0; i < kh; i++)
                {
                    ReadOnlySpan<float> input = padded.AsSpan((y + i) * pw, pw);
                    for (int j = 0; j < kw; j++) MultiplyAdd(k[i * kw + j], input.Slice(j, w), output);
                }
            }
        });
    }

    /// <summary>y += a·x over spans of equal length, Vector&lt;float&gt; lanes at a time.</summary>
    private static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                (va * new Vector<float>(x[i..]) + new Vector<float>(y[i..])).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
