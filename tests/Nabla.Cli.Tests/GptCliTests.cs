using System.Globalization;
using Nabla.Cli;
using Xunit;

// Spectre.Console allows one live progress display per process, and every training command shows one: the test
// classes of this assembly must not run at the same time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Nabla.Cli.Tests;

/// <summary><c>nabla train gpt</c> and <c>nabla generate</c> on a tiny text with a tiny model (a second or two).</summary>
public sealed class GptCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-gpt-cli-" + Guid.NewGuid().ToString("N"));

    public GptCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Corpus()
    {
        string path = Path.Combine(_dir, "text.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 60)));
        return path;
    }

    private static string[] TrainArgs(string text, string run, params string[] extra) => TrainSteps(text, run, 30, extra);

    private static string[] TrainSteps(string text, string run, int steps, params string[] extra) =>
        ["train", "gpt", "--text", text, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--block", "16", "--layers", "1", "--heads", "2", "--embd", "16",
         "--batch", "8", "--lr", "0.01", "--eval-every", "10", "--threads", "1", "--out", run, .. extra];

    [Fact]
    public void TrainGptWritesARunDirectoryAndGenerateContinuesAPrompt()
    {
        string run = Path.Combine(_dir, "run");
        Assert.Equal(0, Program.Run(TrainArgs(Corpus(), run)));
        foreach (string f in new[] { "config.json", "tokenizer.json", "model.safetensors", "metrics.csv", "loss.svg" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        string[] metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("step,train_loss,val_loss,seconds", metrics[0]);
        Assert.Equal(31, metrics.Length);
        // 11 distinct characters: the loss starts near ln 11 ≈ 2.40 and falls on this repetitive text.
        double first = double.Parse(metrics[1].Split(',')[1], CultureInfo.InvariantCulture);
        double last = double.Parse(metrics[30].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.InRange(first, 2.2, 2.6);
        Assert.True(last < first - 0.5, $"loss went from {first} to {last}");
        Assert.NotEqual("", metrics[10].Split(',')[2]);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(run, "loss.svg")));

        string a = Path.Combine(_dir, "a.txt"), b = Path.Combine(_dir, "b.txt"), c = Path.Combine(_dir, "c.txt");
        Assert.Equal(0, Program.Run(["generate", "--model", run, "--prompt", "the c", "--tokens", "12", "--seed", "4", "--top-k", "3", "--out", a]));
        Assert.Equal(0, Program.Run(["generate", "--model", run, "--prompt", "the c", "--tokens", "12", "--seed", "4", "--top-k", "3", "--no-cache", "--out", b]));
        Assert.Equal(0, Program.Run(["generate", "--model", run, "--prompt", "the c", "--tokens", "12", "--temperature", "0", "--out", c]));
        string text = File.ReadAllText(a);
        Assert.StartsWith("the c", text, StringComparison.Ordinal);
        Assert.Equal(5 + 12, text.Length);
        // Prompt + 12 tokens = 17 > block 16: past the block the cached path refills, so only the first 11 new
        // characters (the context fits the block) must agree with the uncached run.
        Assert.Equal(text[..16], File.ReadAllText(b)[..16]);
        Assert.Equal(17, File.ReadAllText(c).Length);
    }

    [Fact]
    public void BpeTokenizerRunsAndBadInputFails()
    {
        string run = Path.Combine(_dir, "bpe");
        Assert.Equal(0, Program.Run(TrainSteps(Corpus(), run, 3, "--tokenizer", "bpe", "--vocab", "270")));
        Assert.Contains("\"bpe\"", File.ReadAllText(Path.Combine(run, "tokenizer.json")), StringComparison.Ordinal);
        Assert.Equal(1, Program.Run(["generate", "--model", Path.Combine(_dir, "missing")]));
        Assert.Equal(1, Program.Run(TrainArgs(Path.Combine(_dir, "none.txt"), run)));
        Assert.Equal(1, Program.Run(TrainArgs(Corpus(), run, "--heads", "3")));
    }
}

/// <summary><c>nabla train bert</c> and <c>nabla train vit</c> at toy sizes.</summary>
public sealed class BertVitCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-bert-vit-cli-" + Guid.NewGuid().ToString("N"));

    public BertVitCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainBertPretrainsFineTunesAndWritesARun()
    {
        string text = Path.Combine(_dir, "lines.txt");
        File.WriteAllLines(text, Enumerable.Range(0, 40).Select(i => $"line {(char)('a' + i % 7)}{(char)('a' + i % 5)} of the text"));
        string run = Path.Combine(_dir, "bert");
        Assert.Equal(0, Program.Run(["train", "bert", "--text", text, "--steps", "6", "--finetune-steps", "4", "--block", "16", "--layers", "1",
                                     "--heads", "2", "--embd", "16", "--batch", "8", "--threads", "1", "--out", run]));
        foreach (string f in new[] { "config.json", "tokenizer.json", "model.safetensors", "metrics.csv", "loss.svg" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        // 6 masked-LM steps + 4 classifier steps, one row each after the header.
        Assert.Equal(11, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
        Assert.Contains("\"bert\"", File.ReadAllText(Path.Combine(run, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void TrainVitWritesARun()
    {
        if (!File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) return;   // the dataset is a system package
        string run = Path.Combine(_dir, "vit");
        Assert.Equal(0, Program.Run(["train", "vit", "--limit", "64", "--test-limit", "50", "--batch", "32", "--embd", "16", "--heads", "2",
                                     "--layers", "1", "--threads", "1", "--out", run]));
        string[] metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("epoch,train_loss,test_accuracy,seconds", metrics[0]);
        // 10 classes: the first epoch's mean loss is near ln 10 ≈ 2.30.
        Assert.InRange(double.Parse(metrics[1].Split(',')[1], CultureInfo.InvariantCulture), 1.9, 2.6);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));
    }
}
