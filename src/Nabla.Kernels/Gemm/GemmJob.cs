using System.Numerics;

namespace Nabla.Kernels;

/// <summary>
/// One validated GEMM call on pinned pointers: scales C for the trivial cases, runs the small path, or splits C into
/// fixed blocks for the threads and runs the packed driver on each. A struct so the common single-threaded call
/// allocates nothing; only the parallel branch boxes a copy into the closure.
/// </summary>
internal readonly unsafe struct GemmJob<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly GemmPath path;
    private readonly bool transA, transB;
    private readonly int m, n, k;
    private readonly T alpha, beta;
    private readonly T* a, b, c;
    private readonly nint lda, ldb, ldc;

    /// <summary>Captures one validated call; the pointers address element (0,0) of the first matrices.</summary>
    public GemmJob(GemmPath path, bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b,
        nint ldb, T beta, T* c, nint ldc)
    {
        this.path = path;
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.lda = lda;
        this.b = b;
        this.ldb = ldb;
        this.beta = beta;
        this.c = c;
        this.ldc = ldc;
    }

    /// <summary>Runs the product whose matrices start at the given element offsets, on one thread.</summary>
    public void RunSerial(long offA, long offB, long offC) => RunParallel(offA, offB, offC, 1);

    /// <summary>
    /// Runs the product whose matrices start at the given element offsets, on up to <paramref name="threads"/>
    /// threads. C is cut into a grid of <c>pm x pn</c> rectangles, each a whole number of micro-tiles, and each part
    /// packs its own slices of A and B, so no two parts write the same element.
    /// </summary>
    public void RunParallel(long offA, long offB, long offC, int threads)
    {
        T* pa = a + offA, pb = b + offB, pc = c + offC;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(pc);
            return;
        }
        if (path == GemmPath.Small)
        {
            GemmSmall<T>.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            return;
        }
        (int mr, int nr) = TileShape(path);
        int um = (m + mr - 1) / mr, un = (n + nr - 1) / nr;
        long volume = (long)m * n * k;
        int perThread = volume >= GemmThresholds.FewPartsVolume ? 2 : GemmThresholds.PartsPerThread;
        // One thread: one part. Cutting C into parts then only re-reads A for every column slab and B for every
        // row slab (dW of a 512 -> 128 Linear, 128 x 512 x 4096, was cut into four 128-column slabs, each streaming
        // all of A from memory again).
        int parts = threads > 1 && volume >= GemmThresholds.ParallelVolume
            ? Math.Min(threads * perThread, um * un)
            : 1;
        if (parts <= 1)
        {
            RunPacked(pa, pb, pc, m, n);
            return;
        }
        (int pm, int pn) = Grid(parts, um, un);
        RunParts(pa, pb, pc, pm, pn, um, un, mr, nr);
    }

    /// <summary>Runs the pm x pn grid of parts through <see cref="Threading.For"/>.</summary>
    private void RunParts(T* pa, T* pb, T* pc, int pm, int pn, int um, int un, int mr, int nr)
    {
        GemmJob<T> self = this;
        nint pA = (nint)pa, pB = (nint)pb, pC = (nint)pc;
        Threading.For(pm * pn, part =>
        {
            int qm = part / pn, qn = part % pn;
            int i0 = (int)((long)um * qm / pm) * mr, i1 = Math.Min(self.m, (int)((long)um * (qm + 1) / pm) * mr);
            int j0 = (int)((long)un * qn / pn) * nr, j1 = Math.Min(self.n, (int)((long)un * (qn + 1) / pn) * nr);
            T* ai = (T*)pA + (self.transA ? i0 : i0 * self.lda);
            T* bj = (T*)pB + (self.transB ? j0 * self.ldb : j0);
            self.RunPacked(ai, bj, (T*)pC + i0 * self.ldc + j0, i1 - i0, j1 - j0);
        });
    }

    /// <summary>
    /// Factors <paramref name="parts"/> (or, if no factorisation fits, the largest smaller count that does) into a
    /// pm x pn grid over C's <paramref name="um"/> x <paramref name="un"/> tiles. Each of the pn column slabs re-packs
    /// its rows of A and each of the pm row slabs its columns of B, so the grid minimising the packed volume
    /// pn*m*k + pm*k*n, i.e. pn*m + pm*n, is chosen.
    /// </summary>
    private (int Pm, int Pn) Grid(int parts, int um, int un)
    {
        for (int count = parts; count > 1; count--)
        {
            (int Pm, int Pn) best = (0, 0);
            double bestCost = double.MaxValue;
            for (int pm = 1; pm <= count; pm++)
            {
                int pn = count / pm;
                double cost = (double)pn * m + (double)pm * n;
                if (pm * pn == count && pm <= um && pn <= un && cost < bestCost)
                {
                    bestCost = cost;
                    best = (pm, pn);
                }
            }
            if (best.Pm > 0)
            {
                return best;
            }
        }
        return (1, 1);
    }

    private static (int MR, int NR) TileShape(GemmPath path) => path switch
    {
        GemmPath.Avx512 => (Avx512Kernel<T>.MR, Avx512Kernel<T>.NR),
        GemmPath.Avx2 => (Avx2Kernel<T>.MR, Avx2Kernel<T>.NR),
        _ => (VectorKernel<T>.MR, VectorKernel<T>.NR),
    };

    private void RunPacked(T* pa, T* pb, T* pc, int rows, int cols)
    {
        switch (path)
        {
            case GemmPath.Avx512:
                GemmDriver<T, Avx512Kernel<T>>.Run(
                    transA, transB, rows, cols, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                break;
            case GemmPath.Avx2:
                GemmDriver<T, Avx2Kernel<T>>.Run(
                    transA, transB, rows, cols, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                break;
            default:
                GemmDriver<T, VectorKernel<T>>.Run(
                    transA, transB, rows, cols, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                break;
        }
    }

    /// <summary>C = beta * C, or C = 0 when beta is 0 (old contents, even NaN, ignored).</summary>
    private void ScaleC(T* pc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<T> row = new(pc + i * ldc, n);
            if (beta == T.Zero)
            {
                row.Clear();
            }
            else if (beta != T.One)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }
}
