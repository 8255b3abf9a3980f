using System.Runtime.CompilerServices;
using Nabla.Internal;

namespace Nabla;

/// <summary>
/// An n-dimensional array with a run-time element type, that can record the operations applied to it for
/// reverse-mode automatic differentiation. PyTorch: <c>torch.Tensor</c>.
/// </summary>
/// <remarks>
/// A tensor is a view: a shared managed array (its storage) plus a layout (shape, strides in elements, offset).
/// Movement ops such as <see cref="Transpose"/>, <see cref="Narrow"/> or <see cref="Expand"/> return new views of
/// the same storage and copy nothing. Memory is managed: nothing needs disposing.
/// </remarks>
public partial class Tensor
{
    internal readonly Array Data;
    internal readonly int[] ShapeArray;
    internal readonly int[] StridesArray;
    internal readonly int Offset;
    private bool _requiresGrad;

    /// <summary>True when this tensor was made with its own storage by an op (<see cref="Allocate"/>, or a dense
    /// permuted view that is the only tensor over fresh storage, as attention's heads-interleaved results), not a
    /// view or wrapper of storage made elsewhere: only then may <see cref="ReleaseAfterBackward"/> recycle it.</summary>
    internal bool OwnsStorage;

    /// <summary>Set when a <see cref="TensorScope"/> recycled this tensor's storage: every use then throws.</summary>
    internal bool Released;

    internal Tensor(Array data, DType dtype, int[] shape, int[] strides, int offset)
    {
        Data = data;
        DType = dtype;
        ShapeArray = shape;
        StridesArray = strides;
        Offset = offset;
        NumEl = Layout.NumEl(shape);
        IsContiguous = Layout.IsContiguous(shape, strides);
        TensorScope.NoteTensor(this);
    }

    /// <summary>A new tensor sharing <paramref name="other"/>'s storage and layout, with no autograd history.</summary>
    /// <param name="other">The tensor whose storage is shared.</param>
    protected Tensor(Tensor other)
        : this(other?.Data ?? throw new ArgumentNullException(nameof(other)), other.DType, other.ShapeArray,
               other.StridesArray, other.Offset)
    {
        other.ThrowIfReleased(GetType().Name);
    }

    /// <summary>Element type. PyTorch: <c>tensor.dtype</c>.</summary>
    public DType DType { get; }

    /// <summary>Number of elements. PyTorch: <c>tensor.numel()</c>.</summary>
    public int NumEl { get; }

    /// <summary>Number of dimensions. PyTorch: <c>tensor.dim()</c>.</summary>
    public int Dim => ShapeArray.Length;

    /// <summary>A copy of the shape. PyTorch: <c>tensor.shape</c>.</summary>
    public int[] Shape => (int[])ShapeArray.Clone();

    /// <summary>A copy of the strides, in elements. PyTorch: <c>tensor.stride()</c>.</summary>
    public int[] Strides => (int[])StridesArray.Clone();

    /// <summary>True when the elements are laid out row-major without gaps. PyTorch: <c>is_contiguous()</c>.</summary>
    public bool IsContiguous { get; }

    /// <summary>Size of one dimension (negative counts from the end). PyTorch: <c>tensor.size(dim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    public int Size(int dim) => ShapeArray[Layout.Dim(nameof(Size), dim, Dim)];

