using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Cli.Runs;
using Nabla.IO;
using Nabla.Models;
using Nabla.Models.Text;
using Nabla.Optim;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla train gpt --text FILE</c>: trains a character- or BPE-level GPT on a text file (first 90 % for
/// training, last 10 % for validation) with AdamW and writes a run directory: config.json, tokenizer.json,
/// model.safetensors, metrics.csv and loss.svg. <c>nabla generate --model DIR</c> samples from it.</summary>
internal static class TrainGptCommand
{
    public static Command Create()
    {
        var text = new Option<string>("--text") { Description = "UTF-8 text file to train on", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => 300 };
        var block = new Option<int>("--block") { Description = "Context length (tokens)", DefaultValueFactory = _ => 128 };
        var tokenizer = new Option<string>("--tokenizer") { Description = "char, or bpe (byte-level, trained on the text)", DefaultValueFactory = _ => "char" };
        tokenizer.AcceptOnlyFromAmong("char", "bpe");
        var vocab = new Option<int>("--vocab") { Description = "BPE vocabulary size (with --tokenizer bpe)", DefaultValueFactory = _ => 512 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Steps between validation losses", DefaultValueFactory = _ => 50 };
        var shared = new ModelTrainOptions(new("gpt", 4, "Transformer blocks", 128, "Embedding width", 32, "Sequences per step", 3e-4, "AdamW", "<file>"));
        var command = new Command("gpt", "Train a GPT language model on a text file and write a run directory")
        {
            text, steps, block, tokenizer, vocab, evalEvery,
        };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            string file = parse.GetValue(text)!;
            string runDir = shared.Start(parse, Path.GetFileNameWithoutExtension(file));
            return Run(file, runDir, parse.GetValue(tokenizer)!, parse.GetValue(vocab), parse.GetValue(steps), parse.GetValue(block),
                       parse.GetValue(shared.Layers), parse.GetValue(shared.Heads), parse.GetValue(shared.Embd), parse.GetValue(shared.Batch),
                       parse.GetValue(shared.Lr), parse.GetValue(evalEvery), parse.GetValue(shared.Seed));
        });
        return command;
    }

    private static int Run(string file, string runDir, string tokenizerKind, int vocab, int steps, int block, int layers, int heads,
                           int embd, int batch, double lr, int evalEvery, long seed)
    {
        if (steps <= 0 || batch <= 0 || evalEvery <= 0) throw new ArgumentException($"--steps, --batch and --eval-every must be positive (got {steps}, {batch}, {evalEvery}).");
        if (!File.Exists(file)) throw new IOException($"--text: file '{file}' does not exist.");
        string corpus = File.ReadAllText(file);
        ITokenizer tok = tokenizerKind == "bpe" ? BpeTokenizer.Train(corpus, vocab) : CharTokenizer.FromText(corpus);
        (TextData train, TextData val) = TextData.Split(tok.Encode(corpus));
        var config = new GptConfig(tok.VocabSize, block, layers, heads, embd);
        config.Validate();
        if (val.Length < block + 2) throw new ArgumentException($"--text: the validation tenth of '{file}' has {val.Length} tokens, too few for --block {block}.");
        var model = new Gpt(config, new Generator(seed));
        var opt = new AdamW(model.Parameters(), lr: lr);
        var g = new Generator(seed + 1);

        JsonObject json = ConfigJson(config, tokenizerKind, file, steps, batch, lr, seed);
        ModelTrainOptions.WriteConfig(runDir, json);
        tok.Save(Path.Combine(runDir, "tokenizer.json"));
        AnsiConsole.MarkupLine($"[bold]gpt[/] on [bold]{Markup.Escape(file)}[/]: {train.Length:N0} train / {val.Length:N0} validation tokens, " +
                               $"{tokenizerKind} vocabulary {tok.VocabSize}; {model.Parameters().Sum(p => p.NumEl):N0} parameters; " +
                               $"{layers} layers, {heads} heads, {embd}-d, block {block}, batch {batch}; AdamW lr {lr}; {Threading.NumThreads} threads");

        var rows = new List<StepRow>();
        var clock = Stopwatch.StartNew();
        ModelTrainOptions.Progress("training", steps, i =>
        {
            int step = i + 1;
            (Tensor x, Tensor y) = train.RandomBatch(batch, block, g);
            Tensor loss = model.Loss(x, y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            double vl = step % evalEvery == 0 || step == steps ? ValidationLoss(model, val, block, batch) : double.NaN;
            rows.Add(new StepRow(step, loss.Item<float>(), vl, clock.Elapsed.TotalSeconds));
            if (!double.IsNaN(vl)) AnsiConsole.MarkupLine($"step {step,6}  train loss {rows[^1].TrainLoss:F4}  val loss {vl:F4}  {clock.Elapsed.TotalSeconds:F1}s");
            double tokensPerS = (double)step * batch * block / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            return $"step {step}/{steps}  loss {rows[^1].TrainLoss:F3}  {tokensPerS:N0} tokens/s";
        });

        SafeTensors.Save(Path.Combine(runDir, "model.safetensors"), model.StateDict(), new Dictionary<string, string> { ["config"] = json.ToJsonString() });
        AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.csv"), StepReports.Csv(rows));
        double finalVal = rows[^1].ValidationLoss;
        AtomicFile.WriteAllText(Path.Combine(runDir, "loss.svg"), StepReports.Svg(rows, $"gpt on {Path.GetFileName(file)}: val loss {finalVal:F3}"));
        string sample = tok.Decode(model.Generate(tok.Encode(corpus[..1]), Math.Min(200, 4 * block), new SamplingOptions(), new Generator(seed)));
        AnsiConsole.MarkupLine($"\nFinal validation loss [bold green]{finalVal:F4}[/]. Sample:");
        AnsiConsole.WriteLine(sample);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(runDir)}/: config.json, tokenizer.json, model.safetensors, metrics.csv, loss.svg");
        return 0;
    }

    /// <summary>Mean loss over up to 8 evenly spaced validation batches (the same windows every time).</summary>
    internal static double ValidationLoss(Gpt model, TextData val, int block, int batch)
    {
        int windows = Math.Clamp((val.Length - block - 1) / block, 2, 8 * batch);
        (Tensor vx, Tensor vy) = val.FixedWindows(windows, block);
        model.Eval();
        double sum = 0;
        int n = 0;
        using (GradMode.Disable())
        {
            for (int i = 0; i < windows; i += batch, n++)
            {
                int b = Math.Min(batch, windows - i);
                sum += model.Loss(vx.Narrow(0, i, b), vy.Narrow(0, i, b)).Item<float>() * b;
            }
        }
        model.Train();
        return sum / windows;
    }

    internal static JsonObject ConfigJson(GptConfig config, string tokenizer, string text, int steps, int batch, double lr, long seed) => new()
    {
        ["model"] = "gpt", ["vocab_size"] = config.VocabSize, ["block_size"] = config.BlockSize, ["n_layer"] = config.NLayer,
        ["n_head"] = config.NHead, ["n_embd"] = config.NEmbd, ["tokenizer"] = tokenizer, ["text"] = Path.GetFullPath(text),
        ["steps"] = steps, ["batch"] = batch, ["lr"] = lr, ["seed"] = seed,
    };

    /// <summary>The model size stored in a run's config.json.</summary>
    /// <exception cref="InvalidDataException">The file is not a GPT run configuration.</exception>
    internal static GptConfig ReadConfig(string path)
    {
        JsonObject json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        if (json["model"]?.GetValue<string>() != "gpt") throw new InvalidDataException($"{path}: not a GPT run (model is '{json["model"]}').");
        int Get(string key) => json[key]?.GetValue<int>() ?? throw new InvalidDataException($"{path}: missing \"{key}\".");
        return new GptConfig(Get("vocab_size"), Get("block_size"), Get("n_layer"), Get("n_head"), Get("n_embd"));
    }
}
