using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    private static long[] IndexValues(Tensor index, string op)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.DType != DType.Int64) throw new ArgumentException($"{op}: index must be Int64, got {index.DType}.");
        return index.ToArray<long>();
    }

    private static int CheckIndex(string op, long value, int size, int dim)
    {
        if (value < -size || value >= size)
            throw new ArgumentOutOfRangeException(nameof(value), $"{op}: index {value} is out of bounds for dim {dim} with size {size}.");
        return (int)(value < 0 ? value + size : value);
    }

    /// <summary>Picks the slices index[0], index[1], … along dim. PyTorch: <c>torch.index_select</c>.</summary>
    /// <remarks>Shapes: x (…, n, …) and index (k) → (…, k, …). The gradient adds each output slice back into
    /// the slice it came from (index_add), so repeated indices accumulate.</remarks>
    /// <param name="dim">The dim.</param>
    /// <param name="index">1-D Int64 indices.</param>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        long[] idx = IndexValues(index, nameof(IndexSelect));
        if (index.Dim > 1) throw new ArgumentException($"IndexSelect: index must be 0-d or 1-D, got {index.ShapeString}.");
        int d = Layout.Dim(nameof(IndexSelect), dim, Math.Max(Dim, 1));
        Tensor x = Dim == 0 ? Reshape(1) : this;
        int size = x.ShapeArray[d];
        int[] rows = idx.Select(v => CheckIndex(nameof(IndexSelect), v, size, d)).ToArray();
        int[] shape = x.Shape;
        shape[d] = rows.Length;
        Tensor src = x.ContiguousRaw();
        Tensor y = Allocate(DType, shape);
        int outer = Layout.NumEl(x.ShapeArray.AsSpan(0, d)), inner = Layout.NumEl(x.ShapeArray.AsSpan(d + 1));
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < rows.Length; k++)
                System.Array.Copy(src.Data, src.Offset + (o * size + rows[k]) * inner, y.Data, (o * rows.Length + k) * inner, inner);
        }
        if (Dim == 0 && index.Dim == 0) y = y.Reshape([]);
        int[] xs = x.ShapeArray;
        return Graph.Record(y, nameof(IndexSelect), [this], g =>
        {
            Tensor gc = g.Reshape(shape).ContiguousRaw();
            Tensor z = Allocate(g.DType, xs);
            for (int o = 0; o < outer; o++)
            {
                for (int k = 0; k < rows.Length; k++)
                {
                    int from = (o * rows.Length + k) * inner, to = (o * size + rows[k]) * inner;
                    if (g.DType == DType.Float32) AddInto<float>(gc.AsSpan<float>().Slice(from, inner), z.AsSpan<float>().Slice(to, inner));
                    else AddInto<double>(gc.AsSpan<double>().Slice(from, inner), z.AsSpan<double>().Slice(to, inner));
                }
            }
            return [z.Reshape(ShapeArray)];
        });
    }

    private static void AddInto<T>(ReadOnlySpan<T> source, Span<T> target) where T : System.Numerics.INumber<T>
        => System.Numerics.Tensors.TensorPrimitives.Add(target, source, target);

    /// <summary>Visits every element of a shape: for each, its flat position and the position obtained by
    /// replacing coordinate <paramref name="dim"/> with the index value in a tensor of <paramref name="targetShape"/>.</summary>
    private static void ForEachIndexed(string op, int[] shape, int dim, long[] index, int[] targetShape, Action<int, int> visit)
    {
        int rank = shape.Length;
        int[] targetStrides = Layout.ContiguousStrides(targetShape);
        var coord = new int[rank];
        int n = Layout.NumEl(shape);
        for (int flat = 0; flat < n; flat++)
        {
            int target = 0;
            for (int i = 0; i < rank; i++)
                target += (i == dim ? CheckIndex(op, index[flat], targetShape[dim], dim) : coord[i]) * targetStrides[i];
            visit(flat, target);
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++coord[i] < shape[i]) break;
                coord[i] = 0;
            }
        }
    }

    private void CheckIndexShape(string op, Tensor index, int d, Tensor? src = null)
    {
        if (index.Dim != Math.Max(Dim, 1) && !(Dim == 0 && index.Dim == 0))
            throw new ArgumentException($"{op}: index {index.ShapeString} must have as many dims as the input {ShapeString}.");
        for (int i = 0; i < index.Dim; i++)
        {
            if (i != d && Dim > 0 && index.ShapeArray[i] > ShapeArray[i])
                throw new ArgumentException($"{op}: index {index.ShapeString} is larger than the input {ShapeString} in dim {i}.");
        }
        if (src is not null && !src.ShapeArray.AsSpan().SequenceEqual(index.ShapeArray))
            throw new ArgumentException($"{op}: src {src.ShapeString} must have the index's shape {index.ShapeString}.");
    }

    /// <summary>out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (likewise for any dim). PyTorch: <c>torch.gather</c>.</summary>
    /// <remarks>Shapes: index has x's rank; the output has index's shape. Gradient: scatter-add into zeros.</remarks>
    /// <param name="dim">The dim indexed.</param>
    /// <param name="index">Int64 indices.</param>
    public Tensor Gather(int dim, Tensor index)
    {
        long[] idx = IndexValues(index, nameof(Gather));
        int d = Layout.Dim(nameof(Gather), dim, Math.Max(Dim, 1));
        CheckIndexShape(nameof(Gather), index, d);
        Tensor src = ContiguousRaw();
        Tensor y = Allocate(DType, index.ShapeArray);
        int[] xs = Dim == 0 ? [1] : ShapeArray;
        int[] ishape = index.Dim == 0 ? [1] : index.ShapeArray;
        ForEachIndexed(nameof(Gather), ishape, d, idx, xs,
            (flat, target) => System.Array.Copy(src.Data, src.Offset + target, y.Data, flat, 1));
        return Graph.Record(y, nameof(Gather), [this], g => [ZerosLike(this).ScatterAdd(d, index, g)]);
    }

    /// <summary>A copy of x with src written at the positions index names along dim. PyTorch: <c>torch.scatter</c>.</summary>
    /// <remarks>Gradient: for x, the incoming gradient with the overwritten positions zeroed; for src, the
    /// incoming gradient gathered at index. src must have index's shape.</remarks>
    /// <param name="dim">The dim indexed.</param>
    /// <param name="index">Int64 indices, x's rank.</param>
    /// <param name="src">Values, of index's shape.</param>
    public Tensor Scatter(int dim, Tensor index, Tensor src) => ScatterImpl(nameof(Scatter), dim, index, src, add: false);

    /// <summary>A copy of x with a value written at the positions index names. PyTorch: <c>tensor.scatter(dim, index, value)</c>.</summary>
    /// <param name="dim">The dim indexed.</param>
    /// <param name="index">Int64 indices.</param>
    /// <param name="value">The value written.</param>
    public Tensor Scatter(int dim, Tensor index, double value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return ScatterImpl(nameof(Scatter), dim, index, Full(index.ShapeArray, value, DType), add: false);
    }

    /// <summary>A copy of x with src added at the positions index names along dim (repeated positions
    /// accumulate). PyTorch: <c>torch.scatter_add</c>.</summary>
    /// <param name="dim">The dim indexed.</param>
    /// <param name="index">Int64 indices, x's rank.</param>
    /// <param name="src">Values, of index's shape.</param>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => ScatterImpl(nameof(ScatterAdd), dim, index, src, add: true);

    private Tensor ScatterImpl(string op, int dim, Tensor index, Tensor src, bool add)
    {
        ArgumentNullException.ThrowIfNull(src);
        long[] idx = IndexValues(index, op);
        int d = Layout.Dim(op, dim, Math.Max(Dim, 1));
        CheckIndexShape(op, index, d, src);
        if (src.DType != DType) src = src.To(DType);
        Tensor y = Allocate(DType, ShapeArray);
        CopyRawTo(y);
        Tensor s = src.ContiguousRaw();
        int[] xs = Dim == 0 ? [1] : ShapeArray;
        int[] ishape = index.Dim == 0 ? [1] : index.ShapeArray;
        ForEachIndexed(op, ishape, d, idx, xs, (flat, target) =>
        {
            if (add) y.SetRaw(target, y.GetFlat(target) + s.GetFlat(flat));
            else System.Array.Copy(s.Data, s.Offset + flat, y.Data, target, 1);
        });
        return Graph.Record(y, op, [this, src], g => [
            add ? g : g.Scatter(d, index, 0.0),
            src.RequiresGrad ? g.Gather(d, index) : null]);
    }

    /// <summary>One-hot encoding of Int64 class indices: shape (…) → (…, numClasses), Int64. PyTorch: <c>F.one_hot</c>.</summary>
    /// <param name="numClasses">Number of classes; −1 takes max + 1.</param>
    public Tensor OneHot(int numClasses = -1)
    {
        long[] idx = IndexValues(this, nameof(OneHot));
        int c = numClasses >= 0 ? numClasses : (idx.Length == 0 ? 0 : (int)idx.Max() + 1);
        Tensor y = Zeros([.. ShapeArray, c], DType.Int64);
        long[] data = y.Array<long>();
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < 0 || idx[i] >= c)
                throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: class value {idx[i]} at index {i} is outside 0..{c - 1}.");
            data[i * c + idx[i]] = 1;
        }
        return y;
    }

    /// <summary>Sorts along dim (stable), returning the values and their original indices. PyTorch: <c>torch.sort</c>.</summary>
    /// <remarks>The gradient of the values scatters back to the original positions.</remarks>
    /// <param name="dim">The dim.</param>
    /// <param name="descending">Largest first.</param>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        int n = Dim == 0 ? 1 : ShapeArray[Layout.Dim(nameof(Sort), dim, Dim)];
        return SortedSelection(nameof(Sort), dim, n, descending);
    }

    /// <summary>The k largest (or smallest) elements along dim and their indices, sorted. PyTorch: <c>torch.topk</c>.</summary>
    /// <param name="k">How many, 0..size.</param>
    /// <param name="dim">The dim.</param>
    /// <param name="largest">Largest (true) or smallest.</param>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true)
    {
        int size = Dim == 0 ? 1 : ShapeArray[Layout.Dim(nameof(TopK), dim, Dim)];
        if (k < 0 || k > size) throw new ArgumentOutOfRangeException(nameof(k), $"TopK: k = {k} is outside 0..{size} for {ShapeString}.");
        return SortedSelection(nameof(TopK), dim, k, largest);
    }

    private (Tensor Values, Tensor Indices) SortedSelection(string op, int dim, int k, bool descending)
    {
        Tensor x = Dim == 0 ? Reshape(1) : this;
        int d = Layout.Dim(op, dim, x.Dim);
        int last = x.Dim - 1;
        Tensor src;
        using (GradMode.Disable()) src = x.Transpose(d, last).ContiguousRaw().To(DType.Float64);
        int n = x.ShapeArray[d];
        double[] values = src.AsSpan<double>().ToArray();
        int rows = n == 0 ? 0 : values.Length / n;
        int[] outShape = src.Shape;
        outShape[last] = k;
        var idx = new long[rows * k];
        var order = new int[n];
        var keys = new double[n];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
                keys[i] = values[r * n + i];
            }
            // Stable: ties keep their original order. NaN sorts as the largest value, as in PyTorch.
            System.Array.Sort(order, (i, j) =>
            {
                int c = CompareNanLast(keys[i], keys[j]);
                if (descending) c = -c;
                return c != 0 ? c : i.CompareTo(j);
            });
            for (int i = 0; i < k; i++) idx[r * k + i] = order[i];
        }
        Tensor indices = Wrap(idx, outShape, DType.Int64).Transpose(d, last).ContiguousRaw();
        if (Dim == 0) indices = indices.Reshape([]);
        Tensor gathered = x.Gather(d, Dim == 0 ? indices.Reshape(1) : indices);
        return (Dim == 0 ? gathered.Reshape([]) : gathered, indices);
    }

    private static int CompareNanLast(double a, double b)
    {
        if (double.IsNaN(a)) return double.IsNaN(b) ? 0 : 1;
        if (double.IsNaN(b)) return -1;
        return a.CompareTo(b);
    }
}
