using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>AVX-512 register tiles for the products of a convolution whose B operand is a column matrix that is
/// already in cache (the unfolded samples, or the output gradient), so that no packing of B is needed.</summary>
/// <remarks>
/// <para><see cref="Multiply{T}(int, int, int, T*, T*, nint, T*, nint)"/>: C (m × n) = A·B with A packed by <see cref="Pack{T}"/> into panels of
/// <see cref="MR"/> rows (for each p the MR values A(i0 + r, p), zero rows past m) and B row-major. The tile is
/// 8 rows × 3 vectors (48 float or 24 double columns): 24 accumulators hide the 4-cycle FMA latency, and each k step
/// issues 24 FMAs against 3 loads of B and 8 broadcasts of A, so the loop is FMA-bound on Zen 4 (one 512-bit FMA
/// per cycle, two loads). B panels (k × 48) are loaded straight from the column matrix, whose rows are contiguous;
/// the panel is reused by every row panel of A from L1 when k·48·4 bytes fit (k ≤ 170 for float).</para>
/// <para><see cref="RowDots{T}(int, int, int, T*, nint, T*, nint, T*, nint)"/>: C (m × n) += A·Bᵀ with A (m × len) and B (n × len) row-major and len a multiple
/// of the vector width, i.e. dot products of rows; 4 × 4 vector accumulators per tile (16 FMAs against 8 loads per
/// vector of positions), reduced once per call. This is the weight gradient dy·colᵀ.</para>
/// <para>Every element of C is one FMA chain over p in increasing order whatever the tile, edge or blocking, so the
/// results do not depend on how the caller splits the columns.</para>
/// </remarks>
internal static class ConvTiles
{
    /// <summary>Rows of a packed A panel (and of the register tile).</summary>
    public const int MR = 8;

    /// <summary>Whether the hardware runs these tiles (AVX-512F).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Elements of the packed form of an m × k matrix: ⌈m/MR⌉·MR·k.</summary>
    public static int PackedLength(int m, int k) => (m + MR - 1) / MR * MR * k;

