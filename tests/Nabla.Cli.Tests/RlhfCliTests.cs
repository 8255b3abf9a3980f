using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Cli;
using Xunit;

namespace Nabla.Cli.Tests;

/// <summary><c>nabla rlhf</c> on a tiny GPT run: the run directory it writes, <c>nabla generate</c> on it, the
/// terminal labeler, and bad input. (Whether PPO raises a reward is proven in Nabla.Models.Tests.RlhfTests.)</summary>
public sealed class RlhfCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nabla-rlhf-cli-" + Guid.NewGuid().ToString("N"));

    public RlhfCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TinyGpt()
    {
        string text = Path.Combine(_dir, "text.txt"), run = Path.Combine(_dir, "gpt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 60)));
        Assert.Equal(0, Program.Run(["train", "gpt", "--text", text, "--steps", "20", "--block", "16", "--layers", "1", "--heads", "2", "--embd", "16",
                                     "--batch", "8", "--lr", "0.01", "--eval-every", "10", "--threads", "1", "--out", run]));
        return run;
    }

    private static string[] RlhfArgs(string model, string run, params string[] extra) =>
        ["rlhf", "--model", model, "--prompt", "the ", "--prefer", "a", "--pairs", "20", "--rm-steps", "10", "--steps", "3", "--batch", "4",
         "--new-tokens", "8", "--threads", "1", "--out", run, .. extra];

    [Fact]
    public void Rlhf_writes_a_run_that_generate_reads()
    {
        string gpt = TinyGpt(), run = Path.Combine(_dir, "rlhf");
        Assert.Equal(0, Program.Run(RlhfArgs(gpt, run)));
        foreach (string f in new[] { "config.json", "tokenizer.json", "model.safetensors", "reward_model.safetensors", "metrics.csv", "rlhf.svg", "samples.txt" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        string[] metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("step,reward,labeler_score,kl", metrics[0]);
        Assert.Equal(4, metrics.Length);
        foreach (string row in metrics[1..])
        {
            double[] v = [.. row.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
            // The labeler score counts "a" in 8 characters; KL of the first step is 0 (the policy is the original).
            Assert.InRange(v[2], 0, 8);
            Assert.True(double.IsFinite(v[1]) && double.IsFinite(v[3]), row);
        }
        Assert.Equal(0, double.Parse(metrics[1].Split(',')[3], CultureInfo.InvariantCulture), 1e-6);
        JsonObject config = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!.AsObject();
        Assert.Equal("gpt", config["model"]!.GetValue<string>());
        Assert.Equal("a", config["rlhf"]!["prefer"]!.GetValue<string>());
        Assert.InRange(config["rlhf"]!["rm_heldout_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(run, "rlhf.svg")), StringComparison.Ordinal);
        string samples = File.ReadAllText(Path.Combine(run, "samples.txt"));
        Assert.Contains("== before ==", samples, StringComparison.Ordinal);
        Assert.Contains("== after ==", samples, StringComparison.Ordinal);

        string text = Path.Combine(_dir, "g.txt");
        Assert.Equal(0, Program.Run(["generate", "--model", run, "--prompt", "the ", "--tokens", "8", "--out", text]));
        Assert.Equal(4 + 8, File.ReadAllText(text).Length);
    }

    [Fact]
    public void The_terminal_labeler_reads_one_answer_per_pair()
    {
        string gpt = TinyGpt();
        TextReader stdin = Console.In;
        try
        {
            // 20 pairs: answers alternate 1 and 2, with skips ("s") that draw another pair.
            Console.SetIn(new StringReader(string.Join('\n', Enumerable.Range(0, 30).Select(i => i % 3 == 2 ? "s" : (i % 2 + 1).ToString(CultureInfo.InvariantCulture)))));
            Assert.Equal(0, Program.Run(RlhfArgs(gpt, Path.Combine(_dir, "asked"), "--labeler", "ask")));
            // Input that ends early stops with an error instead of waiting.
            Console.SetIn(new StringReader("1\n2\n"));
            Assert.Equal(1, Program.Run(RlhfArgs(gpt, Path.Combine(_dir, "short"), "--labeler", "ask")));
        }
        finally
        {
            Console.SetIn(stdin);
        }
    }

    [Fact]
    public void Bad_input_fails_with_a_message()
    {
        Assert.Equal(1, Program.Run(["rlhf", "--model", Path.Combine(_dir, "missing")]));
        string gpt = TinyGpt();
        Assert.Equal(1, Program.Run(RlhfArgs(gpt, Path.Combine(_dir, "x"), "--prefer", "")));
        Assert.Equal(1, Program.Run(RlhfArgs(gpt, Path.Combine(_dir, "x"), "--new-tokens", "40")));
        Assert.Equal(1, Program.Run(RlhfArgs(gpt, Path.Combine(_dir, "x"), "--pairs", "3")));
    }

    [Fact]
    public void The_rule_labeler_counts_non_overlapping_occurrences()
    {
        Assert.Equal(4, Nabla.Cli.Commands.RlhfCommand.Count("LORD LORD LORDLORD", "LORD"));
        Assert.Equal(1, Nabla.Cli.Commands.RlhfCommand.Count("aaa", "aa"));
        Assert.Equal(0, Nabla.Cli.Commands.RlhfCommand.Count("Lord", "LORD"));
    }
}
