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
using F = Nabla.Nn.Functional;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla train bert --text FILE</c>: pre-trains a character-level BERT with masked-LM on sentence pairs
/// (one sentence per line; first 90 % of the lines), then fine-tunes a next-sentence classifier on [CLS] and reports
/// its accuracy on pairs from the last 10 % of the lines. Writes config.json, tokenizer.json, model.safetensors,
/// metrics.csv and loss.svg.</summary>
internal static class TrainBertCommand
{
    public static Command Create()
    {
        var text = new Option<string>("--text") { Description = "Text file, one sentence per line", Required = true };
        var steps = new Option<int>("--steps") { Description = "Masked-LM pre-training steps", DefaultValueFactory = _ => 200 };
        var finetune = new Option<int>("--finetune-steps") { Description = "Next-sentence fine-tuning steps", DefaultValueFactory = _ => 100 };
        var block = new Option<int>("--block") { Description = "Sequence length ([CLS] A [SEP] B [SEP])", DefaultValueFactory = _ => 64 };
        var shared = new ModelTrainOptions(new("bert", 2, "Encoder layers", 128, "Width", 32, "Pairs per step", 1e-3, "AdamW", "<file>"));
        var command = new Command("bert", "Pre-train a BERT (masked LM) on a text file, fine-tune a next-sentence classifier, write a run directory")
        {
            text, steps, finetune, block,
        };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            string file = parse.GetValue(text)!;
            if (!File.Exists(file)) throw new IOException($"--text: file '{file}' does not exist.");
            int nSteps = parse.GetValue(steps), nFine = parse.GetValue(finetune), nBatch = parse.GetValue(shared.Batch), t2 = parse.GetValue(block);
            if (nSteps < 0 || nFine <= 0 || nBatch <= 0) throw new ArgumentException($"--steps must be ≥ 0, --finetune-steps and --batch positive (got {nSteps}, {nFine}, {nBatch}).");
            string runDir = shared.Start(parse, Path.GetFileNameWithoutExtension(file));
            double learningRate = parse.GetValue(shared.Lr);
            string corpus = File.ReadAllText(file);
            string[] lines = corpus.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var tok = new BertTokenizer(CharTokenizer.FromText(string.Concat(lines)));
            var data = new BertData(tok, lines);
            int trainLines = (int)(0.9 * data.Count);
            if (data.Count - trainLines < 2) throw new ArgumentException($"--text: '{file}' has {data.Count} lines; at least 20 are needed for a 90/10 split.");
            long s = parse.GetValue(shared.Seed);
            int width = parse.GetValue(shared.Embd);
            var config = new BertConfig(tok.VocabSize, t2, width, parse.GetValue(shared.Layers), parse.GetValue(shared.Heads), 4 * width);
            var bert = new Bert(config, new Generator(s));
            var clf = new BertClassifier(bert, 2, new Generator(s + 1));
            var g = new Generator(s + 2);
            var json = new JsonObject
            {
                ["model"] = "bert", ["vocab_size"] = config.VocabSize, ["max_position"] = config.MaxPosition, ["hidden"] = config.Hidden,
                ["layers"] = config.Layers, ["heads"] = config.Heads, ["intermediate"] = config.Intermediate, ["text"] = Path.GetFullPath(file),
                ["steps"] = nSteps, ["finetune_steps"] = nFine, ["batch"] = nBatch, ["lr"] = learningRate, ["seed"] = s,
            };
            ModelTrainOptions.WriteConfig(runDir, json);
            tok.Chars.Save(Path.Combine(runDir, "tokenizer.json"));
            AnsiConsole.MarkupLine($"[bold]bert[/] on [bold]{Markup.Escape(file)}[/]: {data.Count:N0} lines ({trainLines:N0} train), vocabulary {tok.VocabSize} " +
                                   $"(4 specials); {clf.Parameters().Sum(p => p.NumEl):N0} parameters; {Threading.NumThreads} threads");
            var rows = new List<StepRow>();
            var clock = Stopwatch.StartNew();
            void Phase(string name, int count, Optimizer opt, Func<BertBatch, Tensor> lossOf) =>
                ModelTrainOptions.Progress(name, count, _ =>
                {
                    Tensor loss = lossOf(data.Sample(nBatch, t2, g, 0, trainLines));
                    opt.ZeroGrad();
                    loss.Backward();
                    opt.Step();
                    rows.Add(new StepRow(rows.Count + 1, loss.Item<float>(), double.NaN, clock.Elapsed.TotalSeconds));
                    return $"{name}  loss {rows[^1].TrainLoss:F4}";
                });
            if (nSteps > 0)
            {
                Phase("masked LM", nSteps, new AdamW(bert.Parameters(), lr: learningRate), b =>
                {
                    (Tensor inputs, Tensor labels) = BertData.MaskTokens(b.Ids, tok.VocabSize, g);
                    return bert.MlmLoss(inputs, b.Segments, b.PaddingMask, labels);
                });
                AnsiConsole.MarkupLine($"masked-LM loss {rows.Take(10).Average(r => r.TrainLoss):F4} (first 10 steps) → {rows.TakeLast(10).Average(r => r.TrainLoss):F4} (last 10)");
            }
            Phase("next sentence", nFine, new AdamW(clf.Parameters(), lr: learningRate), b => F.CrossEntropy(clf.Forward(b.Ids, b.Segments, b.PaddingMask), b.IsNext));

            BertBatch test = data.Sample(512, t2, new Generator(s + 3), trainLines, data.Count - trainLines);
            double accuracy;
            clf.Eval();
            using (GradMode.Disable())
                accuracy = clf.Forward(test.Ids, test.Segments, test.PaddingMask).Argmax(1).Eq(test.IsNext).To(DType.Float64).Mean().Item<double>();
            SafeTensors.Save(Path.Combine(runDir, "model.safetensors"), clf.StateDict(), new Dictionary<string, string> { ["config"] = json.ToJsonString() });
            AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.csv"), StepReports.Csv(rows));
            AtomicFile.WriteAllText(Path.Combine(runDir, "loss.svg"), StepReports.Svg(rows, $"bert: masked LM ({nSteps} steps), then next sentence: accuracy {accuracy:P1}"));
            AnsiConsole.MarkupLine($"Next-sentence accuracy on 512 held-out pairs: [bold green]{accuracy:P2}[/]");
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(runDir)}/: config.json, tokenizer.json, model.safetensors, metrics.csv, loss.svg");
            return 0;
        });
        return command;
    }
}
