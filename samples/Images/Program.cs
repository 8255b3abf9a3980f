using System.Globalization;
using System.Net;
using System.Text;
using Nabla;
using Nabla.Learn.Mixture;
using Nabla.Nn;
using Nabla.Vision;
using Nabla.Vision.Transforms;

// Image filters, colour quantisation, augmentation and lossy JPEG compression, written as PNGs with an HTML contact sheet:
//   dotnet run -c Release --project samples/Images [-- [input.png|.jpg|.bmp|.ppm] [--out directory]]
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

// Lossy compression: the same image as JPEG at falling quality. Each quality scales JPEG's quantisation tables (the
// step each of the 64 DCT frequencies of an 8×8 block is divided by and rounded to); what the rounding removes is gone.
// The drawn scene is flat colour, which PNG already stores in a few hundred bytes; photographs have fine texture and
// sensor noise, which lossless coding cannot squeeze. So the scene gets a seeded grain (σ = 0.02, about 5 levels)
// first; an input image is used as it is.
Tensor photo = input is not null ? image : new GaussianNoise(0.02, generator: new Generator(7)).Apply(image);
Console.WriteLine($"\nLossy compression (JPEG) of {(input is null ? "the scene with grain (jpeg_source.png)" : input)}: size, bits per pixel and PSNR against it");
Save("jpeg_source.png", photo, input is null ? "JPEG source: the scene with grain σ = 0.02, as a photograph has" : "JPEG source: the input");
int width = photo.Size(2), height = photo.Size(1);
int pngBytes = Png.Encode(photo).Length;
Console.WriteLine($"  {"file",-22} {"bytes",7} {"bits/pixel",10} {"PSNR (dB)",9}");
Console.WriteLine($"  {"raw RGB",-22} {3 * width * height,7} {24.0,10:0.00} {"∞",9}");
Console.WriteLine($"  {"PNG (lossless)",-22} {pngBytes,7} {8.0 * pngBytes / (width * height),10:0.00} {"∞",9}");
var settings = new (int Quality, ChromaSubsampling Chroma)[]
{
    (5, ChromaSubsampling.Chroma420), (10, ChromaSubsampling.Chroma420), (25, ChromaSubsampling.Chroma420), (50, ChromaSubsampling.Chroma420),
    (75, ChromaSubsampling.Chroma420), (95, ChromaSubsampling.Chroma420), (95, ChromaSubsampling.Chroma444),
};
var jpegRows = new List<(string Name, int Bytes, double Psnr, Tensor Decoded)>();
foreach ((int quality, ChromaSubsampling chroma) in settings)
{
    string name = $"jpeg_q{quality:00}_{(chroma == ChromaSubsampling.Chroma420 ? "420" : "444")}";
    byte[] bytes = Jpeg.Encode(photo, quality, chroma);
    File.WriteAllBytes(Path.Combine(outDir, name + ".jpg"), bytes);
    Tensor decoded = Jpeg.Decode(bytes, name);
    double psnr = Psnr(photo, decoded);
    jpegRows.Add((name, bytes.Length, psnr, decoded));
    Save(name + ".png", decoded, $"JPEG quality {quality}, {(chroma == ChromaSubsampling.Chroma420 ? "4:2:0" : "4:4:4")} chroma: {bytes.Length} bytes, {8.0 * bytes.Length / (width * height):0.00} bits/pixel, PSNR {psnr:0.0} dB");
}
foreach (var row in jpegRows)
    Console.WriteLine($"  {row.Name + ".jpg",-22} {row.Bytes,7} {8.0 * row.Bytes / (width * height),10:0.00} {row.Psnr,9:0.00}");

