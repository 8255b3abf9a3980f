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
    public (float[]? Single, double[]? Double) Matrix(double[] a, double[] normsA, int m, double[] b, double[] normsB, int n, int f)
    {
        if ((long)m * n * f > SinglePrecisionWork)
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

    private static float[] ToSingle(double[] x)
    {
        var s = new float[x.Length];
        TensorPrimitives.ConvertTruncating<double, float>(x, s);
        return s;
    }

    /// <summary>Turns inner products into kernel values in place, rows in parallel.</summary>
    private void MapRows<T>(T[] k, double[] normsA, double[] normsB, int m, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Threading.ForBlocks(m, 20L * n, (start, count) =>
        {
            var buffer = new T[n];
            for (int i = start; i < start + count; i++)
            {
                Span<T> row = k.AsSpan(i * n, n);
                switch (Kind)
                {
                    case SvmKernel.Linear:
                        break;
                    case SvmKernel.Rbf:
                        for (int j = 0; j < n; j++)
                            buffer[j] = T.CreateTruncating(-Gamma * Math.Max(normsA[i] + normsB[j] - 2 * double.CreateTruncating(row[j]), 0));
                        TensorPrimitives.Exp<T>(buffer, row);
                        break;
                    default:
                        for (int j = 0; j < n; j++)
                            row[j] = T.CreateTruncating(Apply(double.CreateTruncating(row[j]), 0, 0));
                        break;
                }
            }
        });
    }
}
