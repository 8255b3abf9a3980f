using System.CommandLine;
using System.Globalization;
using Nabla.Learn;
using Nabla.Learn.ModelSelection;
using Spectre.Console;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla cv &lt;estimator&gt; --data … --folds 5 --scoring accuracy,f1_macro,roc_auc_ovr [--param k=v …]</c>:
/// k-fold cross-validation (stratified and shuffled for classifiers) with several scorings at once, printing the
/// mean ± standard deviation of each over the folds. scikit-learn: <c>cross_validate(est, X, y, cv=k, scoring=[…])</c>.</summary>
internal static class CvCommand
{
    public static Command Create()
    {
        var estimator = new Argument<string>("estimator") { Description = "logistic_regression, decision_tree, random_forest, …" };
        var data = FitCommand.DataOption();
        var header = FitCommand.HeaderOption();
        var parameters = FitCommand.ParamOption();
        var folds = new Option<int>("--folds") { Description = "Number of folds", DefaultValueFactory = _ => 5 };
        var scoring = new Option<string>("--scoring") { Description = $"Comma-separated scorings: {string.Join(", ", Validation.Scorings)}", DefaultValueFactory = _ => "accuracy" };
        var seed = new Option<long>("--seed") { Description = "Seed of the fold shuffle", DefaultValueFactory = _ => 0 };
        var command = new Command("cv", "Cross-validate a classical estimator with several scorings") { estimator, data, header, parameters, folds, scoring, seed };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(estimator)!;
            (Tensor x, Tensor y, _) = FitCommand.LoadData(parse.GetValue(data)!, parse.GetValue(header));
            IPredictor model = EstimatorRegistry.Create(name, parse.GetValue(parameters) ?? []);
            int k = parse.GetValue(folds);
            long s = parse.GetValue(seed);
            ICrossValidator cv = model is IClassifier
                ? new StratifiedKFold { NSplits = k, Shuffle = true, RandomState = s }
                : new KFold { NSplits = k, Shuffle = true, RandomState = s };
            string[] scorings = parse.GetValue(scoring)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            CrossValidateResult result = Validation.CrossValidate(model, x, y, cv, scorings);
            var table = new Table().Title($"{Markup.Escape(name)}: {k}-fold cross-validation").Border(TableBorder.Rounded)
                .AddColumn("scoring").AddColumn(new TableColumn("mean ± std").RightAligned()).AddColumn(new TableColumn("folds").RightAligned());
            foreach (string sc in scorings)
            {
                double[] v = result.TestScores[sc];
                double mean = v.Average(), std = Math.Sqrt(v.Sum(t => (t - mean) * (t - mean)) / v.Length);
                table.AddRow(sc, string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {std:F4}"),
                             string.Join(" ", v.Select(t => t.ToString("F3", CultureInfo.InvariantCulture))));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"mean fit time {result.FitTime.Average():F3} s per fold"));
            return 0;
        });
        return command;
    }
}