// The same corner of every version side by side, 4× enlarged without smoothing so that the 8×8 blocks show.
int cropW = Math.Min(48, width), cropH = Math.Min(40, height);
int cropX = Math.Max(0, Math.Min(width - cropW, width / 4)), cropY = Math.Max(0, Math.Min(height - cropH, height / 4));
Tensor[] panels = [.. new[] { photo }.Concat(jpegRows.Select(r => r.Decoded)).Select(t => Zoom(t.Narrow(1, cropY, cropH).Narrow(2, cropX, cropW), 4))];
Tensor gap = Tensor.Ones(3, cropH * 4, 4);
Image.Write(Path.Combine(outDir, "jpeg_zoom.png"), Tensor.Cat([.. panels.SelectMany((p, i) => i == 0 ? new[] { p } : new[] { gap, p })], 2));
File.WriteAllText(Path.Combine(outDir, "jpeg_psnr.svg"), PsnrSvg(jpegRows.Select(r => (r.Name, r.Bytes, r.Psnr)).ToList(), pngBytes));
Console.WriteLine($"  {cropW}×{cropH} crop at ({cropX}, {cropY}) of the original and each quality, 4× enlarged: jpeg_zoom.png; PSNR against size: jpeg_psnr.svg");

// Generation loss: open, save, repeat. Each save decodes to 8-bit pixels and quantises again.
Console.WriteLine("\nGeneration loss: decode and re-encode at quality 75 (4:2:0), PSNR against the original");
Tensor generation = photo;
var generations = new List<string>();
for (int gen = 1; gen <= 10; gen++)
{
    byte[] bytes = Jpeg.Encode(generation, 75);
    generation = Jpeg.Decode(bytes);
    generations.Add($"{gen}: {Psnr(photo, generation):0.00} dB ({bytes.Length} B)");
}
Console.WriteLine("  " + string.Join(", ", generations));
Save("jpeg_gen10.png", generation, $"Quality 75 saved 10 times: {generations[^1]}");

var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Nabla image filters</title><style>" +
                             "body{font-family:sans-serif;background:#222;color:#eee}figure{display:inline-block;margin:8px;width:320px;vertical-align:top}" +
                             "img{width:320px;image-rendering:pixelated;border:1px solid #555}figcaption{font-size:13px}</style></head><body>\n" +
                             "<h1>Nabla.Vision: filters, posterization, augmentation</h1>\n");
foreach ((string file, string caption) in sheet)
    html.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"{file}\" alt=\"{WebUtility.HtmlEncode(caption)}\"><figcaption>{WebUtility.HtmlEncode(caption)}</figcaption></figure>\n");
html.Append("<h2>Lossy compression (JPEG)</h2>\n<table><tr><th>file</th><th>bytes</th><th>bits/pixel</th><th>PSNR (dB)</th></tr>\n");
html.Append(CultureInfo.InvariantCulture, $"<tr><td>PNG (lossless)</td><td>{pngBytes}</td><td>{8.0 * pngBytes / (width * height):0.00}</td><td>∞</td></tr>\n");
foreach (var row in jpegRows)
    html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{row.Name}.jpg\">{row.Name}.jpg</a></td><td>{row.Bytes}</td><td>{8.0 * row.Bytes / (width * height):0.00}</td><td>{row.Psnr:0.00}</td></tr>\n");
html.Append("</table>\n<p>Original, then qualities 5, 10, 25, 50, 75, 95 (4:2:0) and 95 (4:4:4), a corner 4× enlarged:</p>\n<img src=\"jpeg_zoom.png\" style=\"width:auto\">\n");
html.Append(CultureInfo.InvariantCulture, $"<p><img src=\"jpeg_psnr.svg\" style=\"width:auto;background:#fff\"></p>\n<p>Generation loss at quality 75: {WebUtility.HtmlEncode(string.Join(", ", generations))}</p>\n");
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

// Peak signal-to-noise ratio of two images in 0..1 compared as 8-bit levels: 10 log₁₀(255² / mean squared error).
static double Psnr(Tensor a, Tensor b)
{
    float[] x = a.ToArray<float>(), y = b.ToArray<float>();
    double sum = 0;
    for (int i = 0; i < x.Length; i++)
    {
        double d = Math.Round(Math.Clamp(x[i], 0, 1) * 255) - Math.Round(Math.Clamp(y[i], 0, 1) * 255);
        sum += d * d;
    }
    return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * x.Length / sum);
}

