using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>Implementation choices of <see cref="Gemm"/>; tests force each one the hardware supports.</summary>
internal enum GemmPath
{
    /// <summary>Pick by problem size and hardware (the default).</summary>
    Auto,

    /// <summary>Unpacked SIMD path for small problems (any hardware).</summary>
    Small,

    /// <summary>Packed path with the portable Vector&lt;T&gt; micro-kernel (any hardware).</summary>
    Vector,

    /// <summary>Packed path with the AVX2 + FMA3 micro-kernel.</summary>
    Avx2,

    /// <summary>Packed path with the AVX-512F micro-kernel.</summary>
    Avx512,
}

/// <summary>
/// General matrix multiply, C = alpha * op(A) * op(B) + beta * C, on row-major float and double matrices.
/// BLAS: sgemm/dgemm (row-major, CblasRowMajor); PyTorch: <c>torch.addmm</c> / <c>torch.baddbmm</c>.
/// </summary>
/// <remarks>
/// <para>Layout: op(A) is m x k, op(B) is k x n, C is m x n, all row-major with leading dimensions (row strides)
/// lda, ldb, ldc. Without transA, op(A)[i,p] = a[i*lda + p]; with transA, A is stored k x m and
/// op(A)[i,p] = a[p*lda + i]. Likewise op(B)[p,j] = b[p*ldb + j], or b[j*ldb + p] with transB. C[i,j] = c[i*ldc + j].
/// Each span starts at element (0,0) of its matrix.</para>
/// <para>beta == 0 overwrites C without reading it (NaN in C is ignored), as in BLAS; k == 0 or alpha == 0 gives
/// C = beta * C.</para>
/// <para>Implementation: cache-blocked packed panels and a register-blocked FMA micro-kernel (AVX-512, AVX2 or
/// Vector&lt;T&gt;, chosen at run time), an unpacked path for small problems, and up to
/// <see cref="Threading.NumThreads"/> threads splitting C into fixed blocks. k is never split, so each element of C
/// is computed by the same operations whatever the thread count: results are bit-identical run to run.</para>
/// </remarks>
public static class Gemm
{
    [ThreadStatic]
    private static GemmPath t_forcedPath;

    /// <summary>
    /// Forces an implementation for calls made from the current thread (tests only); <see cref="GemmPath.Auto"/>
    /// restores the normal choice. Thread-static so concurrently running tests cannot affect each other.
    /// </summary>
    internal static GemmPath ForcedPath
    {
        get => t_forcedPath;
        set => t_forcedPath = value;
    }

    [ThreadStatic]
    private static bool t_packAllPanels;

    /// <summary>
    /// Makes the packed driver copy every panel instead of reading panels already in panel shape in place (tests
    /// only: both must give bit-identical results). Thread-static like <see cref="ForcedPath"/>.
    /// </summary>
    internal static bool PackAllPanels
    {
        get => t_packAllPanels;
        set => t_packAllPanels = value;
    }

    /// <summary>Whether the hardware can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512F.IsSupported,
        GemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>The packed micro-kernel the hardware supports best.</summary>
    internal static GemmPath BestPackedPath =>
        IsSupported(GemmPath.Avx512) ? GemmPath.Avx512 : IsSupported(GemmPath.Avx2) ? GemmPath.Avx2 : GemmPath.Vector;

