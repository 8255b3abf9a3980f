using System.Globalization;
using Nabla;
using Nabla.Data;
using Nabla.Learn.LinearModel;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

// The notes' foundations, measured: vanishing gradients, dying ReLUs, logs against underflow, a non-convex loss,
// networks as learned basis functions (universal approximation), the bias–variance trade-off, a hyperparameter
// sweep and one-hot targets. Each section prints what it shows.
//   dotnet run -c Release --project samples/Foundations
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// 1. Vanishing gradients: the gradient norm of each layer's weights in a 10-layer MLP, sigmoid vs. ReLU.
Console.WriteLine("1. Gradient norm of each Linear layer's weight, 10 layers of width 32, one batch (first layer first):");
Tensor batch = Tensor.Randn([64, 32], new Generator(0));
foreach ((string name, Func<Module<Tensor, Tensor>> activation) in new (string, Func<Module<Tensor, Tensor>>)[] { ("sigmoid", () => new Sigmoid()), ("relu", () => new Relu()) })
{
    var g = new Generator(1);
    var layers = new List<Module<Tensor, Tensor>>();
    for (int l = 0; l < 10; l++) layers.AddRange([new Linear(32, 32, generator: g), activation()]);
    var deep = new Sequential([.. layers]);
    deep.Forward(batch).Square().Mean().Backward();
    IEnumerable<double> norms = deep.Parameters().Where(p => p.Dim == 2).Select(p => Math.Sqrt(p.Grad!.Square().Sum().Item<float>()));
    Console.WriteLine($"  {name,-8} {string.Join(" ", norms.Select(n => n.ToString("0.0e+0", CultureInfo.InvariantCulture)))}");
}
Console.WriteLine("  σ' ≤ 1/4 shrinks the signal at every sigmoid layer; ReLU passes it through where it is active.");

// 2. Dying ReLU: hidden units that output 0 for every training digit after a few epochs of SGD, by learning rate.
(Tensor digits, Tensor labels) = Digits.Load();
Tensor xd = (digits / 16).To(DType.Float32), yd = labels;
Console.WriteLine("\n2. Dead ReLU units (zero output on all 1,797 digits) in a 64-128-10 MLP after 5 epochs of SGD:");
foreach (double lr in new[] { 0.05, 1.0, 3.0 })
{
    var g = new Generator(2);
    var hidden = new Linear(64, 128, generator: g);
    var mlp = new Sequential(hidden, new Relu(), new Linear(128, 10, generator: g));
    Train(mlp, new Sgd(mlp.Parameters(), lr), xd, yd, 5);
    Tensor active;
    using (GradMode.Disable()) active = hidden.Forward(xd).Relu().Sum(0);
    int dead = active.ToArray<float>().Count(v => v == 0);
    Console.WriteLine($"  lr {lr,4}: {dead,3} of 128 units dead");
}
Console.WriteLine("  A dead unit's gradient is exactly 0 (ReLU' = 0 below 0), so gradient descent can never revive it.");

// 3. Logs against underflow.
Tensor p = Tensor.Full([400], 0.1, DType.Float64);
Console.WriteLine($"\n3. Π of 400 probabilities 0.1 = {p.Prod().Item<double>()} (underflow); Σ log = {p.Log().Sum().Item<double>():F2} (exact)");
Tensor logits = Tensor.FromArray([800.0, 0]);
Console.WriteLine($"   log(softmax([800, 0])) = [{string.Join(", ", logits.Softmax(0).Log().ToArray<double>())}]; LogSoftmax = [{string.Join(", ", logits.LogSoftmax(0).ToArray<double>())}]");

// 4. A non-convex surface: f(x) = v·relu(w·x) fitted to (1, 1), along the segment between two exact fits.
Console.WriteLine("\n4. Loss of v·relu(w·x) on the point (1, 1) along the segment from (w, v) = (1, 1) to (2, 0.5):");
Console.WriteLine("   " + string.Join("  ", Enumerable.Range(0, 5).Select(i =>
{
    double t = i / 4.0, w = 1 + t, v = 1 - 0.5 * t, f = Math.Max(w, 0) * v;
    return $"t={t:F2}: {(f - 1) * (f - 1):F4}";
})));
Console.WriteLine("   Zero at both ends, positive between: not convex (a linear model's squared loss is convex).");

// 5. Universal approximation: a one-hidden-layer ReLU net fits sin(3x) better as it gets wider; its hidden units are
// learned basis functions φ(x) = relu(w x + b), combined linearly by the output layer (f = W φ(x) + b).
Tensor xs = Tensor.Linspace(-1, 1, 200).Unsqueeze(1), ys = (xs * 3).Sin();
Console.WriteLine("\n5. sin(3x) on [−1, 1] by 1 → width → 1 ReLU nets (Adam, 2,000 full-batch steps):");
foreach (int width in new[] { 1, 2, 4, 16, 64 })
{
    var g = new Generator(3);
    var net = new Sequential(new Linear(1, width, generator: g), new Relu(), new Linear(width, 1, generator: g));
    var opt = new Adam(net.Parameters(), lr: 1e-2);
    Tensor loss = Tensor.Zeros([]);
    for (int step = 0; step < 2000; step++)
    {
        loss = F.MseLoss(net.Forward(xs), ys);
        opt.ZeroGrad();
        loss.Backward();
        opt.Step();
    }
    Console.WriteLine($"  width {width,3}: mean squared error {loss.Item<float>():0.00000}");
}

