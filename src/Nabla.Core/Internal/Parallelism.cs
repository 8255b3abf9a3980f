namespace Nabla.Internal;

/// <summary>How element-wise work is split across threads: fixed parts by size and thread count only, so
/// results never depend on scheduling.</summary>
internal static class Parallelism
{
    // Below this many elements (256 KiB of floats) a thread hand-off costs more than the loop it would save.
    public const int GrainSize = 1 << 16;

    // Parts start on multiples of this (one cache line of doubles, four of floats), so no two threads write to
    // the same cache line.
    private const int Alignment = 64;

    public static int Parts(int n) => Math.Max(1, Math.Min(Threading.NumThreads, n / GrainSize));

    public static (int Start, int Length) Range(int n, int parts, int part)
    {
        int chunk = (n / parts + Alignment - 1) / Alignment * Alignment;
        int start = Math.Min(n, part * chunk);
        int end = part == parts - 1 ? n : Math.Min(n, start + chunk);
        return (start, end - start);
    }
}
