using System.Globalization;
using System.Text;
using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    // PyTorch's print options: summarise above 1000 elements, showing 3 items at each edge, 4 decimals.
    private const int SummarizeThreshold = 1000;
    private const int EdgeItems = 3;
    private const int Precision = 4;

    /// <summary>PyTorch-like text, e.g. <c>tensor([[1.0000, 2.0000]], requires_grad=True)</c>. PyTorch: <c>repr(tensor)</c>.</summary>
    public override string ToString()
    {
        bool summarize = NumEl > SummarizeThreshold;
        double[] all = TensorKernels.Convert(this, DType.Float64).ToArray<double>();
        var shown = all.Where(double.IsFinite).Select(Math.Abs).ToArray();
        double maxAbs = shown.Length > 0 ? shown.Max() : 0;
        double minAbs = shown.Where(v => v > 0).DefaultIfEmpty(0).Min();
        bool integral = all.All(v => !double.IsFinite(v) || v == Math.Floor(v));
        bool scientific = DType.IsFloatingPoint() && shown.Length > 0 && (maxAbs >= 1e8 || (minAbs > 0 && minAbs < 1e-4) || maxAbs / Math.Max(minAbs, double.Epsilon) > 1000 && !integral);
        string Format(double v)
        {
            if (DType == DType.Bool) return v != 0 ? "True" : "False";
            if (DType == DType.Int64) return ((long)v).ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (scientific) return v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
            if (integral) return v.ToString("0", CultureInfo.InvariantCulture) + ".";
            return v.ToString("F" + Precision, CultureInfo.InvariantCulture);
        }
        string[] cells = all.Select(Format).ToArray();
        int width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder("tensor(");
        if (Dim == 0) sb.Append(cells[0]);
        else Append(sb, 0, 0, cells, width, summarize, "tensor(".Length);
        if (NumEl == 0 && Dim != 1) sb.Append(", size=").Append(ShapeString);
        if (DType == DType.Float64) sb.Append(", dtype=torch.float64");
        if (DType == DType.Bool && NumEl == 0) sb.Append(", dtype=torch.bool");
        if (GradFn is not null) sb.Append(", grad_fn=<").Append(GradFn.Name).Append("Backward>");
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    private void Append(StringBuilder sb, int dim, int flat, string[] cells, int width, bool summarize, int indent)
    {
        int size = ShapeArray[dim];
        int stride = 1;
        for (int i = dim + 1; i < Dim; i++) stride *= ShapeArray[i];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarize && size > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == Dim - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = size - EdgeItems;
            }
            if (dim == Dim - 1) sb.Append(cells[flat + i].PadLeft(width));
            else Append(sb, dim + 1, flat + i * stride, cells, width, summarize, indent);
            if (i < size - 1)
            {
                sb.Append(',');
                if (dim == Dim - 1) sb.Append(' ');
                else sb.Append('\n', Dim - dim - 1).Append(' ', indent + dim + 1);
            }
        }
        sb.Append(']');
    }
}
