using Nabla.Data;
using Nabla.Vision.Transforms;

namespace Nabla.Cli.Runs;

/// <summary><c>nabla train --augment</c>: a seeded augmentation pipeline for the image datasets, applied to every
/// training row once per epoch (validation and test rows are never augmented).</summary>
/// <remarks>Each row (H·W pixels in 0..1) is reshaped to a 1×H×W image, transformed, and flattened back.
/// Fashion-MNIST: random crop of 28×28 after zero padding 2 (shifts of up to 2 pixels) and a horizontal flip with
/// p = 0.5 (clothes are left-right symmetric). MNIST: the crop only (a mirrored digit is another symbol). Digits
/// (8×8): a random translation of up to ±1 pixel (1/8 of the side). The generator of epoch e is seeded from the run's
/// seed and e, so a resumed run sees the same augmented rows as an uninterrupted one.</remarks>
internal static class Augmentation
{
    /// <summary>The image side length of a dataset that can be augmented, or an error for the others.</summary>
    public static int Side(RunConfig config) => config.Dataset switch
    {
        "digits" => 8,
        "mnist" or "fashion-mnist" => 28,
        _ => throw new ArgumentException($"--augment applies to the image datasets (digits, mnist, fashion-mnist), not to '{config.Dataset}'."),
    };

    /// <summary>The pipeline of the run's dataset, drawing from <paramref name="generator"/>.</summary>
    public static ITransform Pipeline(RunConfig config, Generator generator) => config.Dataset switch
    {
        // ±1 pixel on an 8×8 image: RandomAffine(translate=(1/8, 1/8)).
        "digits" => new RandomTranslation(1.0 / 8, 1.0 / 8, generator: generator),
        "mnist" => new RandomCrop(28, 28, padding: 2, generator: generator),
        _ => new Compose(new RandomCrop(28, 28, padding: 2, generator: generator), new RandomHorizontalFlip(0.5, generator)),
    };

    /// <summary>The augmented copy of the training rows for one epoch.</summary>
    /// <param name="x">Training rows (N, H·W), Float32 in 0..1.</param>
    /// <param name="config">The run (dataset and seed).</param>
    /// <param name="epoch">The 0-based epoch about to run.</param>
    public static Tensor Apply(Tensor x, RunConfig config, int epoch)
    {
        int side = Side(config), n = x.Size(0), features = side * side;
        if (x.Size(1) != features) throw new InvalidOperationException($"--augment: expected {features} features per row, got {x.Size(1)}.");
        // One stream per (seed, epoch): 1,000,003 (a prime) spaces the seeds of consecutive runs' epochs apart.
        var generator = new Generator(unchecked(config.Seed * 1_000_003 + epoch));
        ITransform pipeline = Pipeline(config, generator);
        float[] source = x.To(DType.Float32).ToArray<float>();
        var result = new float[source.Length];
        for (int i = 0; i < n; i++)
        {
            Tensor image = Tensor.FromArray(source.AsSpan(i * features, features).ToArray(), 1, side, side);
            pipeline.Apply(image).Contiguous().AsSpan<float>().CopyTo(result.AsSpan(i * features, features));
        }
        return Tensor.FromBuffer(result, n, features);
    }
}
