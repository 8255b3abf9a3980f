using System.Globalization;
using Nabla;
using Nabla.Nn;
using F = Nabla.Nn.Functional;

// From the perceptron to a trained MLP: `dotnet run --project samples/Perceptron`.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Tensor x = Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var truthTables = new (string Name, Tensor Y)[]
{
    ("AND", Tensor.FromArray([0.0, 0, 0, 1])),
    ("OR", Tensor.FromArray([0.0, 1, 1, 1])),
    ("XOR", Tensor.FromArray([0.0, 1, 1, 0])),
};

Section("1. Rosenblatt's perceptron: y = H(w·x + b), trained by w ← w + η(y − ŷ)x");
foreach ((string name, Tensor y) in truthTables)
{
    var p = new Perceptron(2);
    int[] errors = p.Fit(x, y, epochs: 10);
    Console.WriteLine($"{name,-4} errors per epoch: [{string.Join(", ", errors)}]  w = {Fmt(p.Weight)}, b = {p.Bias.Item<double>():0.##}");
}
Console.WriteLine("AND and OR are linearly separable, so the errors reach 0; no line separates XOR's classes, so they never do.");

Section("2. The same with the hinge loss max(0, 1 − t·(w·x + b)), by subgradient descent through autograd");
foreach ((string name, Tensor y) in truthTables)
{
    var p = new Perceptron(2, learningRate: 0.5, rule: PerceptronRule.Hinge);
    int[] errors = p.Fit(x, y, epochs: 60);
    int settled = Array.FindLastIndex(errors, e => e > 0) + 1;   // first epoch of the final error-free run
    string verdict = settled < errors.Length ? $"error-free from epoch {settled + 1}" : $"still {errors[^1]} error(s) in epoch {errors.Length}";
    Console.WriteLine($"{name,-4} {verdict,-26} predictions {Fmt(p.Predict(x))}");
}

Section("3. Two layers solve XOR: h1 = OR, h2 = AND, y = h1 AND NOT h2, weights written by hand");
var handBuilt = new Sequential(new Linear(2, 2, dtype: DType.Float64), new Step(), new Linear(2, 1, dtype: DType.Float64), new Step());
handBuilt.LoadStateDict(new Dictionary<string, Tensor>
{
    ["0.weight"] = Tensor.FromArray(new double[,] { { 1, 1 }, { 1, 1 } }),   // h1 = H(x1 + x2 − 0.5), h2 = H(x1 + x2 − 1.5)
    ["0.bias"] = Tensor.FromArray([-0.5, -1.5]),
    ["2.weight"] = Tensor.FromArray(new double[,] { { 1, -1 } }),            // y = H(h1 − h2 − 0.5)
    ["2.bias"] = Tensor.FromArray([-0.5]),
});
Console.WriteLine(handBuilt);
Console.WriteLine($"XOR(x) = {Fmt(handBuilt.Forward(x).Reshape(4))}");

Section("4. A trained MLP: Linear(2, 4) → tanh → Linear(4, 1) → sigmoid, binary cross-entropy, gradient descent");
var g = new Generator(42);
var mlp = new Sequential(new Linear(2, 4, dtype: DType.Float64, generator: g), new Tanh(), new Linear(4, 1, dtype: DType.Float64, generator: g));
Console.WriteLine(mlp.Summary());
Tensor target = truthTables[2].Y.Reshape(4, 1);
for (int step = 0; step <= 2000; step++)
{
    Tensor loss = F.BinaryCrossEntropy(mlp.Forward(x).Sigmoid(), target);   // forward pass and loss
    if (step % 400 == 0) Console.WriteLine($"step {step,4}: loss {loss.Item<double>():F4}");
    mlp.ZeroGrad();
    loss.Backward();                                                          // backward pass
    using (GradMode.Disable())
    {
        foreach (Parameter p in mlp.Parameters()) p.SubInPlace(p.Grad!, alpha: 0.5);   // w ← w − η·∂L/∂w
    }
}
using (GradMode.Disable())
{
    Tensor probabilities = mlp.Forward(x).Sigmoid().Reshape(4);
    Console.WriteLine($"P(y = 1) = {Fmt(probabilities)} → predictions {Fmt(probabilities.Gt(0.5).To(DType.Float64))}");
}

