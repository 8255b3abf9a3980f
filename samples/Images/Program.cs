using System.Globalization;
using System.Net;
using System.Text;
using Nabla;
using Nabla.Learn.Mixture;
using Nabla.Nn;
using Nabla.Vision;
using Nabla.Vision.Transforms;

// Image filters, colour quantisation and augmentation, written as PNGs with an HTML contact sheet:
//   dotnet run --project samples/Images [-- [input.png|.bmp|.ppm] [--out directory]]
// Without an input it draws a 160×120 test scene. Open <directory>/index.html (default samples/Images/out) in a browser.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int outFlag = Array.IndexOf(args, "--out");
string outDir = outFlag >= 0 && outFlag + 1 < args.Length ? args[outFlag + 1] : Path.Combine("samples", "Images", "out");
string? input = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && i != outFlag + 1).FirstOrDefault();
Tensor image = input is not null ? Image.ToRgb(Image.Read(input)) : Scene(160, 120);
Directory.CreateDirectory(outDir);
Tensor grey = Image.ToGrayscale(image);

var sheet = new List<(string File, string Caption)>();
void Save(string name, Tensor picture, string caption)
{
    Image.Write(Path.Combine(outDir, name), picture);
    sheet.Add((name, caption));
    Console.WriteLine($"{name,-16} {caption}");
}

Save("input.png", image, $"Input, {image.Size(2)}×{image.Size(1)} RGB (3 channels)");
Save("grey.png", grey, "Luma Y = 0.299 R + 0.587 G + 0.114 B (1 channel)");
Save("sobel_x.png", Signed(Filters.SobelX(grey)), "Sobel G_x (mid-grey = 0, light = brighter to the right)");
Save("sobel_y.png", Signed(Filters.SobelY(grey)), "Sobel G_y (light = brighter downwards)");
Save("sobel.png", Scaled(Filters.SobelMagnitude(grey)), "Gradient magnitude √(G_x² + G_y²): the edges");
Save("laplacian4.png", Signed(Filters.Laplacian(grey)), "Laplacian ∇²I, 4 neighbours (mid-grey = 0)");
Save("laplacian8.png", Signed(Filters.Laplacian(grey, 8)), "Laplacian ∇²I, 8 neighbours");
Save("blur2.png", Filters.GaussianBlur(image, 2), "Gaussian blur σ = 2 (13-tap separable kernel)");
Save("blur5.png", Filters.GaussianBlur(image, 5), "Gaussian blur σ = 5 (31 taps)");
Save("sharpen.png", (image + (image - Filters.GaussianBlur(image, 2))).Clamp(0, 1), "Unsharp mask: I + (I − blur(I))");
Save("posterize8.png", Posterize(image, 8), "Posterized to 8 colours: GMM on 4,000 pixels, each pixel → its component's mean");
Save("posterize3.png", Posterize(image, 3), "Posterized to 3 colours");
var g = new Generator(1);
Save("rotate.png", new RandomRotation(30, Interpolation.Bilinear, generator: g).Apply(image), "RandomRotation(±30°), bilinear, fill 0");
Save("crop_flip.png", RandomHorizontalFlip.Flip(new RandomCrop(image.Size(1), image.Size(2), padding: 16, generator: g).Apply(image)),
     "RandomCrop(padding 16), then a horizontal flip");
Save("scale.png", new RandomScale(0.6, 0.8, generator: g).Apply(image), "RandomScale(0.6–0.8) about the centre");
Save("noise.png", new GaussianNoise(0.08, generator: g).Apply(image), "GaussianNoise(σ = 0.08), clipped to 0..1");

var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Nabla image filters</title><style>" +
                             "body{font-family:sans-serif;background:#222;color:#eee}figure{display:inline-block;margin:8px;width:320px;vertical-align:top}" +
                             "img{width:320px;image-rendering:pixelated;border:1px solid #555}figcaption{font-size:13px}</style></head><body>\n" +
                             "<h1>Nabla.Vision: filters, posterization, augmentation</h1>\n");
foreach ((string file, string caption) in sheet)
    html.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"{file}\" alt=\"{WebUtility.HtmlEncode(caption)}\"><figcaption>{WebUtility.HtmlEncode(caption)}</figcaption></figure>\n");
html.Append("</body></html>\n");
string index = Path.Combine(outDir, "index.html"), tmp = index + ".tmp";
File.WriteAllText(tmp, html.ToString());
File.Move(tmp, index, overwrite: true); // atomic: a browser never sees half a page
Console.WriteLine($"\nContact sheet: {Path.GetFullPath(index)}");

