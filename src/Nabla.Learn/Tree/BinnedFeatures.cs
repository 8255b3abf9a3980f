using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Learn.Tree;

/// <summary>Training features recoded once for split search: each value becomes its rank among its column's sorted
/// distinct values, so a node's candidate splits come from counting its samples per rank (a histogram over the
/// distinct values) instead of sorting them at every node.</summary>
/// <remarks>The ranks are exact (no quantisation): splitting between consecutive distinct values present in a node
/// with a histogram examines the same partitions, in the same order, as scanning the node's sorted values, which is
/// what scikit-learn's BestSplitter does. A forest builds this once and shares it between its trees. Columns whose
/// values are all float32 numbers (the trees round their input to float32, as scikit-learn does) are ranked by an
/// O(N) radix sort of the float bit patterns; other columns by a comparison sort.</remarks>
internal sealed class BinnedFeatures
{
    /// <summary>Bits per radix digit: three passes of 11 bits cover a 32-bit key, with 2,048 buckets (16 KiB of
    /// counts, inside L1).</summary>
    private const int RadixBits = 11;

    /// <summary>Columns gathered together: 8 doubles are one 64-byte cache line of a row.</summary>
    private const int Tile = 8;

    /// <summary>Column-major ranks (F, N): <c>Codes[j * N + i]</c> is the rank of x[i, j] in <see cref="Values"/>[j].</summary>
    public int[] Codes { get; }

    /// <summary>Per feature, its sorted distinct values.</summary>
    public double[][] Values { get; }

    /// <summary>Samples N and features F.</summary>
    public int N { get; }

    /// <inheritdoc cref="N"/>
    public int F { get; }

    /// <summary>The largest number of distinct values of any feature (the histogram length needed).</summary>
    public int MaxBins { get; }

    /// <summary>Ranks the row-major matrix x (n, f); features are independent, so they are ranked in parallel.</summary>
    public BinnedFeatures(double[] x, int n, int f)
    {
        (N, F) = (n, f);
        if ((long)n * f > int.MaxValue) throw new ArgumentException($"DecisionTree: {n}×{f} features exceed 2³¹ values.");
        Codes = new int[n * f];
        Values = new double[f][];
        // Parts of whole tiles of Tile columns; a tile is gathered row by row (Tile doubles, one cache line per row)
        // rather than column by column (one cache miss per value at a row stride of F doubles).
        int tiles = (f + Tile - 1) / Tile, parts = Math.Min(tiles, 4 * Threading.NumThreads);
        Threading.For(parts, part => RankTiles(x, f, part * tiles / parts, (part + 1) * tiles / parts));
        MaxBins = Values.Max(v => v.Length);
    }

    /// <summary>Ranks the columns of tiles [first, last).</summary>
    /// <remarks>Compiled fully optimised from the first call: it runs once per fit, so tiered compilation would leave
    /// most of the work to unoptimised code.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RankTiles(double[] x, int f, int first, int last)
    {
        int n = N;
        var keys = new uint[n];
        var order = new int[n];
        var keys2 = new uint[n];
        var order2 = new int[n];
        var tile = new double[Tile * n];
        for (int t = first; t < last; t++)
        {
            int j0 = t * Tile, width = Math.Min(Tile, f - j0);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < width; c++) tile[c * n + i] = x[i * f + j0 + c];
            for (int c = 0; c < width; c++)
            {
                ReadOnlySpan<double> column = tile.AsSpan(c * n, n);
                bool single = true;
                foreach (double v in column) single &= (float)v == v;
                int j = j0 + c;
                Values[j] = single ? RankFloat(column, Codes.AsSpan(j * n, n), keys, order, keys2, order2)
                                   : RankDouble(column, Codes.AsSpan(j * n, n), order);
            }
        }
    }

    /// <summary>Comparison sort of (value, row), then ranks by one scan.</summary>
    private static double[] RankDouble(ReadOnlySpan<double> column, Span<int> codes, int[] order)
    {
        int n = column.Length;
        double[] sorted = column.ToArray();
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(sorted, order);
        var distinct = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1]) distinct.Add(sorted[i]);
            codes[order[i]] = distinct.Count - 1;
        }
        return [.. distinct];
    }

    /// <summary>LSD radix sort of the rows by the float bits mapped to unsigned order (flip all bits of negatives, the
    /// sign bit of the rest; −0 and +0 merged first), then ranks by one scan.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] RankFloat(ReadOnlySpan<double> column, Span<int> codes, uint[] keys, int[] order, uint[] keys2, int[] order2)
    {
        int n = column.Length;
        for (int i = 0; i < n; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(column[i] == 0 ? 0f : (float)column[i]);
            keys[i] = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            order[i] = i;
        }
        Span<int> counts = stackalloc int[1 << RadixBits];
        for (int shift = 0; shift < 32; shift += RadixBits)
        {
            counts.Clear();
            uint mask = (1u << RadixBits) - 1;
            for (int i = 0; i < n; i++) counts[(int)((keys[i] >> shift) & mask)]++;
            if (counts[(int)((keys[0] >> shift) & mask)] == n) continue;   // one digit value everywhere: nothing moves
            int sum = 0;
            for (int b = 0; b < counts.Length; b++) (counts[b], sum) = (sum, sum + counts[b]);
            for (int i = 0; i < n; i++)
            {
                int slot = counts[(int)((keys[i] >> shift) & mask)]++;
                keys2[slot] = keys[i];
                order2[slot] = order[i];
            }
            (keys, keys2) = (keys2, keys);
            (order, order2) = (order2, order);
        }
        var distinct = new List<double>();
        for (int i = 0; i < n; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1]) distinct.Add(column[order[i]] == 0 ? 0 : column[order[i]]);
            codes[order[i]] = distinct.Count - 1;
        }
        return [.. distinct];
    }
}
