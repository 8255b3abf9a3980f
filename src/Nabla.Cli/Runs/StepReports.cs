using System.Globalization;
using System.Text;

namespace Nabla.Cli.Runs;

/// <summary>One logged step of a language-model run: training loss of the step, validation loss when it was
/// evaluated (NaN otherwise), seconds since the start.</summary>
internal sealed record StepRow(int Step, double TrainLoss, double ValidationLoss, double Seconds);

/// <summary>metrics.csv and an SVG loss curve for runs measured in optimizer steps (GPT, BERT) rather than epochs.</summary>
internal static class StepReports
{
    public static string Csv(IEnumerable<StepRow> rows)
    {
        var sb = new StringBuilder("step,train_loss,val_loss,seconds\n");
        foreach (StepRow r in rows)
        {
            string val = double.IsNaN(r.ValidationLoss) ? "" : r.ValidationLoss.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{r.Step},{r.TrainLoss:R},{val},{r.Seconds:F3}\n");
        }
        return sb.ToString();
    }

    /// <summary>Training loss per step (solid) and validation loss where evaluated (dashed, with markers).</summary>
    public static string Svg(IReadOnlyList<StepRow> rows, string title)
    {
        const int W = 640, H = 360, L = 60, R = 30, T = 40, B = 40;
        double max = rows.SelectMany(r => new[] { r.TrainLoss, r.ValidationLoss }).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        int last = Math.Max(rows.Count == 0 ? 1 : rows[^1].Step, 2);
        double X(int step) => L + (step - 1.0) / (last - 1) * (W - L - R);
        double Y(double v) => T + (1 - v / max) * (H - T - B);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{System.Security.SecurityElement.Escape(title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (int k = 0; k <= 4; k++)
        {
            double frac = k / 4.0, y = T + (1 - frac) * (H - T - B);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#eee\"/><text x=\"{L - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{max * frac:G3}</text>\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{L}\" y=\"{H - B + 16}\">1</text><text x=\"{W - R}\" y=\"{H - B + 16}\" text-anchor=\"end\">{last}</text><text x=\"{W / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">step</text>\n");
        string train = string.Join(' ', rows.Where(r => double.IsFinite(r.TrainLoss)).Select(r => FormattableString.Invariant($"{X(r.Step):F1},{Y(r.TrainLoss):F1}")));
        sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"{train}\"/>\n");
        StepRow[] val = rows.Where(r => double.IsFinite(r.ValidationLoss)).ToArray();
        string valPts = string.Join(' ', val.Select(r => FormattableString.Invariant($"{X(r.Step):F1},{Y(r.ValidationLoss):F1}")));
        sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\" stroke-dasharray=\"6 3\" points=\"{valPts}\"/>\n");
        foreach (StepRow r in val) sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(r.Step):F1}\" cy=\"{Y(r.ValidationLoss):F1}\" r=\"3\" fill=\"#ff7f0e\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"\n<g transform=\"translate({W - R - 150},{T + 20})\"><text fill=\"#1f77b4\">train loss</text><text y=\"16\" fill=\"#ff7f0e\">validation loss</text></g>\n");
        return sb.Append("</svg>\n").ToString();
    }
}
