using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Learn.Svm;

/// <summary>A kernel with its parameters, evaluated element-wise or as whole matrices through GEMM.</summary>
/// <remarks>Every kernel is a function of the inner product x·x' (and, for RBF, the squared norms, since
/// ‖x − x'‖² = ‖x‖² + ‖x'‖² − 2 x·x'), so a block of kernel values is one GEMM X_a X_bᵀ followed by an element-wise
/// map. Large problems run the GEMM in float32 (norms stay float64): the product of 784 pixel values has a relative
/// error near 1e-7, far below the solver's 1e-3 stopping tolerance; small ones run it in float64.</remarks>
internal sealed class KernelFunction(SvmKernel kind, double gamma, int degree, double coef0)
{
    /// <summary>Work (multiply-adds of the GEMM) above which float32 is used.</summary>
    public const long SinglePrecisionWork = 1L << 31;

    public SvmKernel Kind { get; } = kind;

    public double Gamma { get; } = gamma;

    /// <summary>k from an inner product and the two squared norms.</summary>
    public double Apply(double dot, double normA, double normB) => Kind switch
    {
        SvmKernel.Linear => dot,
        SvmKernel.Poly => Math.Pow(Gamma * dot + coef0, degree),
        SvmKernel.Rbf => Math.Exp(-Gamma * Math.Max(normA + normB - 2 * dot, 0)),
        _ => Math.Tanh(Gamma * dot + coef0),
    };

    /// <summary>Squared norms of the rows of x (n, f).</summary>
    public static double[] Norms(double[] x, int n, int f)
    {
        var norms = new double[n];
        for (int i = 0; i < n; i++) norms[i] = TensorPrimitives.Dot<double>(x.AsSpan(i * f, f), x.AsSpan(i * f, f));
        return norms;
    }

    /// <summary>The naive oracle: k(x_i, x'_j) by explicit inner products, for tests.</summary>
    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        => Apply(TensorPrimitives.Dot(a, b), TensorPrimitives.Dot(a, a), TensorPrimitives.Dot(b, b));

    /// <summary>The kernel matrix K (m, n) between rows of a (m, f) and b (n, f), in float32 or float64 by the size
    /// of the GEMM; exactly one of the two outputs is non-null.</summary>
    /// <param name="a">Rows a (m, f).</param>
    /// <param name="normsA">Their squared norms.</param>
    /// <param name="m">Rows of a.</param>
    /// <param name="b">Rows b (n, f).</param>
    /// <param name="normsB">Their squared norms.</param>
    /// <param name="n">Rows of b.</param>
    /// <param name="f">Features.</param>
    /// <param name="single">Forces float32 (true) or float64 (false); null chooses by size (tests force it).</param>
    public (float[]? Single, double[]? Double) Matrix(double[] a, double[] normsA, int m, double[] b, double[] normsB, int n, int f, bool? single = null)
    {
        if (single ?? (long)m * n * f > SinglePrecisionWork)
        {
            float[] af = ToSingle(a), bf = ReferenceEquals(a, b) ? af : ToSingle(b);
            var k = new float[(long)m * n];
            Gemm.Multiply(false, true, m, n, f, 1f, af, f, bf, f, 0f, k, n);
            MapRows(k, normsA, normsB, m, n);
            return (k, null);
        }
        var kd = new double[(long)m * n];
        Gemm.Multiply(false, true, m, n, f, 1.0, a, f, b, f, 0.0, kd, n);
        MapRows(kd, normsA, normsB, m, n);
        return (null, kd);
    }

    /// <summary>The symmetric kernel matrix K (n, n) of the rows of x (n, f) with itself: only the block upper
    /// triangle is multiplied (about half the GEMM work), then mirrored.</summary>
    public (float[]? Single, double[]? Double) SymmetricMatrix(double[] x, double[] norms, int n, int f)
    {
        if ((long)n * n * f > SinglePrecisionWork)
        {
            float[] xf = ToSingle(x);
            var k = new float[(long)n * n];
            UpperBlocks(xf, k, n, f, 1f, 0f);
            MapRows(k, norms, norms, n, n);
            return (k, null);
        }
        var kd = new double[(long)n * n];
        UpperBlocks(x, kd, n, f, 1.0, 0.0);
        MapRows(kd, norms, norms, n, n);
        return (null, kd);
    }

    /// <summary>Row block [r0, r0 + B) times rows [r0, n) for every block, then every tile strictly below the diagonal
    /// copied from its mirror: its source (j, i), j &lt; i, lies in row j's block at a column ≥ that block's start, so it
    /// was computed. The result is exactly symmetric, as libsvm's kernel values are.</summary>
    private static void UpperBlocks<T>(T[] x, T[] k, int n, int f, T one, T zero) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int block = 512, tile = 64;
        for (int r0 = 0; r0 < n; r0 += block)
        {
            int m = Math.Min(block, n - r0);
            ReadOnlySpan<T> a = x.AsSpan(r0 * f, m * f), b = x.AsSpan(r0 * f);
            Span<T> c = k.AsSpan(r0 * n + r0);
            if (typeof(T) == typeof(float))
                Gemm.Multiply(false, true, m, n - r0, f, 1f, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(a), f,
                    System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(b), f, 0f, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(c), n);
            else
                Gemm.Multiply(false, true, m, n - r0, f, 1.0, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(a), f,
                    System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(b), f, 0.0, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(c), n);
        }
        int tiles = (n + tile - 1) / tile;
        Threading.ForBlocks(tiles, (long)tile * n, (start, count) =>
        {
            for (int ti = start; ti < start + count; ti++)
                for (int tj = 0; tj < ti; tj++)
                    for (int i = ti * tile; i < Math.Min(n, (ti + 1) * tile); i++)
                        for (int j = tj * tile; j < (tj + 1) * tile; j++) k[i * n + j] = k[j * n + i];
        });
    }

    private static float[] ToSingle(double[] x)
    {
        var s = new float[x.Length];
        TensorPrimitives.ConvertTruncating<double, float>(x, s);
        return s;
    }

    /// <summary>Turns inner products into kernel values in place, rows in parallel; the RBF map is vectorised:
    /// K_ij = exp(−γ max(‖a_i‖² + ‖b_j‖² − 2 a_i·b_j, 0)).</summary>
    private void MapRows<T>(T[] k, double[] normsA, double[] normsB, int m, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Kind == SvmKernel.Linear) return;
        T[] nb = Array.ConvertAll(normsB, T.CreateTruncating);
        T minusTwo = T.CreateTruncating(-2.0), minusGamma = T.CreateTruncating(-Gamma);
        Threading.ForBlocks(m, 20L * n, (start, count) =>
        {
            var buffer = new T[n];
            for (int i = start; i < start + count; i++)
            {
                Span<T> row = k.AsSpan(i * n, n);
                if (Kind == SvmKernel.Rbf)
                {
                    TensorPrimitives.Add<T>(nb, T.CreateTruncating(normsA[i]), buffer);
                    TensorPrimitives.MultiplyAdd<T>(row, minusTwo, buffer, buffer);
                    TensorPrimitives.Max<T>(buffer, T.Zero, buffer);
                    TensorPrimitives.Multiply<T>(buffer, minusGamma, buffer);
                    TensorPrimitives.Exp<T>(buffer, row);
                }
                else
                {
                    for (int j = 0; j < n; j++) row[j] = T.CreateTruncating(Apply(double.CreateTruncating(row[j]), 0, 0));
                }
            }
        });
    }
}
