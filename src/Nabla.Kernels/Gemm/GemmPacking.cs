using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous micro-panel layouts the micro-kernels stream through.
/// Transposition is absorbed here (only the read pattern changes), so no transposed matrix is ever materialised.
/// Partial panels at the edges are zero-padded: the kernel then always runs full MR x NR tiles and the padded
/// rows/columns contribute exact zeros that the driver discards.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Strided reads/writes are done in runs of this many k steps so a column-at-a-time transpose touches a few
    /// cache lines per destination row instead of the whole panel (32 elements = 128 bytes of float, two lines).
    /// </summary>
    private const int TransposeRun = 32;

    /// <summary>
    /// Stored rows of A read together when packing a transposed A. Few enough that, when lda is a multiple of
    /// 1 KiB (all rows then map to 4 of the 64 sets of a 32 KiB 8-way L1), at most 2 live lines share a set.
    /// </summary>
    private const int CopyRun = 8;

    /// <summary>
    /// Packs op(A)[0..mc, 0..kc] (a points at its element (0,0)) into ceil(mc/mr) panels of mr x kc; panel q holds,
    /// for each p, the mr values op(A)[q*mr + r, p] contiguously. <c>dst</c> receives ceil(mc/mr)*mr*kc elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(bool transA, int mc, int kc, T* a, nint lda, T* dst, int mr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transA)
        {
            // op(A)[i, p] = a[p*lda + i]: the mr values for one p are contiguous. Visit a run of CopyRun values of
            // p for all panels before the next run: each of those stored rows of A is then read sequentially (one
            // prefetch stream per row, a line serving consecutive panels), and only CopyRun source lines are live.
            for (int p0 = 0; p0 < kc; p0 += CopyRun)
            {
                int p1 = Math.Min(kc, p0 + CopyRun);
                for (int i0 = 0; i0 < mc; i0 += mr)
                {
                    int rows = Math.Min(mr, mc - i0);
                    T* panel = dst + (nint)i0 * kc;
                    for (int p = p0; p < p1; p++)
                    {
                        CopyPadded(a + p * lda + i0, panel + (nint)p * mr, rows, mr);
                    }
                }
            }
            return;
        }
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            // op(A)[i, p] = a[i*lda + p]: rows are contiguous in p; transpose them.
            Transpose(a + i0 * lda, lda, Math.Min(mr, mc - i0), kc, dst + (nint)i0 * kc, mr);
        }
    }

    /// <summary>
    /// Packs op(B)[0..kc, 0..nc] (b points at its element (0,0)) into ceil(nc/nr) panels of kc x nr; panel q holds,
    /// for each p, the nr values op(B)[p, q*nr + c] contiguously. <c>dst</c> receives ceil(nc/nr)*nr*kc elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(bool transB, int kc, int nc, T* b, nint ldb, T* dst, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!transB)
        {
            // op(B)[p, j] = b[p*ldb + j]: row p of the block is contiguous; hand its nc values out to the panels.
            // Row by row the source is read as one sequential stream. Panel by panel (down a column strip, the
            // previous order) it was read at stride ldb, which for ldb = 512 floats maps every row to the same two
            // L1 sets, so each strip re-fetched its lines: packing B took 3.0 ms of the dW of a 512 -> 128 Linear
            // (B 4096 x 512), against 0.3 ms for packing its A.
            for (int p = 0; p < kc; p++)
            {
                T* src = b + p * ldb;
                T* row = dst + (nint)p * nr;
                for (int j0 = 0; j0 < nc; j0 += nr)
                {
                    CopyPadded(src + j0, row + (nint)j0 * kc, Math.Min(nr, nc - j0), nr);
                }
            }
            return;
        }
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            // op(B)[p, j] = b[j*ldb + p]: columns of op(B) are contiguous in p; transpose them.
            Transpose(b + j0 * ldb, ldb, Math.Min(nr, nc - j0), kc, dst, nr);
            dst += (nint)nr * kc;
        }
    }

    /// <summary>Copies <paramref name="count"/> elements and zero-fills up to <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded<T>(T* src, T* dst, int count, int width)
        where T : unmanaged
    {
        int bytes = count * sizeof(T);
        if (count == width && Vector256.IsHardwareAccelerated && bytes % 32 == 0)
        {
            // Full panel rows are 32 bytes (8 floats) up to 128: inline vector copies instead of a memmove call.
            for (int offset = 0; offset < bytes; offset += 32)
            {
                Vector256.Store(Vector256.Load((byte*)src + offset), (byte*)dst + offset);
            }
            return;
        }
        Unsafe.CopyBlockUnaligned(dst, src, (uint)bytes);
        if (count < width)
        {
            new Span<T>(dst + count, width - count).Clear();
        }
    }

    /// <summary>
    /// dst[p*width + r] = src[r*ld + p] for r &lt; lines, p &lt; kc, and zero for lines &lt;= r &lt; width. Full 8 x 8
    /// (float) or 4 x 4 (double) blocks go through AVX registers; the ragged remainder is scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose<T>(T* src, nint ld, int lines, int kc, T* dst, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = 0;
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            block = 8;
        }
        else if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            block = 4;
        }
        int simdLines = block == 0 ? 0 : lines / block * block;
        int simdK = block == 0 ? 0 : kc / block * block;
        for (int p0 = 0; p0 < kc; p0 += TransposeRun)
        {
            int p1 = Math.Min(kc, p0 + TransposeRun);
            int pSimdEnd = Math.Min(p1, simdK);
            for (int r = 0; r < simdLines; r += block)
            {
                for (int p = p0; p < pSimdEnd; p += block)
                {
                    T* s = src + r * ld + p;
                    T* d = dst + (nint)p * width + r;
                    if (typeof(T) == typeof(float))
                    {
                        Transpose8x8((float*)s, ld, (float*)d, width);
                    }
                    else
                    {
                        Transpose4x4((double*)s, ld, (double*)d, width);
                    }
                }
                TransposeScalar(src, ld, r, r + block, pSimdEnd, p1, dst, width);
            }
            TransposeScalar(src, ld, simdLines, lines, p0, p1, dst, width);
            for (int r = lines; r < width; r++)
            {
                T* d = dst + (nint)p0 * width + r;
                for (int p = 0; p < p1 - p0; p++)
                {
                    d[(nint)p * width] = T.Zero;
                }
            }
        }
    }

    /// <summary>dst[p*width + r] = src[r*ld + p] for r0 &lt;= r &lt; r1 and p0 &lt;= p &lt; p1, scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeScalar<T>(T* src, nint ld, int r0, int r1, int p0, int p1, T* dst, int width)
        where T : unmanaged
    {
        for (int r = r0; r < r1; r++)
        {
            T* s = src + r * ld;
            T* d = dst + r;
            for (int p = p0; p < p1; p++)
            {
                d[(nint)p * width] = s[p];
            }
        }
    }

    /// <summary>Transposes an 8 x 8 float block: 8 row loads, 24 shuffles, 8 row stores (classic AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, nint ld, float* d, nint width)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * ld), r5 = Avx.LoadVector256(s + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * ld), r7 = Avx.LoadVector256(s + 7 * ld);
        // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], and so on.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Combine 64-bit pairs: u0 holds column 0 of rows 0-3 in its low lane and column 4 in its high lane.
        const byte Low = 0b01_00_01_00, High = 0b11_10_11_10;
        Vector256<float> u0 = Avx.Shuffle(t0, t2, Low), u1 = Avx.Shuffle(t0, t2, High);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, Low), u3 = Avx.Shuffle(t1, t3, High);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, Low), u5 = Avx.Shuffle(t4, t6, High);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, Low), u7 = Avx.Shuffle(t5, t7, High);
        // Join 128-bit lanes: rows 0-3 from u*, rows 4-7 from u*+4; 0x20 takes low lanes, 0x31 high lanes.
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * width, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * width, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * width, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * width, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * width, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Transposes a 4 x 4 double block: 4 row loads, 8 shuffles, 4 row stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* s, nint ld, double* d, nint width)
    {
        Vector256<double> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld);
        Vector256<double> r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        // t0 = r0[0] r1[0] r0[2] r1[2], t1 = r0[1] r1[1] r0[3] r1[3] (likewise rows 2, 3).
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(d + 3 * width, Avx.Permute2x128(t1, t3, 0x31));
    }
}