// Nearest-neighbour enlargement by an integer factor: every pixel becomes a factor × factor square.
static Tensor Zoom(Tensor t, int factor)
{
    int c = t.Size(0), h = t.Size(1), w = t.Size(2);
    return t.Contiguous().Reshape(c, h, 1, w, 1).Expand(c, h, factor, w, factor).Reshape(c, h * factor, w * factor);
}

// PSNR against file size as an SVG line chart (log-scaled size axis), the PNG size marked as a vertical line.
static string PsnrSvg(List<(string Name, int Bytes, double Psnr)> rows, int pngBytes)
{
    const int W = 640, H = 400, L = 60, R = 20, T = 30, B = 50;
    double minB = Math.Log10(rows.Min(r => r.Bytes) * 0.8), maxB = Math.Log10(Math.Max(pngBytes, rows.Max(r => r.Bytes)) * 1.25);
    double minP = Math.Floor(rows.Min(r => r.Psnr) / 5) * 5, maxP = Math.Ceiling(rows.Max(r => r.Psnr) / 5) * 5;
    double X(double bytes) => L + (Math.Log10(bytes) - minB) / (maxB - minB) * (W - L - R);
    double Y(double psnr) => H - B - (psnr - minP) / (maxP - minP) * (H - T - B);
    var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/><text x=\"{W / 2}\" y=\"18\" text-anchor=\"middle\">JPEG: PSNR against file size</text>\n");
    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"black\"/><line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"black\"/>\n");
    for (double p = minP; p <= maxP; p += 5)
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{L - 6}\" y=\"{Y(p) + 4:0.0}\" text-anchor=\"end\">{p:0}</text><line x1=\"{L}\" y1=\"{Y(p):0.0}\" x2=\"{W - R}\" y2=\"{Y(p):0.0}\" stroke=\"#ddd\"/>\n");
    for (double decade = Math.Pow(10, Math.Floor(minB)); decade <= Math.Pow(10, maxB); decade *= 10)
    {
        foreach (int m in new[] { 1, 2, 5 })
        {
            double bytes = decade * m;
            if (Math.Log10(bytes) < minB || Math.Log10(bytes) > maxB) continue;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(bytes):0.0}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{bytes:0}</text>\n");
        }
    }
    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(W + L - R) / 2}\" y=\"{H - 12}\" text-anchor=\"middle\">file size (bytes, log scale)</text><text x=\"16\" y=\"{(H - B + T) / 2}\" transform=\"rotate(-90 16 {(H - B + T) / 2})\" text-anchor=\"middle\">PSNR (dB)</text>\n");
    var line = rows.Where(r => r.Name.EndsWith("420", StringComparison.Ordinal)).Select(r => $"{X(r.Bytes):0.0},{Y(r.Psnr):0.0}");
    svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"{string.Join(" ", line)}\"/>\n");
    foreach (var r in rows)
    {
        string colour = r.Name.EndsWith("420", StringComparison.Ordinal) ? "#1f77b4" : "#d62728";
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(r.Bytes):0.0}\" cy=\"{Y(r.Psnr):0.0}\" r=\"4\" fill=\"{colour}\"/><text x=\"{X(r.Bytes) + 6:0.0}\" y=\"{Y(r.Psnr) - 6:0.0}\" fill=\"{colour}\">{WebUtility.HtmlEncode(r.Name[5..])}</text>\n");
    }
    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(pngBytes):0.0}\" y1=\"{T}\" x2=\"{X(pngBytes):0.0}\" y2=\"{H - B}\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/><text x=\"{X(pngBytes) - 4:0.0}\" y=\"{T + 12}\" text-anchor=\"end\" fill=\"#2ca02c\">PNG (lossless)</text>\n");
    return svg.Append("</svg>\n").ToString();
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
