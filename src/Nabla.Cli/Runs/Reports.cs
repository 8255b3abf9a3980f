using System.Globalization;
using System.Text;
using Nabla.Learn.Training;
using Spectre.Console;

namespace Nabla.Cli.Runs;

/// <summary>What a run leaves to look at: metrics.csv, a loss/accuracy chart as SVG, and the confusion matrix
/// as a console table and as CSV.</summary>
internal static class Reports
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string MetricsCsv(IEnumerable<EpochResult> history)
    {
        var sb = new StringBuilder("epoch,train_loss,val_loss,val_accuracy,lr,seconds\n");
        foreach (EpochResult h in history)
            sb.Append(CultureInfo.InvariantCulture, $"{h.Epoch},{F(h.TrainLoss)},{F(h.ValidationLoss)},{F(h.ValidationAccuracy)},{F(h.LearningRate)},{F(h.Seconds)}\n");
        return sb.ToString();
    }

    public static string ConfusionCsv(long[,] m, string[] names)
    {
        var sb = new StringBuilder("true\\predicted," + string.Join(',', names) + "\n");
        for (int i = 0; i < m.GetLength(0); i++)
            sb.Append(names[i]).Append(',').AppendJoin(',', Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j])).Append('\n');
        return sb.ToString();
    }

    public static Table ConfusionTable(long[,] m, string[] names)
    {
        var table = new Table().Title("confusion matrix (rows: true class, columns: predicted)").Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn(""));
        foreach (string n in names) table.AddColumn(new TableColumn(Markup.Escape(n)).RightAligned());
        for (int i = 0; i < m.GetLength(0); i++)
        {
            var cells = new List<string> { $"[bold]{Markup.Escape(names[i])}[/]" };
            for (int j = 0; j < m.GetLength(1); j++)
                cells.Add(m[i, j] == 0 ? "[grey].[/]" : i == j ? $"[green]{m[i, j]}[/]" : $"[red]{m[i, j]}[/]");
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>Training and validation loss (left axis) and validation accuracy (right axis, 0..1) per epoch.</summary>
    public static string Svg(IReadOnlyList<EpochResult> history, string title)
    {
        const int W = 640, H = 360, L = 60, R = 60, T = 40, B = 40;
        double maxLoss = history.SelectMany(h => new[] { h.TrainLoss, h.ValidationLoss }).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        int n = Math.Max(history.Count, 1);
        double X(int epoch) => L + (n == 1 ? 0.5 : (epoch - 1.0) / (n - 1)) * (W - L - R);
        double YLoss(double v) => T + (1 - v / maxLoss) * (H - T - B);
        double YAcc(double v) => T + (1 - v) * (H - T - B);
        string Line(Func<EpochResult, double> f, Func<double, double> y, string color, string dash)
        {
            var pts = history.Where(h => double.IsFinite(f(h))).Select(h => $"{X(h.Epoch):F1},{y(f(h)):F1}");
            return $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" {dash}points=\"{string.Join(' ', pts)}\"/>";
        }
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{System.Security.SecurityElement.Escape(title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (int k = 0; k <= 4; k++)
        {
            double frac = k / 4.0, y = T + (1 - frac) * (H - T - B);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{L - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{maxLoss * frac:G3}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R + 6}\" y=\"{y + 4:F1}\">{frac:P0}</text>\n");
        }
        foreach (EpochResult h in history.Where(h => n <= 20 || h.Epoch % (n / 10) == 0))
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(h.Epoch):F1}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{h.Epoch}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{W / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">epoch</text>\n");
        sb.Append(Line(h => h.TrainLoss, YLoss, "#1f77b4", "")).Append('\n');
        sb.Append(Line(h => h.ValidationLoss, YLoss, "#ff7f0e", "stroke-dasharray=\"6 3\" ")).Append('\n');
        sb.Append(Line(h => h.ValidationAccuracy, YAcc, "#2ca02c", "")).Append('\n');
        // The legend sits mid-right: losses fall towards the bottom and accuracy climbs to the top there.
        sb.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({W - R - 210},{T + (H - T - B) / 2})\"><text fill=\"#1f77b4\">train loss</text><text y=\"16\" fill=\"#ff7f0e\">validation loss</text><text y=\"32\" fill=\"#2ca02c\">validation accuracy (right axis)</text></g>\n");
        return sb.Append("</svg>\n").ToString();
    }
}
