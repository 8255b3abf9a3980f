using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Cli;
using Nabla.Data;
using Nabla.Learn;
using Nabla.Learn.Persistence;
using Nabla.Learn.Tree;
using Spectre.Console;
using Xunit;

namespace Nabla.Cli.Tests;

/// <summary><c>nabla fit</c> and <c>nabla cv</c> on the embedded digits, run in-process. In the "console" collection
/// with CliTests, so that console redirection never overlaps another CLI test.</summary>
[Collection("console")]
public sealed class FitCvTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-fit-" + Guid.NewGuid().ToString("N"));

    public FitCvTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        // The commands print through Spectre.Console, which holds its own writer: swap its console, not Console.Out.
        TextWriter savedError = Console.Error;
        IAnsiConsole savedConsole = AnsiConsole.Console;
        using var output = new StringWriter();
        using var error = new StringWriter();
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        Console.SetError(error);
        try
        {
            return (Program.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            AnsiConsole.Console = savedConsole;
            Console.SetError(savedError);
        }
    }

    [Fact]
    public void Fit_saves_a_model_that_reloads_and_predicts_the_reported_accuracy()
    {
        string run = Path.Combine(_dir, "tree");
        var (code, _, error) = Run("fit", "decision_tree", "--data", "digits", "--param", "max_depth=6", "--param", "criterion=entropy",
                                   "--test-size", "0.25", "--seed", "4", "--out", run);
        Assert.True(code == 0, error);
        foreach (string f in new[] { "model.json", "metrics.json", "confusion.csv" }) Assert.True(File.Exists(Path.Combine(run, f)), f);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!;
        // ⌈0.25 · 1797⌉ = 450 test samples.
        Assert.Equal(450, metrics["test_samples"]!.GetValue<int>());
        var model = Assert.IsType<DecisionTreeClassifier>(EstimatorJson.Load(Path.Combine(run, "model.json")));
        Assert.Equal(6, model.MaxDepth);
        Assert.Equal(Criterion.Entropy, model.Criterion);
        // Reload and predict on the same split (same seed): the accuracy metrics.json reports.
        (Tensor x, Tensor y) = Digits.Load();
        (_, Tensor xTest, _, Tensor yTest) = Nabla.Learn.ModelSelection.Validation.TrainTestSplit(x, y, 0.25, stratify: y, randomState: 4);
        Assert.Equal(metrics["accuracy"]!.GetValue<double>(), Classification.Accuracy(yTest, model.Predict(xTest)), 12);
        Assert.InRange(metrics["accuracy"]!.GetValue<double>(), 0.75, 0.95);
        // The confusion matrix counts every test sample.
        long total = File.ReadAllLines(Path.Combine(run, "confusion.csv")).Skip(1)
                         .SelectMany(l => l.Split(',').Skip(1)).Sum(v => long.Parse(v, CultureInfo.InvariantCulture));
        Assert.Equal(450, total);
    }

    [Fact]
    public void Cv_prints_mean_and_std_for_each_scoring()
    {
        var (code, output, error) = Run("cv", "random_forest", "--data", "digits", "--folds", "3", "--param", "n_estimators=10",
                                        "--param", "random_state=0", "--scoring", "accuracy,f1_macro,roc_auc_ovr");
        Assert.True(code == 0, error);
        foreach (string s in new[] { "accuracy", "f1_macro", "roc_auc_ovr", "±" }) Assert.Contains(s, output);
    }

    [Fact]
    public void Bad_estimators_parameters_and_data_fail_with_one_clear_line()
    {
        Assert.Contains("unknown estimator 'svm_thing'", Run("fit", "svm_thing", "--data", "digits").Error);
        Assert.Contains("has no parameter 'depth'", Run("fit", "decision_tree", "--data", "digits", "--param", "depth=3").Error);
        Assert.Contains("cannot read 'deep' as Int32", Run("fit", "decision_tree", "--data", "digits", "--param", "max_depth=deep").Error);
        Assert.Contains("not digits, fashion-mnist or an existing CSV", Run("cv", "decision_tree", "--data", Path.Combine(_dir, "none.csv")).Error);
        Assert.Contains("unknown scoring 'auc'", Run("cv", "decision_tree", "--data", "digits", "--scoring", "auc").Error);
    }
}
