using Nabla.Data;
using Nabla.Vision.Transforms;
using Xunit;

namespace Nabla.Vision.Tests;

public sealed class TransformTests
{
    private static Tensor Grid(int h, int w) => Tensor.FromArray(Enumerable.Range(1, h * w).Select(i => (float)i).ToArray(), 1, h, w);

    [Fact]
    public void Horizontal_flip_reverses_columns()
    {
        Tensor x = Grid(2, 3); // [[1, 2, 3], [4, 5, 6]]
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, new RandomHorizontalFlip(1).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, new RandomHorizontalFlip(0).Apply(x).ToArray<float>());
        // Other dtypes take the gather path and keep their dtype; a non-contiguous view is read correctly.
        Assert.Equal(new double[] { 3, 2, 1, 6, 5, 4 }, RandomHorizontalFlip.Flip(x.To(DType.Float64)).ToArray<double>());
        Assert.Equal(new float[] { 4, 1, 5, 2, 6, 3 }, RandomHorizontalFlip.Flip(x.Reshape(2, 3).T).ToArray<float>());
        // p = 0.5 with a seeded generator: flips exactly when the generator's next double is < 0.5.
        var g = new Generator(7);
        var twin = new Generator(7);
        var flip = new RandomHorizontalFlip(0.5, g);
        for (int i = 0; i < 20; i++)
        {
            bool expected = twin.NextDouble() < 0.5;
            Assert.Equal(expected ? 3f : 1f, flip.Apply(x).ToArray<float>()[0]);
        }
    }

    [Fact]
    public void Crop_with_padding_by_hand()
    {
        Tensor x = Grid(3, 3); // [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        // The window at (−1, −1) of size 3: a zero row and column, then the top-left 2×2 block.
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 2, 0, 4, 5 }, RandomCrop.Crop(x, -1, -1, 3, 3).ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 2, 1, 1, 2, 4, 4, 5 }, RandomCrop.Crop(x, -1, -1, 3, 3, BorderMode.Replicate).ToArray<float>());
        Assert.Equal(new float[] { 5, 4, 5, 2, 1, 2, 5, 4, 5 }, RandomCrop.Crop(x, -1, -1, 3, 3, BorderMode.Reflect).ToArray<float>());
        // Random offsets: top then left, each uniform over 0..H + 2P − h, drawn with NextBounded.
        var twin = new Generator(11);
        var crop = new RandomCrop(3, 3, padding: 2, generator: new Generator(11));
        for (int i = 0; i < 10; i++)
        {
            int top = (int)twin.NextBounded(5), left = (int)twin.NextBounded(5);
            Assert.Equal(RandomCrop.Crop(x, top - 2, left - 2, 3, 3).ToArray<float>(), crop.Apply(x).ToArray<float>());
        }
        Assert.Equal(x.ToArray<float>(), new RandomCrop(3, 3).Apply(x).ToArray<float>());
        Assert.Equal(new[] { 1, 2, 2 }, new RandomCrop(2, 2).Apply(x).Shape);
        Assert.Throws<ArgumentException>(() => new RandomCrop(5, 5, padding: 0).Apply(x));
    }

    [Theory]
    [InlineData(Interpolation.Nearest)]
    [InlineData(Interpolation.Bilinear)]
    public void Rotation_by_90_and_180_degrees_permutes_pixels(Interpolation mode)
    {
        Tensor x = Grid(3, 3);
        // Counter-clockwise by 90° (numpy.rot90): the right column becomes the top row.
        Assert.Equal(new float[] { 3, 6, 9, 2, 5, 8, 1, 4, 7 }, new AffineTransform(90, interpolation: mode).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { 7, 4, 1, 8, 5, 2, 9, 6, 3 }, new AffineTransform(-90, interpolation: mode).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 }, new AffineTransform(180, interpolation: mode).Apply(x).ToArray<float>());
        // 180° of a 2×4 image maps the pixel grid onto itself too.
        Assert.Equal(new float[] { 8, 7, 6, 5, 4, 3, 2, 1 }, new AffineTransform(180, interpolation: mode).Apply(Grid(2, 4)).ToArray<float>());
    }

    [Fact]
    public void Translation_and_scale_by_hand()
    {
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 3 }, 1, 1, 3);
        // Shift right by 1: the first column is uncovered and filled.
        Assert.Equal(new float[] { 0, 1, 2 }, new AffineTransform(translateX: 1).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { 2, 3, -1 }, new AffineTransform(translateX: -1, fill: -1).Apply(x).ToArray<float>());
        // Zoom ×2 about the centre c = 1 of the row [0, 1, 2]: output x′ reads x = 1 + (x′ − 1)/2 = 0.5, 1, 1.5,
        // bilinear → 0.5, 1, 1.5.
        Tensor ramp = Tensor.FromArray(new float[] { 0, 1, 2 }, 1, 1, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f }, new AffineTransform(scale: 2, interpolation: Interpolation.Bilinear).Apply(ramp).ToArray<float>());
        // Rotation of an all-ones 3×3 image by 45°: corner (0, 0) is (−1, −1) from the centre and reads
        // c + R(−45°)(−1, −1) = (1, 1 − √2) = (1, −0.414); bilinear mixes row −1 (fill 0) with weight √2 − 1 and
        // row 0 (1) with weight 2 − √2, giving 2 − √2. Nearest rounds to row 0 → 1. The centre stays 1.
        Tensor ones = Tensor.Ones(1, 3, 3);
        float[] bilinear = new AffineTransform(45, interpolation: Interpolation.Bilinear).Apply(ones).ToArray<float>();
        Assert.Equal(2 - Math.Sqrt(2), bilinear[0], 1e-6);
        Assert.Equal(1f, bilinear[4], 1e-6f);
        Assert.Equal(1f, new AffineTransform(45).Apply(ones).ToArray<float>()[0]);
    }

    [Fact]
    public void Random_transforms_are_reproducible_from_a_seed_and_do_not_modify_the_input()
    {
        Tensor x = Tensor.Rand([1, 12, 12], new Generator(3));
        float[] before = x.ToArray<float>();
        Func<Generator, ITransform>[] makers =
        [
            g => new RandomTranslation(0.2, 0.2, generator: g),
            g => new RandomCrop(12, 12, padding: 2, generator: g),
            g => new RandomScale(0.8, 1.2, generator: g),
            g => new RandomRotation(30, generator: g),
            g => new RandomHorizontalFlip(0.5, g),
            g => new GaussianNoise(0.1, generator: g),
            g => new Compose(new RandomCrop(12, 12, 2, generator: g), new RandomHorizontalFlip(generator: g)),
        ];
        foreach (Func<Generator, ITransform> make in makers)
        {
            ITransform a = make(new Generator(42)), b = make(new Generator(42)), c = make(new Generator(43));
            var seenDifferent = false;
            for (int i = 0; i < 8; i++)
            {
                float[] ya = a.Apply(x).ToArray<float>(), yb = b.Apply(x).ToArray<float>(), yc = c.Apply(x).ToArray<float>();
                Assert.Equal(ya, yb);
                seenDifferent |= !ya.SequenceEqual(yc);
            }
            Assert.True(seenDifferent, $"{make(new Generator(0)).GetType().Name}: seeds 42 and 43 gave the same outputs");
            Assert.Equal(before, x.ToArray<float>());
        }
    }

    [Fact]
    public void Random_translation_shifts_by_whole_pixels_within_bounds()
    {
        Tensor x = Grid(10, 10);
        var t = new RandomTranslation(0.2, 0.1, generator: new Generator(5));
        for (int i = 0; i < 20; i++)
        {
            float[] y = t.Apply(x).ToArray<float>();
            // Find the shift that reproduces y: |dx| ≤ round(0.2·10) = 2, |dy| ≤ 1.
            bool found = false;
            for (int dy = -1; dy <= 1 && !found; dy++)
                for (int dx = -2; dx <= 2 && !found; dx++)
                    found = y.SequenceEqual(new AffineTransform(translateX: dx, translateY: dy).Apply(x).ToArray<float>());
            Assert.True(found);
        }
        Assert.Equal(x.ToArray<float>(), new RandomTranslation(0, 0).Apply(x).ToArray<float>());
    }

    [Fact]
    public void Gaussian_noise_has_the_requested_statistics()
    {
        Tensor zeros = Tensor.Zeros(1, 100, 100);
        double[] n = new GaussianNoise(0.2, clip: false, generator: new Generator(8)).Apply(zeros).To(DType.Float64).ToArray<double>();
        double mean = n.Average(), std = Math.Sqrt(n.Sum(v => (v - mean) * (v - mean)) / n.Length);
        // 10,000 draws: the mean's standard error is 0.2/100 = 0.002 and the std's about 0.2/√20000 ≈ 0.0014.
        Assert.InRange(mean, -0.008, 0.008);
        Assert.InRange(std, 0.194, 0.206);
        float[] clipped = new GaussianNoise(0.5, generator: new Generator(9)).Apply(Tensor.Full([1, 50, 50], 0.5)).ToArray<float>();
        Assert.All(clipped, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(new float[] { 0.25f, 0.75f }, new GaussianNoise(0).Apply(Tensor.FromArray(new float[] { 0.25f, 0.75f })).ToArray<float>());
    }
}
