namespace Nabla.Learn.Ensemble;

/// <summary>Maps each feature to at most 255 integer bins by quantile thresholds, as scikit-learn's <c>_BinMapper</c>.</summary>
/// <remarks>A feature with at most MaxBins distinct values gets a threshold between each consecutive pair (their
/// midpoint); otherwise the thresholds are the percentiles 100·i/MaxBins, i = 1..MaxBins−1 (numpy's 'midpoint'
/// method), so the bins hold about equal numbers of samples. A value's bin is the number of thresholds below it.</remarks>
internal sealed class HistBinMapper
{
    /// <summary>Per feature, the ascending thresholds; bin b holds values in (t[b−1], t[b]].</summary>
    public double[][] Thresholds { get; }

    public HistBinMapper(double[] x, int n, int f, int maxBins)
    {
        Thresholds = new double[f][];
        double[][] thresholds = Thresholds;
        Threading.ForBlocks(f, (long)n * 20, (start, count) =>
        {
            var column = new double[n];
            for (int j = start; j < start + count; j++)
            {
                for (int i = 0; i < n; i++) column[i] = x[i * f + j];
                Array.Sort(column);
                int distinct = 1;
                for (int i = 1; i < n; i++) if (column[i] != column[i - 1]) distinct++;
                if (distinct <= maxBins)
                {
                    var t = new double[distinct - 1];
                    int d = 0;
                    for (int i = 1; i < n; i++) if (column[i] != column[i - 1]) t[d++] = (column[i - 1] + column[i]) * 0.5;
                    thresholds[j] = t;
                }
                else
                {
                    var t = new double[maxBins - 1];
                    for (int b = 1; b < maxBins; b++)
                    {
                        double pos = (double)b / maxBins * (n - 1);
                        t[b - 1] = (column[(int)Math.Floor(pos)] + column[(int)Math.Ceiling(pos)]) * 0.5;
                    }
                    thresholds[j] = t;
                }
            }
        });
    }

    /// <summary>Bins of x (n, f), column-major (f, n): each feature's bins are contiguous for histogram building.</summary>
    public byte[] Transform(double[] x, int n, int f)
    {
        var bins = new byte[(long)f * n];
        double[][] thresholds = Thresholds;
        Threading.ForBlocks(f, (long)n * 8, (start, count) =>
        {
            for (int j = start; j < start + count; j++)
            {
                double[] t = thresholds[j];
                for (int i = 0; i < n; i++) bins[(long)j * n + i] = (byte)Bin(t, x[i * f + j]);
            }
        });
        return bins;
    }

    /// <summary>The number of thresholds strictly below v (binary search).</summary>
    public static int Bin(double[] t, double v)
    {
        int left = 0, right = t.Length;
        while (left < right)
        {
            int middle = left + (right - left - 1) / 2;
            if (v <= t[middle]) right = middle;
            else left = middle + 1;
        }
        return left;
    }
}
