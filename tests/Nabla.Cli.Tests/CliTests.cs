using System.Globalization;
using Nabla.Cli;
using Nabla.Learn;
using Xunit;

namespace Nabla.Cli.Tests;

/// <summary>The nabla command line, run in-process on the embedded digits: one class, so that the tests that
/// redirect the console never run at the same time.</summary>
[Collection("console")]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-cli-" + Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Error) Run(params string[] args)
    {
        TextWriter saved = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (Program.Run(args), error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    private static string[] Train(string dir, int epochs, params string[] extra)
        => ["train", "--hidden", "16", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--seed", "3", "--out", dir, .. extra];

    [Fact]
    public void Train_writes_a_complete_run_directory()
    {
        string run = Path.Combine(_dir, "run");
        Assert.Equal(0, Run(Train(run, 3)).Code);
        foreach (string f in new[] { "config.json", "metrics.csv", "model.safetensors", "checkpoint.safetensors", "confusion.csv", "training.svg" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        string[] metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("epoch,train_loss,val_loss,val_accuracy,lr,seconds", metrics[0]);
        Assert.Equal(4, metrics.Length);
        // The loss of a 10-class classifier starts near ln 10 ≈ 2.30 and must fall.
        double first = double.Parse(metrics[1].Split(',')[1], CultureInfo.InvariantCulture);
        double last = double.Parse(metrics[3].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.InRange(first, 1.0, 2.5);
        Assert.True(last < first, $"loss went from {first} to {last}");
        // The confusion matrix holds every test sample: 20 % of 1,797 rounded down.
        long total = File.ReadAllLines(Path.Combine(run, "confusion.csv")).Skip(1)
                         .SelectMany(l => l.Split(',').Skip(1)).Sum(v => long.Parse(v, CultureInfo.InvariantCulture));
        Assert.Equal(359, total);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(run, "training.svg")));
    }

    [Fact]
    public void Patience_stops_training_the_given_number_of_epochs_after_the_best_validation_loss()
    {
        // With lr 0.05 the 16-unit MLP overfits the digits quickly: with --patience 3 of 40 epochs, training stops
        // once 3 epochs in a row fail to beat the best validation loss, so the best is exactly 3 rows before the end.
        string run = Path.Combine(_dir, "patience");
        Assert.Equal(0, Run(Train(run, 40, "--lr", "0.05", "--patience", "3")).Code);
        double[] val = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1)
                           .Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(val.Length, 4, 39);
        int best = Array.IndexOf(val, val.Min());
        Assert.Equal(val.Length - 1 - 3, best);
        Assert.Contains("\"patience\": 3", File.ReadAllText(Path.Combine(run, "config.json")));
    }

    [Fact]
    public void Resumed_run_has_exactly_the_losses_of_an_uninterrupted_one()
    {
        string full = Path.Combine(_dir, "full"), split = Path.Combine(_dir, "split");
        Assert.Equal(0, Run(Train(full, 4)).Code);
        Assert.Equal(0, Run(Train(split, 2)).Code);
        Assert.Equal(0, Run("train", "--resume", split, "--epochs", "4").Code);
        static string[] Losses(string dir) => [.. File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1)
                                                  .Select(l => string.Join(',', l.Split(',').Take(4)))];
        Assert.Equal(Losses(full), Losses(split));
        Assert.Equal(4, Losses(split).Length);
    }

    [Fact]
    public void Eval_and_predict_use_the_trained_model()
    {
        string run = Path.Combine(_dir, "run");
        Assert.Equal(0, Run(Train(run, 2)).Code);
        Assert.Equal(0, Run("eval", "--model", Path.Combine(run, "model.safetensors")).Code);
        string csv = Path.Combine(_dir, "rows.csv"), output = Path.Combine(_dir, "predictions.csv");
        File.WriteAllText(csv, string.Join(',', Enumerable.Range(0, 64).Select(i => $"p{i}")) + "\n"
                               + string.Join(',', Enumerable.Repeat("0", 64)) + "\n"
                               + string.Join(',', Enumerable.Range(0, 64).Select(i => (i % 17).ToString(CultureInfo.InvariantCulture))) + "\n");
        Assert.Equal(0, Run("predict", "--model", run, "--input", csv, "--output", output).Code);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal("index,prediction,class", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.InRange(int.Parse(l.Split(',')[1], CultureInfo.InvariantCulture), 0, 9));
    }

    [Fact]
    public void A_csv_with_a_non_numeric_cell_fails_with_one_line_and_writes_nothing()
    {
        string csv = Path.Combine(_dir, "bad.csv"), run = Path.Combine(_dir, "never");
        File.WriteAllText(csv, "a,b,label\n1,2,0\n3,oops,1\n");
        (int code, string error) = Run("train", "--dataset", csv, "--out", run);
        Assert.Equal(1, code);
        Assert.StartsWith("nabla: error: ", error);
        Assert.Contains("bad.csv", error);
        Assert.Contains("oops", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_truncated_idx_file_is_reported_by_name()
    {
        string run = Path.Combine(_dir, "run"), idx = Path.Combine(_dir, "images-idx3-ubyte");
        Assert.Equal(0, Run(Train(run, 1)).Code);
        // IDX image header: magic 0x00000803, 2 images of 8×8, but only 10 of the 128 pixel bytes.
        File.WriteAllBytes(idx, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 8, 0, 0, 0, 8, .. new byte[10]]);
        (int code, string error) = Run("predict", "--model", run, "--input", idx);
        Assert.Equal(1, code);
        Assert.Contains("images-idx3-ubyte", error);
        Assert.Contains("need 128 data bytes from offset 16, found 10 (truncated)", error);
    }

    [Fact]
    public void A_checkpoint_whose_shapes_do_not_match_the_model_is_refused()
    {
        string run = Path.Combine(_dir, "run");
        Assert.Equal(0, Run(Train(run, 1)).Code);
        string config = Path.Combine(run, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"hidden\": [\n    16\n  ]", "\"hidden\": [\n    32\n  ]", StringComparison.Ordinal));
        (int code, string error) = Run("eval", "--model", run);
        Assert.Equal(1, code);
        Assert.Contains("size mismatch", error);
        Assert.Contains("0.weight", error);
    }

    [Fact]
    public void Unknown_options_are_rejected()
    {
        Assert.NotEqual(0, Run("train", "--model", "transformer").Code);
        Assert.Equal(1, Run("train", "--hidden", "8,x", "--out", Path.Combine(_dir, "x")).Code);
    }
}