// 6. Bias–variance: polynomials of growing degree fitted to 30 noisy samples of sin(πx), averaged over 200 data sets.
Console.WriteLine("\n6. Bias–variance: polynomial least squares on 30 noisy points of sin(πx) (σ = 0.3), 200 data sets, tested on [−0.9, 0.9]:");
Console.WriteLine($"  {"degree",6} {"train MSE",10} {"test MSE",9} {"bias²",7} {"variance",9}");
var grid = Enumerable.Range(0, 50).Select(i => -0.9 + 1.8 * (i + 0.5) / 50).ToArray();
foreach (int degree in new[] { 1, 3, 5, 7, 9 })
{
    var rng = new Generator(4);
    var predictions = new double[200, grid.Length];
    double trainMse = 0;
    for (int set = 0; set < 200; set++)
    {
        double[] x = Enumerable.Range(0, 30).Select(_ => -1 + 2 * rng.NextDouble()).ToArray();
        double[] y = x.Select(v => Math.Sin(Math.PI * v) + 0.3 * rng.NextNormal()).ToArray();
        var model = new LinearRegression().Fit(Powers(x, degree), Tensor.FromArray(y));
        double[] fitted = model.Predict(Powers(x, degree)).ToArray<double>();
        trainMse += fitted.Zip(y, (a, b) => (a - b) * (a - b)).Average() / 200;
        double[] onGrid = model.Predict(Powers(grid, degree)).ToArray<double>();
        for (int j = 0; j < grid.Length; j++) predictions[set, j] = onGrid[j];
    }
    double bias2 = 0, variance = 0;
    for (int j = 0; j < grid.Length; j++)
    {
        double mean = Enumerable.Range(0, 200).Average(s => predictions[s, j]);
        bias2 += Math.Pow(mean - Math.Sin(Math.PI * grid[j]), 2) / grid.Length;
        variance += Enumerable.Range(0, 200).Average(s => Math.Pow(predictions[s, j] - mean, 2)) / grid.Length;
    }
    Console.WriteLine($"  {degree,6} {trainMse,10:F4} {bias2 + variance + 0.09,9:F4} {bias2,7:F4} {variance,9:F4}");
}
Console.WriteLine("  Test MSE = bias² + variance + noise (0.09): simple models underfit (bias), flexible ones overfit (variance).");

// 7. Hyperparameters: the learning rate, chosen on validation data, not on the test set.
Console.WriteLine("\n7. Learning rate sweep, 64-64-10 MLP on digits, Adam, 10 epochs; accuracy on a validation fifth:");
Tensor order = Tensor.RandPerm(xd.Size(0), new Generator(5));
Tensor trainIdx = order.Narrow(0, 0, 1437), valIdx = order.Narrow(0, 1437, 360);
foreach (double lr in new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1.0 })
{
    var g = new Generator(6);
    var mlp = new Sequential(new Linear(64, 64, generator: g), new Relu(), new Linear(64, 10, generator: g));
    Train(mlp, new Adam(mlp.Parameters(), lr: lr), xd.IndexSelect(0, trainIdx), yd.IndexSelect(0, trainIdx), 10);
    double accuracy;
    using (GradMode.Disable())
        accuracy = mlp.Forward(xd.IndexSelect(0, valIdx)).Argmax(1).Eq(yd.IndexSelect(0, valIdx)).To(DType.Float64).Mean().Item<double>();
    Console.WriteLine($"  lr {lr,7}: validation accuracy {accuracy:P1}");
}

// 8. One-hot targets: categorical cross-entropy with a one-hot probability target equals the class-index form, and
// a softened target (label smoothing) is just another probability vector.
Tensor scores = Tensor.FromArray(new float[,] { { 2.0f, 0.5f, -1.0f }, { 0.1f, 0.2f, 3.0f } });
Tensor classes = Tensor.FromArray(new long[] { 0, 2 }), oneHot = classes.OneHot(3).To(DType.Float32);
Tensor smooth = oneHot * 0.9f + 0.1f / 3;
Console.WriteLine($"\n8. Targets {string.Join(", ", classes.ToArray<long>())} as one-hot rows [{string.Join("; ", Enumerable.Range(0, 2).Select(r => string.Join(" ", oneHot.Select(0, r).ToArray<float>())))}]:");
Console.WriteLine($"   cross-entropy with class indices {F.CrossEntropy(scores, classes).Item<float>():F4}, with one-hot probabilities {F.CrossEntropy(scores, oneHot).Item<float>():F4}, with smoothed targets {F.CrossEntropy(scores, smooth).Item<float>():F4}");
return 0;

static void Train(Sequential model, Optimizer opt, Tensor x, Tensor y, int epochs)
{
    var g = new Generator(7);
    for (int epoch = 0; epoch < epochs; epoch++)
    {
        Tensor order = Tensor.RandPerm(x.Size(0), g);
        for (int i = 0; i < x.Size(0); i += 32)
        {
            Tensor idx = order.Narrow(0, i, Math.Min(32, x.Size(0) - i));
            Tensor loss = F.CrossEntropy(model.Forward(x.IndexSelect(0, idx)), y.IndexSelect(0, idx));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
    }
}

// Columns x, x², …, x^degree (the intercept is LinearRegression's).
static Tensor Powers(double[] x, int degree)
{
    var m = new double[x.Length * degree];
    for (int i = 0; i < x.Length; i++)
        for (int d = 1; d <= degree; d++) m[i * degree + d - 1] = Math.Pow(x[i], d);
    return Tensor.FromArray(m, x.Length, degree);
}