    /// <summary>Packs A (m × k), A(i, p) = a[i·ars + p·acs], into panels of <see cref="MR"/> rows: panel i0/MR
    /// starts at packed[i0·k] and holds, for each p, A(i0 … i0 + MR − 1, p), with zeros for rows past m.</summary>
    public static unsafe void Pack<T>(int m, int k, T* a, nint ars, nint acs, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i0 = 0; i0 < m; i0 += MR)
        {
            T* dst = packed + (long)i0 * k;
            int rows = Math.Min(MR, m - i0);
            for (int p = 0; p < k; p++)
            {
                int r = 0;
                for (; r < rows; r++) dst[p * MR + r] = a[(i0 + r) * ars + p * acs];
                for (; r < MR; r++) dst[p * MR + r] = T.Zero;
            }
        }
    }

    /// <summary>C (m × n) = A·B (C overwritten). A packed by <see cref="Pack{T}"/>; B (k × n) row-major with row
    /// stride ldb, every row readable up to column n rounded up to a whole vector; C row stride ldc (only the m × n
    /// block is written).</summary>
    public static unsafe void Multiply<T>(int m, int n, int k, T* packed, T* b, nint ldb, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint[] rows = System.Buffers.ArrayPool<nint>.Shared.Rent(k);
        for (int p = 0; p < k; p++) rows[p] = p * ldb;
        fixed (nint* offsets = rows) Multiply(m, n, k, packed, b, offsets, c, ldc);
        System.Buffers.ArrayPool<nint>.Shared.Return(rows);
    }

    /// <summary>C (m × n) = A·B (C overwritten) with row p of B starting at b + rowOffsets[p] (the rows may overlap:
    /// an implicit im2col reads the shifted input rows of each kernel tap in place). A packed by
    /// <see cref="Pack{T}"/>; every row of B readable up to column n rounded up to a whole vector; C row stride ldc
    /// (only the m × n block is written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply<T>(int m, int n, int k, T* packed, T* b, nint* rowOffsets, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector512<T>.Count;
        // Edge tiles (fewer than MR rows, or a partial last vector) go through this scratch and are copied out.
        T* edge = stackalloc T[MR * 3 * Vector512<T>.Count];
        for (int j = 0; j < n;)
        {
            int left = n - j;
            int vectors = left >= 3 * v ? 3 : left > 2 * v ? 3 : left > v ? 2 : 1;
            int cols = Math.Min(vectors * v, left);
            for (int i0 = 0; i0 < m; i0 += MR)
            {
                int rows = Math.Min(MR, m - i0);
                bool direct = rows == MR && cols == vectors * v;
                T* dst = direct ? c + i0 * ldc + j : edge;
                nint ld = direct ? ldc : 3 * v;
                T* ap = packed + (long)i0 * k;
                if (vectors == 3) Tile8x3(k, ap, b + j, rowOffsets, dst, ld);
                else if (vectors == 2) Tile8x2(k, ap, b + j, rowOffsets, dst, ld);
                else Tile8x1(k, ap, b + j, rowOffsets, dst, ld);
                if (!direct)
                {
                    for (int r = 0; r < rows; r++)
                        new ReadOnlySpan<T>(edge + r * 3 * v, cols).CopyTo(new Span<T>(c + (i0 + r) * ldc + j, cols));
                }
            }
            j += cols;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile8x3<T>(int k, T* a, T* b0p, nint* rowOffsets, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<T> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < k; p++)
        {
            T* b = b0p + rowOffsets[p];
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + v), b2 = Vector512.Load(b + 2 * v);
            Vector512<T> x = Vector512.Create(a[0]);
            c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01); c02 = Fma(x, b2, c02);
            x = Vector512.Create(a[1]);
            c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11); c12 = Fma(x, b2, c12);
            x = Vector512.Create(a[2]);
            c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21); c22 = Fma(x, b2, c22);
            x = Vector512.Create(a[3]);
            c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31); c32 = Fma(x, b2, c32);
            x = Vector512.Create(a[4]);
            c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41); c42 = Fma(x, b2, c42);
            x = Vector512.Create(a[5]);
            c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51); c52 = Fma(x, b2, c52);
            x = Vector512.Create(a[6]);
            c60 = Fma(x, b0, c60); c61 = Fma(x, b1, c61); c62 = Fma(x, b2, c62);
            x = Vector512.Create(a[7]);
            c70 = Fma(x, b0, c70); c71 = Fma(x, b1, c71); c72 = Fma(x, b2, c72);
            a += MR;
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + v); Vector512.Store(c02, c + 2 * v); c += ldc;
        Vector512.Store(c10, c); Vector512.Store(c11, c + v); Vector512.Store(c12, c + 2 * v); c += ldc;
        Vector512.Store(c20, c); Vector512.Store(c21, c + v); Vector512.Store(c22, c + 2 * v); c += ldc;
        Vector512.Store(c30, c); Vector512.Store(c31, c + v); Vector512.Store(c32, c + 2 * v); c += ldc;
        Vector512.Store(c40, c); Vector512.Store(c41, c + v); Vector512.Store(c42, c + 2 * v); c += ldc;
        Vector512.Store(c50, c); Vector512.Store(c51, c + v); Vector512.Store(c52, c + 2 * v); c += ldc;
        Vector512.Store(c60, c); Vector512.Store(c61, c + v); Vector512.Store(c62, c + 2 * v); c += ldc;
        Vector512.Store(c70, c); Vector512.Store(c71, c + v); Vector512.Store(c72, c + 2 * v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile8x2<T>(int k, T* a, T* b0p, nint* rowOffsets, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < k; p++)
        {
            T* b = b0p + rowOffsets[p];
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + v);
            Vector512<T> x = Vector512.Create(a[0]);
            c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Fma(x, b0, c60); c61 = Fma(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Fma(x, b0, c70); c71 = Fma(x, b1, c71);
            a += MR;
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + v); c += ldc;
        Vector512.Store(c10, c); Vector512.Store(c11, c + v); c += ldc;
        Vector512.Store(c20, c); Vector512.Store(c21, c + v); c += ldc;
        Vector512.Store(c30, c); Vector512.Store(c31, c + v); c += ldc;
        Vector512.Store(c40, c); Vector512.Store(c41, c + v); c += ldc;
        Vector512.Store(c50, c); Vector512.Store(c51, c + v); c += ldc;
        Vector512.Store(c60, c); Vector512.Store(c61, c + v); c += ldc;
        Vector512.Store(c70, c); Vector512.Store(c71, c + v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile8x1<T>(int k, T* a, T* b0p, nint* rowOffsets, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Vector512.Load(b0p + rowOffsets[p]);
            c0 = Fma(Vector512.Create(a[0]), b0, c0);
            c1 = Fma(Vector512.Create(a[1]), b0, c1);
            c2 = Fma(Vector512.Create(a[2]), b0, c2);
            c3 = Fma(Vector512.Create(a[3]), b0, c3);
            c4 = Fma(Vector512.Create(a[4]), b0, c4);
            c5 = Fma(Vector512.Create(a[5]), b0, c5);
            c6 = Fma(Vector512.Create(a[6]), b0, c6);
            c7 = Fma(Vector512.Create(a[7]), b0, c7);
            a += MR;
        }
        Vector512.Store(c0, c); Vector512.Store(c1, c + ldc); Vector512.Store(c2, c + 2 * ldc); Vector512.Store(c3, c + 3 * ldc);
        Vector512.Store(c4, c + 4 * ldc); Vector512.Store(c5, c + 5 * ldc); Vector512.Store(c6, c + 6 * ldc); Vector512.Store(c7, c + 7 * ldc);
    }

    /// <summary>C[i, j] += Σ_p a[i·lda + p]·b[j·ldb + p] for i &lt; m, j &lt; n, p &lt; len; len is a multiple of the
    /// 512-bit vector width.</summary>
    public static unsafe void RowDots<T>(int m, int n, int len, T* a, nint lda, T* b, nint ldb, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint[] rows = System.Buffers.ArrayPool<nint>.Shared.Rent(n);
        for (int j = 0; j < n; j++) rows[j] = j * ldb;
        fixed (nint* offsets = rows) RowDots(m, n, len, a, lda, b, offsets, c, ldc);
        System.Buffers.ArrayPool<nint>.Shared.Return(rows);
    }

    /// <summary>C[i, j] += Σ_p a[i·lda + p]·b[rowOffsets[j] + p] for i &lt; m, j &lt; n, p &lt; len (the rows of B may
    /// overlap: the implicit im2col's shifted input rows); len is a multiple of the 512-bit vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RowDots<T>(int m, int n, int len, T* a, nint lda, T* b, nint* rowOffsets, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Column tiles outermost: four B rows are read from L2 once and reused from L1 by every tile of A rows.
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            T* b0 = b + rowOffsets[j], b1 = b + rowOffsets[j + 1], b2 = b + rowOffsets[j + 2], b3 = b + rowOffsets[j + 3];
            int i = 0;
            for (; i + 4 <= m; i += 4) Dots4x4(len, a + i * lda, lda, b0, b1, b2, b3, c + i * ldc + j, ldc);
            for (; i < m; i++) Dots1x4(len, a + i * lda, b0, b1, b2, b3, c + i * ldc + j);
        }
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++) c[i * ldc + j] += Dot(len, a + i * lda, b + rowOffsets[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Dots4x4<T>(int len, T* a, nint lda, T* b, T* b1, T* b2, T* b3, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<T> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        for (int p = 0; p < len; p += Vector512<T>.Count)
        {
            Vector512<T> x0 = Vector512.Load(a + p), x1 = Vector512.Load(a1 + p), x2 = Vector512.Load(a2 + p), x3 = Vector512.Load(a3 + p);
            Vector512<T> y = Vector512.Load(b + p);
            s00 = Fma(x0, y, s00); s10 = Fma(x1, y, s10); s20 = Fma(x2, y, s20); s30 = Fma(x3, y, s30);
            y = Vector512.Load(b1 + p);
            s01 = Fma(x0, y, s01); s11 = Fma(x1, y, s11); s21 = Fma(x2, y, s21); s31 = Fma(x3, y, s31);
            y = Vector512.Load(b2 + p);
            s02 = Fma(x0, y, s02); s12 = Fma(x1, y, s12); s22 = Fma(x2, y, s22); s32 = Fma(x3, y, s32);
            y = Vector512.Load(b3 + p);
            s03 = Fma(x0, y, s03); s13 = Fma(x1, y, s13); s23 = Fma(x2, y, s23); s33 = Fma(x3, y, s33);
        }
        c[0] += Vector512.Sum(s00); c[1] += Vector512.Sum(s01); c[2] += Vector512.Sum(s02); c[3] += Vector512.Sum(s03); c += ldc;
        c[0] += Vector512.Sum(s10); c[1] += Vector512.Sum(s11); c[2] += Vector512.Sum(s12); c[3] += Vector512.Sum(s13); c += ldc;
        c[0] += Vector512.Sum(s20); c[1] += Vector512.Sum(s21); c[2] += Vector512.Sum(s22); c[3] += Vector512.Sum(s23); c += ldc;
        c[0] += Vector512.Sum(s30); c[1] += Vector512.Sum(s31); c[2] += Vector512.Sum(s32); c[3] += Vector512.Sum(s33);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Dots1x4<T>(int len, T* a, T* b, T* b1, T* b2, T* b3, T* c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int p = 0; p < len; p += Vector512<T>.Count)
        {
            Vector512<T> x = Vector512.Load(a + p);
            s0 = Fma(x, Vector512.Load(b + p), s0);
            s1 = Fma(x, Vector512.Load(b1 + p), s1);
            s2 = Fma(x, Vector512.Load(b2 + p), s2);
            s3 = Fma(x, Vector512.Load(b3 + p), s3);
        }
        c[0] += Vector512.Sum(s0); c[1] += Vector512.Sum(s1); c[2] += Vector512.Sum(s2); c[3] += Vector512.Sum(s3);
    }

    private static unsafe T Dot<T>(int len, T* a, T* b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> s = default;
        for (int p = 0; p < len; p += Vector512<T>.Count) s = Fma(Vector512.Load(a + p), Vector512.Load(b + p), s);
        return Vector512.Sum(s);
    }
}
