using System.Diagnostics;
using System.Globalization;
using Nabla;
using Nabla.Data;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using Nabla.Vision;
using F = Nabla.Nn.Functional;

// Why CNNs beat MLPs for vision, on Fashion-MNIST: an MLP with three times LeNet-5's parameters against LeNet-5, both
// trained the same way, then tested on the test images shifted by 0 to 4 pixels. Shared filters see the same pattern
// wherever it is (equivariance) and max pooling absorbs small shifts; the MLP's weights are tied to pixel positions.
// Also writes what LeNet's layers see (filter hierarchy): its first-layer 5×5 filters, and the 6 first-layer and 16
// second-layer feature maps of one test image, as PNGs.
//   dotnet run -c Release --project samples/CnnVsMlp [-- --train 20000 --epochs 2 --out cnn-vs-mlp]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int trainCount = Option("--train", 60000), epochs = Option("--epochs", 3);
int outFlag = Array.IndexOf(args, "--out");
string outDir = outFlag >= 0 && outFlag + 1 < args.Length ? args[outFlag + 1] : "cnn-vs-mlp";
Directory.CreateDirectory(outDir);

(Tensor trainImages, Tensor trainLabels) = FashionMnist.Load(train: true);
(Tensor testImages, Tensor testLabels) = FashionMnist.Load(train: false);
int n = Math.Min(trainCount, trainImages.Size(0));
Tensor xTrain = trainImages.Narrow(0, 0, n).Reshape(-1, 1, 28, 28).Contiguous().DivInPlace(255), yTrain = trainLabels.Narrow(0, 0, n);
Tensor xTest = testImages.Reshape(-1, 1, 28, 28).Contiguous().DivInPlace(255);

var mlp = new Sequential(new Nabla.Nn.Flatten(), new Linear(784, 78, generator: new Generator(1)), new Relu(), new Linear(78, 10, generator: new Generator(2)));
Sequential lenet = LeNet5.Create(generator: new Generator(3));
Console.WriteLine($"{n:N0} training images, {epochs} epochs, Adam(1e-3), batch 64; test on 10,000 images shifted right and down by s pixels.");
var results = new List<(string Name, long Parameters, double Seconds, double[] Accuracy)>();
foreach ((string name, Sequential model) in new[] { ("MLP 784-78-10", mlp), ("LeNet-5 (CNN)", lenet) })
{
    var clock = Stopwatch.StartNew();
    Train(model, xTrain, yTrain, epochs);
    double seconds = clock.Elapsed.TotalSeconds;
    double[] accuracy = Enumerable.Range(0, 5).Select(s => Accuracy(model, Shift(xTest, s), testLabels)).ToArray();
    results.Add((name, model.Parameters().Sum(p => (long)p.NumEl), seconds, accuracy));
}
Console.WriteLine($"\n  {"model",-16} {"parameters",10} {"train s",8}   test accuracy at shift s = 0, 1, 2, 3, 4 px");
foreach ((string name, long parameters, double seconds, double[] accuracy) in results)
    Console.WriteLine($"  {name,-16} {parameters,10:N0} {seconds,8:F1}   {string.Join("  ", accuracy.Select(a => a.ToString("P1", CultureInfo.InvariantCulture)))}");

// Filter hierarchy: first-layer filters are small edge and blob detectors on pixels; second-layer maps combine the
// first layer's responses over a larger window (10 × 10 maps, each output seeing 14 × 14 input pixels).
Tensor filters = lenet.Parameters().First().Detach();                 // conv1 weight (6, 1, 5, 5)
Image.Write(Path.Combine(outDir, "conv1-filters.png"), Tile(filters.Reshape(6, 5, 5), 12));
Tensor one = xTest.Narrow(0, 0, 1);
Tensor maps1, maps2;
using (GradMode.Disable())
{
    maps1 = ((Module<Tensor, Tensor>)lenet[1]).Forward(((Module<Tensor, Tensor>)lenet[0]).Forward(one));
    Tensor pooled = ((Module<Tensor, Tensor>)lenet[2]).Forward(maps1);
    maps2 = ((Module<Tensor, Tensor>)lenet[4]).Forward(((Module<Tensor, Tensor>)lenet[3]).Forward(pooled));
}
Image.Write(Path.Combine(outDir, "input.png"), Upscale(one.Reshape(28, 28), 4).Unsqueeze(0));
Image.Write(Path.Combine(outDir, "conv1-maps.png"), Tile(maps1.Reshape(6, 28, 28), 3));
Image.Write(Path.Combine(outDir, "conv2-maps.png"), Tile(maps2.Reshape(16, 10, 10), 6));
Console.WriteLine($"\nWrote {outDir}/: input.png, conv1-filters.png, conv1-maps.png, conv2-maps.png");
return 0;

int Option(string flag, int fallback)
{
    int i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static void Train(Sequential model, Tensor x, Tensor y, int epochs)
{
    var opt = new Adam(model.Parameters(), lr: 1e-3);
    var g = new Generator(0);
    int count = x.Size(0);
    for (int epoch = 0; epoch < epochs; epoch++)
    {
        Tensor order = Tensor.RandPerm(count, g);
        for (int i = 0; i < count; i += 64)
        {
            Tensor idx = order.Narrow(0, i, Math.Min(64, count - i));
            Tensor loss = F.CrossEntropy(model.Forward(x.IndexSelect(0, idx)), y.IndexSelect(0, idx));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
    }
}

static double Accuracy(Sequential model, Tensor x, Tensor y)
{
    model.Eval();
    long correct = 0;
    using (GradMode.Disable())
    {
        for (int i = 0; i < x.Size(0); i += 1000)
        {
            int len = Math.Min(1000, x.Size(0) - i);
            correct += model.Forward(x.Narrow(0, i, len)).Argmax(1).Eq(y.Narrow(0, i, len)).To(DType.Int64).Sum().Item<long>();
        }
    }
    model.Train();
    return (double)correct / x.Size(0);
}

// Moves every image s pixels right and down, filling the uncovered border with 0 (black background).
static Tensor Shift(Tensor images, int s) => s == 0 ? images : images.Pad([s, 0, s, 0]).Narrow(2, 0, 28).Narrow(3, 0, 28).Contiguous();

// Nearest-neighbour enlargement of an (H, W) map by a whole factor, for looking at tiny maps.
static Tensor Upscale(Tensor map, int factor)
{
    int h = map.Size(0), w = map.Size(1);
    return map.Reshape(h, 1, w, 1).Expand(h, factor, w, factor).Reshape(h * factor, w * factor);
}

// Maps (K, H, W) side by side in one grey image, each scaled to 0..1 by its own range and enlarged, 2-pixel gaps.
static Tensor Tile(Tensor maps, int factor)
{
    int k = maps.Size(0);
    var tiles = new List<Tensor>();
    for (int i = 0; i < k; i++)
    {
        Tensor m = maps.Select(0, i);
        double lo = m.Min().ItemAsDouble(), hi = m.Max().ItemAsDouble();
        Tensor scaled = hi > lo ? (m - lo) / (hi - lo) : m * 0;
        tiles.Add(Upscale(scaled, factor).Pad([0, 2], 1));
    }
    return Tensor.Cat(tiles.ToArray(), 1).Unsqueeze(0);
}
