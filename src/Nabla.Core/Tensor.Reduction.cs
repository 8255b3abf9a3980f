using System.Numerics;
using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    private int[] ReduceDims(string op, int[]? dims)
    {
        if (dims is null || dims.Length == 0) return Enumerable.Range(0, Dim).ToArray();
        var d = dims.Select(x => Layout.Dim(op, x, Dim)).Distinct().Order().ToArray();
        if (d.Length != dims.Length) throw new ArgumentException($"{op}: dim appears more than once in {Layout.Format(dims)}.");
        return Dim == 0 ? [] : d;
    }

    private int[] ReducedShape(int[] dims, bool keepDim)
    {
        var shape = new List<int>();
        for (int i = 0; i < Dim; i++)
        {
            if (!dims.Contains(i)) shape.Add(ShapeArray[i]);
            else if (keepDim) shape.Add(1);
        }
        return [.. shape];
    }

    /// <summary>Lays this tensor out as a contiguous (outer, r, inner) block, r the product of the reduced dims:
    /// without a copy when they are adjacent in a contiguous tensor, else by moving them last.</summary>
    private (Tensor Block, int Outer, int R, int Inner) ReductionBlock(int[] dims)
    {
        int r = 1;
        foreach (int d in dims) r *= ShapeArray[d];
        bool adjacent = dims.Length == 0 || dims[^1] - dims[0] == dims.Length - 1;
        if (adjacent && IsContiguous)
        {
            int first = dims.Length == 0 ? Dim : dims[0];
            int after = dims.Length == 0 ? Dim : dims[^1] + 1;
            return (this, Layout.NumEl(ShapeArray.AsSpan(0, first)), r, Layout.NumEl(ShapeArray.AsSpan(after)));
        }
        int[] perm = [.. Enumerable.Range(0, Dim).Where(i => !dims.Contains(i)), .. dims];
        Tensor moved;
        using (GradMode.Disable()) moved = Permute(perm).ContiguousRaw();
        int rest = Layout.NumEl(perm.AsSpan(0, Dim - dims.Length).ToArray().Select(i => ShapeArray[i]).ToArray());
        return (moved, rest, r, 1);
    }

    private Tensor ReduceRaw<TF, TD, TL>(string op, int[] dims, bool keepDim, DType dtype)
        where TF : IReduceOperator<float>
        where TD : IReduceOperator<double>
        where TL : IReduceOperator<long>
    {
        Tensor x = DType == dtype ? this : TensorKernels.Convert(this, dtype);
        (Tensor block, int outer, int r, int inner) = x.ReductionBlock(dims);
        Tensor y = AllocateUninitialized(dtype, ReducedShape(dims, keepDim));
        if (y.NumEl == 0) return y;
        switch (dtype)
        {
            case DType.Float32: Reduce.Apply<float, TF>(block.Array<float>().AsSpan(block.Offset), outer, r, inner, y.AsSpan<float>()); break;
            case DType.Float64: Reduce.Apply<double, TD>(block.Array<double>().AsSpan(block.Offset), outer, r, inner, y.AsSpan<double>()); break;
            default: Reduce.Apply<long, TL>(block.Array<long>().AsSpan(block.Offset), outer, r, inner, y.AsSpan<long>()); break;
        }
        return y;
    }

    /// <summary>Sum of all elements, as a 0-d tensor (Bool and Int64 sum to Int64). PyTorch: <c>torch.sum</c>.</summary>
    public Tensor Sum() => Sum((int[]?)null);

    /// <summary>Sum over one dim. PyTorch: <c>x.sum(dim, keepdim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over a set of dims (all when null or empty). PyTorch: <c>x.sum(dims, keepdim)</c>.</summary>
    /// <remarks>Shapes: (…, dᵢ, …) → the same without the reduced dims, or with them as 1 when keepDim.</remarks>
    /// <param name="dims">The dims.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Sum(int[]? dims, bool keepDim = false)
    {
        int[] d = ReduceDims(nameof(Sum), dims);
        DType dtype = DType.IsFloatingPoint() ? DType : DType.Int64;
        Tensor y = ReduceRaw<SumReducer<float>, SumReducer<double>, SumReducer<long>>(nameof(Sum), d, keepDim, dtype);
        int[] kept = ReducedShape(d, keepDim: true), shape = ShapeArray;
        return Graph.Record(y, nameof(Sum), [this], g => [g.Reshape(kept).Expand(shape)]);   // ∂Σx/∂xᵢ = 1
    }

    /// <summary>Mean of all elements. PyTorch: <c>torch.mean</c>.</summary>
    public Tensor Mean() => Mean((int[]?)null);

    /// <summary>Mean over one dim. PyTorch: <c>x.mean(dim, keepdim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over a set of dims (all when null). PyTorch: <c>x.mean(dims, keepdim)</c>.</summary>
    /// <remarks>Composite: Sum / count.</remarks>
    /// <param name="dims">The dims.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Mean(int[]? dims, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint()) throw new ArgumentException($"Mean: needs a floating-point tensor, got {DType}; convert with To(DType.Float32).");
        int[] d = ReduceDims(nameof(Mean), dims);
        int count = d.Aggregate(1, (n, i) => n * ShapeArray[i]);
        return Sum(d, keepDim) / count;
    }

    /// <summary>Variance over dims with Bessel's correction by default. PyTorch: <c>torch.var(x, dims,
    /// correction=1, keepdim)</c>.</summary>
    /// <remarks>Composite: Σ(x − mean)² / (N − correction).</remarks>
    /// <param name="dims">The dims (all when null).</param>
    /// <param name="correction">Subtracted from N in the denominator (1: sample variance, 0: population).</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        int[] d = ReduceDims(nameof(Var), dims);
        int count = d.Aggregate(1, (n, i) => n * ShapeArray[i]);
        Tensor centered = this - Mean(d, keepDim: true);
        return (centered * centered).Sum(d, keepDim) / Math.Max(count - correction, 0);
    }

    /// <summary>Variance over one dim. PyTorch: <c>torch.var(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="correction">Subtracted from N in the denominator.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>Standard deviation: √Var. PyTorch: <c>torch.std</c>.</summary>
    /// <param name="dims">The dims (all when null).</param>
    /// <param name="correction">Subtracted from N in the denominator.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false) => Var(dims, correction, keepDim).Sqrt();

    /// <summary>Standard deviation over one dim. PyTorch: <c>torch.std(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="correction">Subtracted from N in the denominator.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Std(int dim, int correction = 1, bool keepDim = false) => Std([dim], correction, keepDim);

    /// <summary>Maximum over all elements. PyTorch: <c>torch.max(x)</c>.</summary>
    public Tensor Max() => Max((int[]?)null);

    /// <summary>Maximum over one dim (values only; see <see cref="Argmax"/> for indices). PyTorch: <c>torch.amax(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Max(int dim, bool keepDim = false) => Max([dim], keepDim);

    /// <summary>Maximum over a set of dims. PyTorch: <c>torch.amax(x, dims, keepdim)</c>.</summary>
    /// <remarks>The gradient is shared equally among tied maxima (amax's rule).</remarks>
    /// <param name="dims">The dims (all when null).</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Max(int[]? dims, bool keepDim = false) => Extreme(nameof(Max), dims, keepDim, max: true);

    /// <summary>Minimum over all elements. PyTorch: <c>torch.min(x)</c>.</summary>
    public Tensor Min() => Min((int[]?)null);

    /// <summary>Minimum over one dim. PyTorch: <c>torch.amin(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Min(int dim, bool keepDim = false) => Min([dim], keepDim);

    /// <summary>Minimum over a set of dims. PyTorch: <c>torch.amin(x, dims, keepdim)</c>.</summary>
    /// <param name="dims">The dims (all when null).</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Min(int[]? dims, bool keepDim = false) => Extreme(nameof(Min), dims, keepDim, max: false);

    private Tensor Extreme(string op, int[]? dims, bool keepDim, bool max)
    {
        int[] d = ReduceDims(op, dims);
        foreach (int i in d)
        {
            if (ShapeArray[i] == 0) throw new ArgumentException($"{op}: cannot reduce over dim {i} of size 0 in {ShapeString}.");
        }
        if (NumEl == 0 && d.Length == Dim) throw new ArgumentException($"{op}: cannot reduce an empty tensor {ShapeString}.");
        if (DType == DType.Bool) return TensorKernels.Convert(TensorKernels.Convert(this, DType.Int64).Extreme(op, dims, keepDim, max), DType.Bool);
        Tensor y = max
            ? ReduceRaw<MaxReducer<float>, MaxReducer<double>, MaxReducer<long>>(op, d, keepDim, DType)
            : ReduceRaw<MinReducer<float>, MinReducer<double>, MinReducer<long>>(op, d, keepDim, DType);
        int[] kept = ReducedShape(d, keepDim: true);
        return Graph.Record(y, op, [this], g =>
        {
            Tensor mask = Eq(y.Reshape(kept)).To(g.DType);
            return [g.Reshape(kept) * mask / mask.Sum(d, keepDim: true)];
        });
    }

    /// <summary>Product over a set of dims (all when null). PyTorch: <c>torch.prod</c>.</summary>
    /// <remarks>The gradient of each element is the product of the others, computed directly (not as
    /// prod/x), so zeros are handled.</remarks>
    /// <param name="dims">The dims.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Prod(int[]? dims = null, bool keepDim = false)
    {
        int[] d = ReduceDims(nameof(Prod), dims);
        DType dtype = DType.IsFloatingPoint() ? DType : DType.Int64;
        Tensor y = ReduceRaw<ProductReducer<float>, ProductReducer<double>, ProductReducer<long>>(nameof(Prod), d, keepDim, dtype);
        int[] kept = ReducedShape(d, keepDim: true);
        return Graph.Record(y, nameof(Prod), [this], g => [g.Reshape(kept) * ProductOfOthers(d)]);
    }

    /// <summary>Product over one dim. PyTorch: <c>torch.prod(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Prod(int dim, bool keepDim = false) => Prod([dim], keepDim);

    /// <summary>For each element, the product of the other elements of its reduction group: prefix·suffix.</summary>
    private Tensor ProductOfOthers(int[] dims)
    {
        int[] perm = [.. Enumerable.Range(0, Dim).Where(i => !dims.Contains(i)), .. dims];
        Tensor moved = Permute(perm).ContiguousRaw();
        int r = dims.Aggregate(1, (n, i) => n * ShapeArray[i]);
        Tensor result = Allocate(DType, moved.ShapeArray);
        if (DType == DType.Float32) Others<float>(moved.AsSpan<float>(), result.AsSpan<float>(), r);
        else Others<double>(moved.AsSpan<double>(), result.AsSpan<double>(), r);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return result.Permute(inverse);

        static void Others<T>(ReadOnlySpan<T> x, Span<T> o, int r) where T : INumber<T>
        {
            for (int start = 0; start < x.Length; start += r)
            {
                T prefix = T.One;
                for (int i = 0; i < r; i++)
                {
                    o[start + i] = prefix;
                    prefix *= x[start + i];
                }
                T suffix = T.One;
                for (int i = r - 1; i >= 0; i--)
                {
                    o[start + i] *= suffix;
                    suffix *= x[start + i];
                }
            }
        }
    }

    /// <summary>The p-norm (Σ|x|ᵖ)^(1/p) over dims (all when null); p = 2 is the Euclidean norm. PyTorch:
    /// <c>torch.linalg.vector_norm(x, p, dims, keepdim)</c>.</summary>
    /// <remarks>Composite. p = ∞ gives max |x|.</remarks>
    /// <param name="p">The order, &gt; 0 (or +∞).</param>
    /// <param name="dims">The dims.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        if (!(p > 0)) throw new ArgumentException($"Norm: p must be positive, got {p}.", nameof(p));
        if (double.IsPositiveInfinity(p)) return Abs().Max(dims, keepDim);
        if (p == 1) return Abs().Sum(dims, keepDim);
        if (p == 2) return (this * this).Sum(dims, keepDim).Sqrt();
        return Abs().Pow(p).Sum(dims, keepDim).Pow(1 / p);
    }

    /// <summary>log Σ exp(x) over dims, computed stably (the log-sum-exp trick: m + log Σ e^(x−m) with m the
    /// maximum). PyTorch: <c>torch.logsumexp</c>.</summary>
    /// <remarks>Gradient: softmax(x) = e^(x − lse).</remarks>
    /// <param name="dims">The dims.</param>
    /// <param name="keepDim">Keep the reduced dims with size 1.</param>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        Tensor x = RequireFloat(this, nameof(LogSumExp));
        int[] d = x.ReduceDims(nameof(LogSumExp), dims);
        (Tensor block, int outer, int r, int inner) = x.ReductionBlock(d);
        if (inner != 1)
        {
            int[] perm = [.. Enumerable.Range(0, x.Dim).Where(i => !d.Contains(i)), .. d];
            using (GradMode.Disable()) block = x.Permute(perm).ContiguousRaw();
            outer = block.NumEl / Math.Max(r, 1);
        }
        Tensor y = Allocate(x.DType, x.ReducedShape(d, keepDim));
        Tensor bc = block.ContiguousRaw();
        if (x.DType == DType.Float32)
            Nabla.Kernels.Softmax.LogSumExp<float>(bc.AsSpan<float>(), y.AsSpan<float>(), outer, r, new float[r]);
        else
            Nabla.Kernels.Softmax.LogSumExp<double>(bc.AsSpan<double>(), y.AsSpan<double>(), outer, r, new double[r]);
        int[] kept = x.ReducedShape(d, keepDim: true);
        return Graph.Record(y, nameof(LogSumExp), [x], g => [g.Reshape(kept) * (x - y.Reshape(kept)).Exp()]);
    }

    /// <summary>log Σ exp(x) over one dim. PyTorch: <c>torch.logsumexp(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>Softmax along dim: eˣ/Σeˣ, stable (the maximum is subtracted first). PyTorch: <c>torch.softmax</c>.</summary>
    /// <remarks>Fused kernel with its own backward, dx = y ⊙ (dy − Σ dy ⊙ y); tested against the composite
    /// Exp/Sum/Div formula.</remarks>
    /// <param name="dim">The dim.</param>
    public Tensor Softmax(int dim) => SoftmaxImpl(dim, log: false);

    /// <summary>log softmax along dim: x − logsumexp(x). PyTorch: <c>torch.log_softmax</c>.</summary>
    /// <remarks>Fused kernel; backward dx = dy − eʸ·Σ dy.</remarks>
    /// <param name="dim">The dim.</param>
    public Tensor LogSoftmax(int dim) => SoftmaxImpl(dim, log: true);

    private Tensor SoftmaxImpl(int dim, bool log)
    {
        string op = log ? nameof(LogSoftmax) : nameof(Softmax);
        Tensor x = RequireFloat(this, op);
        if (x.Dim == 0) x = x.Reshape(1);
        int d = Layout.Dim(op, dim, x.Dim);
        Tensor y = Rowwise([x], d, (t, dst, start, rows, n) =>
        {
            if (dst.DType == DType.Float32)
            {
                if (log) Kernels.Softmax.LogForward<float>(Rows<float>(t[0], start, rows, n), Rows<float>(dst, start, rows, n), rows, n);
                else Kernels.Softmax.Forward<float>(Rows<float>(t[0], start, rows, n), Rows<float>(dst, start, rows, n), rows, n);
            }
            else
            {
                if (log) Kernels.Softmax.LogForward<double>(Rows<double>(t[0], start, rows, n), Rows<double>(dst, start, rows, n), rows, n);
                else Kernels.Softmax.Forward<double>(Rows<double>(t[0], start, rows, n), Rows<double>(dst, start, rows, n), rows, n);
            }
        }).Reshape(ShapeArray);
        Tensor yd = y.Reshape(x.ShapeArray);
        return Graph.Record(y, op, [this], g =>
        {
            Tensor dx = Rowwise([yd, g.Reshape(x.ShapeArray)], d, (t, dst, start, rows, n) =>
            {
                if (dst.DType == DType.Float32)
                {
                    if (log) Kernels.Softmax.LogBackward<float>(Rows<float>(t[0], start, rows, n), Rows<float>(t[1], start, rows, n), Rows<float>(dst, start, rows, n), rows, n);
                    else Kernels.Softmax.Backward<float>(Rows<float>(t[0], start, rows, n), Rows<float>(t[1], start, rows, n), Rows<float>(dst, start, rows, n), rows, n);
                }
                else
                {
                    if (log) Kernels.Softmax.LogBackward<double>(Rows<double>(t[0], start, rows, n), Rows<double>(t[1], start, rows, n), Rows<double>(dst, start, rows, n), rows, n);
                    else Kernels.Softmax.Backward<double>(Rows<double>(t[0], start, rows, n), Rows<double>(t[1], start, rows, n), Rows<double>(dst, start, rows, n), rows, n);
                }
            });
            return [dx.Reshape(ShapeArray)];
        });
    }

    /// <summary>Runs a row kernel along dim d over same-shaped inputs: moves d last (copying if needed), runs
    /// blocks of rows in parallel above the grain size, and moves d back.</summary>
    private static Tensor Rowwise(Tensor[] inputs, int d, Action<Tensor[], Tensor, int, int, int> kernel)
    {
        int last = inputs[0].Dim - 1;
        Tensor[] moved = inputs.Select(t => (d == last ? t : t.Transpose(d, last)).ContiguousRaw()).ToArray();
        Tensor dst = AllocateUninitialized(inputs[0].DType, moved[0].ShapeArray);
        int n = inputs[0].ShapeArray[d];
        // About four passes over each row (max, exp, sum, scale): the work estimate for the grain size.
        if (dst.NumEl > 0) Threading.ForBlocks(dst.NumEl / n, 4L * n, (start, rows) => kernel(moved, dst, start, rows, n));
        return d == last ? dst : dst.Transpose(d, last).ContiguousRaw();
    }

    /// <summary>Rows start..start+rows−1 of a contiguous (·, n) tensor as a span.</summary>
    private static Span<T> Rows<T>(Tensor t, int start, int rows, int n) => t.Array<T>().AsSpan(t.Offset + start * n, rows * n);

    /// <summary>Index of the maximum over all elements (of the flattened tensor) as a 0-d Int64, or along dim.
    /// Ties go to the first index; NaN counts as the maximum. PyTorch: <c>torch.argmax</c>.</summary>
    /// <param name="dim">The dim, or null for the flattened tensor.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Argmax(int? dim = null, bool keepDim = false) => ArgExtreme(nameof(Argmax), dim, keepDim, max: true);

    /// <summary>Index of the minimum. PyTorch: <c>torch.argmin</c>.</summary>
    /// <param name="dim">The dim, or null for the flattened tensor.</param>
    /// <param name="keepDim">Keep the reduced dim with size 1.</param>
    public Tensor Argmin(int? dim = null, bool keepDim = false) => ArgExtreme(nameof(Argmin), dim, keepDim, max: false);

    private Tensor ArgExtreme(string op, int? dim, bool keepDim, bool max)
    {
        Tensor x = DType == DType.Bool ? TensorKernels.Convert(this, DType.Int64) : this;
        if (dim is null)
        {
            if (NumEl == 0) throw new ArgumentException($"{op}: cannot take the {op} of an empty tensor.");
            Tensor flat;
            using (GradMode.Disable()) flat = x.Reshape(NumEl);
            Tensor r = flat.ArgExtreme(op, 0, false, max);
            return keepDim ? r.Reshape(Enumerable.Repeat(1, Dim).ToArray()) : r;
        }
        int d = Layout.Dim(op, dim.Value, Math.Max(Dim, 1));
        if (Dim == 0) return Scalar(0L);
        int n = ShapeArray[d];
        if (n == 0) throw new ArgumentException($"{op}: dim {d} of {ShapeString} has size 0.");
        Tensor src;
        int[] perm = [.. Enumerable.Range(0, Dim).Where(i => i != d), d];
        using (GradMode.Disable()) src = x.Permute(perm).ContiguousRaw();
        Tensor y = Allocate(DType.Int64, ReducedShape([d], keepDim));
        int rows = src.NumEl / n;
        switch (x.DType)
        {
            case DType.Float32: Reduce.ArgExtreme<float>(src.AsSpan<float>(), rows, n, max, y.AsSpan<long>()); break;
            case DType.Float64: Reduce.ArgExtreme<double>(src.AsSpan<double>(), rows, n, max, y.AsSpan<long>()); break;
            default: Reduce.ArgExtreme<long>(src.AsSpan<long>(), rows, n, max, y.AsSpan<long>()); break;
        }
        return y;
    }
}
