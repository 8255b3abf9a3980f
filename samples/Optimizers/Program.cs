using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Data;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

// Every optimizer of Nabla.Optim, seen two ways: `dotnet run -c Release --project samples/Optimizers [-- out-dir]`.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string outDir = args.Length > 0 ? args[0] : ".";
Directory.CreateDirectory(outDir);

var makers = new (string Name, Func<IEnumerable<Parameter>, Optimizer> Make, double BowlLr)[]
{
    ("SGD", p => new Sgd(p, 0.05), 0.05),
    ("SGD momentum 0.9", p => new Sgd(p, 0.05, momentum: 0.9), 0.05),
    ("SGD Nesterov", p => new Sgd(p, 0.05, momentum: 0.9, nesterov: true), 0.05),
    ("Adagrad", p => new Adagrad(p, 0.5), 0.5),
    ("Adadelta", p => new Adadelta(p, 10.0), 10.0),
    ("RMSprop", p => new RmsProp(p, 0.02), 0.02),
    ("Adam", p => new Adam(p, 0.05), 0.05),
    ("AdamW", p => new AdamW(p, 0.05), 0.05),
    ("Adamax", p => new Adamax(p, 0.1), 0.1),
    ("NAdam", p => new NAdam(p, 0.05), 0.05),
};

// 1. f(x, y) = x² + 10y², an ill-conditioned bowl (condition number 10): plain gradient descent zig-zags across
//    the steep y direction; momentum and adaptive per-parameter steps cope better.
Console.WriteLine("1. Minimising f(x, y) = x² + 10·y² from (−1.5, 1.0), 60 steps each (learning rates tuned per method):\n");
var paths = new List<(string, List<(double X, double Y)>)>();
foreach ((string name, var make, double _) in makers)
{
    var p = new Parameter(Tensor.FromArray(new double[] { -1.5, 1.0 }));
    Optimizer opt = make([p]);
    var path = new List<(double, double)> { (-1.5, 1.0) };
    for (int step = 0; step < 60; step++)
    {
        opt.ZeroGrad();
        Bowl(p).Backward();
        opt.Step();
        double[] v = p.ToArray<double>();
        path.Add((v[0], v[1]));
    }
    paths.Add((name, path));
    Console.WriteLine($"  {name,-18} f after 60 steps = {Bowl(p).Item<double>():E2}");
}
{
    // Full-batch gradient descent with a backtracking line search: each step starts at t = 1 and halves until the
    // Armijo condition f(x − t·g) ≤ f(x) − c·t·‖g‖² holds, so no learning rate is tuned at all.
    var p = new Parameter(Tensor.FromArray(new double[] { -1.5, 1.0 }));
    var path = new List<(double, double)> { (-1.5, 1.0) };
    for (int step = 0; step < 60; step++)
    {
        p.ZeroGrad();
        Bowl(p).Backward();
        LineSearch.Backtracking([p], () => Bowl(p));
        double[] v = p.ToArray<double>();
        path.Add((v[0], v[1]));
    }
    paths.Add(("GD + Armijo line search", path));
    Console.WriteLine($"  {"GD + Armijo search",-18} f after 60 steps = {Bowl(p).Item<double>():E2}");
}
File.WriteAllText(Path.Combine(outDir, "optimizers-bowl.svg"), BowlSvg(paths));

// 2. The same MLP on the digits with each optimizer (its usual learning rate), five epochs.
Console.WriteLine("\n2. MLP 64-64-10 on the 8×8 digits, batch 32, 5 epochs, same initial weights and batch order:\n");
(Tensor x, Tensor y) = Digits.Load();
x = x / 16.0;
var curves = new List<(string, List<double>)>();
foreach ((string name, var _, double _) in makers)
{
    var model = new Sequential(new Linear(64, 64, generator: new Generator(0)), new Relu(), new Linear(64, 10, generator: new Generator(1)));
    Optimizer opt = name switch
    {
        "SGD" => new Sgd(model.Parameters(), 0.1),
        "SGD momentum 0.9" => new Sgd(model.Parameters(), 0.05, momentum: 0.9),
        "SGD Nesterov" => new Sgd(model.Parameters(), 0.05, momentum: 0.9, nesterov: true),
        "Adagrad" => new Adagrad(model.Parameters(), 0.05),
        "Adadelta" => new Adadelta(model.Parameters(), 1.0),
        "RMSprop" => new RmsProp(model.Parameters(), 1e-3),
        "Adam" => new Adam(model.Parameters(), 1e-3),
        "AdamW" => new AdamW(model.Parameters(), 1e-3),
        "Adamax" => new Adamax(model.Parameters(), 2e-3),
        _ => new NAdam(model.Parameters(), 2e-3),
    };
    var losses = new List<double>();
    var shuffle = new Generator(7);
    for (int epoch = 0; epoch < 5; epoch++)
    {
        double total = 0;
        int seen = 0;
        foreach (Tensor[] b in new DataLoader<Tensor[]>(new TensorDataset(x, y), 32, shuffle: true, generator: shuffle))
        {
            opt.ZeroGrad();
            Tensor loss = F.CrossEntropy(model.Forward(b[0]), b[1]);
            loss.Backward();
            opt.Step();
            total += loss.ItemAsDouble() * b[0].Shape[0];
            seen += b[0].Shape[0];
        }
        losses.Add(total / seen);
    }
    double accuracy;
    using (GradMode.Disable()) accuracy = model.Forward(x).Argmax(1).Eq(y).To(DType.Float64).Mean().Item<double>();
    curves.Add((name, losses));
    Console.WriteLine($"  {name,-18} loss per epoch {string.Join("  ", losses.Select(l => l.ToString("F3")))}   train accuracy {accuracy:P1}");
}
File.WriteAllText(Path.Combine(outDir, "optimizers-digits.svg"), CurvesSvg(curves));
Console.WriteLine($"\nPlots: {Path.GetFullPath(Path.Combine(outDir, "optimizers-bowl.svg"))} and optimizers-digits.svg (open in a browser).");

