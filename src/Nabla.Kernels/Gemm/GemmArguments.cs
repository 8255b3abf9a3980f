namespace Nabla.Kernels;

/// <summary>Argument checks shared by <see cref="Gemm"/> and <see cref="GemmReference"/>.</summary>
internal static class GemmArguments
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> (naming the sizes) unless every element the call may touch lies inside
    /// its span: sizes and strides non-negative, each leading dimension at least the stored row width, and each span
    /// long enough for <paramref name="batch"/> matrices. After this, kernels index without bounds checks.
    /// </summary>
    public static void Validate(bool transA, bool transB, int m, int n, int k, int aLength, int lda, long strideA,
        int bLength, int ldb, long strideB, int cLength, int ldc, long strideC, int batch)
    {
        if (m < 0 || n < 0 || k < 0 || batch < 0)
        {
            throw new ArgumentException(
                $"Gemm: sizes must be non-negative, got m={m}, n={n}, k={k}, batch={batch}.");
        }
        if (strideA < 0 || strideB < 0 || strideC < 0)
        {
            throw new ArgumentException(
                $"Gemm: strides must be non-negative, got strideA={strideA}, strideB={strideB}, strideC={strideC}.");
        }
        if (m == 0 || n == 0 || batch == 0)
        {
            return;
        }
        if (batch > 1 && strideC == 0)
        {
            throw new ArgumentException($"Gemm: strideC is 0, so the {batch} C matrices would overwrite each other.");
        }
        if (k > 0)
        {
            CheckOperand("a", "A", "lda", transA, m, k, aLength, lda, strideA, batch);
            CheckOperand("b", "B", "ldb", transB, k, n, bLength, ldb, strideB, batch);
        }
        CheckOperand("c", "C", "ldc", false, m, n, cLength, ldc, strideC, batch);
    }

    /// <summary>Checks one operand: op(X) is rows x cols, stored transposed when <paramref name="trans"/>.</summary>
    private static void CheckOperand(string span, string name, string ldName, bool trans, int rows, int cols,
        int length, int ld, long stride, int batch)
    {
        int storedRows = trans ? cols : rows;
        int storedCols = trans ? rows : cols;
        if (ld < storedCols)
        {
            throw new ArgumentException(
                $"Gemm: {ldName} {ld} is smaller than the stored row width {storedCols} of "
                + $"{Shape(name, trans, rows, cols)}.", ldName);
        }
        // Int128: (batch - 1) * stride can exceed long for absurd strides and must not wrap past the check.
        long need = (long)(storedRows - 1) * ld + storedCols;
        Int128 total = (Int128)(batch - 1) * stride + need;
        if (total > length)
        {
            string batchText = batch > 1 ? $" for {batch} matrices with stride {stride}" : "";
            throw new ArgumentException(
                $"Gemm: {span} has {length} elements but {Shape(name, trans, rows, cols)} with {ldName} {ld} needs "
                + $"{total}{batchText}.", span);
        }
    }

    /// <summary>"op(A) 3x4", "op(B) 5x4 (stored transposed, 4x5)" or "C 3x4", built only for error messages.</summary>
    private static string Shape(string name, bool trans, int rows, int cols) => name == "C"
        ? $"{name} {rows}x{cols}"
        : $"op({name}) {rows}x{cols}" + (trans ? $" (stored transposed, {cols}x{rows})" : "");
}
