using System.CommandLine;
using Nabla.Cli.Commands;

namespace Nabla.Cli;

/// <summary>The <c>nabla</c> command line. Composition only: no math lives here.</summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs a command; a failure prints one line naming what is wrong and returns 1.</summary>
    internal static int Run(string[] args)
    {
        var root = new RootCommand("nabla: deep learning and machine learning in pure C#")
        {
            TrainCommand.Create(), EvalCommand.Create(), PredictCommand.Create(), InfoCommand.Create(),
            FitCommand.Create(),
            CvCommand.Create(),
            GenerateCommand.Create(),
            RlhfCommand.Create(),
        };
        root.Subcommands.Add(ImageCommand.Create());
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                      or InvalidOperationException or NotSupportedException)
        {
            Console.Error.WriteLine($"nabla: error: {e.Message}");
            return 1;
        }
    }
}
