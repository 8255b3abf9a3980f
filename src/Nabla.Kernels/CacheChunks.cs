using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// Runs a <see cref="System.Numerics.Tensors.TensorPrimitives"/> call over a long span as a sequence of calls on
/// cache-sized pieces.
/// </summary>
/// <remarks>
/// Once a destination exceeds 256 KB, TensorPrimitives writes it with non-temporal stores, which bypass the
/// caches and go to memory. For a tensor that would fit in L3 (this machine's is 32 MB) that is the wrong choice
/// for a training step: the next op reads the result back, from DRAM instead of L3, and two threads share one
/// memory bus instead of each streaming from the cache. Measured here on <c>add</c> of two 1M-float tensors
/// (12 MB touched): 80 GB/s on one thread either way, but 80 GB/s on two threads with non-temporal stores
/// against 160 GB/s with pieces of <see cref="Bytes"/> (PyTorch: 170–185 GB/s on two threads). A piece is small
/// enough to stay under the threshold whatever the element type, and large enough that the extra call per piece
/// costs well under 1 %.
/// </remarks>
internal static class CacheChunks
{
    /// <summary>Bytes of destination per call: a quarter of TensorPrimitives' 256 KB non-temporal threshold.</summary>
    public const int Bytes = 64 * 1024;

    public delegate void Unary<T>(ReadOnlySpan<T> x, Span<T> destination);
    public delegate void Binary<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination);
    public delegate void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> destination);
    public delegate void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> destination);
    public delegate void SpanScalarSpan<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> z, Span<T> destination);

    private static int Piece<T>() => Bytes / Unsafe.SizeOf<T>();

    // Each form splits only when the spans are consistent (TensorPrimitives writes x.Length elements and requires
    // equal input lengths and a long enough destination); otherwise the whole call goes to TensorPrimitives,
    // which reports the mismatch with its own message.

    public static void Run<T>(ReadOnlySpan<T> x, Span<T> destination, Unary<T> op)
    {
        int n = x.Length, piece = Piece<T>();
        if (n <= piece || destination.Length < n)
        {
            op(x, destination);
            return;
        }
        for (int i = 0; i < n; i += piece)
        {
            int m = Math.Min(piece, n - i);
            op(x.Slice(i, m), destination.Slice(i, m));
        }
    }

    public static void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, Binary<T> op)
    {
        int n = x.Length, piece = Piece<T>();
        if (n <= piece || y.Length != n || destination.Length < n)
        {
            op(x, y, destination);
            return;
        }
        for (int i = 0; i < n; i += piece)
        {
            int m = Math.Min(piece, n - i);
            op(x.Slice(i, m), y.Slice(i, m), destination.Slice(i, m));
        }
    }

    public static void Run<T>(ReadOnlySpan<T> x, T y, Span<T> destination, SpanScalar<T> op)
    {
        int n = x.Length, piece = Piece<T>();
        if (n <= piece || destination.Length < n)
        {
            op(x, y, destination);
            return;
        }
        for (int i = 0; i < n; i += piece)
        {
            int m = Math.Min(piece, n - i);
            op(x.Slice(i, m), y, destination.Slice(i, m));
        }
    }

    public static void Run<T>(T x, ReadOnlySpan<T> y, Span<T> destination, ScalarSpan<T> op)
    {
        int n = y.Length, piece = Piece<T>();
        if (n <= piece || destination.Length < n)
        {
            op(x, y, destination);
            return;
        }
        for (int i = 0; i < n; i += piece)
        {
            int m = Math.Min(piece, n - i);
            op(x, y.Slice(i, m), destination.Slice(i, m));
        }
    }

    public static void Run<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> z, Span<T> destination, SpanScalarSpan<T> op)
    {
        int n = x.Length, piece = Piece<T>();
        if (n <= piece || z.Length != n || destination.Length < n)
        {
            op(x, y, z, destination);
            return;
        }
        for (int i = 0; i < n; i += piece)
        {
            int m = Math.Min(piece, n - i);
            op(x.Slice(i, m), y, z.Slice(i, m), destination.Slice(i, m));
        }
    }
}
