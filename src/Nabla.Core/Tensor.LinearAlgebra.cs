using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Matrix product with PyTorch's rules: 1-D·1-D is a dot product, 2-D·2-D a matrix product, a 1-D
    /// operand gains (then loses) a dim of size 1, and leading batch dims broadcast. PyTorch: <c>torch.matmul</c>.</summary>
    /// <remarks>Shapes: (m, k)·(k, n) → (m, n); (*, m, k)·(*, k, n) → (*, m, n) with * broadcast;
    /// (k)·(k, n) → (n); (m, k)·(k) → (m). Strided and transposed views feed the GEMM kernel without a copy.</remarks>
    /// <param name="other">The right operand.</param>
    /// <exception cref="ArgumentException">The inner dimensions differ, e.g.
    /// "MatMul: (3, 4) @ (5, 6): inner dimensions 4 and 5 differ".</exception>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Dim == 0 || other.Dim == 0)
            throw new ArgumentException($"MatMul: both operands need at least 1 dim, got {ShapeString} @ {other.ShapeString}.");
        (Tensor a, Tensor b) = Promote(this, other);
        if (!a.DType.IsFloatingPoint())
            throw new ArgumentException($"MatMul: needs floating-point operands, got {a.DType}.");
        int ka = a.ShapeArray[^1], kb = b.Dim == 1 ? b.ShapeArray[0] : b.ShapeArray[^2];
        if (ka != kb)
            throw new ArgumentException($"MatMul: {ShapeString} @ {other.ShapeString}: inner dimensions {ka} and {kb} differ");
        if (a.Dim == 1 && b.Dim == 1) return (a * b).Sum();
        if (a.Dim == 1) return a.Unsqueeze(0).MatMul(b).Squeeze(-2);
        if (b.Dim == 1) return a.MatMul(b.Unsqueeze(1)).Squeeze(-1);
        return BatchedMatMul(a, b);
    }

    /// <summary>The primitive: (*, m, k)·(*, k, n) → (*, m, n) with broadcast batch dims.</summary>
    private static Tensor BatchedMatMul(Tensor a, Tensor b)
    {
        int m = a.ShapeArray[^2], k = a.ShapeArray[^1], n = b.ShapeArray[^1];
        int[] batchA = a.ShapeArray[..^2], batchB = b.ShapeArray[..^2];
        int[] batch = Layout.Broadcast(nameof(MatMul), batchA, batchB);
        Tensor y = AllocateUninitialized(a.DType, [.. batch, m, n]);
        if (y.NumEl > 0)
        {
            Tensor ae = a.ExpandRaw([.. batch, m, k]), be = b.ExpandRaw([.. batch, k, n]);
            if (a.DType == DType.Float32) MatMulInto<float>(ae, be, y, m, n, k);
            else MatMulInto<double>(ae, be, y, m, n, k);
        }
        return Graph.Record(y, nameof(MatMul), [a, b], g => [
            a.RequiresGrad ? g.MatMul(b.Transpose(-1, -2)).SumTo(a.ShapeArray) : null,   // ∂L/∂A = G·Bᵀ
            b.RequiresGrad ? a.Transpose(-1, -2).MatMul(g).SumTo(b.ShapeArray) : null]); // ∂L/∂B = Aᵀ·G
    }

    private Tensor ExpandRaw(int[] shape)
        => new(Data, DType, shape, Layout.BroadcastStrides(ShapeArray, StridesArray, shape), Offset);

    /// <summary>How GEMM reads a strided (rows, cols) matrix: row-major with a leading dimension, or transposed.</summary>
    private static bool MatrixLayout(int rows, int cols, int rowStride, int colStride, out bool transposed, out int ld)
    {
        if (colStride == 1 || cols == 1)
        {
            transposed = false;
            ld = rows == 1 ? Math.Max(cols, 1) : rowStride;
            if (ld >= cols) return true;
        }
        if (rowStride == 1 || rows == 1)
        {
            transposed = true;
            ld = cols == 1 ? Math.Max(rows, 1) : colStride;
            if (ld >= rows) return true;
        }
        transposed = false;
        ld = 0;
        return false;
    }

    private static void MatMulInto<T>(Tensor a, Tensor b, Tensor y, int m, int n, int k)
    {
        // Matrices whose strides GEMM cannot read directly (e.g. both strides > 1) are copied once.
        if (!MatrixLayout(m, k, a.StridesArray[^2], a.StridesArray[^1], out _, out _)) a = a.ContiguousRaw();
        if (!MatrixLayout(k, n, b.StridesArray[^2], b.StridesArray[^1], out _, out _)) b = b.ContiguousRaw();
        MatrixLayout(m, k, a.StridesArray[^2], a.StridesArray[^1], out bool ta, out int lda);
        MatrixLayout(k, n, b.StridesArray[^2], b.StridesArray[^1], out bool tb, out int ldb);
        int batchRank = y.Dim - 2;
        int batches = Layout.NumEl(y.ShapeArray.AsSpan(0, batchRank));
        var index = new int[batchRank];
        T[] ad = a.Array<T>(), bd = b.Array<T>(), yd = y.Array<T>();
        for (int t = 0; t < batches; t++)
        {
            int oa = a.Offset, ob = b.Offset;
            for (int i = 0; i < batchRank; i++)
            {
                oa += index[i] * a.StridesArray[i];
                ob += index[i] * b.StridesArray[i];
            }
            int oy = t * m * n;
            if (typeof(T) == typeof(float))
                Gemm.Multiply(ta, tb, m, n, k, 1f, ((float[])(object)ad).AsSpan(oa), lda, ((float[])(object)bd).AsSpan(ob), ldb,
                              0f, ((float[])(object)yd).AsSpan(oy, m * n), n);
            else
                Gemm.Multiply(ta, tb, m, n, k, 1.0, ((double[])(object)ad).AsSpan(oa), lda, ((double[])(object)bd).AsSpan(ob), ldb,
                              0.0, ((double[])(object)yd).AsSpan(oy, m * n), n);
            for (int i = batchRank - 1; i >= 0; i--)
            {
                if (++index[i] < y.ShapeArray[i]) break;
                index[i] = 0;
            }
        }
    }

    /// <summary>y = x·Wᵀ + b. PyTorch: <c>F.linear</c>.</summary>
    /// <remarks>Shapes: x (*, in), weight (out, in), bias (out) → (*, out). Fused: one GEMM forward (bias
    /// pre-filled, β = 1); backward dx = g·W, dW = gᵀ·x (a transposed-A GEMM written straight into W's layout, so
    /// no transposed gradient is copied), db = Σ over rows of g. Tested against the composite x.MatMul(W.T) + b.</remarks>
    /// <param name="input">x.</param>
    /// <param name="weight">W.</param>
    /// <param name="bias">b, or null.</param>
    /// <exception cref="ArgumentException">x's last dim differs from W's second, e.g.
    /// "Linear: input (3, 5) has 5 features but weight (4, 2) expects 2".</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Dim != 2) throw new ArgumentException($"Linear: weight must be 2-D (out, in), got {weight.ShapeString}.");
        if (input.Dim == 0 || input.ShapeArray[^1] != weight.ShapeArray[1])
            throw new ArgumentException($"Linear: input {input.ShapeString} has {(input.Dim == 0 ? 0 : input.ShapeArray[^1])} features but weight {weight.ShapeString} expects {weight.ShapeArray[1]}.");
        if (bias is not null && (bias.Dim != 1 || bias.ShapeArray[0] != weight.ShapeArray[0]))
            throw new ArgumentException($"Linear: bias {bias.ShapeString} must be ({weight.ShapeArray[0]}) for weight {weight.ShapeString}.");
        (Tensor x, Tensor w) = Promote(input, weight);
        if (!x.DType.IsFloatingPoint()) throw new ArgumentException($"Linear: needs floating-point operands, got {x.DType}.");
        Tensor? b = bias is null ? null : bias.DType == x.DType ? bias : bias.To(x.DType);
        int inF = w.ShapeArray[1], outF = w.ShapeArray[0], rows = Layout.NumEl(x.ShapeArray.AsSpan(0, x.Dim - 1));
        int[] outShape = [.. x.ShapeArray[..^1], outF];
        Tensor xc = x.ContiguousRaw(), wc = w.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, outShape);
        if (b is not null)
        {
            Tensor bc = b.ContiguousRaw();
            for (int r = 0; r < rows; r++) System.Array.Copy(bc.Data, bc.Offset, y.Data, r * outF, outF);
        }
        // y (rows, out) = x (rows, in) · Wᵀ, W stored (out, in): op(B) = Wᵀ.
        Gemm2D(xc, false, wc, true, y, rows, outF, inF, b is null ? 0 : 1);
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        return Graph.Record(y, nameof(Linear), inputs, g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                // dx (rows, in) = g (rows, out) · W (out, in)
                dx = AllocateUninitialized(x.DType, x.ShapeArray);
                Gemm2D(gc, false, wc, false, dx, rows, inF, outF, 0);
            }
            if (w.RequiresGrad)
            {
                // dW (out, in) = gᵀ · x: g stored (rows, out), so op(A) = gᵀ.
                dw = AllocateUninitialized(x.DType, w.ShapeArray);
                Gemm2D(gc, true, xc, false, dw, outF, inF, rows, 0);
            }
            if (b is not null && b.RequiresGrad) db = gc.Reshape(rows, outF).Sum(0);
            return b is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>c (m, n) = op(a)·op(b) + β·c for contiguous row-major tensors (a stored (k, m) when transA,
    /// b stored (n, k) when transB).</summary>
    private static void Gemm2D(Tensor a, bool transA, Tensor b, bool transB, Tensor c, int m, int n, int k, int beta)
    {
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (c.DType == DType.Float32)
            Gemm.Multiply(transA, transB, m, n, k, 1f, a.Array<float>().AsSpan(a.Offset), Math.Max(lda, 1),
                          b.Array<float>().AsSpan(b.Offset), Math.Max(ldb, 1), beta, c.Array<float>().AsSpan(c.Offset, m * n), Math.Max(n, 1));
        else
            Gemm.Multiply(transA, transB, m, n, k, 1.0, a.Array<double>().AsSpan(a.Offset), Math.Max(lda, 1),
                          b.Array<double>().AsSpan(b.Offset), Math.Max(ldb, 1), beta, c.Array<double>().AsSpan(c.Offset, m * n), Math.Max(n, 1));
    }

    /// <summary>Dot product of two 1-D tensors. PyTorch: <c>torch.dot</c>.</summary>
    /// <remarks>Composite: (a·b).Sum().</remarks>
    /// <param name="other">A 1-D tensor of the same length.</param>
    public Tensor Dot(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Dim != 1 || other.Dim != 1 || NumEl != other.NumEl)
            throw new ArgumentException($"Dot: expects two 1-D tensors of the same length, got {ShapeString} and {other.ShapeString}.");
        return (this * other).Sum();
    }

    /// <summary>Outer product: (n)·(m) → (n, m). PyTorch: <c>torch.outer</c>.</summary>
    /// <remarks>Composite: broadcast multiply of (n, 1) and (1, m).</remarks>
    /// <param name="other">A 1-D tensor.</param>
    public Tensor Outer(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Dim != 1 || other.Dim != 1)
            throw new ArgumentException($"Outer: expects two 1-D tensors, got {ShapeString} and {other.ShapeString}.");
        return Unsqueeze(1) * other.Unsqueeze(0);
    }
}
