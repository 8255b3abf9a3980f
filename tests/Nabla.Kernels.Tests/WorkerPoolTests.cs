using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>Threading.For on the spinning worker pool: every part runs exactly once, errors surface in the
/// caller, nested and concurrent calls fall back to running on their own thread.</summary>
public sealed class WorkerPoolTests
{
    private static void WithThreads(int n, Action body)
    {
        int before = Threading.NumThreads;
        Threading.NumThreads = n;
        try
        {
            body();
        }
        finally
        {
            Threading.NumThreads = before;
        }
    }

    [Fact]
    public void Every_part_runs_exactly_once_over_many_jobs()
    {
        WithThreads(2, () =>
        {
            for (int job = 0; job < 20_000; job++)
            {
                int parts = 1 + job % 7;
                var hits = new int[parts];
                Threading.For(parts, p => Interlocked.Increment(ref hits[p]));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        });
    }

    [Fact]
    public void Jobs_after_the_workers_went_to_sleep_still_run()
    {
        WithThreads(2, () =>
        {
            for (int round = 0; round < 3; round++)
            {
                Thread.Sleep(20);              // longer than the workers' spin: they are asleep now
                long sum = 0;
                Threading.For(8, p => Interlocked.Add(ref sum, p + 1));
                Assert.Equal(36, sum);         // 1 + 2 + … + 8
            }
        });
    }

    [Fact]
    public void An_exception_in_a_part_reaches_the_caller_and_the_pool_recovers()
    {
        WithThreads(2, () =>
        {
            var e = Assert.Throws<InvalidOperationException>(() => Threading.For(4, p =>
            {
                if (p == 2) throw new InvalidOperationException("part 2 failed");
            }));
            Assert.Equal("part 2 failed", e.Message);
            int count = 0;
            Threading.For(4, _ => Interlocked.Increment(ref count));
            Assert.Equal(4, count);
        });
    }

    [Fact]
    public void Nested_and_concurrent_calls_complete()
    {
        WithThreads(2, () =>
        {
            long inner = 0;
            Threading.For(4, _ => Threading.For(3, q => Interlocked.Add(ref inner, q)));
            Assert.Equal(4 * 3, inner);        // each of 4 outer parts adds 0 + 1 + 2
            long total = 0;
            Parallel.For(0, 4, _ =>
            {
                for (int i = 0; i < 500; i++) Threading.For(5, p => Interlocked.Add(ref total, p));
            });
            Assert.Equal(4 * 500 * 10, total); // 0 + 1 + 2 + 3 + 4 = 10 per call
        });
    }

    [Fact]
    public void ForBlocks_covers_every_item_once_in_contiguous_blocks()
    {
        WithThreads(2, () =>
        {
            var seen = new int[100_003];
            Threading.ForBlocks(seen.Length, 1000, (start, length) =>
            {
                for (int i = start; i < start + length; i++) seen[i]++;
            });
            Assert.All(seen, s => Assert.Equal(1, s));
        });
    }
}