    /// <summary>C = alpha * op(A) * op(B) + beta * C in single precision. BLAS: sgemm.</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major, starting at its element (0,0).</param>
    /// <param name="lda">Row stride of A as stored (at least k, or m with transA).</param>
    /// <param name="b">B, row-major, starting at its element (0,0).</param>
    /// <param name="ldb">Row stride of B as stored (at least n, or k with transB).</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m x n), row-major.</param>
    /// <param name="ldc">Row stride of C (at least n).</param>
    /// <exception cref="ArgumentException">A size or stride is negative, a leading dimension is smaller than its row
    /// width, or a span is too short; the message names the sizes.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a,
        int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Batched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>C = alpha * op(A) * op(B) + beta * C in double precision. BLAS: dgemm.</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major, starting at its element (0,0).</param>
    /// <param name="lda">Row stride of A as stored (at least k, or m with transA).</param>
    /// <param name="b">B, row-major, starting at its element (0,0).</param>
    /// <param name="ldb">Row stride of B as stored (at least n, or k with transB).</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m x n), row-major.</param>
    /// <param name="ldc">Row stride of C (at least n).</param>
    /// <exception cref="ArgumentException">A size or stride is negative, a leading dimension is smaller than its row
    /// width, or a span is too short; the message names the sizes.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a,
        int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        => Batched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>
    /// Batched single-precision GEMM: for t in 0..batch-1, C_t = alpha * op(A_t) * op(B_t) + beta * C_t, where A_t
    /// starts at a[t * strideA], B_t at b[t * strideB] and C_t at c[t * strideC].
    /// BLAS: sgemm_batch_strided (cublasSgemmStridedBatched); PyTorch: <c>torch.bmm</c> / <c>torch.baddbmm</c>.
    /// </summary>
    /// <param name="transA">Whether each A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether each B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the products.</param>
    /// <param name="a">The A matrices.</param>
    /// <param name="lda">Row stride of each A as stored.</param>
    /// <param name="strideA">Elements between consecutive A matrices; 0 broadcasts one A to every product.</param>
    /// <param name="b">The B matrices.</param>
    /// <param name="ldb">Row stride of each B as stored.</param>
    /// <param name="strideB">Elements between consecutive B matrices; 0 broadcasts one B to every product.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">The C matrices; they must not overlap each other.</param>
    /// <param name="ldc">Row stride of each C.</param>
    /// <param name="strideC">Elements between consecutive C matrices (positive when batch &gt; 1).</param>
    /// <param name="batch">Number of products.</param>
    /// <exception cref="ArgumentException">A size or stride is negative, a leading dimension is smaller than its row
    /// width, or a span is too short for the batch; the message names the sizes.</exception>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB, float beta,
        Span<float> c, int ldc, long strideC, int batch)
        => Batched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);

    /// <summary>
    /// Batched double-precision GEMM: for t in 0..batch-1, C_t = alpha * op(A_t) * op(B_t) + beta * C_t, where A_t
    /// starts at a[t * strideA], B_t at b[t * strideB] and C_t at c[t * strideC].
    /// BLAS: dgemm_batch_strided (cublasDgemmStridedBatched); PyTorch: <c>torch.bmm</c> / <c>torch.baddbmm</c>.
    /// </summary>
    /// <param name="transA">Whether each A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether each B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the products.</param>
    /// <param name="a">The A matrices.</param>
    /// <param name="lda">Row stride of each A as stored.</param>
    /// <param name="strideA">Elements between consecutive A matrices; 0 broadcasts one A to every product.</param>
    /// <param name="b">The B matrices.</param>
    /// <param name="ldb">Row stride of each B as stored.</param>
    /// <param name="strideB">Elements between consecutive B matrices; 0 broadcasts one B to every product.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">The C matrices; they must not overlap each other.</param>
    /// <param name="ldc">Row stride of each C.</param>
    /// <param name="strideC">Elements between consecutive C matrices (positive when batch &gt; 1).</param>
    /// <param name="batch">Number of products.</param>
    /// <exception cref="ArgumentException">A size or stride is negative, a leading dimension is smaller than its row
    /// width, or a span is too short for the batch; the message names the sizes.</exception>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, long strideA, ReadOnlySpan<double> b, int ldb, long strideB, double beta,
        Span<double> c, int ldc, long strideC, int batch)
        => Batched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);

    private static unsafe void Batched<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a,
        int lda, long strideA, ReadOnlySpan<T> b, int ldb, long strideB, T beta, Span<T> c, int ldc, long strideC,
        int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, strideA, b.Length, ldb, strideB,
            c.Length, ldc, strideC, batch);
        if (m == 0 || n == 0 || batch == 0)
        {
            return;
        }
        if (m == 1 && ForcedPath == GemmPath.Auto)
        {
            // One output row: a matrix–vector product, cheaper without packing (single-sample inference).
            for (int t = 0; t < batch; t++)
                GemmVector.RowTimesMatrix(transA, transB, n, k, alpha, a[(int)(t * strideA)..], lda, b[(int)(t * strideB)..], ldb,
                                          beta, c[(int)(t * strideC)..]);
            return;
        }
        GemmPath path = SelectPath<T>(m, n, k);
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var job = new GemmJob<T>(path, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            long volume = (long)m * n * k;
            int threads = Threading.NumThreads;
            if (batch == 1 || threads == 1 || volume >= GemmThresholds.FewPartsVolume)
            {
                // One product, one thread, or products big enough to split well on their own.
                for (int t = 0; t < batch; t++)
                {
                    job.RunParallel(t * strideA, t * strideB, t * strideC, threads);
                }
                return;
            }
            // Several smaller products: give each part a fixed contiguous range of the batch. Cheaper than
            // splitting each product (no re-packing, one fork-join in all), and the per-element arithmetic is the
            // same, so results still do not depend on the thread count.
            int parts = volume >= GemmThresholds.ParallelVolume / batch
                ? Math.Min(threads * GemmThresholds.PartsPerThread, batch)
                : 1;
            RunBatchParts(job, parts, batch, strideA, strideB, strideC);
        }
    }

    /// <summary>Runs products t in [batch*part/parts, batch*(part+1)/parts) on one thread per part.</summary>
    private static void RunBatchParts<T>(GemmJob<T> job, int parts, int batch, long strideA, long strideB,
        long strideC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Threading.For(parts, part =>
        {
            int t0 = (int)((long)batch * part / parts), t1 = (int)((long)batch * (part + 1) / parts);
            for (int t = t0; t < t1; t++)
            {
                job.RunSerial(t * strideA, t * strideB, t * strideC);
            }
        });
    }

    private static GemmPath SelectPath<T>(int m, int n, int k)
        where T : unmanaged
    {
        GemmPath forced = ForcedPath;
        if (forced != GemmPath.Auto)
        {
            return IsSupported(forced)
                ? forced
                : throw new InvalidOperationException($"Gemm: path {forced} is not supported on this machine.");
        }
        // The threshold is in float-sized work: double halves it (half the lanes per vector, so packing amortises
        // at half the volume; measured crossover near 50^3 for double).
        long scaled = (long)m * n * k * Unsafe.SizeOf<T>() / sizeof(float);
        return scaled <= GemmThresholds.SmallVolume ? GemmPath.Small : BestPackedPath;
    }
}

