using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Cli.Runs;
using Nabla.Data;
using Nabla.IO;
using Nabla.Models.Vision;
using Nabla.Optim;
using Spectre.Console;
using F = Nabla.Nn.Functional;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla train vit</c>: trains a Vision Transformer (7×7 patches, [CLS], learned positions, pre-norm
/// encoder) on Fashion-MNIST with Adam and writes config.json, model.safetensors, metrics.csv and loss.svg.</summary>
internal static class TrainVitCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory of the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 1 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training images" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on only the first N test images" };
        var shared = new ModelTrainOptions(new("vit", 2, "Encoder layers", 64, "Token width", 128, "Images per step", 1e-3, "Adam", "fashion-mnist"));
        var command = new Command("vit", "Train a Vision Transformer on Fashion-MNIST and write a run directory")
        {
            dataDir, epochs, limit, testLimit,
        };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            int nEpochs = parse.GetValue(epochs), nBatch = parse.GetValue(shared.Batch);
            if (nEpochs <= 0 || nBatch <= 0) throw new ArgumentException($"--epochs and --batch must be positive (got {nEpochs}, {nBatch}).");
            string runDir = shared.Start(parse, "fashion-mnist");
            int dim = parse.GetValue(shared.Embd), layers = parse.GetValue(shared.Layers), heads = parse.GetValue(shared.Heads);
            double lr = parse.GetValue(shared.Lr);
            (Tensor trainImages, Tensor trainLabels) = FashionMnist.Load(train: true, parse.GetValue(dataDir));
            (Tensor testImages, Tensor testLabels) = FashionMnist.Load(train: false, parse.GetValue(dataDir));
            int n = Math.Min(parse.GetValue(limit) ?? trainImages.Shape[0], trainImages.Shape[0]);
            Tensor xtr = trainImages.Narrow(0, 0, n).Reshape(-1, 1, 28, 28).Contiguous().DivInPlace(255), ytr = trainLabels.Narrow(0, 0, n);
            int nTest = Math.Min(parse.GetValue(testLimit) ?? testImages.Shape[0], testImages.Shape[0]);
            Tensor xte = testImages.Narrow(0, 0, nTest).Reshape(-1, 1, 28, 28).Contiguous().DivInPlace(255);
            testLabels = testLabels.Narrow(0, 0, nTest);
            long s = parse.GetValue(shared.Seed);
            var model = new VisionTransformer(dim: dim, depth: layers, heads: heads, mlpDim: 2 * dim, generator: new Generator(s));
            var opt = new Adam(model.Parameters(), lr);
            var g = new Generator(s + 1);
            var config = new JsonObject
            {
                ["model"] = "vit", ["image_size"] = 28, ["patch_size"] = 7, ["dim"] = dim, ["depth"] = layers,
                ["heads"] = heads, ["mlp_dim"] = 2 * dim, ["epochs"] = nEpochs, ["train_images"] = n,
                ["batch"] = nBatch, ["lr"] = lr, ["seed"] = s,
            };
            ModelTrainOptions.WriteConfig(runDir, config);
            AnsiConsole.MarkupLine($"[bold]vit[/] on Fashion-MNIST: {n:N0} train / {xte.Shape[0]:N0} test images, 16 patches of 7×7 + [[CLS]]; " +
                                   $"{model.Parameters().Sum(p => p.NumEl):N0} parameters; Adam lr {lr}; {Threading.NumThreads} threads");
            var rows = new List<StepRow>();
            var epochLines = new List<string> { "epoch,train_loss,test_accuracy,seconds" };
            int steps = (n + nBatch - 1) / nBatch, step = 0;
            var clock = Stopwatch.StartNew();
            double accuracy = 0;
            for (int epoch = 1; epoch <= nEpochs; epoch++)
            {
                double sum = 0;
                Tensor perm = Tensor.RandPerm(n, g);
                ModelTrainOptions.Progress($"epoch {epoch}/{nEpochs}", steps, b =>
                {
                    int i = b * nBatch;
                    Tensor idx = perm.Narrow(0, i, Math.Min(nBatch, n - i));
                    Tensor loss = F.CrossEntropy(model.Forward(xtr.IndexSelect(0, idx)), ytr.IndexSelect(0, idx));
                    opt.ZeroGrad();
                    loss.Backward();
                    opt.Step();
                    float l = loss.Item<float>();
                    sum += l;
                    rows.Add(new StepRow(++step, l, double.NaN, clock.Elapsed.TotalSeconds));
                    return $"epoch {epoch}/{nEpochs}  loss {l:F4}";
                });
                accuracy = Accuracy(model, xte, testLabels);
                epochLines.Add(FormattableString.Invariant($"{epoch},{sum / steps:R},{accuracy:R},{clock.Elapsed.TotalSeconds:F3}"));
                AnsiConsole.MarkupLine($"epoch {epoch}: train loss {sum / steps:F4}, test accuracy [bold green]{accuracy:P2}[/], {clock.Elapsed.TotalSeconds:F1}s");
            }
            SafeTensors.Save(Path.Combine(runDir, "model.safetensors"), model.StateDict(), new Dictionary<string, string> { ["config"] = config.ToJsonString() });
            AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.csv"), string.Join('\n', epochLines) + "\n");
            AtomicFile.WriteAllText(Path.Combine(runDir, "loss.svg"), StepReports.Svg(rows, $"vit on Fashion-MNIST: test accuracy {accuracy:P2}"));
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(runDir)}/: config.json, model.safetensors, metrics.csv, loss.svg");
            return 0;
        });
        return command;
    }

    private static double Accuracy(VisionTransformer model, Tensor x, Tensor y)
    {
        model.Eval();
        long correct = 0;
        using (GradMode.Disable())
        {
            for (int i = 0; i < x.Shape[0]; i += 1000)
            {
                int len = Math.Min(1000, x.Shape[0] - i);
                correct += model.Forward(x.Narrow(0, i, len)).Argmax(1).Eq(y.Narrow(0, i, len)).To(DType.Int64).Sum().Item<long>();
            }
        }
        model.Train();
        return (double)correct / x.Shape[0];
    }
}
