using System.Diagnostics;
using System.Globalization;
using Nabla.Samples.Sequence;

// Sequence architectures on synthetic tasks, each trained from scratch in seconds:
//   dotnet run --project samples/Sequence -- [many-to-one|many-to-many|one-to-many|seq2seq|all] [--steps N] [--batch N]
//   dotnet run --project samples/Sequence -- gradients     (vanishing/exploding gradients through time, clipping)
//   dotnet run -c Release --project samples/Sequence -- tradeoffs   (LSTM vs GRU, future context, context size)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int i = Array.IndexOf(args, "--steps");
int? steps = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
int j = Array.IndexOf(args, "--batch");
int? batch = j >= 0 && j + 1 < args.Length ? int.Parse(args[j + 1], CultureInfo.InvariantCulture) : null;
if (which is "gradients" or "tradeoffs")
{
    if (which == "gradients") GradientsThroughTime.Run();
    else Tradeoffs.Run();
    return 0;
}
var tasks = new (string Name, Func<TaskResult> Run)[]
{
    ("many-to-one", () => SumThreshold.Run(steps ?? 400, batch: batch ?? 64)),
    ("many-to-many", () => RunningParity.Run(steps ?? 300, batch: batch ?? 32)),
    ("one-to-many", () => Progression.Run(steps ?? 300, batch: batch ?? 32)),
    ("seq2seq", () => Reverse.Run(steps ?? 600, batch: batch ?? 64)),
};
var selected = tasks.Where(t => which == "all" || t.Name == which).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"unknown task '{which}'; choose one of: {string.Join(", ", tasks.Select(t => t.Name))}, all, gradients, tradeoffs");
    return 2;
}
foreach ((string name, Func<TaskResult> run) in selected)
{
    var watch = Stopwatch.StartNew();
    TaskResult r = run();
    Console.WriteLine($"{name,-13} {r.Name,-60} accuracy {r.Accuracy:P1}  final loss {r.FinalLoss:F4}  ({watch.Elapsed.TotalSeconds:F1} s)");
}
return 0;