/// <summary>Problem-size thresholds of the dispatch (volumes are m*n*k, i.e. half the flop count).</summary>
internal static class GemmThresholds
{
    /// <summary>
    /// Float problems with m*n*k at most this (64^3; double: half) use the unpacked path. Measured on Zen 4, the
    /// unpacked path is faster up to 64^3 (99 vs 88 GFLOP/s, and far more at sizes that leave ragged edge tiles,
    /// e.g. 48^3: 91 vs 42); the two break even near 96^3, beyond which packing pays for itself.
    /// </summary>
    internal const long SmallVolume = 64L * 64 * 64;

    /// <summary>
    /// Minimum m*n*k (2 * 96^3 flops, ~17 µs on one core) before a call is spread over threads. A fork-join through
    /// <see cref="Threading.For"/> costs about 10 µs even when the worker is awake, so smaller calls gain nothing;
    /// measured with 2 threads, 96^3 runs at the single-thread rate and 128^3 at about 1.5 times it.
    /// </summary>
    internal const long ParallelVolume = 96L * 96 * 96;

    /// <summary>
    /// Parts of C per thread below <see cref="FewPartsVolume"/>. More parts than threads because a parked pool
    /// thread can take 100 µs or more to wake (in a VM): with one part each, the calling thread often finishes both
    /// parts before the worker starts. With four, a late worker still takes a share, and a thread slowed by a busy
    /// neighbour is balanced out. Measured on Zen 4 with 2 threads at 256^3: 1 part per thread 102, 2 parts 196,
    /// 4 parts 196 GFLOP/s (median), and 4 parts gave the best 128^3 (156 vs 143).
    /// </summary>
    internal const int PartsPerThread = 4;

    /// <summary>
    /// From this m*n*k (512^3, over 1 ms per part) on, 2 parts per thread: every extra column slab re-packs A and
    /// every extra row slab re-packs B, and wake-up latency no longer matters.
    /// </summary>
    internal const long FewPartsVolume = 512L * 512 * 512;
}
