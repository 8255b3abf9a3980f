using System.CommandLine;
using System.Globalization;
using Nabla.Cli.Runs;
using Nabla.IO;
using Nabla.Learn;
using Nabla.Learn.Training;
using Nabla.Nn;
using Nabla.Optim;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla train</c>: trains a classifier with a progress bar per epoch, a table row per epoch, and a run
/// directory holding config.json, metrics.csv, model.safetensors, checkpoint.safetensors, confusion.csv and
/// training.svg.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model to train", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong(RunModel.Models);
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes of the MLP, comma-separated", DefaultValueFactory = _ => "64" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong(RunModel.Activations);
        var dataset = new Option<string>("--dataset") { Description = "digits (embedded), fashion-mnist, mnist, or a CSV file (label in the last column)", DefaultValueFactory = _ => "digits" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory of the IDX files (fashion-mnist default: /usr/share/datasets/fashion-mnist)" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (with --resume: the total to reach)", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { Description = "Samples per step", DefaultValueFactory = _ => 32 };
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong(RunModel.Optimizers);
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
        var momentum = new Option<double>("--momentum") { Description = "Momentum (sgd, rmsprop)", DefaultValueFactory = _ => 0.0 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0.0 };
        var scheduler = new Option<string>("--scheduler") { Description = "Learning-rate schedule", DefaultValueFactory = _ => "none" };
        scheduler.AcceptOnlyFromAmong(RunModel.Schedulers);
        var seed = new Option<long>("--seed") { Description = "Seed for initialisation, splits and shuffling", DefaultValueFactory = _ => 0L };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: NABLA_NUM_THREADS or the core count)" };
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/<time>-<model>-<dataset>)" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its checkpoint" };
        var noHeader = new Option<bool>("--no-header") { Description = "The CSV has no header row" };
        var labelColumn = new Option<int>("--label-column") { Description = "CSV label column (negative counts from the end)", DefaultValueFactory = _ => -1 };
        var patience = new Option<int>("--patience") { Description = "Stop early once the validation loss has not improved for this many epochs (0: train all epochs)", DefaultValueFactory = _ => 0 };
        var augment = new Option<bool>("--augment") { Description = "Augment the training images each epoch (seeded): crop+flip (fashion-mnist), crop (mnist), ±1-pixel shifts (digits)" };

        var command = new Command("train", "Train a classifier and write a run directory")
        {
            model, hidden, activation, dataset, dataDir, epochs, batch, optimizer, lr, momentum, weightDecay, scheduler, seed,
            threads, output, resume, noHeader, labelColumn, augment, patience,
        };
        command.Subcommands.Add(TrainGptCommand.Create());
        command.Subcommands.Add(TrainBertCommand.Create());
        command.Subcommands.Add(TrainVitCommand.Create());
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is int t) Threading.NumThreads = t;
            string? resumeDir = parse.GetValue(resume);
            RunConfig config;
            string runDir;
            if (resumeDir is not null)
            {
                runDir = resumeDir;
                config = RunConfig.Read(Path.Combine(runDir, "config.json")) with { Epochs = parse.GetValue(epochs) };
            }
            else
            {
                config = new RunConfig
                {
                    Model = parse.GetValue(model)!,
                    Hidden = ParseSizes(parse.GetValue(hidden)!),
                    Activation = parse.GetValue(activation)!,
                    Dataset = parse.GetValue(dataset)!,
                    DataDir = parse.GetValue(dataDir),
                    CsvHeader = !parse.GetValue(noHeader),
                    CsvLabelColumn = parse.GetValue(labelColumn),
                    Epochs = parse.GetValue(epochs),
                    ScheduleEpochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batch),
                    Optimizer = parse.GetValue(optimizer)!,
                    Lr = parse.GetValue(lr),
                    Momentum = parse.GetValue(momentum),
                    WeightDecay = parse.GetValue(weightDecay),
                    Scheduler = parse.GetValue(scheduler)!,
                    Seed = parse.GetValue(seed),
                    Augment = parse.GetValue(augment),
                    Patience = parse.GetValue(patience),
                };
                runDir = parse.GetValue(output) ?? Path.Combine("runs",
                    $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Model}-{Path.GetFileNameWithoutExtension(config.Dataset)}");
            }
            return Run(config, runDir, resumeDir is not null);
        });
        return command;
    }

    private static int[] ParseSizes(string text)
    {
        try
        {
            int[] sizes = [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            if (sizes.Length == 0 || sizes.Any(s => s <= 0)) throw new FormatException();
            return sizes;
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--hidden: expected positive sizes separated by commas, got '{text}'.");
        }
    }

    private static int Run(RunConfig config, string runDir, bool resuming)
    {
        if (config.Epochs <= 0 || config.BatchSize <= 0 || config.Patience < 0)
            throw new ArgumentException($"--epochs and --batch-size must be positive and --patience non-negative (got {config.Epochs}, {config.BatchSize} and {config.Patience}).");
        if (config.Augment) Augmentation.Side(config);
        RunData data = RunData.Load(config);
        config = config with
        {
            Features = data.Features, Classes = data.Classes, ClassNames = data.ClassNames, Scale = data.Scale,
            FeatureMean = data.Mean, FeatureStd = data.Std,
        };
        Sequential model = RunModel.Build(config);
        int batches = (data.TrainX.Shape[0] + config.BatchSize - 1) / config.BatchSize;
        Trainer trainer = RunModel.Trainer(config, model, batches);
        string checkpoint = Path.Combine(runDir, "checkpoint.safetensors");
        if (resuming)
        {
            trainer.LoadCheckpoint(checkpoint);
            AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(runDir)}[/] after epoch {trainer.Epoch}.");
        }
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, "config.json"), config.ToJson());

        AnsiConsole.MarkupLine($"[bold]{config.Model}[/] on [bold]{Markup.Escape(config.Dataset)}[/]: {data.TrainX.Shape[0]} train, " +
                               $"{data.ValX.Shape[0]} validation, {data.TestX.Shape[0]} test samples; {data.Features} features, {data.Classes} classes; " +
                               $"{model.Parameters().Sum(p => p.NumEl):N0} parameters; {config.Optimizer} lr {config.Lr}; {Threading.NumThreads} threads");
        AnsiConsole.WriteLine(model.ToString());
        AnsiConsole.MarkupLine($"{"epoch",6} {"train loss",11} {"val loss",9} {"val acc",8} {"lr",9} {"time",7} {"samples/s",10}");
        var train = new Nabla.Data.TensorDataset(data.TrainX, data.TrainY);
        // Early stopping watches the validation loss; a resumed run replays its history so the count carries over.
        EarlyStopping? stopper = config.Patience > 0 ? new EarlyStopping(config.Patience) : null;
        foreach (EpochResult past in trainer.History) stopper?.Step(past.ValidationLoss);
        while (trainer.Epoch < config.Epochs && stopper?.ShouldStop != true)
        {
            if (config.Augment) train = new Nabla.Data.TensorDataset(Augmentation.Apply(data.TrainX, config, trainer.Epoch), data.TrainY);
            EpochResult r = AnsiConsole.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask($"epoch {trainer.Epoch + 1}/{config.Epochs}", maxValue: batches);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    return trainer.RunEpoch(train, config.BatchSize, (data.ValX, data.ValY), p =>
                    {
                        task.Value = p.Batch;
                        task.Description = $"epoch {trainer.Epoch + 1}/{config.Epochs}  loss {p.RunningLoss:F4}  {p.Samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} samples/s";
                    });
                });
            AnsiConsole.MarkupLine($"{r.Epoch,6} {r.TrainLoss,11:F4} {r.ValidationLoss,9:F4} {r.ValidationAccuracy,8:P2} {r.LearningRate,9:G3} {r.Seconds,6:F2}s {data.TrainX.Shape[0] / r.Seconds,10:N0}");
            trainer.SaveCheckpoint(checkpoint, new Dictionary<string, string> { ["config"] = config.ToJson() });
            AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.csv"), Reports.MetricsCsv(trainer.History));
            if (stopper?.Step(r.ValidationLoss) == true)
                AnsiConsole.MarkupLine($"Early stop after epoch {r.Epoch}: no validation-loss improvement for {config.Patience} epochs (best {stopper.Best:F4} at epoch {stopper.BestEpoch + 1}).");
        }

        Tensor predictions = trainer.Predict(data.TestX);
        double accuracy = Classification.Accuracy(data.TestY, predictions);
        long[,] confusion = ToMatrix(Classification.ConfusionMatrix(data.TestY, predictions, data.Classes));
        AnsiConsole.MarkupLine($"\nTest accuracy: [bold green]{accuracy:P2}[/] on {data.TestY.Shape[0]} samples");
        AnsiConsole.Write(Reports.ConfusionTable(confusion, data.ClassNames));
        SafeTensors.Save(Path.Combine(runDir, "model.safetensors"), model.StateDict(),
                         new Dictionary<string, string> { ["config"] = config.ToJson() });
        AtomicFile.WriteAllText(Path.Combine(runDir, "confusion.csv"), Reports.ConfusionCsv(confusion, data.ClassNames));
        AtomicFile.WriteAllText(Path.Combine(runDir, "training.svg"),
                                Reports.Svg(trainer.History, $"{config.Model} on {Path.GetFileName(config.Dataset)}: test accuracy {accuracy:P2}"));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(runDir)}/: config.json, metrics.csv, model.safetensors, checkpoint.safetensors, confusion.csv, training.svg");
        return 0;
    }

    internal static long[,] ToMatrix(Tensor m)
    {
        int c = m.Shape[0];
        long[] v = m.ToArray<long>();
        var r = new long[c, c];
        for (int i = 0; i < c; i++)
            for (int j = 0; j < c; j++) r[i, j] = v[i * c + j];
        return r;
    }
}
