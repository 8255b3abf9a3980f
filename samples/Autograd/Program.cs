using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nabla;

// A tour of reverse-mode automatic differentiation: `dotnet run --project samples/Autograd`.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Section("1. A neuron's computational graph, recorded as it runs");
// y = σ(w·x + b): the graph is built by running the code (a dynamic graph, like PyTorch's).
Tensor x = Tensor.FromArray(new double[] { 1.0, 2.0 });
Tensor w = Tensor.FromArray(new double[] { 0.5, -0.25 }).RequireGrad();
Tensor b = Tensor.Scalar(0.1, DType.Float64).RequireGrad();
Tensor z = w.Dot(x) + b;
Tensor y = z.Sigmoid();
Console.WriteLine($"x = {x}\nw = {w}\nb = {b}\ny = σ(w·x + b) = {y}\n");
Console.WriteLine("The graph behind y (each node is an op; leaves are w and b):");
PrintGraph(y.GradFn, "  ");

Section("2. Backpropagation: the chain rule, applied from the output back");
y.Backward();
double s = y.Item<double>();
// dy/dw = σ'(z)·x = σ(z)(1 − σ(z))·x and dy/db = σ(z)(1 − σ(z)).
Console.WriteLine($"autograd:   dy/dw = {w.Grad}, dy/db = {b.Grad}");
Console.WriteLine($"by hand:    σ(z)(1-σ(z))·x = [{s * (1 - s) * 1.0:F4}, {s * (1 - s) * 2.0:F4}], σ(z)(1-σ(z)) = {s * (1 - s):F4}");

Section("3. Forward mode versus reverse mode, for a scalar loss of n inputs");
Console.WriteLine("f(x) = Σ tanh(W·x), W (64 × n). Forward mode gives one directional derivative J·v per pass, so the");
Console.WriteLine("full gradient takes n passes; reverse mode gives all n partial derivatives in one backward pass.\n");
Console.WriteLine($"{"n",6} {"forward passes",15} {"forward ms",11} {"reverse ms",11} {"max |difference|",18}");
foreach (int n in new[] { 8, 64, 512 })
{
    Tensor wn = Tensor.Randn([64, n], new Generator(n), DType.Float64);
    Tensor xn = Tensor.Randn([n], new Generator(n + 1), DType.Float64);
    var sw = Stopwatch.StartNew();
    var forward = new double[n];
    for (int i = 0; i < n; i++)
    {
        Tensor e = Tensor.Zeros([n], DType.Float64);
        using (GradMode.Disable()) e.Narrow(0, i, 1).FillInPlace(1);
        forward[i] = ForwardAD.Jvp(d => Dual.Constant(wn).MatMul(d).Tanh().Sum(), xn, e).Jvp.Item<double>();
    }
    double forwardMs = sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    Tensor leaf = xn.Detach().RequireGrad();
    wn.MatMul(leaf).Tanh().Sum().Backward();
    double reverseMs = sw.Elapsed.TotalMilliseconds;
    double[] reverse = leaf.Grad!.ToArray<double>();
    double diff = forward.Zip(reverse, (p, q) => Math.Abs(p - q)).Max();
    Console.WriteLine($"{n,6} {n,15} {forwardMs,11:F2} {reverseMs,11:F2} {diff,18:E1}");
}

Section("4. Activation functions and their derivatives (derivatives computed by autograd)");
Tensor grid = Tensor.Linspace(-3, 3, 61, DType.Float64);
foreach ((string name, Func<Tensor, Tensor> f) in new (string, Func<Tensor, Tensor>)[]
{
    ("step (Heaviside)", t => t.Step()), ("sigmoid", t => t.Sigmoid()), ("tanh", t => t.Tanh()),
    ("ReLU", t => t.Relu()), ("leaky ReLU 0.1", t => t.LeakyRelu(0.1)), ("ELU", t => t.Elu()),
    ("softplus", t => t.Softplus()), ("SiLU", t => t.Silu()), ("GELU", t => t.Gelu()),
})
{
    Tensor g = grid.Detach().RequireGrad();
    Tensor v = f(g);
    v.Sum().Backward();
    Console.WriteLine($"{name}:  f (top) and f' (bottom) on [-3, 3]");
    Console.WriteLine(Plot(v.Detach().ToArray<double>()));
    Console.WriteLine(Plot(g.Grad!.ToArray<double>()));
}

Section("5. The log-sum-exp trick: softmax and log-sum-exp without overflow");
Tensor logits = Tensor.FromArray(new double[] { 1000, 1001, 1002 });
Console.WriteLine($"logits            = {logits}");
Console.WriteLine($"naive log Σ eˣ    = {logits.Exp().Sum().Log()}   (e¹⁰⁰⁰ overflows)");
Console.WriteLine($"LogSumExp         = {logits.LogSumExp(0)}   (m + log Σ e^(x−m), m = max x)");
Console.WriteLine($"Softmax           = {logits.Softmax(0)}");

static void Section(string title) => Console.WriteLine($"\n=== {title} ===\n");

static void PrintGraph(Node? node, string indent)
{
    if (node is null)
    {
        Console.WriteLine($"{indent}(leaf)");
        return;
    }
    Console.WriteLine($"{indent}{node.Name}");
    foreach (Node? next in node.NextFunctions) PrintGraph(next, indent + "  ");
}

// A one-line sparkline: each value mapped to one of eight block heights between the row's min and max.
static string Plot(double[] values)
{
    const string blocks = "▁▂▃▄▅▆▇█";
    double lo = values.Min(), hi = values.Max();
    var sb = new StringBuilder($"  [{lo,6:F2} .. {hi,6:F2}] ");
    foreach (double v in values)
        sb.Append(blocks[hi > lo ? (int)Math.Round((v - lo) / (hi - lo) * (blocks.Length - 1)) : 0]);
    return sb.ToString();
}
