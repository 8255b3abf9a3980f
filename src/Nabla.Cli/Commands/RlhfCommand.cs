using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nabla.Cli.Runs;
using Nabla.IO;
using Nabla.Models;
using Nabla.Models.Rlhf;
using Nabla.Models.Text;
using Nabla.Optim;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla rlhf --model RUN</c>: reinforcement learning from human feedback on a GPT trained by
/// <c>nabla train gpt</c>. Collects preferences between pairs of the model's completions (from a stand-in labeler
/// that prefers completions containing a string more often, or from the person at the terminal), trains a reward
/// model on them, then fine-tunes the GPT with PPO against that reward model and a KL penalty to the original.
/// Writes a run directory that <c>nabla generate</c> reads, with metrics.csv, rlhf.svg and samples.txt.</summary>
internal static class RlhfCommand
{
    private static readonly string[] RunFiles = ["config.json", "tokenizer.json", "model.safetensors"];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run directory written by 'nabla train gpt'", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text every completion continues", DefaultValueFactory = _ => "\n" };
        var prefer = new Option<string>("--prefer") { Description = "The rule labeler prefers the completion that contains this string more often", DefaultValueFactory = _ => "LORD" };
        var labeler = new Option<string>("--labeler") { Description = "rule (the --prefer rule stands in for a person) or ask (you choose at the terminal)", DefaultValueFactory = _ => "rule" };
        labeler.AcceptOnlyFromAmong("rule", "ask");
        var pairs = new Option<int>("--pairs") { Description = "Preference pairs to collect", DefaultValueFactory = _ => 256 };
        var rmSteps = new Option<int>("--rm-steps") { Description = "Reward-model training steps (batches of 16 pairs)", DefaultValueFactory = _ => 200 };
        var steps = new Option<int>("--steps") { Description = "PPO steps", DefaultValueFactory = _ => 40 };
        var batch = new Option<int>("--batch") { Description = "Completions per PPO step", DefaultValueFactory = _ => 16 };
        var newTokens = new Option<int>("--new-tokens") { Description = "Tokens per completion", DefaultValueFactory = _ => 32 };
        var kl = new Option<double>("--kl") { Description = "β, weight of the KL penalty to the original model", DefaultValueFactory = _ => 0.05 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate of the policy", DefaultValueFactory = _ => 1e-4 };
        var rmLr = new Option<double>("--rm-lr") { Description = "Adam learning rate of the reward model", DefaultValueFactory = _ => 3e-4 };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0L };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores)" };
        var output = new Option<string?>("--out") { Description = "Run directory to write (default: runs/<time>-rlhf)" };
        var command = new Command("rlhf", "Fine-tune a GPT run with reinforcement learning from human feedback (reward model + PPO)")
        {
            model, prompt, prefer, labeler, pairs, rmSteps, steps, batch, newTokens, kl, lr, rmLr, seed, threads, output,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is int t) Threading.NumThreads = t;
            var s = new Settings(parse.GetValue(model)!, parse.GetValue(prompt)!, parse.GetValue(prefer)!, parse.GetValue(labeler)!,
                                 parse.GetValue(pairs), parse.GetValue(rmSteps), parse.GetValue(steps), parse.GetValue(batch),
                                 parse.GetValue(newTokens), parse.GetValue(kl), parse.GetValue(lr), parse.GetValue(rmLr), parse.GetValue(seed));
            return Run(s, parse.GetValue(output) ?? Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-rlhf"));
        });
        return command;
    }

    private sealed record Settings(string Model, string Prompt, string Prefer, string Labeler, int Pairs, int RmSteps, int Steps,
                                   int Batch, int NewTokens, double Kl, double Lr, double RmLr, long Seed);

    private static int Run(Settings s, string runDir)
    {
        if (s.Pairs < 10 || s.RmSteps < 1 || s.Steps < 1 || s.Batch < 2 || s.NewTokens < 1)
            throw new ArgumentException($"rlhf: needs --pairs ≥ 10, --batch ≥ 2 and positive --rm-steps, --steps, --new-tokens (got {s.Pairs}, {s.Batch}, {s.RmSteps}, {s.Steps}, {s.NewTokens}).");
        if (s.Prefer.Length == 0) throw new ArgumentException("--prefer: the preferred string is empty.");
        foreach (string f in RunFiles)
        {
            if (!File.Exists(Path.Combine(s.Model, f))) throw new IOException($"--model: '{s.Model}' has no {f}; expected a run directory of 'nabla train gpt'.");
        }
        GptConfig config = TrainGptCommand.ReadConfig(Path.Combine(s.Model, "config.json"));
        ITokenizer tok = Tokenizers.Load(Path.Combine(s.Model, "tokenizer.json"));
        Gpt Load()
        {
            var gpt = new Gpt(config);
            gpt.Load(Path.Combine(s.Model, "model.safetensors"));
            return gpt;
        }
        Gpt policy = Load(), reference = Load();
        int[] prompt = tok.Encode(s.Prompt);
        if (prompt.Length == 0) throw new ArgumentException("--prompt: the prompt encodes to no tokens.");
        if (prompt.Length + s.NewTokens - 1 > config.BlockSize)
            throw new ArgumentException($"--prompt and --new-tokens: {prompt.Length} + {s.NewTokens} tokens do not fit the model's block of {config.BlockSize}.");

        string Completion(int[] seq) => tok.Decode(seq.AsSpan(prompt.Length).ToArray());
        double Score(int[] seq) => Count(Completion(seq), s.Prefer);
        var g = new Generator(s.Seed);
        var sampling = new SamplingOptions();
        AnsiConsole.MarkupLine($"[bold]rlhf[/] on [bold]{Markup.Escape(s.Model)}[/]: {policy.Parameters().Sum(p => p.NumEl):N0} parameters; " +
                               $"labeler: {(s.Labeler == "rule" ? $"prefers more \"{Markup.Escape(s.Prefer)}\" (a stand-in for a person)" : "you")}; {Threading.NumThreads} threads");

        // 1. Human feedback: which of two completions of the prompt is better.
        var chosen = new List<int[]>();
        var rejected = new List<int[]>();
        int asked = 0;
        while (chosen.Count < s.Pairs)
        {
            if (++asked > 50 * s.Pairs)
                throw new InvalidOperationException($"rlhf: {asked - 1} pairs drawn, {chosen.Count} decided: the labeler sees no difference between the model's completions (try another --prefer).");
            int[] a = policy.Generate(prompt, s.NewTokens, sampling, g), b = policy.Generate(prompt, s.NewTokens, sampling, g);
            int? pick = s.Labeler == "rule" ? RulePick(Score(a), Score(b)) : AskPick(Completion(a), Completion(b), chosen.Count, s.Pairs);
            if (pick is null) continue;
            chosen.Add(pick == 1 ? a : b);
            rejected.Add(pick == 1 ? b : a);
        }
        AnsiConsole.MarkupLine($"Collected {chosen.Count} preference pairs ({asked} drawn; ties skipped).");

        // 2. The reward model, initialised from the policy, trained on 80 % of the pairs and checked on the rest.
        int nTrain = chosen.Count * 4 / 5;
        Tensor ids(List<int[]> seqs, int start, int count) => TokenBatch.FromSequences(seqs.GetRange(start, count));
        RewardModel rm = RewardModel.FromGpt(policy);
        var rmOpt = new Adam(rm.Parameters(), lr: s.RmLr);
        const int PairBatch = 16;
        var rmLosses = new List<double>();
        ModelTrainOptions.Progress("reward model", s.RmSteps, i =>
        {
            int start = i * PairBatch % Math.Max(1, nTrain - PairBatch + 1), count = Math.Min(PairBatch, nTrain);
            Tensor loss = RewardModel.PairwiseLoss(rm.Forward(ids(chosen, start, count)), rm.Forward(ids(rejected, start, count)));
            rmOpt.ZeroGrad();
            loss.Backward();
            rmOpt.Step();
            rmLosses.Add(loss.ItemAsDouble());
            return $"reward model {i + 1}/{s.RmSteps}  loss {loss.ItemAsDouble():F3}";
        });
        double accuracy;
        using (GradMode.Disable())
        {
            int nTest = chosen.Count - nTrain;
            accuracy = rm.Forward(ids(chosen, nTrain, nTest)).Gt(rm.Forward(ids(rejected, nTrain, nTest))).To(DType.Float64).Mean().ItemAsDouble();
        }
        AnsiConsole.MarkupLine($"Reward model: pairwise loss {rmLosses.Take(10).Average():F3} → {rmLosses.TakeLast(10).Average():F3}; " +
                               $"agrees with the labeler on [bold]{100 * accuracy:F1} %[/] of {chosen.Count - nTrain} held-out pairs.");

        // 3. PPO against the reward model, with a KL penalty to the original model.
        // Four completions with fixed seeds, drawn before and again after PPO, so the two lists compare like with like.
        string[] Samples() => [.. Enumerable.Range(0, 4).Select(i => Completion(policy.Generate(prompt, s.NewTokens, sampling, new Generator(s.Seed + 100 + i))))];
        string[] before = Samples();
        var trainer = new PpoTrainer(policy, reference, rm.Rewards, new Adam(policy.Parameters(), lr: s.Lr),
                                     new PpoOptions(BatchSize: s.Batch, NewTokens: s.NewTokens, KlCoef: s.Kl));
        var rows = new List<(int Step, double Reward, double Labeler, double Kl)>();
        ModelTrainOptions.Progress("ppo", s.Steps, i =>
        {
            PpoStats st = trainer.Step(prompt, g);
            rows.Add((i + 1, st.MeanReward, st.Sequences.Average(Score), st.MeanKl));
            return $"ppo {i + 1}/{s.Steps}  reward {st.MeanReward:F3}  \"{Markup.Escape(s.Prefer)}\" per completion {rows[^1].Labeler:F2}  KL {st.MeanKl:F2} nats";
        });
        string[] after = Samples();

        // 4. The run directory.
        JsonObject json = JsonNode.Parse(File.ReadAllText(Path.Combine(s.Model, "config.json")))!.AsObject();
        json["rlhf"] = new JsonObject
        {
            ["from"] = Path.GetFullPath(s.Model), ["prompt"] = s.Prompt, ["labeler"] = s.Labeler, ["prefer"] = s.Prefer, ["pairs"] = s.Pairs,
            ["rm_steps"] = s.RmSteps, ["rm_lr"] = s.RmLr, ["rm_heldout_accuracy"] = accuracy, ["steps"] = s.Steps, ["batch"] = s.Batch,
            ["new_tokens"] = s.NewTokens, ["kl_coef"] = s.Kl, ["lr"] = s.Lr, ["seed"] = s.Seed,
        };
        ModelTrainOptions.WriteConfig(runDir, json);
        File.Copy(Path.Combine(s.Model, "tokenizer.json"), Path.Combine(runDir, "tokenizer.json"), overwrite: true);
        SafeTensors.Save(Path.Combine(runDir, "model.safetensors"), policy.StateDict(), new Dictionary<string, string> { ["config"] = json.ToJsonString() });
        SafeTensors.Save(Path.Combine(runDir, "reward_model.safetensors"), rm.StateDict());
        var csv = new StringBuilder("step,reward,labeler_score,kl\n");
        foreach (var r in rows) csv.Append(CultureInfo.InvariantCulture, $"{r.Step},{r.Reward:R},{r.Labeler:R},{r.Kl:R}\n");
        AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.csv"), csv.ToString());
        AtomicFile.WriteAllText(Path.Combine(runDir, "rlhf.svg"), LineChart.Svg(
            $"RLHF: reward model's reward, \"{s.Prefer}\" per completion, KL to the original (nats)", "PPO step",
            [
                new Series("reward (reward model)", "#1f77b4", [.. rows.Select(r => ((double)r.Step, r.Reward))]),
                new Series($"\"{s.Prefer}\" per completion", "#2ca02c", [.. rows.Select(r => ((double)r.Step, r.Labeler))]),
                new Series("KL(policy ‖ original)", "#d62728", [.. rows.Select(r => ((double)r.Step, r.Kl))]),
            ]));
        var samples = new StringBuilder($"Completions of {Quote(s.Prompt)}, same seeds, before and after RLHF\n\n== before ==\n");
        foreach (string b in before) samples.Append(Quote(b)).Append('\n');
        samples.Append("\n== after ==\n");
        foreach (string a in after) samples.Append(Quote(a)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(runDir, "samples.txt"), samples.ToString());

        double first = rows.Take(Math.Min(5, rows.Count)).Average(r => r.Labeler), last = rows.TakeLast(Math.Min(5, rows.Count)).Average(r => r.Labeler);
        AnsiConsole.MarkupLine($"\"{Markup.Escape(s.Prefer)}\" per completion: [bold]{first:F2} → {last:F2}[/] (first and last 5 PPO steps); " +
                               $"KL to the original {rows[^1].Kl:F2} nats. Same seeds, before → after:");
        for (int i = 0; i < before.Length; i++) AnsiConsole.WriteLine($"  {Quote(before[i])}\n→ {Quote(after[i])}");
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(runDir)}/: config.json, tokenizer.json, model.safetensors, reward_model.safetensors, metrics.csv, rlhf.svg, samples.txt");
        return 0;
    }

    /// <summary>Non-overlapping occurrences of <paramref name="what"/> in <paramref name="text"/>.</summary>
    internal static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static int? RulePick(double a, double b) => a == b ? null : a > b ? 1 : 2;

    private static int? AskPick(string a, string b, int done, int total)
    {
        AnsiConsole.MarkupLine($"\n[bold]Pair {done + 1}/{total}[/]: which completion is better?");
        AnsiConsole.WriteLine($"  1: {Quote(a)}");
        AnsiConsole.WriteLine($"  2: {Quote(b)}");
        AnsiConsole.Markup("1, 2, or s to skip: ");
        string? answer = Console.ReadLine()?.Trim();
        return answer switch
        {
            null => throw new InvalidOperationException($"rlhf --labeler ask: the input ended after {done} of {total} answers."),
            "1" => 1,
            "2" => 2,
            _ => null,
        };
    }

    private static string Quote(string text) => "\"" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
