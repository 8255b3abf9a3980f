namespace Nabla.Internal;

/// <summary>Recycled tensor storage. The backward pass knows which gradient arrays nothing else can reach (see
/// <see cref="Graph"/>): each intermediate gradient is dead once its node's backward has run. Given back here, the
/// next large allocation of the same element type and length (the next backward op, or the next step's forward)
/// reuses it. That matters in .NET more than in PyTorch: freshly allocated memory is cold (every line written is
/// first read from DRAM for ownership), and every array that replaces a recycled one is garbage that makes the GC
/// run and copy the activations still live for the backward pass (W4 char-GPT: 364 MB allocated per step).</summary>
/// <remarks>Only arrays of at least <see cref="MinBytes"/> are pooled: smaller ones are cheap to allocate in gen 0
/// and the lock would cost more than it saves. At most <see cref="MaxBytes"/> are kept; an array returned beyond
/// that is left to the GC. Among free arrays of one length the most recently returned is handed out first: its
/// lines are the likeliest to still be in cache. Thread-safe.</remarks>
internal static class StoragePool
{
    /// <summary>Smallest array pooled: 64 KiB, twice a core's L1 data cache (32 KiB here); below it an allocation
    /// is a cheap gen-0 bump whose lines are likely still cached, and a lock per allocation would cost more than
    /// it saves.</summary>
    public const int MinBytes = 64 * 1024;

    /// <summary>Most memory kept free: 256 MiB, several times the gradient working set of a backward pass of the
    /// models here (a few activations' worth at a time), small next to the memory such a training run uses.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<(Type, int), Stack<Array>> s_free = [];
    private static long s_freeBytes;

    /// <summary>When set (tests only), returned arrays are filled with NaN (or the type's maximum) and never handed
    /// out again, so a tensor that still used one after the engine declared it dead shows wrong values instead of
    /// silently sharing memory.</summary>
    internal static bool Poison { get; set; }

    /// <summary>Bytes currently held free (for tests).</summary>
    internal static long FreeBytes
    {
        get
        {
            lock (s_lock) return s_freeBytes;
        }
    }

    /// <summary>True when arrays of this many elements of <typeparamref name="T"/> are pooled.</summary>
    public static bool Pooled<T>(int length) where T : unmanaged => (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() >= MinBytes;

    /// <summary>A free array of exactly <paramref name="length"/> elements, contents undefined, or null when none
    /// is free.</summary>
    public static T[]? TryRent<T>(int length) where T : unmanaged
    {
        lock (s_lock)
        {
            if (!s_free.TryGetValue((typeof(T), length), out Stack<Array>? stack) || stack.Count == 0) return null;
            s_freeBytes -= Bytes(stack.Peek());
            return (T[])stack.Pop();
        }
    }

    /// <summary>Gives back an array that no tensor, closure or caller references any more; the caller must not
    /// touch it afterwards. Arrays below <see cref="MinBytes"/> or beyond <see cref="MaxBytes"/> are dropped.</summary>
    public static void Return(Array data)
    {
        long bytes = Bytes(data);
        if (bytes < MinBytes) return;
        if (Poison)
        {
            Spoil(data);
            return;
        }
        lock (s_lock)
        {
            if (s_freeBytes + bytes > MaxBytes) return;
            var key = (data.GetType().GetElementType()!, data.Length);
            if (!s_free.TryGetValue(key, out Stack<Array>? stack)) s_free[key] = stack = new Stack<Array>();
            stack.Push(data);
            s_freeBytes += bytes;
        }
    }

    /// <summary>Drops every free array (tests start from an empty pool).</summary>
    public static void Clear()
    {
        lock (s_lock)
        {
            s_free.Clear();
            s_freeBytes = 0;
        }
    }

    private static long Bytes(Array data) => Buffer.ByteLength(data);

    private static void Spoil(Array data)
    {
        switch (data)
        {
            case float[] f: f.AsSpan().Fill(float.NaN); break;
            case double[] d: d.AsSpan().Fill(double.NaN); break;
            case long[] l: l.AsSpan().Fill(long.MaxValue); break;
            case bool[] b: b.AsSpan().Fill(true); break;
        }
    }
}
