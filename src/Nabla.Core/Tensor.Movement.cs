using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    private Tensor MakeView(string op, int[] shape, int[] strides, int offset, Func<Tensor, Tensor> backward)
        => Graph.Record(new Tensor(Data, DType, shape, strides, offset), op, [this], g => [backward(g)]);

    /// <summary>Zeros of this tensor's shape with <paramref name="g"/> written into the view <paramref name="view"/>
    /// makes of them: the backward of every view op that selects elements (narrow, select, slice).</summary>
    private Tensor ScatterBackward(Tensor g, Func<Tensor, Tensor> view)
    {
        Tensor z = Allocate(g.DType, ShapeArray);
        view(z).CopyFromRaw(g);
        return z;
    }

    /// <summary>This tensor if it is contiguous, else a contiguous copy, without recording anything.</summary>
    internal Tensor ContiguousRaw()
    {
        if (IsContiguous) return this;
        Tensor y = AllocateUninitialized(DType, ShapeArray);
        CopyRawTo(y);
        return y;
    }

    /// <summary>Copies this tensor's elements, in row-major order, into the contiguous tensor y.</summary>
    internal void CopyRawTo(Tensor y)
    {
        switch (DType)
        {
            case DType.Float32: Strided.Copy(Array<float>(), ShapeArray, StridesArray, Offset, y.AsSpan<float>()); break;
            case DType.Float64: Strided.Copy(Array<double>(), ShapeArray, StridesArray, Offset, y.AsSpan<double>()); break;
            case DType.Int64: Strided.Copy(Array<long>(), ShapeArray, StridesArray, Offset, y.AsSpan<long>()); break;
            default: Strided.Copy(Array<bool>(), ShapeArray, StridesArray, Offset, y.AsSpan<bool>()); break;
        }
    }

    /// <summary>Writes src (broadcast to this shape, converted to this dtype) into this possibly strided view.</summary>
    internal void CopyFromRaw(Tensor src)
    {
        Tensor s = src.DType == DType ? src : TensorKernels.Convert(src, DType);
        if (!s.ShapeArray.AsSpan().SequenceEqual(ShapeArray))
        {
            int[] b = Layout.Broadcast("Copy", ShapeArray, s.ShapeArray);
            if (!b.AsSpan().SequenceEqual(ShapeArray))
                throw new ArgumentException($"Copy: source of shape {s.ShapeString} does not broadcast to {ShapeString}.");
            s = new Tensor(s.Data, s.DType, ShapeArray, Layout.BroadcastStrides(s.ShapeArray, s.StridesArray, ShapeArray), s.Offset);
        }
        s = s.ContiguousRaw();
        switch (DType)
        {
            case DType.Float32: Strided.Scatter<float>(s.AsSpan<float>(), Array<float>(), ShapeArray, StridesArray, Offset); break;
            case DType.Float64: Strided.Scatter<double>(s.AsSpan<double>(), Array<double>(), ShapeArray, StridesArray, Offset); break;
            case DType.Int64: Strided.Scatter<long>(s.AsSpan<long>(), Array<long>(), ShapeArray, StridesArray, Offset); break;
            default: Strided.Scatter<bool>(s.AsSpan<bool>(), Array<bool>(), ShapeArray, StridesArray, Offset); break;
        }
    }

    /// <summary>Element i of a contiguous tensor as a double.</summary>
    internal double GetFlat(int i) => DType switch
    {
        DType.Float32 => Array<float>()[Offset + i],
        DType.Float64 => Array<double>()[Offset + i],
        DType.Int64 => Array<long>()[Offset + i],
        _ => Array<bool>()[Offset + i] ? 1 : 0,
    };

    /// <summary>This tensor if contiguous, otherwise a contiguous copy. PyTorch: <c>tensor.contiguous()</c>.</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        return Graph.Record(ContiguousRaw(), nameof(Contiguous), [this], g => [g]);
    }

    /// <summary>A copy with its own storage. PyTorch: <c>tensor.clone()</c>.</summary>
    public Tensor Clone()
    {
        Tensor y = AllocateUninitialized(DType, ShapeArray);
        CopyRawTo(y);
        return Graph.Record(y, nameof(Clone), [this], g => [g]);
    }

    /// <summary>Converts to another dtype (this tensor itself when it already has it). PyTorch: <c>tensor.to(dtype)</c>.</summary>
    /// <remarks>Between float dtypes the gradient is converted back; to or from integers nothing is differentiable.</remarks>
    /// <param name="dtype">The target element type.</param>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        Tensor y = TensorKernels.Convert(this, dtype);
        if (!dtype.IsFloatingPoint()) return y;
        DType from = DType;
        return Graph.Record(y, nameof(To), [this], g => [g.To(from)]);
    }

    /// <summary>The same elements with a new shape: a view when the strides allow it, else a copy. One size
    /// may be −1 (inferred). PyTorch: <c>tensor.reshape</c>.</summary>
    /// <param name="shape">The new shape.</param>
    /// <exception cref="ArgumentException">The element count differs.</exception>
    public Tensor Reshape(params int[] shape)
    {
        int[] s = Layout.InferShape(nameof(Reshape), ShapeArray, shape);
        int[]? strides = Layout.ViewStrides(ShapeArray, StridesArray, s);
        int[] old = ShapeArray;
        if (strides is not null) return MakeView(nameof(Reshape), s, strides, Offset, g => g.Reshape(old));
        Tensor c = ContiguousRaw();
        return Graph.Record(new Tensor(c.Data, DType, s, Layout.ContiguousStrides(s), c.Offset), nameof(Reshape), [this], g => [g.Reshape(old)]);
    }

    /// <summary>A view with a new shape; fails rather than copy. PyTorch: <c>tensor.view</c>.</summary>
    /// <param name="shape">The new shape (one −1 allowed).</param>
    /// <exception cref="InvalidOperationException">The strides do not allow a view: use Reshape.</exception>
    public Tensor View(params int[] shape)
    {
        int[] s = Layout.InferShape(nameof(View), ShapeArray, shape);
        int[] strides = Layout.ViewStrides(ShapeArray, StridesArray, s) ?? throw new InvalidOperationException(
            $"View: a tensor of shape {ShapeString} and strides {Layout.Format(StridesArray)} cannot be viewed as {Layout.Format(s)}; use Reshape (which copies).");
        int[] old = ShapeArray;
        return MakeView(nameof(View), s, strides, Offset, g => g.Reshape(old));
    }

    /// <summary>Merges dims startDim..endDim into one. PyTorch: <c>torch.flatten</c>.</summary>
    /// <param name="startDim">First dim to merge.</param>
    /// <param name="endDim">Last dim to merge (inclusive).</param>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Dim == 0) return Reshape(1);
        int s = Layout.Dim(nameof(Flatten), startDim, Dim), e = Layout.Dim(nameof(Flatten), endDim, Dim);
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim}.");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(ShapeArray[i]);
        shape.Add(Layout.NumEl(ShapeArray.AsSpan(s, e - s + 1)));
        for (int i = e + 1; i < Dim; i++) shape.Add(ShapeArray[i]);
        return Reshape([.. shape]);
    }

    /// <summary>Removes every dim of size 1. PyTorch: <c>torch.squeeze</c>.</summary>
    public Tensor Squeeze()
    {
        var keep = Enumerable.Range(0, Dim).Where(i => ShapeArray[i] != 1).ToArray();
        return SqueezeDims(keep);
    }

    /// <summary>Removes dim <paramref name="dim"/> if its size is 1 (otherwise returns an unchanged view).
    /// PyTorch: <c>torch.squeeze(x, dim)</c>.</summary>
    /// <param name="dim">The dim.</param>
    public Tensor Squeeze(int dim)
    {
        if (Dim == 0) return SqueezeDims([]);
        int d = Layout.Dim(nameof(Squeeze), dim, Dim);
        return SqueezeDims(Enumerable.Range(0, Dim).Where(i => i != d || ShapeArray[i] != 1).ToArray());
    }

    private Tensor SqueezeDims(int[] keep)
    {
        int[] old = ShapeArray;
        return MakeView(nameof(Squeeze), keep.Select(i => ShapeArray[i]).ToArray(), keep.Select(i => StridesArray[i]).ToArray(),
                        Offset, g => g.Reshape(old));
    }

    /// <summary>Inserts a dim of size 1 at <paramref name="dim"/> (−1 appends). PyTorch: <c>torch.unsqueeze</c>.</summary>
    /// <param name="dim">Position in the result, in −(Dim+1)..Dim.</param>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Dim + 1 : dim;
        if (d < 0 || d > Dim)
            throw new ArgumentOutOfRangeException(nameof(dim), $"Unsqueeze: dim {dim} is out of range for a tensor with {Dim} dims (expected {-Dim - 1}..{Dim}).");
        var shape = ShapeArray.ToList();
        var strides = StridesArray.ToList();
        shape.Insert(d, 1);
        strides.Insert(d, d < Dim ? StridesArray[d] * ShapeArray[d] : 1);
        int[] old = ShapeArray;
        return MakeView(nameof(Unsqueeze), [.. shape], [.. strides], Offset, g => g.Reshape(old));
    }

    /// <summary>Reorders dims: result dim i is input dim dims[i]. PyTorch: <c>tensor.permute</c>.</summary>
    /// <param name="dims">A permutation of 0..Dim−1 (negative allowed).</param>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Dim)
            throw new ArgumentException($"Permute: {dims.Length} dims given for a tensor with {Dim} dims {ShapeString}.");
        var p = dims.Select(d => Layout.Dim(nameof(Permute), d, Dim)).ToArray();
        if (p.Distinct().Count() != p.Length) throw new ArgumentException($"Permute: repeated dim in {Layout.Format(dims)}.");
        var inverse = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inverse[p[i]] = i;
        return MakeView(nameof(Permute), p.Select(i => ShapeArray[i]).ToArray(), p.Select(i => StridesArray[i]).ToArray(),
                        Offset, g => g.Permute(inverse));
    }

    /// <summary>Swaps two dims. PyTorch: <c>torch.transpose</c>.</summary>
    /// <param name="dim0">First dim.</param>
    /// <param name="dim1">Second dim.</param>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (Dim == 0) return Permute();
        var p = Enumerable.Range(0, Dim).ToArray();
        int a = Layout.Dim(nameof(Transpose), dim0, Dim), b = Layout.Dim(nameof(Transpose), dim1, Dim);
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(p);
    }

    /// <summary>All dims reversed; the matrix transpose for 2-D. PyTorch: <c>tensor.T</c>.</summary>
    public Tensor T => Permute(Enumerable.Range(0, Dim).Reverse().ToArray());

    /// <summary>Elements start..start+length−1 along dim, as a view. PyTorch: <c>torch.narrow</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="start">First index (negative counts from the end).</param>
    /// <param name="length">How many.</param>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Layout.Dim(nameof(Narrow), dim, Dim);
        if (Dim == 0) throw new ArgumentException("Narrow: cannot narrow a 0-d tensor.");
        int size = ShapeArray[d];
        int s = start < 0 ? start + size : start;
        if (s < 0 || length < 0 || s + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: start {start} and length {length} do not fit dim {d} of size {size} in {ShapeString}.");
        int[] shape = Shape;
        shape[d] = length;
        return MakeView(nameof(Narrow), shape, StridesArray, Offset + s * StridesArray[d],
                        g => ScatterBackward(g, z => z.Narrow(d, s, length)));
    }

    /// <summary>Elements start, start+step, … below end along dim, as a view; bounds are clipped as in Python
    /// slicing. PyTorch: <c>x[..., start:end:step]</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="start">First index (negative counts from the end).</param>
    /// <param name="end">Exclusive end (negative counts from the end; default: the whole dim).</param>
    /// <param name="step">Positive step.</param>
    public Tensor Slice(int dim, int start = 0, int? end = null, int step = 1)
    {
        int d = Layout.Dim(nameof(Slice), dim, Dim);
        if (Dim == 0) throw new ArgumentException("Slice: cannot slice a 0-d tensor.");
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step}.", nameof(step));
        int size = ShapeArray[d];
        int s = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int e = Math.Clamp(end is int v ? (v < 0 ? v + size : v) : size, s, size);
        int[] shape = Shape, strides = Strides;
        shape[d] = (e - s + step - 1) / step;
        strides[d] *= step;
        return MakeView(nameof(Slice), shape, strides, Offset + s * StridesArray[d],
                        g => ScatterBackward(g, z => z.Slice(d, s, e, step)));
    }

    /// <summary>The slice at <paramref name="index"/> along dim, which removes that dim. PyTorch: <c>torch.select</c>.</summary>
    /// <param name="dim">The dim.</param>
    /// <param name="index">The index (negative counts from the end).</param>
    public Tensor Select(int dim, int index)
    {
        int d = Layout.Dim(nameof(Select), dim, Dim);
        if (Dim == 0) throw new ArgumentException("Select: cannot select from a 0-d tensor.");
        int size = ShapeArray[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dim {d} of size {size} in {ShapeString}.");
        var shape = ShapeArray.ToList();
        var strides = StridesArray.ToList();
        shape.RemoveAt(d);
        strides.RemoveAt(d);
        return MakeView(nameof(Select), [.. shape], [.. strides], Offset + i * StridesArray[d],
                        g => ScatterBackward(g, z => z.Select(d, i)));
    }

    /// <summary>A broadcast view: dims of size 1 repeat (stride 0) to the given size; −1 keeps a size; new
    /// leading dims may be added. PyTorch: <c>tensor.expand</c>.</summary>
    /// <param name="shape">The target shape.</param>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < Dim)
            throw new ArgumentException($"Expand: the target {Layout.Format(shape)} has fewer dims than the tensor {ShapeString}.");
        var target = (int[])shape.Clone();
        int lead = target.Length - Dim;
        for (int i = 0; i < target.Length; i++)
        {
            int own = i >= lead ? ShapeArray[i - lead] : 1;
            if (target[i] == -1)
            {
                if (i < lead) throw new ArgumentException($"Expand: -1 is not allowed for the new leading dim {i}.");
                target[i] = own;
            }
            if (own != target[i] && own != 1)
                throw new ArgumentException($"Expand: the size of dim {i} ({own}) must match the target {Layout.Format(shape)} or be 1; tensor {ShapeString}.");
        }
        int[] old = ShapeArray;
        return MakeView(nameof(Expand), target, Layout.BroadcastStrides(ShapeArray, StridesArray, target), Offset,
                        g => g.SumTo(old));
    }

    /// <summary>Same as <see cref="Expand"/>. PyTorch: <c>torch.broadcast_to</c>.</summary>
    /// <param name="shape">The target shape.</param>
    public Tensor BroadcastTo(params int[] shape) => Expand(shape);

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/>: over extra leading dims and over dims
    /// that were 1 in the original (PyTorch's <c>at::sum_to</c>). Every binary backward uses it.</summary>
    /// <param name="shape">A shape this tensor's shape was broadcast from.</param>
    public Tensor SumTo(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeArray.AsSpan().SequenceEqual(shape)) return this;
        int lead = Dim - shape.Length;
        if (lead < 0) throw new ArgumentException($"SumTo: cannot sum {ShapeString} to the larger {Layout.Format(shape)}.");
        var dims = new List<int>();
        for (int i = 0; i < Dim; i++)
        {
            if (i < lead || (shape[i - lead] == 1 && ShapeArray[i] != 1)) dims.Add(i);
            else if (shape[i - lead] != ShapeArray[i])
                throw new ArgumentException($"SumTo: {ShapeString} was not broadcast from {Layout.Format(shape)}.");
        }
        Tensor s = dims.Count == 0 ? this : Sum([.. dims], keepDim: true);
        return s.Reshape(shape);
    }

    /// <summary>Joins tensors along an existing dim; all other dims must match. PyTorch: <c>torch.cat</c>.</summary>
    /// <param name="tensors">At least one tensor, all of the same rank.</param>
    /// <param name="dim">The dim to join along.</param>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Cat: expected a non-empty list of tensors.");
        Tensor first = tensors[0];
        if (first.Dim == 0) throw new ArgumentException("Cat: zero-dimensional tensors cannot be concatenated; use Stack.");
        int d = Layout.Dim(nameof(Cat), dim, first.Dim);
        DType dtype = tensors.Select(t => t.DType).Aggregate(DTypeExtensions.Promote);
        int total = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            Tensor t = tensors[k];
            if (t.Dim != first.Dim)
                throw new ArgumentException($"Cat: tensor {k} has {t.Dim} dims {t.ShapeString}, tensor 0 has {first.Dim} {first.ShapeString}.");
            for (int i = 0; i < t.Dim; i++)
            {
                if (i != d && t.ShapeArray[i] != first.ShapeArray[i])
                    throw new ArgumentException($"Cat: sizes must match except in dim {d}; tensor {k} is {t.ShapeString}, tensor 0 is {first.ShapeString}.");
            }
            total += t.ShapeArray[d];
        }
        int[] shape = first.Shape;
        shape[d] = total;
        Tensor y = Allocate(dtype, shape);
        var offsets = new int[tensors.Length];
        using (GradMode.Disable())
        {
            int at = 0;
            for (int k = 0; k < tensors.Length; k++)
            {
                offsets[k] = at;
                int n = tensors[k].ShapeArray[d];
                if (n > 0) y.Narrow(d, at, n).CopyFromRaw(tensors[k]);
                at += n;
            }
        }
        return Graph.Record(y, nameof(Cat), tensors, g =>
            tensors.Select((t, k) => t.RequiresGrad ? g.Narrow(d, offsets[k], t.ShapeArray[d]).To(t.DType) : null).ToArray());
    }

    /// <summary>Joins same-shaped tensors along a new dim. PyTorch: <c>torch.stack</c>.</summary>
    /// <remarks>Composite: Unsqueeze each, then Cat.</remarks>
    /// <param name="tensors">At least one tensor, all of one shape.</param>
    /// <param name="dim">Position of the new dim.</param>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Stack: expected a non-empty list of tensors.");
        for (int k = 1; k < tensors.Length; k++)
        {
            if (!tensors[k].ShapeArray.AsSpan().SequenceEqual(tensors[0].ShapeArray))
                throw new ArgumentException($"Stack: all tensors must have one shape; tensor {k} is {tensors[k].ShapeString}, tensor 0 is {tensors[0].ShapeString}.");
        }
        return Cat(tensors.Select(t => t.Unsqueeze(dim)).ToArray(), dim);
    }

    /// <summary>Splits into views of <paramref name="splitSize"/> along dim (the last may be smaller).
    /// PyTorch: <c>torch.split(x, split_size)</c>.</summary>
    /// <param name="splitSize">Size of each part (&gt; 0).</param>
    /// <param name="dim">The dim.</param>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentException($"Split: splitSize must be positive, got {splitSize}.", nameof(splitSize));
        int d = Layout.Dim(nameof(Split), dim, Dim);
        int size = ShapeArray[d];
        var parts = new List<Tensor>();
        for (int s = 0; s < size; s += splitSize) parts.Add(Narrow(d, s, Math.Min(splitSize, size - s)));
        if (size == 0) parts.Add(Narrow(d, 0, 0));
        return [.. parts];
    }

    /// <summary>Splits into views of the given sizes along dim. PyTorch: <c>torch.split(x, [sizes])</c>.</summary>
    /// <param name="sizes">Sizes summing to the dim's size.</param>
    /// <param name="dim">The dim.</param>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Layout.Dim(nameof(Split), dim, Dim);
        if (sizes.Sum() != ShapeArray[d] || sizes.Any(s => s < 0))
            throw new ArgumentException($"Split: sizes {Layout.Format(sizes)} must be non-negative and sum to {ShapeArray[d]}, the size of dim {d} of {ShapeString}.");
        var parts = new Tensor[sizes.Length];
        int at = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            parts[i] = Narrow(d, at, sizes[i]);
            at += sizes[i];
        }
        return parts;
    }

    /// <summary>Splits into <paramref name="chunks"/> views of size ⌈n/chunks⌉ (fewer when n is small).
    /// PyTorch: <c>torch.chunk</c>.</summary>
    /// <param name="chunks">Number of chunks (&gt; 0).</param>
    /// <param name="dim">The dim.</param>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException($"Chunk: chunks must be positive, got {chunks}.", nameof(chunks));
        int d = Layout.Dim(nameof(Chunk), dim, Dim);
        int size = ShapeArray[d];
        return Split(Math.Max(1, (size + chunks - 1) / chunks), d);
    }

    /// <summary>Pads with a constant. <paramref name="pad"/> lists (before, after) pairs starting from the last
    /// dim, as PyTorch's <c>F.pad(x, pad, value=…)</c>.</summary>
    /// <param name="pad">An even number of non-negative sizes, at most 2·Dim.</param>
    /// <param name="value">The fill value.</param>
    public Tensor Pad(int[] pad, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(pad);
        if (pad.Length % 2 != 0 || pad.Length / 2 > Dim)
            throw new ArgumentException($"Pad: pad {Layout.Format(pad)} must have an even length of at most {2 * Dim} for a tensor {ShapeString}.");
        if (pad.Any(p => p < 0)) throw new ArgumentException($"Pad: negative padding {Layout.Format(pad)} is not supported; use Narrow to crop.");
        int[] shape = Shape;
        var before = new int[Dim];
        for (int i = 0; i < pad.Length / 2; i++)
        {
            int d = Dim - 1 - i;
            before[d] = pad[2 * i];
            shape[d] += pad[2 * i] + pad[2 * i + 1];
        }
        Tensor y = Full(shape, value, DType);
        Func<Tensor, Tensor> inner = t =>
        {
            for (int d = 0; d < Dim; d++) t = t.Narrow(d, before[d], ShapeArray[d]);
            return t;
        };
        using (GradMode.Disable()) inner(y).CopyFromRaw(this);
        return Graph.Record(y, nameof(Pad), [this], g => [inner(g).Contiguous()]);
    }

    /// <summary>Tiles the tensor: dim i is repeated repeats[i] times (extra leading repeats add dims).
    /// PyTorch: <c>tensor.repeat</c>.</summary>
    /// <remarks>Composite: Unsqueeze + Expand + Reshape, so the gradient sums over the copies.</remarks>
    /// <param name="repeats">One count per dim, at least Dim of them.</param>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Dim)
            throw new ArgumentException($"Repeat: {repeats.Length} repeat counts given for a tensor with {Dim} dims {ShapeString}.");
        int lead = repeats.Length - Dim;
        Tensor x = Reshape([.. Enumerable.Repeat(1, lead), .. ShapeArray]);
        // (s0, s1, …) → (1, s0, 1, s1, …) → expand to (r0, s0, r1, s1, …) → (r0·s0, r1·s1, …)
        var interleaved = new List<int>();
        var expanded = new List<int>();
        var final = new int[repeats.Length];
        for (int i = 0; i < repeats.Length; i++)
        {
            interleaved.Add(1);
            interleaved.Add(x.ShapeArray[i]);
            expanded.Add(repeats[i]);
            expanded.Add(x.ShapeArray[i]);
            final[i] = repeats[i] * x.ShapeArray[i];
        }
        return x.Reshape([.. interleaved]).Expand([.. expanded]).Reshape(final);
    }
}
