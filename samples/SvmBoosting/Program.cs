using System.Globalization;
using System.Text;
using Nabla;
using Nabla.Learn;
using Nabla.Learn.Ensemble;
using Nabla.Learn.Svm;

// Support vector machines and boosted trees on a 2-D toy set, with their decision regions drawn to an SVG:
// `dotnet run --project samples/SvmBoosting [-- output.svg]` (default svm-boosting.svg).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string output = args.Length > 0 ? args[0] : "svm-boosting.svg";

// Two interleaved half-moons with Gaussian noise (σ = 0.15): not linearly separable.
var g = new Generator(0);
const int n = 300;
var xs = new double[n * 2];
var ys = new long[n];
for (int i = 0; i < n; i++)
{
    double t = Math.PI * g.NextDouble();
    bool upper = i % 2 == 0;
    xs[2 * i] = (upper ? Math.Cos(t) : 1 - Math.Cos(t)) + 0.15 * Normal(g);
    xs[2 * i + 1] = (upper ? Math.Sin(t) : 0.5 - Math.Sin(t)) + 0.15 * Normal(g);
    ys[i] = upper ? 0 : 1;
}
Tensor x = Tensor.FromArray(xs, n, 2), y = Tensor.FromArray(ys);

var models = new (string Name, string Note, IPredictor Model)[]
{
    ("LinearSvc", "a straight boundary: hinge loss, maximum margin", new LinearSvc { RandomState = 0 }),
    ("Svc (linear kernel)", "the same margin, solved in the dual", new Svc { Kernel = SvmKernel.Linear }),
    ("Svc (RBF kernel)", "the kernel trick: a curved boundary", new Svc { C = 10 }),
    ("RandomForestClassifier", "bagging: independent deep trees, averaged", new RandomForestClassifier { NEstimators = 50, RandomState = 0 }),
    ("GradientBoostingClassifier", "boosting: each shallow tree fixes the last errors", new GradientBoostingClassifier { RandomState = 0 }),
    ("HistGradientBoostingClassifier", "boosting on binned features (LightGBM-style)", new HistGradientBoostingClassifier { MinSamplesLeaf = 5 }),
};
foreach ((string name, string note, IPredictor model) in models)
{
    model.Fit(x, y);
    string extra = model is Svc svc ? $", {svc.Support.NumEl} support vectors" : "";
    Console.WriteLine($"{name,-31} train accuracy {model.Score(x, y):P1}{extra}  ({note})");
}

// Decision regions on a grid, one panel per model; the support vectors of the RBF SVC are circled.
const int grid = 60, panel = 260;
double x0 = -1.5, x1 = 2.5, y0 = -1.2, y1 = 1.7;
var points = new double[grid * grid * 2];
for (int r = 0; r < grid; r++)
    for (int c = 0; c < grid; c++)
    {
        points[2 * (r * grid + c)] = x0 + (c + 0.5) * (x1 - x0) / grid;
        points[2 * (r * grid + c) + 1] = y1 - (r + 0.5) * (y1 - y0) / grid;
    }
Tensor gridX = Tensor.FromArray(points, grid * grid, 2);
var svg = new StringBuilder();
svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{3 * panel}\" height=\"{2 * (panel + 24)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
for (int m = 0; m < models.Length; m++)
{
    (string name, _, IPredictor model) = models[m];
    double ox = m % 3 * panel, oy = m / 3 * (panel + 24);
    long[] regions = model.Predict(gridX).To(DType.Int64).ToArray<long>();
    double cell = (double)panel / grid;
    for (int i = 0; i < regions.Length; i++)
        svg.Append($"<rect x=\"{ox + i % grid * cell:0.##}\" y=\"{oy + 20 + i / grid * cell:0.##}\" width=\"{cell + 0.3:0.##}\" height=\"{cell + 0.3:0.##}\" fill=\"{(regions[i] == 0 ? "#cfe0f5" : "#f8d9c4")}\"/>");
    for (int i = 0; i < n; i++)
        svg.Append($"<circle cx=\"{Px(xs[2 * i], x0, x1, ox):0.##}\" cy=\"{Py(xs[2 * i + 1], oy):0.##}\" r=\"2.2\" fill=\"{(ys[i] == 0 ? "#1f5fa8" : "#c0501a")}\"/>");
    if (model is Svc { Kernel: SvmKernel.Rbf } rbf)
        foreach (long s in rbf.Support.ToArray<long>())
            svg.Append($"<circle cx=\"{Px(xs[2 * s], x0, x1, ox):0.##}\" cy=\"{Py(xs[2 * s + 1], oy):0.##}\" r=\"4\" fill=\"none\" stroke=\"black\" stroke-width=\"0.7\"/>");
    svg.Append($"<text x=\"{ox + 4}\" y=\"{oy + 14}\">{name}</text>\n");
}
svg.Append("</svg>\n");
// Written atomically: a temporary file renamed over the target.
string tmp = output + ".tmp";
File.WriteAllText(tmp, svg.ToString());
File.Move(tmp, output, overwrite: true);
Console.WriteLine($"wrote {output}: decision regions (blue = class 0, orange = class 1; circled = RBF support vectors)");

double Px(double v, double lo, double hi, double ox) => ox + (v - lo) / (hi - lo) * panel;
double Py(double v, double oy) => oy + 20 + (y1 - v) / (y1 - y0) * panel;

static double Normal(Generator g)
{
    // Box–Muller: two uniforms to one standard normal.
    double u = 1 - g.NextDouble(), v = g.NextDouble();
    return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
}
