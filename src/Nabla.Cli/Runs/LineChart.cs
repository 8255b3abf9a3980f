using System.Globalization;
using System.Security;
using System.Text;

namespace Nabla.Cli.Runs;

/// <summary>One curve of a <see cref="LineChart"/>: its legend name, colour and (x, y) points.</summary>
internal sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A minimal SVG line chart: several curves over one x axis, y from the data's minimum to its maximum.</summary>
internal static class LineChart
{
    public static string Svg(string title, string xLabel, IReadOnlyList<Series> series)
    {
        const int W = 640, H = 360, L = 60, R = 30, T = 40, B = 40;
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double x0 = all.Count == 0 ? 0 : all.Min(p => p.X), x1 = all.Count == 0 ? 1 : all.Max(p => p.X);
        double y0 = all.Count == 0 ? 0 : Math.Min(0, all.Min(p => p.Y)), y1 = all.Count == 0 ? 1 : all.Max(p => p.Y);
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) y1 = y0 + 1;
        double X(double x) => L + (x - x0) / (x1 - x0) * (W - L - R);
        double Y(double y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{SecurityElement.Escape(title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (int k = 0; k <= 4; k++)
        {
            double v = y0 + k / 4.0 * (y1 - y0), y = Y(v);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#eee\"/><text x=\"{L - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{v:G3}</text>\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{L}\" y=\"{H - B + 16}\">{x0:G4}</text><text x=\"{W - R}\" y=\"{H - B + 16}\" text-anchor=\"end\">{x1:G4}</text><text x=\"{W / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">{SecurityElement.Escape(xLabel)}</text>\n");
        for (int i = 0; i < series.Count; i++)
        {
            Series s = series[i];
            string pts = string.Join(' ', s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => FormattableString.Invariant($"{X(p.X):F1},{Y(p.Y):F1}")));
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.8\" points=\"{pts}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{L + 10}\" y=\"{T + 18 + 16 * i}\" fill=\"{s.Color}\">{SecurityElement.Escape(s.Name)}</text>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }
}