    /// <summary>Whether gradients are computed for this tensor. Only leaves (tensors not produced by a recorded
    /// op) can change it, and only floating-point tensors can require a gradient. PyTorch: <c>requires_grad</c>.</summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf or a non-float tensor.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null)
                throw new InvalidOperationException(
                    $"RequiresGrad: you can only change the flag of leaf tensors; this one was produced by {GradFn.Name}. Use Detach().");
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"RequiresGrad: only floating-point tensors can require gradients, not {DType}.");
            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of a leaf after <see cref="Backward"/>; null until then or after
    /// <see cref="ZeroGrad"/>. PyTorch: <c>tensor.grad</c>.</summary>
    /// <remarks>A gradient outlives any <see cref="TensorScope"/> it was made in.</remarks>
    public Tensor? Grad
    {
        get => _grad;
        set => _grad = value?.DetachFromScope();
    }

    private Tensor? _grad;

    /// <summary>The recorded op that produced this tensor, or null for a leaf. PyTorch: <c>tensor.grad_fn</c>.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True when this tensor was not produced by a recorded op. PyTorch: <c>tensor.is_leaf</c>.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor. PyTorch: <c>requires_grad_()</c>.</summary>
    /// <param name="requiresGrad">The new flag.</param>
    public Tensor RequireGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Drops the accumulated gradient (PyTorch's <c>set_to_none=True</c> default).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>Declares this op result an intermediate that nothing but the graph will read after the backward pass:
    /// once the backward of the op that made it has run (without retaining the graph), its storage is recycled for
    /// the tensors made after it, instead of waiting for the garbage collector. For module authors: call it on
    /// results of a forward that the module neither returns nor keeps, nor detaches or hands to anyone. Does
    /// nothing when no graph is recorded, on views, and on tensors below the pooled size. Returns this tensor.</summary>
    /// <remarks>PyTorch needs no such call: reference counting frees an intermediate the moment the backward drops
    /// it, and its allocator hands the warm block to the next tensor. In .NET the array would wait for a GC, meanwhile
    /// every new activation lands in memory that is not in cache, and the GC copies the activations still live each
    /// time it runs (W4 char-GPT: 218 MB of activations per step).</remarks>
    public Tensor ReleaseAfterBackward()
    {
        if (GradFn is not null && OwnsStorage && GradMode.IsEnabled) GradFn.Release(Data);
        return this;
    }

    /// <summary>A view of the same storage that is cut off from the graph. PyTorch: <c>tensor.detach()</c>.</summary>
    public Tensor Detach()
    {
        ThrowIfReleased(nameof(Detach));
        return new(Data, DType, ShapeArray, StridesArray, Offset);
    }

    /// <summary>Computes the gradient of this tensor with respect to every leaf that requires one, and adds it to
    /// their <see cref="Grad"/>. PyTorch: <c>tensor.backward()</c>.</summary>
    /// <param name="gradient">dL/d(this), same shape; may be omitted only for a one-element tensor (then 1).
    /// With a gradient this computes the vector–Jacobian product gradientᵀ·J.</param>
    /// <param name="retainGraph">Keep the saved tensors so that backward can run through the graph again.</param>
    /// <exception cref="InvalidOperationException">The tensor has no graph, or the graph was already freed.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
        => Graph.Backward([this], gradient is null ? null : [gradient], retainGraph);

    internal T[] Array<T>()
    {
        if (Released) throw ReleasedError("this op");
        return Unsafe.As<T[]>(Data);
    }

    /// <summary>Lets this tensor's storage outlive every active <see cref="TensorScope"/> of this thread: for state
    /// kept across scopes (caches, running statistics). TorchSharp: <c>DetachFromDisposeScope()</c>. Returns this
    /// tensor.</summary>
    public Tensor DetachFromScope()
    {
        TensorScope.Detach(Data);
        return this;
    }

    /// <summary>Throws when a scope recycled this tensor's storage.</summary>
    /// <param name="op">The op that was given the tensor.</param>
    internal void ThrowIfReleased(string op)
    {
        if (Released) throw ReleasedError(op);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ObjectDisposedException ReleasedError(string op)
        => new(nameof(Tensor), $"{op}: the tensor of shape {ShapeString} was made in a TensorScope that has ended, and its storage was recycled; keep it with scope.Keep(tensor) or tensor.DetachFromScope() to use it after the scope.");

    internal void RequiresGradFromGraph() => _requiresGrad = true;

    /// <summary>The elements of a contiguous tensor as a span over its storage (writes are visible to every view).</summary>
    /// <typeparam name="T">float, double, long or bool, matching <see cref="DType"/>.</typeparam>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous, or T does not match the dtype.</exception>
    public Span<T> AsSpan<T>()
    {
        CheckType<T>(nameof(AsSpan));
        ThrowIfReleased(nameof(AsSpan));
        if (!IsContiguous)
            throw new InvalidOperationException($"AsSpan: tensor of shape {Layout.Format(ShapeArray)} with strides {Layout.Format(StridesArray)} is not contiguous; call Contiguous() first.");
        return Unsafe.As<T[]>(Data).AsSpan(Offset, NumEl);
    }

    /// <summary>The elements in row-major order, as a new array. PyTorch: <c>tensor.tolist()</c> (flattened).</summary>
    /// <typeparam name="T">float, double, long or bool, matching <see cref="DType"/>.</typeparam>
    public T[] ToArray<T>()
    {
        CheckType<T>(nameof(ToArray));
        ThrowIfReleased(nameof(ToArray));
        var result = new T[NumEl];
        if (IsContiguous) Unsafe.As<T[]>(Data).AsSpan(Offset, NumEl).CopyTo(result);
        else Strided.Copy(Unsafe.As<T[]>(Data), ShapeArray, StridesArray, Offset, result);
        return result;
    }

    /// <summary>The value of a one-element tensor. PyTorch: <c>tensor.item()</c>.</summary>
    /// <typeparam name="T">float, double, long or bool, matching <see cref="DType"/>.</typeparam>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public T Item<T>()
    {
        CheckType<T>(nameof(Item));
        ThrowIfReleased(nameof(Item));
        if (NumEl != 1)
            throw new InvalidOperationException($"Item: a tensor with {NumEl} elements {Layout.Format(ShapeArray)} cannot be converted to a scalar.");
        return Unsafe.As<T[]>(Data)[Offset];
    }

    /// <summary>The value of a one-element tensor as a double, whatever its dtype.</summary>
    public double ItemAsDouble() => DType switch
    {
        DType.Float32 => Item<float>(),
        DType.Float64 => Item<double>(),
        DType.Int64 => Item<long>(),
        _ => Item<bool>() ? 1 : 0,
    };

    private void CheckType<T>(string op)
    {
        if (typeof(T) != DType.ClrType())
            throw new InvalidOperationException($"{op}<{typeof(T).Name}>: the tensor's dtype is {DType} ({DType.ClrType().Name}).");
    }

    /// <summary>The element at a multi-index, as a double (for tests and printing).</summary>
    internal double GetDouble(ReadOnlySpan<int> index)
    {
        ThrowIfReleased(nameof(GetDouble));
        int o = Offset;
        for (int i = 0; i < index.Length; i++) o += index[i] * StridesArray[i];
        return DType switch
        {
            DType.Float32 => Array<float>()[o],
            DType.Float64 => Array<double>()[o],
            DType.Int64 => Array<long>()[o],
            _ => Array<bool>()[o] ? 1 : 0,
        };
    }

    internal string ShapeString => Layout.Format(ShapeArray);
}