Section("5. Checkpoints in the safetensors format, with PyTorch's state-dict keys");
string path = Path.Combine(Path.GetTempPath(), $"xor-mlp-{Environment.ProcessId}.safetensors");
mlp.Save(path, new Dictionary<string, string> { ["format"] = "pt" });
Console.WriteLine($"saved {string.Join(", ", mlp.StateDict().Keys)} to {path} ({new FileInfo(path).Length} bytes)");
var restored = new Sequential(new Linear(2, 4, dtype: DType.Float64), new Tanh(), new Linear(4, 1, dtype: DType.Float64));
restored.Load(path);
using (GradMode.Disable()) Console.WriteLine($"restored model's predictions {Fmt(restored.Forward(x).Sigmoid().Gt(0.5).To(DType.Float64).Reshape(4))}");
File.Delete(path);

Section("6. Losses: softmax + negative log-likelihood on logits, and the regression losses");
Tensor twoEqual = Tensor.FromArray([3.0, 3.0]);
Tensor fiveEqual = Tensor.Zeros([5], DType.Float64);
Console.WriteLine($"CrossEntropy(logits [3, 3], class 1)       = −ln ½ = ln 2 = {F.CrossEntropy(twoEqual, Tensor.Scalar(1L)).Item<double>():F4}");
Console.WriteLine($"CrossEntropy(5 equal logits, class 4)     = −ln ⅕ = ln 5 = {F.CrossEntropy(fiveEqual, Tensor.Scalar(4L)).Item<double>():F4}");
Tensor logits = Tensor.FromArray(new double[,] { { 2, 1, 0.1 }, { 0.5, 2.5, 0.3 } });
Tensor labels = Tensor.FromArray(new long[] { 0, 1 });
Console.WriteLine($"CrossEntropy(batch) = {F.CrossEntropy(logits, labels).Item<double>():F4}, NllLoss(LogSoftmax(batch)) = {F.NllLoss(logits.LogSoftmax(1), labels).Item<double>():F4}");
Console.WriteLine($"  with label smoothing 0.1: {F.CrossEntropy(logits, labels, labelSmoothing: 0.1).Item<double>():F4}");
Tensor prediction = Tensor.FromArray([2.5, 0.0, 2.0]), truth = Tensor.FromArray([3.0, -0.5, 2.0]);
Console.WriteLine($"MseLoss = {F.MseLoss(prediction, truth).Item<double>():F4}, L1Loss = {F.L1Loss(prediction, truth).Item<double>():F4}, HuberLoss = {F.HuberLoss(prediction, truth).Item<double>():F4}");

Section("7. Initialisation, regularisation and dropout");
Tensor xavier = Init.XavierNormal(Tensor.Empty([256, 256]), generator: new Generator(1));
Tensor he = Init.KaimingNormal(Tensor.Empty([256, 256]), nonlinearity: Nonlinearity.Relu, generator: new Generator(2));
Console.WriteLine($"Xavier normal (256, 256): variance {xavier.Var().Item<float>():F5}, expected 2/(256 + 256) = {2.0 / 512:F5}");
Console.WriteLine($"He normal (256, 256):     variance {he.Var().Item<float>():F5}, expected 2/256 = {2.0 / 256:F5}");
Console.WriteLine($"L1 penalty of the XOR MLP: {Regularization.L1Penalty(mlp.Parameters()).Item<double>():F3}, L2 penalty: {Regularization.L2Penalty(mlp.Parameters()).Item<double>():F3}");
var dropout = new Dropout(0.5, new Generator(3));
Tensor ones = Tensor.Ones(10);
Console.WriteLine($"Dropout(p=0.5), training: {Fmt(dropout.Forward(ones))}");
dropout.Eval();
Console.WriteLine($"Dropout(p=0.5), eval:     {Fmt(dropout.Forward(ones))}");

static string Fmt(Tensor t) => "[" + string.Join(", ", t.To(DType.Float64).ToArray<double>().Select(v => v.ToString("0.###", CultureInfo.InvariantCulture))) + "]";

static void Section(string title) => Console.WriteLine($"\n== {title}\n");