static Tensor Bowl(Tensor p) => (p * p * Tensor.FromArray(new double[] { 1, 10 })).Sum();

static string Color(int i) => new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000" }[i % 11];

static string BowlSvg(List<(string Name, List<(double X, double Y)> Path)> paths)
{
    const int W = 760, H = 460, Plot = 440;
    double Sx(double v) => 10 + (v + 1.6) / 3.2 * Plot;
    double Sy(double v) => 10 + (1.1 - v) / 2.2 * (H - 20);
    var sb = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\"><rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n");
    foreach (double level in new[] { 0.05, 0.2, 0.5, 1, 2, 4, 8 })
    {
        // Contour x² + 10y² = level: an ellipse with semi-axes √level and √(level/10).
        sb.Append($"<ellipse cx=\"{Sx(0):F1}\" cy=\"{Sy(0):F1}\" rx=\"{Math.Sqrt(level) / 3.2 * Plot:F1}\" ry=\"{Math.Sqrt(level / 10) / 2.2 * (H - 20):F1}\" fill=\"none\" stroke=\"#ddd\"/>\n");
    }
    for (int i = 0; i < paths.Count; i++)
    {
        string pts = string.Join(' ', paths[i].Path.Where(p => Math.Abs(p.X) < 1.6 && Math.Abs(p.Y) < 1.1).Select(p => $"{Sx(p.X):F1},{Sy(p.Y):F1}"));
        sb.Append($"<polyline fill=\"none\" stroke=\"{Color(i)}\" stroke-width=\"1.5\" points=\"{pts}\"/>\n");
        sb.Append($"<text x=\"{Plot + 30}\" y=\"{30 + 18 * i}\" fill=\"{Color(i)}\">{paths[i].Name}</text>\n");
    }
    return sb.Append("<text x=\"10\" y=\"455\">f(x, y) = x² + 10y²: 60 steps from (−1.5, 1)</text></svg>\n").ToString();
}

static string CurvesSvg(List<(string Name, List<double> Losses)> curves)
{
    const int W = 760, H = 420, L = 50, Plot = 440, T = 20, B = 40;
    double max = curves.SelectMany(c => c.Losses).Max();
    int n = curves[0].Losses.Count;
    double Sx(int e) => L + e / (double)(n - 1) * (Plot - L);
    double Sy(double v) => T + (1 - v / max) * (H - T - B);
    var sb = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\"><rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n");
    sb.Append($"<rect x=\"{L}\" y=\"{T}\" width=\"{Plot - L}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#999\"/>\n");
    for (int k = 0; k <= 4; k++) sb.Append($"<text x=\"{L - 6}\" y=\"{Sy(max * k / 4) + 4:F1}\" text-anchor=\"end\">{max * k / 4:F2}</text>");
    for (int e = 0; e < n; e++) sb.Append($"<text x=\"{Sx(e):F1}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{e + 1}</text>");
    sb.Append($"<text x=\"{(L + Plot) / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">epoch (mean training loss)</text>\n");
    for (int i = 0; i < curves.Count; i++)
    {
        string pts = string.Join(' ', curves[i].Losses.Select((v, e) => $"{Sx(e):F1},{Sy(v):F1}"));
        sb.Append($"<polyline fill=\"none\" stroke=\"{Color(i)}\" stroke-width=\"2\" points=\"{pts}\"/>\n");
        sb.Append($"<text x=\"{Plot + 30}\" y=\"{30 + 18 * i}\" fill=\"{Color(i)}\">{curves[i].Name}</text>\n");
    }
    return sb.Append("</svg>\n").ToString();
}
