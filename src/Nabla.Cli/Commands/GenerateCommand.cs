using System.CommandLine;
using Nabla.Models;
using Nabla.Models.Text;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla generate --model RUN --prompt "..." --tokens 500</c>: continues a prompt with a GPT trained by
/// <c>nabla train gpt</c>, sampling with temperature, top-k and top-p and a KV cache; prints the text.</summary>
internal static class GenerateCommand
{
    private static readonly string[] RunFiles = ["config.json", "tokenizer.json", "model.safetensors"];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run directory written by 'nabla train gpt'", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue", DefaultValueFactory = _ => "\n" };
        var tokens = new Option<int>("--tokens") { Description = "Tokens to generate", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature (0: greedy)", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int?>("--top-k") { Description = "Sample among the k most likely tokens" };
        var topP = new Option<double?>("--top-p") { Description = "Sample from the smallest set of tokens with probability ≥ p" };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0L };
        var noCache = new Option<bool>("--no-cache") { Description = "Re-run the whole context per token instead of using the KV cache" };
        var output = new Option<string?>("--out") { Description = "Also write the text to this file" };
        var command = new Command("generate", "Generate text with a trained GPT run") { model, prompt, tokens, temperature, topK, topP, seed, noCache, output };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(model)!;
            foreach (string f in RunFiles)
            {
                if (!File.Exists(Path.Combine(dir, f))) throw new IOException($"--model: '{dir}' has no {f}; expected a run directory of 'nabla train gpt'.");
            }
            GptConfig config = TrainGptCommand.ReadConfig(Path.Combine(dir, "config.json"));
            ITokenizer tok = Tokenizers.Load(Path.Combine(dir, "tokenizer.json"));
            var gpt = new Gpt(config);
            gpt.Load(Path.Combine(dir, "model.safetensors"));
            int[] ids = tok.Encode(parse.GetValue(prompt)!);
            if (ids.Length == 0) throw new ArgumentException("--prompt: the prompt encodes to no tokens.");
            var options = new SamplingOptions(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP));
            int[] all = gpt.Generate(ids, parse.GetValue(tokens), options, new Generator(parse.GetValue(seed)), useKvCache: !parse.GetValue(noCache));
            string text = tok.Decode(all);
            Console.Out.WriteLine(text);
            if (parse.GetValue(output) is string file) Runs.AtomicFile.WriteAllText(file, text);
            return 0;
        });
        return command;
    }
}
