namespace Nabla;

/// <summary>
/// The number of worker threads Nabla's kernels may use. PyTorch: <c>torch.set_num_threads</c> /
/// <c>torch.get_num_threads</c>.
/// </summary>
/// <remarks>
/// The default is the environment variable <c>NABLA_NUM_THREADS</c> when it holds a positive integer, and
/// <see cref="Environment.ProcessorCount"/> otherwise. Kernels split work into a number of parts that depends only
/// on the problem size and this count, never on timing, so the same thread count gives bit-identical results.
/// </remarks>
public static class Threading
{
    /// <summary>The environment variable read once at start-up.</summary>
    public const string EnvironmentVariable = "NABLA_NUM_THREADS";

    private static int s_numThreads = DefaultThreadCount();

    /// <summary>Threads the kernels may use (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int NumThreads
    {
        get => s_numThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(NumThreads));
            s_numThreads = value;
        }
    }

    /// <summary>Work (in element operations) below which a thread hand-off costs more than it saves.</summary>
    public const long GrainSize = 1 << 16;

    /// <summary>Splits items 0..count−1 into contiguous blocks and runs <paramref name="body"/>(start, length) on
    /// each, in parallel when the total work (count · workPerItem) exceeds <see cref="GrainSize"/>. Block
    /// boundaries depend only on count, workPerItem and <see cref="NumThreads"/>.</summary>
    /// <param name="count">Number of items (rows, say).</param>
    /// <param name="workPerItem">Element operations per item, for the grain-size decision.</param>
    /// <param name="body">Work for items start..start+length−1; blocks must not write to the same memory.</param>
    public static void ForBlocks(int count, long workPerItem, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        long parts = Math.Min(Math.Min(s_numThreads, count), count * Math.Max(workPerItem, 1) / GrainSize);
        if (parts <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        int p = (int)parts;
        WorkerPool.Run(p, p, i =>
        {
            int start = (int)((long)i * count / p), end = (int)((long)(i + 1) * count / p);
            body(start, end - start);
        });
    }

    private static int DefaultThreadCount()
    {
        string? text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return int.TryParse(text, out int n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Runs <paramref name="body"/> for part indices 0..<paramref name="parts"/>-1, on up to <see cref="NumThreads"/>
    /// threads. Part boundaries are the caller's, so results do not depend on scheduling.
    /// </summary>
    /// <param name="parts">Number of independent parts.</param>
    /// <param name="body">Work for one part; parts must not write to the same memory.</param>
    public static void For(int parts, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int threads = Math.Min(s_numThreads, parts);
        if (threads <= 1)
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        WorkerPool.Run(parts, threads, body);
    }
}
