using Nabla.Data;

namespace Nabla.Cli.Runs;

/// <summary>A dataset prepared for a run: float features scaled (or standardised) as the config says, Int64 labels,
/// split into train, validation and test parts.</summary>
internal sealed record RunData(Tensor TrainX, Tensor TrainY, Tensor ValX, Tensor ValY, Tensor TestX, Tensor TestY,
                               int Features, int Classes, string[] ClassNames, double Scale, double[]? Mean, double[]? Std)
{
    private static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads the config's dataset. Splits are drawn from a generator seeded by the run's seed, so eval and
    /// resume see the same test and validation rows as training did.</summary>
    public static RunData Load(RunConfig config)
    {
        switch (config.Dataset)
        {
            case "digits":
                {
                    // 8×8 images with pixel values 0..16: scale to [0, 1].
                    (Tensor x, Tensor y) = Digits.Load();
                    return FromSplit(x, y, config, scale: 1.0 / 16, DigitNames, standardise: false);
                }
            case "fashion-mnist":
            case "mnist":
                {
                    (Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) = config.Dataset == "mnist"
                        ? Pair(Mnist.Load(RequireDir(config), train: true), Mnist.Load(RequireDir(config), train: false))
                        : Pair(FashionMnist.Load(true, config.DataDir), FashionMnist.Load(false, config.DataDir));
                    // 28×28 bytes 0..255 → 784 features in [0, 1], as in ../shared/anchors (pixels/255).
                    Tensor xtr = Flatten(trainImages) / 255.0, xte = Flatten(testImages) / 255.0;
                    (Tensor tx, Tensor ty, Tensor vx, Tensor vy) = SplitOff(xtr, trainLabels, config.ValFraction, new Generator(config.Seed));
                    string[] names = config.Dataset == "mnist" ? DigitNames : [.. FashionMnist.ClassNames];
                    return new RunData(tx, ty, vx, vy, xte, testLabels, 784, 10, names, 1.0 / 255, null, null);
                }
            default:
                {
                    CsvTable table = Csv.Read(config.Dataset, config.CsvHeader, config.CsvLabelColumn);
                    Tensor labels = table.Labels ?? throw new InvalidDataException($"{config.Dataset}: no label column.");
                    int classes = (int)labels.Max().Item<long>() + 1;
                    if (labels.Min().Item<long>() < 0)
                        throw new InvalidDataException($"{config.Dataset}: class labels must be 0..C-1; found {labels.Min().Item<long>()}.");
                    string[] names = [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
                    return FromSplit(table.Features, labels, config, scale: 1, names, standardise: true);
                }
        }
    }

    private static string RequireDir(RunConfig config)
        => config.DataDir ?? throw new ArgumentException("--data-dir: MNIST has no default location; pass the directory holding its IDX files.");

    private static (Tensor, Tensor, Tensor, Tensor) Pair((Tensor, Tensor) train, (Tensor, Tensor) test)
        => (train.Item1, train.Item2, test.Item1, test.Item2);

    private static Tensor Flatten(Tensor images) => images.Reshape(images.Shape[0], -1);

    private static RunData FromSplit(Tensor x, Tensor y, RunConfig config, double scale, string[] names, bool standardise)
    {
        var g = new Generator(config.Seed);
        (Tensor rest, Tensor restY, Tensor test, Tensor testY) = SplitOff(x, y, config.TestFraction, g);
        double valShare = config.ValFraction / Math.Max(1 - config.TestFraction, 1e-9);
        (Tensor train, Tensor trainY, Tensor val, Tensor valY) = SplitOff(rest, restY, valShare, g);
        int features = x.Shape[1], classes = names.Length;
        double[]? mean = null, std = null;
        if (standardise)
        {
            // z-scores with the training rows' statistics; a constant column keeps std 1 (no division by zero).
            mean = train.To(DType.Float64).Mean(0).ToArray<double>();
            std = train.To(DType.Float64).Std(0, correction: 0).ToArray<double>().Select(s => s > 0 ? s : 1).ToArray();
            (train, val, test) = (Standardise(train, mean, std), Standardise(val, mean, std), Standardise(test, mean, std));
        }
        else (train, val, test) = (train * scale, val * scale, test * scale);
        return new RunData(train, trainY, val, valY, test, testY, features, classes, names, scale, mean, std);
    }

    /// <summary>Applies the run's preprocessing to new features (for predict).</summary>
    public static Tensor Prepare(Tensor x, RunConfig config)
    {
        if (config.FeatureMean is double[] mean && config.FeatureStd is double[] std) return Standardise(x, mean, std);
        return x * config.Scale;
    }

    private static Tensor Standardise(Tensor x, double[] mean, double[] std)
        => ((x.To(DType.Float64) - Tensor.FromArray(mean)) / Tensor.FromArray(std)).To(DType.Float32);

    /// <summary>A seeded random split: the last ⌊fraction·n⌋ rows of a permutation become the second part.</summary>
    private static (Tensor, Tensor, Tensor, Tensor) SplitOff(Tensor x, Tensor y, double fraction, Generator g)
    {
        int n = x.Shape[0], k = (int)Math.Floor(fraction * n);
        Tensor perm = Tensor.RandPerm(n, g);
        Tensor keep = perm.Narrow(0, 0, n - k), off = perm.Narrow(0, n - k, k);
        return (x.IndexSelect(0, keep), y.IndexSelect(0, keep), x.IndexSelect(0, off), y.IndexSelect(0, off));
    }
}
