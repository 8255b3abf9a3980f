using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The pre-packed GEMM used by the fused LSTM against the naive reference and the regular packed GEMM,
/// and the fused LSTM's independence of the thread count. The LSTM's values themselves are checked against the
/// composite ops and PyTorch in Nabla.Core.Tests (op catalog) and Nabla.Nn.Tests (rnn.json goldens).</summary>
public sealed class LstmKernelTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(32, 256, 1024, true)]     // the LSTM forward shape: h (B, H)·W_hhᵀ
    [InlineData(16, 1024, 256, false)]    // the LSTM backward shape: dgates (B, 4H)·W_hh
    [InlineData(13, 700, 45, true)]       // ragged: edge tiles in m and n, k over two KC blocks
    [InlineData(3, 5, 7, false)]
    public unsafe void Prepacked_product_matches_the_reference_and_the_packed_gemm(int m, int k, int n, bool transB)
    {
        int lda = k + 3, ldc = n + 2, ldb = transB ? k : n;
        float[] a = Random(m * lda, 1), b = Random((transB ? n : k) * ldb, 2), c0 = Random(m * ldc, 3);
        float[] expected = (float[])c0.Clone(), packed = (float[])c0.Clone(), actual = (float[])c0.Clone();
        GemmReference.Multiply(false, transB, m, n, k, 1f, a, lda, b, ldb, 0.5f, expected, ldc);
        Gemm.ForcedPath = Gemm.BestPackedPath;
        try
        {
            Gemm.Multiply(false, transB, m, n, k, 1f, a, lda, b, ldb, 0.5f, packed, ldc);
        }
        finally
        {
            Gemm.ForcedPath = GemmPath.Auto;
        }
        var w = new GemmPrepacked<float>(transB, k, n, b, ldb);
        fixed (float* pa = a, pc = actual) w.Multiply(m, pa, lda, 0.5f, pc, ldc);
        // Same loop nest and micro-kernel as the packed GEMM: bit-identical. Against the naive reference: float32
        // sums of k terms of size ≤ 1, error ≲ k·2⁻²⁴·Σ|aᵢbᵢ|, bounded here by 1e-4·k.
        Assert.Equal(packed, actual);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * k, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Fused_lstm_gives_the_same_bits_on_one_and_two_threads()
    {
        // B = 16 splits into two row ranges on two threads; every element must come out identical.
        var shape = new LstmShape(5, 16, 8, BatchFirst: true, Reverse: true);
        int rows = 5 * 16, h = 8;
        float[] gx = Random(rows * 4 * h, 4), whh = Random(4 * h * h, 5), h0 = Random(16 * h, 6), c0 = Random(16 * h, 7), dy = Random(rows * h, 8);
        int[] lengths = [5, 3, 1, 0, 5, 2, 4, 5, 5, 5, 1, 2, 3, 4, 5, 5];
        (float[], float[]) Run(int threads)
        {
            int saved = Threading.NumThreads;
            Threading.NumThreads = threads;
            try
            {
                float[] y = new float[rows * h], hn = new float[16 * h], cn = new float[16 * h], gates = new float[rows * 4 * h];
                float[] hp = new float[rows * h], cp = new float[rows * h], tc = new float[rows * h];
                LstmKernel.Forward<float>(shape, gx, whh, h0, c0, lengths, y, hn, cn, gates, hp, cp, tc);
                float[] dgx = new float[rows * 4 * h], dw = new float[4 * h * h], dh0 = new float[16 * h], dc0 = new float[16 * h];
                LstmKernel.Backward<float>(shape, whh, lengths, gates, hp, cp, tc, dy, hn, cn, dgx, dw, dh0, dc0, new float[16 * h]);
                return ([.. y, .. hn, .. cn], [.. dgx, .. dw, .. dh0, .. dc0]);
            }
            finally
            {
                Threading.NumThreads = saved;
            }
        }
        (float[] f1, float[] b1) = Run(1);
        (float[] f2, float[] b2) = Run(2);
        Assert.Equal(f1, f2);
        Assert.Equal(b1, b2);
    }
}
