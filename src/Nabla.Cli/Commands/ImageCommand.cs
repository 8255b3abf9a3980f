using System.CommandLine;
using Nabla.Learn.Cluster;
using Nabla.Learn.Mixture;
using Nabla.Vision;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla image sobel|laplacian|blur|posterize in out</c>: image filters and colour quantisation on PNG,
/// JPEG, BMP and PGM/PPM files (the output format follows the output file's extension).</summary>
internal static class ImageCommand
{
    private static readonly string[] Borders = ["reflect", "replicate", "zero"];

    public static Command Create()
    {
        var command = new Command("image", "Filter or posterize an image file (PNG, JPEG, BMP, PGM/PPM)");
        command.Subcommands.Add(Filter("sobel", "Sobel gradient magnitude √(Gx² + Gy²) of the luma, scaled so that the largest is white",
            (image, parse, _) => Normalise(Filters.SobelMagnitude(Image.ToGrayscale(image), parse.Border))));
        var neighbours = new Option<int>("--neighbours") { Description = "Laplacian neighbourhood: 4 or 8", DefaultValueFactory = _ => 4 };
        neighbours.AcceptOnlyFromAmong("4", "8");
        command.Subcommands.Add(Filter("laplacian", "Absolute Laplacian |∇²I| of the luma, scaled so that the largest is white",
            (image, parse, result) => Normalise(Filters.Laplacian(Image.ToGrayscale(image), result.GetValue(neighbours), parse.Border).Abs()), neighbours));
        var sigma = new Option<double>("--sigma") { Description = "Gaussian standard deviation in pixels", DefaultValueFactory = _ => 2.0 };
        command.Subcommands.Add(Filter("blur", "Gaussian blur of every channel (kernel size 2⌈3σ⌉ + 1)",
            (image, parse, result) => Filters.GaussianBlur(image, result.GetValue(sigma), border: parse.Border), sigma));
        command.Subcommands.Add(PosterizeCommand());
        return command;
    }

    private readonly record struct Common(BorderMode Border);

    private static Command Filter(string name, string description, Func<Tensor, Common, ParseResult, Tensor> apply, params Option[] extra)
    {
        (Argument<string> input, Argument<string> output) = Files();
        var border = new Option<string>("--border") { Description = "Pixels outside the image: reflect (mirror, not repeating the edge), replicate, zero", DefaultValueFactory = _ => "reflect" };
        border.AcceptOnlyFromAmong(Borders);
        var command = new Command(name, description) { input, output, border };
        foreach (Option o in extra) command.Options.Add(o);
        command.SetAction(parse =>
        {
            Tensor image = Image.Read(parse.GetValue(input)!);
            var common = new Common(parse.GetValue(border) switch { "zero" => BorderMode.Zero, "replicate" => BorderMode.Replicate, _ => BorderMode.Reflect });
            Tensor result = apply(image, common, parse);
            return Save(parse.GetValue(output)!, result, image);
        });
        return command;
    }

    private static (Argument<string>, Argument<string>) Files()
        => (new Argument<string>("input") { Description = "Image to read (PNG, baseline JPEG, BMP, PGM/PPM)" },
            new Argument<string>("output") { Description = "Image to write; .png, .jpg (quality 75), .bmp, .pgm/.ppm choose the format" });

    /// <summary>Scales a non-negative response so that its maximum is 1 (a blank image stays black).</summary>
    private static Tensor Normalise(Tensor response)
    {
        double max = response.Max().ItemAsDouble();
        return max > 0 ? response / max : response;
    }

    private static int Save(string path, Tensor result, Tensor source)
    {
        Image.Write(path, result);
        Console.WriteLine($"Wrote {path}: {result.Size(-1)}×{result.Size(-2)}, {result.Size(0)} channel(s) (from {source.Size(0)})");
        return 0;
    }

    private static Command PosterizeCommand()
    {
        (Argument<string> input, Argument<string> output) = Files();
        var colors = new Option<int>("--colors") { Description = "Number of colours (mixture components or clusters)", DefaultValueFactory = _ => 8 };
        var method = new Option<string>("--method") { Description = "gmm: Gaussian mixture, each pixel → its most likely component's mean; kmeans: nearest centre", DefaultValueFactory = _ => "gmm" };
        method.AcceptOnlyFromAmong("gmm", "kmeans");
        var samples = new Option<int>("--samples") { Description = "Pixels drawn (seeded) to fit the model; all pixels are then mapped", DefaultValueFactory = _ => 5000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the pixel sample and the model", DefaultValueFactory = _ => 0L };
        var command = new Command("posterize", "Reduce an image to a few colours by clustering its pixels") { input, output, colors, method, samples, seed };
        command.SetAction(parse =>
        {
            Tensor image = Image.Read(parse.GetValue(input)!);
            Tensor result = Posterize(image, parse.GetValue(colors), parse.GetValue(method)!, parse.GetValue(samples), parse.GetValue(seed));
            return Save(parse.GetValue(output)!, result, image);
        });
        return command;
    }

    /// <summary>Colour quantisation: fits a K-component model to a seeded sample of the pixels (as points in
    /// RGB, or grey, space), assigns every pixel to a component and replaces it by that component's mean. Alpha is
    /// kept unchanged.</summary>
    internal static Tensor Posterize(Tensor image, int colors, string method, int samples, long seed)
    {
        if (colors < 1) throw new ArgumentException($"--colors must be at least 1, got {colors}.");
        if (samples < colors) throw new ArgumentException($"--samples ({samples}) must be at least --colors ({colors}).");
        int c = image.Size(0), h = image.Size(1), w = image.Size(2);
        int colourChannels = c is 2 or 4 ? c - 1 : c;
        // (N, channels) pixel rows in float64, as the estimators take them.
        Tensor pixels = image.Narrow(0, 0, colourChannels).Reshape(colourChannels, h * w).T.To(DType.Float64).Contiguous();
        int n = h * w;
        Tensor fit = pixels;
        if (n > samples) fit = pixels.IndexSelect(0, Tensor.RandPerm(n, new Generator(seed)).Narrow(0, 0, samples));
        Tensor labels, centres;
        if (method == "kmeans")
        {
            var kmeans = new KMeans { NClusters = colors, RandomState = seed, NInit = 3 }.Fit(fit);
            (labels, centres) = (kmeans.Predict(pixels), kmeans.ClusterCenters);
        }
        else
        {
            var gmm = new GaussianMixture { NComponents = colors, RandomState = seed }.Fit(fit);
            (labels, centres) = (gmm.Predict(pixels), gmm.Means);
        }
        Tensor quantised = centres.IndexSelect(0, labels).T.Reshape(colourChannels, h, w).To(DType.Float32);
        return colourChannels == c ? quantised : Tensor.Cat([quantised, image.Narrow(0, colourChannels, 1).To(DType.Float32)], 0);
    }
}
