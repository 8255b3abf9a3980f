using System.CommandLine;
using Nabla.Cli.Runs;
using Nabla.Learn;
using Nabla.Nn;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla eval --model run/model.safetensors</c>: test accuracy and confusion matrix of a trained model on
/// its run's test split.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model.safetensors of a run (config.json must sit beside it)", Required = true };
        var command = new Command("eval", "Evaluate a trained model on its test split") { model };
        command.SetAction(parse =>
        {
            (RunConfig config, Sequential net) = Load(parse.GetValue(model)!);
            RunData data = RunData.Load(config);
            Tensor predictions = Predict(net, data.TestX);
            double accuracy = Classification.Accuracy(data.TestY, predictions);
            AnsiConsole.MarkupLine($"Test accuracy: [bold green]{accuracy:P2}[/] on {data.TestY.Shape[0]} samples of {Markup.Escape(config.Dataset)}");
            AnsiConsole.Write(Reports.ConfusionTable(TrainCommand.ToMatrix(Classification.ConfusionMatrix(data.TestY, predictions, data.Classes)), data.ClassNames));
            return 0;
        });
        return command;
    }

    /// <summary>Rebuilds a run's model from config.json and loads its weights (strictly: a missing key or a shape
    /// mismatch is an error naming the key and both shapes).</summary>
    public static (RunConfig Config, Sequential Model) Load(string modelPath)
    {
        if (Directory.Exists(modelPath)) modelPath = Path.Combine(modelPath, "model.safetensors");
        RunConfig config = RunConfig.Read(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "config.json"));
        Sequential net = RunModel.Build(config);
        try
        {
            net.Load(modelPath, strict: true);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{modelPath}: does not match the model in config.json: {e.Message}", e);
        }
        return (config, net);
    }

    public static Tensor Predict(Sequential net, Tensor x)
    {
        net.Eval();
        using var _ = GradMode.Disable();
        return net.Forward(x).Argmax(1);
    }
}
