using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Cli.Runs;
using Nabla.Data;
using Nabla.Learn;
using Nabla.Learn.ModelSelection;
using Nabla.Learn.Persistence;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla fit &lt;estimator&gt; --data csv|digits|fashion-mnist [--param k=v …] [--test-size 0.25] [--seed 0]</c>:
/// fits a classical estimator on a stratified training split, prints test metrics and the confusion matrix, and saves
/// the model (model.json, <see cref="EstimatorJson"/>), metrics.json and confusion.csv in a run directory.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var estimator = new Argument<string>("estimator") { Description = "logistic_regression, decision_tree, random_forest, …" };
        var data = DataOption();
        var header = HeaderOption();
        var parameters = ParamOption();
        var testSize = new Option<double>("--test-size") { Description = "Fraction held out for testing", DefaultValueFactory = _ => 0.25 };
        var seed = new Option<long>("--seed") { Description = "Seed of the split (and of estimators with a RandomState left unset)", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/fit-<estimator>-<UTC time>)" };
        var command = new Command("fit", "Fit a classical estimator and report test metrics") { estimator, data, header, parameters, testSize, seed, output };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(estimator)!;
            (Tensor x, Tensor y, string[] classNames) = LoadData(parse.GetValue(data)!, parse.GetValue(header));
            IPredictor model = EstimatorRegistry.Create(name, parse.GetValue(parameters) ?? []);
            long s = parse.GetValue(seed);
            bool classifier = model is IClassifier;
            (Tensor xTrain, Tensor xTest, Tensor yTrain, Tensor yTest) =
                Validation.TrainTestSplit(x, y, parse.GetValue(testSize), stratify: classifier ? y : null, randomState: s);
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Fit(xTrain, yTrain);
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            Tensor predicted = model.Predict(xTest);
            var metrics = new JsonObject { ["estimator"] = name, ["fit_seconds"] = seconds, ["train_samples"] = xTrain.Size(0), ["test_samples"] = xTest.Size(0) };
            var table = new Table().Border(TableBorder.Rounded).AddColumn("metric").AddColumn(new TableColumn("test").RightAligned());
            string dir = parse.GetValue(output) ?? Path.Combine("runs", $"fit-{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            Directory.CreateDirectory(dir);
            if (classifier)
            {
                double accuracy = Classification.Accuracy(yTest, predicted);
                double f1 = Classification.F1Score(yTest, predicted, Average.Macro);
                (metrics["accuracy"], metrics["f1_macro"]) = (accuracy, f1);
                table.AddRow("accuracy", accuracy.ToString("P2", CultureInfo.InvariantCulture)).AddRow("f1_macro", f1.ToString("F4", CultureInfo.InvariantCulture));
                long[,] confusion = TrainCommand.ToMatrix(Classification.ConfusionMatrix(yTest, predicted, classNames.Length));
                AnsiConsole.Write(table);
                AnsiConsole.Write(Reports.ConfusionTable(confusion, classNames));
                AtomicFile.WriteAllText(Path.Combine(dir, "confusion.csv"), Reports.ConfusionCsv(confusion, classNames));
            }
            else
            {
                double r2 = Regression.R2Score(yTest, predicted), mse = Regression.MeanSquaredError(yTest, predicted);
                (metrics["r2"], metrics["mse"]) = (r2, mse);
                AnsiConsole.Write(table.AddRow("r2", r2.ToString("F4", CultureInfo.InvariantCulture)).AddRow("mse", mse.ToString("G6", CultureInfo.InvariantCulture)));
            }
            EstimatorJson.Save(model, Path.Combine(dir, "model.json"));
            AtomicFile.WriteAllText(Path.Combine(dir, "metrics.json"), metrics.ToJsonString() + "\n");
            AnsiConsole.MarkupLine($"Fitted in {seconds:F2} s; wrote {Markup.Escape(dir)}/: model.json, metrics.json{(classifier ? ", confusion.csv" : "")}");
            return 0;
        });
        return command;
    }

    internal static Option<string> DataOption() => new("--data")
    {
        Description = "digits (embedded), fashion-mnist (/usr/share/datasets/fashion-mnist, training file), or a CSV path (last column the label)",
        Required = true,
    };

    internal static Option<bool> HeaderOption() => new("--header") { Description = "The CSV's first line holds column names" };

    internal static Option<string[]> ParamOption() => new("--param")
    {
        Description = "An estimator parameter name=value (snake_case or PascalCase), repeatable: --param max_depth=5",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>Features (N, F) Float32, labels (N) Int64 and class names.</summary>
    internal static (Tensor X, Tensor Y, string[] ClassNames) LoadData(string data, bool header)
    {
        switch (data)
        {
            case "digits":
            {
                (Tensor x, Tensor y) = Digits.Load();
                return (x, y, Names(Digits.Classes));
            }
            case "fashion-mnist":
            {
                (Tensor images, Tensor labels) = FashionMnist.Load(train: true);
                return (images.Reshape(images.Shape[0], -1).DivInPlace(255), labels, [.. FashionMnist.ClassNames]);
            }
            default:
            {
                if (!File.Exists(data)) throw new FileNotFoundException($"--data: '{data}' is not digits, fashion-mnist or an existing CSV file.", data);
                CsvTable table = Csv.Read(data, header, labelColumn: -1);
                Tensor y = table.Labels!;
                long classes = y.Size(0) == 0 ? 0 : y.Max().Item<long>() + 1;
                return (table.Features, y, Names((int)Math.Max(classes, 1)));
            }
        }
    }

    private static string[] Names(int k) => Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
}
