using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Cli.Runs;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary>The options that <c>nabla train gpt|bert|vit</c> share (model size, batch, learning rate, seed, threads,
/// run directory), each command giving its own defaults, and the pieces of a run they share.</summary>
internal sealed class ModelTrainOptions
{
    /// <summary>Per-command defaults and wording.</summary>
    /// <param name="Kind">The model's name in the default run directory (runs/&lt;time&gt;-&lt;kind&gt;-&lt;name&gt;).</param>
    /// <param name="Layers">Default number of transformer blocks.</param>
    /// <param name="LayersDescription">What a layer is for this model.</param>
    /// <param name="Embd">Default width.</param>
    /// <param name="EmbdDescription">What the width is called for this model.</param>
    /// <param name="Batch">Default batch size.</param>
    /// <param name="BatchDescription">What one batch element is.</param>
    /// <param name="Lr">Default learning rate.</param>
    /// <param name="Optimizer">The optimizer's name, for the help text.</param>
    /// <param name="RunDirName">How the default run directory names the data.</param>
    public sealed record Defaults(string Kind, int Layers, string LayersDescription, int Embd, string EmbdDescription, int Batch,
                                  string BatchDescription, double Lr, string Optimizer, string RunDirName);

    private readonly string _kind;

    public ModelTrainOptions(Defaults d)
    {
        _kind = d.Kind;
        Layers = new Option<int>("--layers") { Description = d.LayersDescription, DefaultValueFactory = _ => d.Layers };
        Heads = new Option<int>("--heads") { Description = "Attention heads", DefaultValueFactory = _ => 4 };
        Embd = new Option<int>("--embd") { Description = d.EmbdDescription, DefaultValueFactory = _ => d.Embd };
        Batch = new Option<int>("--batch") { Description = d.BatchDescription, DefaultValueFactory = _ => d.Batch };
        Lr = new Option<double>("--lr") { Description = $"{d.Optimizer} learning rate", DefaultValueFactory = _ => d.Lr };
        Seed = new Option<long>("--seed") { Description = "Seed for initialisation and batches", DefaultValueFactory = _ => 0L };
        Threads = new Option<int?>("--threads") { Description = "Worker threads (default: NABLA_NUM_THREADS or the core count)" };
        Out = new Option<string?>("--out") { Description = $"Run directory (default: runs/<time>-{d.Kind}-{d.RunDirName})" };
    }

    public Option<int> Layers { get; }
    public Option<int> Heads { get; }
    public Option<int> Embd { get; }
    public Option<int> Batch { get; }
    public Option<double> Lr { get; }
    public Option<long> Seed { get; }
    public Option<int?> Threads { get; }
    public Option<string?> Out { get; }

    /// <summary>Adds the shared options to a command, after its own.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Layers, Heads, Embd, Batch, Lr, Seed, Threads, Out }) command.Options.Add(o);
    }

    /// <summary>Applies <c>--threads</c> and returns the run directory (<c>--out</c> or a time-stamped default).</summary>
    public string Start(ParseResult parse, string name)
    {
        if (parse.GetValue(Threads) is int t) Threading.NumThreads = t;
        return parse.GetValue(Out) ?? Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{_kind}-{name}");
    }

    /// <summary>Creates the run directory and writes its config.json (atomically, indented).</summary>
    public static void WriteConfig(string runDir, JsonObject config)
    {
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Runs <paramref name="count"/> steps under a console progress bar; <paramref name="step"/> does step i
    /// (0-based) and returns the bar's new description.</summary>
    public static void Progress(string name, int count, Func<int, string> step) =>
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(name, maxValue: count);
                for (int i = 0; i < count; i++)
                {
                    task.Description = step(i);
                    task.Increment(1);
                }
            });
}
