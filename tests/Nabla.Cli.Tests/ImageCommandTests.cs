using System.Globalization;
using Nabla.Cli;
using Nabla.Cli.Commands;
using Nabla.Cli.Runs;
using Nabla.Vision;
using Xunit;

namespace Nabla.Cli.Tests;

/// <summary><c>nabla image …</c> and <c>nabla train --augment</c> on tiny images in a temporary directory. Only
/// successful runs go through <see cref="Program.Run"/> here (they write to standard output, never to the standard
/// error that <see cref="CliTests"/> captures); failures are checked on the code the command calls. Training runs
/// are in <see cref="AugmentTrainTests"/>.</summary>
public sealed class ImageCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-image-" + Guid.NewGuid().ToString("N"));

    public ImageCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    /// <summary>A 5×5 RGB step edge: columns 0, 0, 1, 1, 1 in every channel.</summary>
    private string StepPng()
    {
        string path = File("step.png");
        Tensor step = Tensor.FromArray(Enumerable.Range(0, 75).Select(i => i % 5 >= 2 ? 1f : 0f).ToArray(), 3, 5, 5);
        Png.Write(path, step);
        return path;
    }

    private static float[] Row(Tensor image, int y) => image.Narrow(1, y, 1).ToArray<float>();

    [Fact]
    public void Sobel_writes_the_normalised_gradient_magnitude()
    {
        // Luma of the step is the step itself; |Gx| = 0, 4, 4, 0, 0 (Reflect border, see FilterTests), scaled by 1/4.
        Assert.Equal(0, Program.Run(["image", "sobel", StepPng(), File("sobel.png")]));
        Tensor result = Image.Read(File("sobel.png"));
        Assert.Equal(new[] { 1, 5, 5 }, result.Shape);
        for (int y = 0; y < 5; y++) Assert.Equal(new float[] { 0, 1, 1, 0, 0 }, Row(result, y));
    }

    [Fact]
    public void Jpeg_output_and_input_follow_extension_and_content()
    {
        // .jpg output is the filtered image encoded with Image.Write's JPEG defaults (quality 75, 4:2:0); a .jpg input
        // is read as JPEG by its first bytes.
        Assert.Equal(0, Program.Run(["image", "blur", StepPng(), File("blur.jpg")]));
        Tensor blurred = Filters.GaussianBlur(Image.Read(File("step.png")), 2.0, border: BorderMode.Reflect);
        Assert.Equal(Jpeg.Encode(blurred), System.IO.File.ReadAllBytes(File("blur.jpg")));
        Assert.Equal(0, Program.Run(["image", "sobel", File("blur.jpg"), File("sobel.png")]));
        Assert.Equal(new[] { 1, 5, 5 }, Image.Read(File("sobel.png")).Shape);
    }

    [Fact]
    public void Laplacian_with_8_neighbours_and_a_zero_border()
    {
        // 8 neighbours, Reflect border: 0, 3, −3, 0, 0 on every row (FilterTests), scaled by 1/3.
        Assert.Equal(0, Program.Run(["image", "laplacian", "--neighbours", "8", StepPng(), File("lap.pgm")]));
        Tensor result = Image.Read(File("lap.pgm"));
        Assert.Equal(new float[] { 0, 1, 1, 0, 0 }, Row(result, 2));
        Assert.Equal(0, Program.Run(["image", "laplacian", "--border", "zero", "--neighbours", "8", StepPng(), File("lapz.png")]));
        // Zero border, interior row: x = 1 → 3, x = 2 → 5 − 8 = −3, x = 3 → 8 − 8 = 0, x = 4 → 5 − 8 = −3.
        // The largest |L| is on the top row: x = 2 and x = 4 have 3 bright neighbours → 3 − 8 = −5. Scaled by 1/5:
        // 0.6 = 153/255 exactly.
        Assert.Equal(new[] { 0, 153, 153, 0, 153 }.Select(v => v / 255f).ToArray(), Row(Image.Read(File("lapz.png")), 2));
        // Top row (nothing above): x = 1 sees 2 bright pixels → 2; x = 3 sees 5 → −3; x = 2 and x = 4 → −5.
        Assert.Equal(new[] { 0, 102, 255, 153, 255 }.Select(v => v / 255f).ToArray(), Row(Image.Read(File("lapz.png")), 0));
    }

    [Fact]
    public void Blur_matches_the_library_filter_to_8_bits()
    {
        string input = File("noise.bmp");
        Tensor image = Tensor.Rand([3, 9, 11], new Generator(2));
        Bmp.Write(input, image);
        Assert.Equal(0, Program.Run(["image", "blur", "--sigma", "1.5", input, File("blur.png")]));
        float[] expected = Filters.GaussianBlur(Image.Read(input), 1.5).ToArray<float>();
        float[] got = Image.Read(File("blur.png")).ToArray<float>();
        // Both go through the same 8-bit rounding of the same float result: equal up to float noise at a .5 level.
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 0.5 / 255 + 1e-6, $"[{i}] {got[i]} vs {expected[i]}");
    }

    [Theory]
    [InlineData("gmm")]
    [InlineData("kmeans")]
    public void Posterize_reduces_two_noisy_colours_to_their_means(string method)
    {
        // Left half ≈ (0.8, 0.1, 0.1), right half ≈ (0.1, 0.2, 0.7), each with uniform noise ±0.05 (mean 0);
        // alpha 0.5 everywhere must survive unchanged.
        var g = new Generator(4);
        int h = 12, w = 16;
        var v = new float[4 * h * w];
        double[][] colours = [[0.8, 0.1, 0.1], [0.1, 0.2, 0.7]];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < 3; c++) v[(c * h + y) * w + x] = (float)(colours[x < w / 2 ? 0 : 1][c] + (g.NextDouble() - 0.5) * 0.1);
                v[(3 * h + y) * w + x] = 0.5f;
            }
        string input = File("two.png"), output = File("poster.png");
        Png.Write(input, Tensor.FromArray(v, 4, h, w));
        Assert.Equal(0, Program.Run(["image", "posterize", "--colors", "2", "--method", method, "--samples", "100", input, output]));
        Tensor result = Image.Read(output);
        Assert.Equal(new[] { 4, h, w }, result.Shape);
        float[] r = result.ToArray<float>();
        var distinct = new HashSet<(float, float, float)>();
        for (int i = 0; i < h * w; i++)
        {
            distinct.Add((r[i], r[h * w + i], r[2 * h * w + i]));
            Assert.Equal(128 / 255f, r[3 * h * w + i]);
            // Each pixel gets its half's mean colour: within 0.02 of the noise-free colour (the mean of ~96
            // uniform(±0.05) draws has standard error 0.003, plus 8-bit rounding 0.002).
            double[] truth = colours[i % w < w / 2 ? 0 : 1];
            for (int c = 0; c < 3; c++) Assert.InRange(r[c * h * w + i], truth[c] - 0.02, truth[c] + 0.02);
        }
        Assert.Equal(2, distinct.Count);
    }

    [Fact]
    public void Posterize_and_bad_files_fail_with_handled_exceptions()
    {
        Assert.Throws<ArgumentException>(() => ImageCommand.Posterize(Tensor.Zeros(3, 2, 2), 0, "gmm", 10, 0));
        Assert.Throws<ArgumentException>(() => ImageCommand.Posterize(Tensor.Zeros(3, 2, 2), 8, "gmm", 4, 0));
        // Program.Run reports IOException subclasses as one "nabla: error:" line; ImageFormatException is one.
        string broken = File("broken.png");
        System.IO.File.WriteAllBytes(broken, [0x89, 0x50, 0x4E, 0x47]);
        IOException e = Assert.Throws<ImageFormatException>(() => Image.Read(broken));
        Assert.Contains(broken, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Augmentation_shifts_digits_by_at_most_one_pixel_and_is_seeded_per_epoch()
    {
        var config = new RunConfig { Dataset = "digits", Seed = 5 };
        (Tensor x, _) = Nabla.Data.Digits.Load();
        Tensor rows = x.Narrow(0, 0, 40).To(DType.Float32) / 16.0;
        Tensor a = Augmentation.Apply(rows, config, epoch: 0);
        Assert.Equal(rows.Shape, a.Shape);
        Assert.Equal(a.ToArray<float>(), Augmentation.Apply(rows, config, epoch: 0).ToArray<float>());
        Assert.NotEqual(a.ToArray<float>(), Augmentation.Apply(rows, config, epoch: 1).ToArray<float>());
        Assert.NotEqual(a.ToArray<float>(), rows.ToArray<float>());
        for (int i = 0; i < 40; i++)
        {
            Tensor image = rows.Narrow(0, i, 1).Reshape(1, 8, 8);
            float[] got = a.Narrow(0, i, 1).ToArray<float>();
            bool found = false;
            for (int dy = -1; dy <= 1 && !found; dy++)
                for (int dx = -1; dx <= 1 && !found; dx++)
                    found = got.SequenceEqual(new Nabla.Vision.Transforms.AffineTransform(translateX: dx, translateY: dy).Apply(image).ToArray<float>());
            Assert.True(found, $"row {i} is not a shift by at most one pixel");
        }
        Assert.Throws<ArgumentException>(() => Augmentation.Side(config with { Dataset = "table.csv" }));
    }
}

/// <summary><c>nabla train --augment</c> end to end. In the "console" collection with <see cref="CliTests"/>: Spectre's
/// progress display refuses to run twice at the same time.</summary>
[Collection("console")]
public sealed class AugmentTrainTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-augment-" + Guid.NewGuid().ToString("N"));

    public AugmentTrainTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Train_with_augment_records_it_and_resumes_exactly()
    {
        string full = Path.Combine(_dir, "full"), split = Path.Combine(_dir, "split"), plain = Path.Combine(_dir, "plain");
        string[] Train(string dir, int epochs) => ["train", "--hidden", "16", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--seed", "3", "--out", dir, "--augment"];
        Assert.Equal(0, Program.Run(Train(full, 3)));
        Assert.Contains("\"augment\": true", System.IO.File.ReadAllText(Path.Combine(full, "config.json")), StringComparison.Ordinal);
        Assert.Equal(0, Program.Run(Train(split, 2)));
        Assert.Equal(0, Program.Run(["train", "--resume", split, "--epochs", "3"]));
        static string[] Losses(string dir) => [.. System.IO.File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => string.Join(',', l.Split(',').Take(4)))];
        Assert.Equal(Losses(full), Losses(split));
        // Without --augment the same seed trains on other rows, so the training losses differ.
        Assert.Equal(0, Program.Run(Train(plain, 3)[..^1]));
        Assert.NotEqual(Losses(full)[0], Losses(plain)[0]);
    }
}
