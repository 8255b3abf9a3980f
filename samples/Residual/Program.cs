// The degradation problem and its fix (He et al. 2015): a deeper plain network trains *worse* than a shallow one —
// not overfitting, its training loss is higher — while the same depth with skip connections, Output = F(x) + x,
// trains at least as well as the shallow net. Three networks on the embedded 8 × 8 digits, same data, optimizer and
// seed: plain with 1 block per stage (8 weighted layers), plain with 8 blocks per stage (50 layers), residual with 8
// blocks per stage (50 layers). Prints the training loss per epoch and writes residual.svg with the three curves.
//
//   dotnet run --project samples/Residual [epochs] [output.svg]
using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Data;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
string svgPath = args.Length > 1 ? args[1] : "residual.svg";

(Tensor features, Tensor labels) = Digits.Load();
const int Train = 1024, Batch = 64;
Tensor x = (features.Narrow(0, 0, Train) / 16.0).Reshape(-1, 1, 8, 8);
Tensor y = labels.Narrow(0, 0, Train);

var runs = new (string Name, int[] Blocks, bool Residual)[]
{
    ("plain, 8 layers", [1, 1, 1], false),
    ("plain, 50 layers", [8, 8, 8], false),
    ("residual, 50 layers", [8, 8, 8], true),
};
var curves = new List<(string Name, double[] Loss)>();
foreach ((string name, int[] blocks, bool residual) in runs)
{
    var model = new ResNet(blocks, width: 8, residual: residual, generator: new Generator(0));
    var opt = new Sgd(model.Parameters(), 0.05, momentum: 0.9);
    var shuffle = new Generator(1);
    var losses = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++)
    {
        Tensor perm = Tensor.RandPerm(Train, shuffle);
        double sum = 0;
        for (int i = 0; i < Train; i += Batch)
        {
            Tensor idx = perm.Narrow(0, i, Batch);
            Tensor loss = F.CrossEntropy(model.Forward(x.IndexSelect(0, idx)), y.IndexSelect(0, idx));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            sum += loss.Item<float>();
        }
        losses[epoch] = sum / (Train / Batch);
        Console.WriteLine($"{name,-20} epoch {epoch + 1,2}: training loss {losses[epoch]:F4}");
    }
    curves.Add((name, losses));
}

Console.WriteLine();
Console.WriteLine($"{"network",-20} {"final training loss",20}");
foreach ((string name, double[] loss) in curves) Console.WriteLine($"{name,-20} {loss[^1],20:F4}");
WriteSvg(svgPath, curves);
Console.WriteLine($"wrote {svgPath}");

// A line chart of training loss against epoch, one polyline per network; written to a temporary file and renamed.
static void WriteSvg(string path, List<(string Name, double[] Loss)> curves)
{
    const double W = 640, H = 400, Left = 60, Right = 200, Top = 30, Bottom = 50;
    double max = curves.Max(c => c.Loss.Max()), n = curves[0].Loss.Length;
    string[] colours = ["#d62728", "#ff7f0e", "#1f77b4"];
    var ci = CultureInfo.InvariantCulture;
    var s = new StringBuilder();
    s.Append(ci, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    s.Append(ci, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\">Training loss: plain vs residual (degradation problem)</text>\n");
    s.Append(ci, $"<line x1=\"{Left}\" y1=\"{H - Bottom}\" x2=\"{W - Right}\" y2=\"{H - Bottom}\" stroke=\"black\"/>\n");
    s.Append(ci, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{H - Bottom}\" stroke=\"black\"/>\n");
    s.Append(ci, $"<text x=\"{(W - Right + Left) / 2}\" y=\"{H - 15}\" text-anchor=\"middle\">epoch</text>\n");
    s.Append(ci, $"<text x=\"{Left - 8}\" y=\"{Top + 4}\" text-anchor=\"end\">{max:F2}</text>\n");
    s.Append(ci, $"<text x=\"{Left - 8}\" y=\"{H - Bottom}\" text-anchor=\"end\">0</text>\n");
    for (int c = 0; c < curves.Count; c++)
    {
        double[] loss = curves[c].Loss;
        string points = string.Join(" ", loss.Select((v, i) => string.Create(ci,
            $"{Left + (W - Left - Right) * (n == 1 ? 0 : i / (n - 1)):F1},{H - Bottom - (H - Top - Bottom) * v / max:F1}")));
        s.Append(ci, $"<polyline fill=\"none\" stroke=\"{colours[c % colours.Length]}\" stroke-width=\"2\" points=\"{points}\"/>\n");
        s.Append(ci, $"<text x=\"{W - Right + 10}\" y=\"{Top + 20 * (c + 1)}\" fill=\"{colours[c % colours.Length]}\">{curves[c].Name}</text>\n");
    }
    s.Append("</svg>\n");
    string tmp = path + ".tmp";
    File.WriteAllText(tmp, s.ToString());
    File.Move(tmp, path, overwrite: true);
}