// The notes' exercises, computed by the library (tests/Nabla.Nn.Tests/ConvLayerTests.cs derives each number by hand).
Tensor small = Tensor.FromArray(new float[,] { { 1, 2, 0, 1 }, { 0, 1, 3, 1 }, { 2, 1, 0, 0 }, { 1, 0, 1, 2 } }).Reshape(1, 1, 4, 4);
Tensor edge = Tensor.FromArray(new float[,] { { 1, 0, -1 }, { 1, 0, -1 }, { 1, 0, -1 } }).Reshape(1, 1, 3, 3);
Console.WriteLine("\nConvolution by hand: 4×4 image ⋆ 3×3 vertical-edge kernel, stride 1, no padding → (4 − 3 + 0)/1 + 1 = 2 per side");
Console.WriteLine($"  image {Grid(small)}\n  kernel {Grid(edge)}\n  output {Grid(small.Conv2d(edge))}");
Tensor activation = Tensor.FromArray(new float[,] { { 3, 0, 1 }, { 0, 2, 0 }, { 1, 0, 3 } }).Reshape(1, 1, 3, 3);
Console.WriteLine($"Pooling the 3×3 map {Grid(activation)} with a 2×2 window, stride 1:");
Console.WriteLine($"  max pooling {Grid(activation.MaxPool2d([2, 2], [1, 1]))}   average pooling {Grid(activation.AvgPool2d([2, 2], [1, 1]))}   L2-norm pooling {Grid(new LPPool2d(2, 2, stride: 1).Forward(activation))}");

// A small square tensor as [[a, b], [c, d]] with up to three decimals.
static string Grid(Tensor t)
{
    int n = t.Size(-1);
    float[] v = t.ToArray<float>();
    return "[" + string.Join(", ", Enumerable.Range(0, v.Length / n).Select(r => "[" + string.Join(", ", v.Skip(r * n).Take(n).Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))) + "]")) + "]";
}

// A signed response shown around mid-grey: 0.5 + r / (2 max |r|).
static Tensor Signed(Tensor r)
{
    double max = r.Abs().Max().ItemAsDouble();
    return max > 0 ? r / (2 * max) + 0.5 : r + 0.5;
}

// A non-negative response scaled so that its maximum is white.
static Tensor Scaled(Tensor r)
{
    double max = r.Max().ItemAsDouble();
    return max > 0 ? r / max : r;
}

// Colour quantisation: a Gaussian mixture fitted to a seeded sample of the pixels in RGB space; every pixel is
// replaced by the mean of its most likely component (the method of `nabla image posterize`).
static Tensor Posterize(Tensor rgb, int colours)
{
    int h = rgb.Size(1), w = rgb.Size(2);
    Tensor pixels = rgb.Reshape(3, h * w).T.To(DType.Float64).Contiguous();
    Tensor sample = pixels.IndexSelect(0, Tensor.RandPerm(h * w, new Generator(0)).Narrow(0, 0, Math.Min(4000, h * w)));
    var gmm = new GaussianMixture { NComponents = colours, RandomState = 0 }.Fit(sample);
    return gmm.Means.IndexSelect(0, gmm.Predict(pixels)).T.Reshape(3, h, w).To(DType.Float32);
}

// A test scene: a sky gradient, a sun (disc), a house (rectangles and a triangular roof) and striped grass.
static Tensor Scene(int w, int h)
{
    var v = new float[3 * h * w];
    void Set(int x, int y, float r, float gr, float b) => (v[y * w + x], v[(h + y) * w + x], v[(2 * h + y) * w + x]) = (r, gr, b);
    for (int y = 0; y < h; y++)
    {
        for (int x = 0; x < w; x++)
        {
            float t = y / (float)h;
            Set(x, y, 0.35f + 0.4f * t, 0.55f + 0.3f * t, 0.95f);                                    // sky
            if ((x - 120) * (x - 120) + (y - 28) * (y - 28) < 14 * 14) Set(x, y, 1f, 0.85f, 0.2f);    // sun
            if (y > 85) Set(x, y, 0.2f, 0.55f + 0.1f * ((x / 6 + y / 4) % 2), 0.2f);                   // grass
            if (x >= 30 && x < 80 && y >= 55 && y < 95) Set(x, y, 0.85f, 0.8f, 0.7f);                   // wall
            if (y >= 30 && y < 55 && Math.Abs(x - 55) < (y - 30) + 2) Set(x, y, 0.7f, 0.15f, 0.1f);     // roof
            if (x >= 48 && x < 62 && y >= 70 && y < 95) Set(x, y, 0.4f, 0.25f, 0.1f);                   // door
            if (x >= 66 && x < 76 && y >= 62 && y < 72) Set(x, y, 0.3f, 0.6f, 0.9f);                    // window
        }
    }
    return Tensor.FromArray(v, 3, h, w);
}
