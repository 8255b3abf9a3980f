using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Nabla;

/// <summary>Dedicated worker threads for <see cref="Threading.For"/>: after a job they spin briefly before
/// sleeping, so the back-to-back parallel kernels of a training step (several GEMMs, element-wise ops) do not pay
/// a thread wake-up each (100–150 µs for a parked thread-pool thread on this class of VM, against ~1 µs here).
/// OpenMP runtimes keep their workers spinning for the same reason.</summary>
/// <remarks>The loops are compiled fully optimised from the first call (AggressiveOptimization): a worker's
/// loop never returns, so tiered compilation would otherwise leave it in unoptimised code for a long time.
/// Parts are claimed from a shared counter, so which thread runs a part may vary, but each part's work is
/// fixed by its index: results never depend on scheduling. One job runs at a time; a call made while another
/// thread's job is running, or from inside a job, runs its parts on the calling thread.</remarks>
internal static class WorkerPool
{
    // How long an idle worker spins waiting for the next job before it sleeps: longer than the serial gaps
    // between the kernels of one training step, short enough that an idle process stops burning a core quickly.
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000;   // 0.5 ms

    private static readonly object s_gate = new();
    private static readonly List<Worker> s_workers = [];
    private static volatile Job? s_job;
    [ThreadStatic] private static bool t_inJob;

    private sealed class Job(Action<int> body, int parts, int helpers)
    {
        public readonly Action<int> Body = body;
        public readonly int Parts = parts;
        public readonly int Helpers = helpers;
        public int Next;
        public int Pending = parts;
        public int Joined;
        public Exception? Error;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
        Justification = "Workers, and their semaphores, live as long as the process.")]
    private sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);
        public int Sleeping;
    }

    /// <summary>Runs body(0..parts−1) on the calling thread plus up to threads − 1 workers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int parts, int threads, Action<int> body)
    {
        if (t_inJob || !Monitor.TryEnter(s_gate))
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            var job = new Job(body, parts, threads - 1);
            s_job = job;                                         // volatile write: publishes the job's fields
            foreach (Worker w in s_workers)
            {
                if (Interlocked.Exchange(ref w.Sleeping, 0) == 1) w.Wake.Release();
            }
            Work(job);
            var spin = new SpinWait();
            while (Volatile.Read(ref job.Pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            if (job.Error is Exception e) ExceptionDispatchInfo.Throw(e);
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Work(Job job)
    {
        bool outer = t_inJob;
        t_inJob = true;
        try
        {
            while (true)
            {
                int part = Interlocked.Increment(ref job.Next) - 1;
                if (part >= job.Parts) return;
                try
                {
                    job.Body(part);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref job.Error, e, null);
                }
                Interlocked.Decrement(ref job.Pending);
            }
        }
        finally
        {
            t_inJob = outer;
        }
    }

    private static void EnsureWorkers(int count)
    {
        while (s_workers.Count < count)
        {
            var w = new Worker();
            s_workers.Add(w);
            new Thread(() => Loop(w)) { IsBackground = true, Name = $"Nabla worker {s_workers.Count}" }.Start();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop(Worker w)
    {
        Job? done = null;
        while (true)
        {
            Job? job = WaitForJob(w, done);
            done = job;
            // Only as many workers as the job asked for join it; the others go back to waiting.
            if (Interlocked.Increment(ref job.Joined) <= job.Helpers) Work(job);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Job WaitForJob(Worker w, Job? done)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            Job? job = s_job;
            if (job is not null && job != done) return job;
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(20);
                continue;
            }
            // Sleep. The flag is raised before re-checking for a job, so a job published in between is either
            // seen here or finds the flag and releases the semaphore: no wake-up is lost.
            Volatile.Write(ref w.Sleeping, 1);
            job = s_job;
            if (job is not null && job != done)
            {
                if (Interlocked.Exchange(ref w.Sleeping, 0) == 0) w.Wake.Wait();   // consume the release already made
                return job;
            }
            w.Wake.Wait();
            start = Stopwatch.GetTimestamp();
        }
    }
}
