namespace Nabla.Internal;

/// <summary>Shape and stride arithmetic shared by every op: contiguity, broadcasting, coalescing, views.</summary>
internal static class Layout
{
    public static readonly int[] Scalar = [];

    public static int NumEl(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of shape {Format(shape)} has {n} elements; at most {int.MaxValue} are supported.");
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>Row-major contiguity; dimensions of size 1 may have any stride.</summary>
    public static bool IsContiguous(int[] shape, int[] strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    public static string Format(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Normalises a possibly negative dim for a tensor of <paramref name="rank"/> dims.</summary>
    public static int Dim(string op, int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dim {dim} is out of range for a tensor with {rank} dims (expected -{r}..{r - 1}).");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1.</summary>
    public static int[] Broadcast(string op, int[] a, int[] b)
    {
        if (a.AsSpan().SequenceEqual(b)) return a;
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast (dim {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides that read a tensor of <paramref name="shape"/> as if expanded to <paramref name="target"/>
    /// (broadcast dims get stride 0).</summary>
    public static int[] BroadcastStrides(int[] shape, int[] strides, int[] target)
    {
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < target.Length; i++)
        {
            if (i < lead) continue;
            int d = shape[i - lead];
            result[i] = d == 1 && target[i] != 1 ? 0 : strides[i - lead];
        }
        return result;
    }

    /// <summary>Merges adjacent dims that every operand walks as one (stride[i] = stride[i+1]·shape[i+1]),
    /// so inner loops run as long as possible. Dims of size 1 are dropped. Always returns rank ≥ 1.</summary>
    public static int Coalesce(int[] shape, int[][] strides, out int[] outShape, out int[][] outStrides)
    {
        var s = new List<int>(shape.Length);
        var st = new List<int>[strides.Length];
        for (int k = 0; k < strides.Length; k++) st[k] = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            if (s.Count > 0)
            {
                int last = s.Count - 1;
                bool merge = true;
                for (int k = 0; k < strides.Length && merge; k++)
                    merge = st[k][last] == strides[k][i] * shape[i];
                if (merge)
                {
                    s[last] *= shape[i];
                    for (int k = 0; k < strides.Length; k++) st[k][last] = strides[k][i];
                    continue;
                }
            }
            s.Add(shape[i]);
            for (int k = 0; k < strides.Length; k++) st[k].Add(strides[k][i]);
        }
        if (s.Count == 0)
        {
            s.Add(1);
            foreach (var l in st) l.Add(0);
        }
        outShape = [.. s];
        outStrides = new int[strides.Length][];
        for (int k = 0; k < strides.Length; k++) outStrides[k] = [.. st[k]];
        return outShape.Length;
    }

    /// <summary>Strides for viewing (shape, strides) as <paramref name="newShape"/> without a copy, or null when
    /// the memory layout does not allow it (ATen's computeStride).</summary>
    public static int[]? ViewStrides(int[] shape, int[] strides, int[] newShape)
    {
        var newStrides = new int[newShape.Length];
        if (shape.Length == 0)
        {
            Array.Fill(newStrides, 1);
            return newStrides;
        }
        if (NumEl(shape) == 0)
            return ContiguousStrides(newShape);
        int viewD = newShape.Length - 1;
        long chunkBaseStride = strides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int tensorD = shape.Length - 1; tensorD >= 0; tensorD--)
        {
            tensorNumel *= shape[tensorD];
            if (tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1))
                {
                    newStrides[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (tensorD > 0)
                {
                    chunkBaseStride = strides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /// <summary>Resolves one −1 in a requested shape and checks the element count.</summary>
    public static int[] InferShape(string op, int[] current, ReadOnlySpan<int> requested)
    {
        int numel = NumEl(current);
        var shape = requested.ToArray();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be -1, got {Format(requested)}.");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: invalid size {shape[i]} in {Format(requested)}.");
            else known *= shape[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"{op}: shape {Format(requested)} is invalid for input of size {numel} {Format(current)}.");
            shape[infer] = (int)(numel / known);
        }
        else if (known != numel)
            throw new ArgumentException($"{op}: shape {Format(requested)} is invalid for input of size {numel} {Format(current)}.");
        return shape;
    }
}
