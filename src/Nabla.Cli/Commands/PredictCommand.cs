using System.CommandLine;
using System.Globalization;
using System.Text;
using Nabla.Cli.Runs;
using Nabla.Data;
using Nabla.Nn;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla predict --model run/ --input x.csv|images.idx[.gz]</c>: one predicted class per row, as CSV.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model.safetensors of a run, or the run directory", Required = true };
        var input = new Option<string>("--input") { Description = "A CSV of feature rows (a label column, if present, is ignored) or an IDX image file", Required = true };
        var output = new Option<string?>("--output") { Description = "Write predictions here instead of standard output" };
        var command = new Command("predict", "Predict classes for new data with a trained model") { model, input, output };
        command.SetAction(parse =>
        {
            (RunConfig config, Sequential net) = EvalCommand.Load(parse.GetValue(model)!);
            string path = parse.GetValue(input)!;
            Tensor x = ReadInput(path, config);
            Tensor predictions = EvalCommand.Predict(net, RunData.Prepare(x, config));
            long[] p = predictions.ToArray<long>();
            var sb = new StringBuilder("index,prediction,class\n");
            for (int i = 0; i < p.Length; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{i},{p[i]},{config.ClassNames[p[i]]}\n");
            if (parse.GetValue(output) is string o) AtomicFile.WriteAllText(o, sb.ToString());
            else Console.Write(sb.ToString());
            return 0;
        });
        return command;
    }

    private static Tensor ReadInput(string path, RunConfig config)
    {
        bool idx = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.Contains("-ubyte", StringComparison.Ordinal)
                   || path.EndsWith(".idx", StringComparison.OrdinalIgnoreCase);
        Tensor x;
        if (idx)
        {
            Tensor images = Idx.Read(path, DType.Float32);
            x = images.Reshape(images.Shape[0], -1);
        }
        else
        {
            CsvTable table = Csv.Read(path, config.CsvHeader);
            x = table.Features;
            // A file with the training layout still has its label column: drop it.
            if (x.Shape[1] == config.Features + 1)
            {
                int label = config.CsvLabelColumn < 0 ? config.CsvLabelColumn + x.Shape[1] : config.CsvLabelColumn;
                x = Tensor.Cat([x.Narrow(1, 0, label), x.Narrow(1, label + 1, x.Shape[1] - label - 1)], 1);
            }
        }
        if (x.Shape[1] != config.Features)
            throw new InvalidDataException($"{path}: rows have {x.Shape[1]} features, the model expects {config.Features}.");
        return x;
    }
}
