using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    internal static Tensor Allocate(DType dtype, int[] shape)
    {
        int n = Layout.NumEl(shape);
        Array data = dtype switch
        {
            DType.Float32 => Storage<float>(n, zeroed: true),
            DType.Float64 => Storage<double>(n, zeroed: true),
            DType.Int64 => Storage<long>(n, zeroed: true),
            _ => Storage<bool>(n, zeroed: true),
        };
        return new Tensor(data, dtype, shape, Layout.ContiguousStrides(shape), 0) { OwnsStorage = true };
    }

    /// <summary>A contiguous tensor whose storage is not zeroed, for kernels that overwrite every element: saves
    /// a full write pass over large outputs.</summary>
    internal static Tensor AllocateUninitialized(DType dtype, int[] shape)
    {
        int n = Layout.NumEl(shape);
        Array data = dtype switch
        {
            DType.Float32 => Storage<float>(n, zeroed: false),
            DType.Float64 => Storage<double>(n, zeroed: false),
            DType.Int64 => Storage<long>(n, zeroed: false),
            _ => Storage<bool>(n, zeroed: false),
        };
        return new Tensor(data, dtype, shape, Layout.ContiguousStrides(shape), 0) { OwnsStorage = true };
    }

    /// <summary>A new array for a tensor: large ones come from <see cref="StoragePool"/> when one of that length is
    /// free, and are noted as fresh for the backward pass (<see cref="Graph.NoteAllocation"/>), which may give them
    /// back once it knows they are dead.</summary>
    private static T[] Storage<T>(int n, bool zeroed) where T : unmanaged
    {
        if (!StoragePool.Pooled<T>(n))
        {
            T[] small = zeroed ? new T[n] : GC.AllocateUninitializedArray<T>(n);
            TensorScope.NoteAllocation(small);
            return small;
        }
        T[]? data = StoragePool.TryRent<T>(n);
        if (data is null) data = zeroed ? new T[n] : GC.AllocateUninitializedArray<T>(n);
        else if (zeroed) System.Array.Clear(data);
        Graph.NoteAllocation(data);
        TensorScope.NoteAllocation(data);
        return data;
    }

    internal static Tensor Wrap<T>(T[] data, int[] shape, DType dtype) => new(data, dtype, shape, Layout.ContiguousStrides(shape), 0);

    private static int[] CheckShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in shape {Layout.Format(shape)}.", nameof(shape));
        }
        return (int[])shape.Clone();
    }

    /// <summary>A tensor of zeros. PyTorch: <c>torch.zeros</c>.</summary>
    /// <param name="shape">The shape; empty for a 0-d tensor.</param>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DType.Float32);

    /// <summary>A tensor of zeros of a given dtype. PyTorch: <c>torch.zeros(shape, dtype=…)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Zeros(int[] shape, DType dtype) => Allocate(dtype, CheckShape(nameof(Zeros), shape));

    /// <summary>A tensor of ones. PyTorch: <c>torch.ones</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0, DType.Float32);

    /// <summary>A tensor of ones of a given dtype. PyTorch: <c>torch.ones(shape, dtype=…)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>A tensor whose storage is allocated but not meaningfully initialised (managed memory is zeroed,
    /// but do not rely on it). PyTorch: <c>torch.empty</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Empty(int[] shape, DType dtype = DType.Float32) => Allocate(dtype, CheckShape(nameof(Empty), shape));

    /// <summary>A tensor filled with one value. PyTorch: <c>torch.full</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="value">The fill value (converted to the dtype; non-zero is true for Bool).</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        Tensor t = Allocate(dtype, CheckShape(nameof(Full), shape));
        t.FillRaw(value);
        return t;
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="other"/>. PyTorch: <c>torch.zeros_like</c>.</summary>
    /// <param name="other">The template.</param>
    public static Tensor ZerosLike(Tensor other) => Allocate(other.DType, other.ShapeArray);

    /// <summary>Ones with the shape and dtype of <paramref name="other"/>. PyTorch: <c>torch.ones_like</c>.</summary>
    /// <param name="other">The template.</param>
    public static Tensor OnesLike(Tensor other) => Full(other.ShapeArray, 1.0, other.DType);

    /// <summary>A value with the shape and dtype of <paramref name="other"/>. PyTorch: <c>torch.full_like</c>.</summary>
    /// <param name="other">The template.</param>
    /// <param name="value">The fill value.</param>
    public static Tensor FullLike(Tensor other, double value) => Full(other.ShapeArray, value, other.DType);

    /// <summary>A 0-d tensor holding one value. PyTorch: <c>torch.tensor(value)</c>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(Layout.Scalar, value, dtype);

    /// <summary>A 0-d Int64 tensor. PyTorch: <c>torch.tensor(5)</c>.</summary>
    /// <param name="value">The value.</param>
    public static Tensor Scalar(long value) => Wrap(new[] { value }, Layout.Scalar, DType.Int64);

    /// <summary>Integers start, start + step, … below end, as Int64. PyTorch: <c>torch.arange(end)</c>.</summary>
    /// <param name="end">Exclusive end.</param>
    public static Tensor Arange(long end) => Arange(0, end, 1);

    /// <summary>Integers from start (inclusive) to end (exclusive) by step, as Int64. PyTorch: <c>torch.arange</c>.</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Exclusive end.</param>
    /// <param name="step">Non-zero increment.</param>
    public static Tensor Arange(long start, long end, long step = 1)
    {
        if (step == 0) throw new ArgumentException("Arange: step must be non-zero.", nameof(step));
        long n = Math.Max(0, (end - start + step - Math.Sign(step)) / step);
        var data = new long[n];
        for (long i = 0; i < n; i++) data[i] = start + i * step;
        return Wrap(data, [(int)n], DType.Int64);
    }

    /// <summary>Values start, start + step, … below end, as floats. PyTorch: <c>torch.arange(0.0, 1.0, 0.1)</c>.</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Exclusive end.</param>
    /// <param name="step">Non-zero increment.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    public static Tensor Arange(double start, double end, double step, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step)) throw new ArgumentException($"Arange: step must be finite and non-zero, got {step}.", nameof(step));
        int n = (int)Math.Max(0, Math.Ceiling((end - start) / step));
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return FromArray(data).To(dtype);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive. PyTorch: <c>torch.linspace</c>.</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Last value.</param>
    /// <param name="steps">Number of values (≥ 0).</param>
    /// <param name="dtype">Float32 or Float64.</param>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var data = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // PyTorch fills the second half from the end so that the last value is exactly `end`.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        return FromArray(data).To(dtype);
    }

    /// <summary>An n×m matrix with ones on the diagonal. PyTorch: <c>torch.eye</c>.</summary>
    /// <param name="n">Rows.</param>
    /// <param name="m">Columns (default n).</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        Tensor t = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetRaw(i * cols + i, 1.0);
        return t;
    }

    /// <summary>Uniform samples on [0, 1). PyTorch: <c>torch.rand</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <summary>Uniform samples on [0, 1). PyTorch: <c>torch.rand(shape, generator=…, dtype=…)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    public static Tensor Rand(int[] shape, Generator? generator, DType dtype = DType.Float32)
    {
        Generator g = generator ?? Generator.Default;
        Tensor t = Allocate(RequireFloat(nameof(Rand), dtype), CheckShape(nameof(Rand), shape));
        if (dtype == DType.Float32) foreach (ref float v in t.Array<float>().AsSpan()) v = g.NextSingle();
        else foreach (ref double v in t.Array<double>().AsSpan()) v = g.NextDouble();
        return t;
    }

    /// <summary>Standard normal samples. PyTorch: <c>torch.randn</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <summary>Standard normal samples. PyTorch: <c>torch.randn(shape, generator=…, dtype=…)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    public static Tensor Randn(int[] shape, Generator? generator, DType dtype = DType.Float32)
    {
        Generator g = generator ?? Generator.Default;
        Tensor t = Allocate(RequireFloat(nameof(Randn), dtype), CheckShape(nameof(Randn), shape));
        if (dtype == DType.Float32) foreach (ref float v in t.Array<float>().AsSpan()) v = (float)g.NextNormal();
        else foreach (ref double v in t.Array<double>().AsSpan()) v = g.NextNormal();
        return t;
    }

    /// <summary>Uniform integers in [low, high), as Int64. PyTorch: <c>torch.randint</c>.</summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound (&gt; low).</param>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    public static Tensor RandInt(long low, long high, int[] shape, Generator? generator = null)
    {
        if (high <= low) throw new ArgumentException($"RandInt: high ({high}) must be greater than low ({low}).", nameof(high));
        Generator g = generator ?? Generator.Default;
        Tensor t = Allocate(DType.Int64, CheckShape(nameof(RandInt), shape));
        foreach (ref long v in t.Array<long>().AsSpan()) v = low + (long)g.NextBounded((ulong)(high - low));
        return t;
    }

    /// <summary>Draws 1 with probability p[i] and 0 otherwise, in p's dtype. PyTorch: <c>torch.bernoulli</c>.</summary>
    /// <param name="probabilities">Probabilities in [0, 1].</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A probability is outside [0, 1].</exception>
    public static Tensor Bernoulli(Tensor probabilities, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Generator g = generator ?? Generator.Default;
        double[] p = probabilities.To(DType.Float64).ToArray<double>();
        Tensor t = Allocate(RequireFloat(nameof(Bernoulli), probabilities.DType), probabilities.Shape);
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0 && p[i] <= 1)) throw new ArgumentException($"Bernoulli: probability {p[i]} at index {i} is outside [0, 1].", nameof(probabilities));
            t.SetRaw(i, g.NextDouble() < p[i] ? 1 : 0);
        }
        return t;
    }

    /// <summary>Bernoulli draws with one probability. PyTorch: <c>torch.empty(shape).bernoulli_(p)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="p">Probability of a 1.</param>
    /// <param name="generator">The random source.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Bernoulli(int[] shape, double p, Generator? generator = null, DType dtype = DType.Float32)
        => Bernoulli(Full(shape, p, RequireFloat(nameof(Bernoulli), dtype)), generator);

    /// <summary>A random permutation of 0..n−1, as Int64 (Fisher–Yates). PyTorch: <c>torch.randperm</c>.</summary>
    /// <param name="n">Length.</param>
    /// <param name="generator">The random source.</param>
    public static Tensor RandPerm(int n, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Generator g = generator ?? Generator.Default;
        var data = new long[n];
        for (int i = 0; i < n; i++) data[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)g.NextBounded((ulong)(i + 1));
            (data[i], data[j]) = (data[j], data[i]);
        }
        return Wrap(data, [n], DType.Int64);
    }

    /// <summary>Seeds <see cref="Generator.Default"/>. PyTorch: <c>torch.manual_seed</c>.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public static void ManualSeed(long seed) => Generator.Default.ManualSeed(seed);

    private static DType RequireFloat(string op, DType dtype)
        => dtype.IsFloatingPoint() ? dtype : throw new ArgumentException($"{op}: needs a floating-point dtype, got {dtype}.", nameof(dtype));

    /// <summary>Wraps a copy of a 1-D float array, optionally reshaped. PyTorch: <c>torch.tensor(list)</c>.</summary>
    /// <param name="data">The values.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromArray(float[] data, params int[] shape) => FromFlat(data, shape, DType.Float32);

    /// <summary>Wraps a copy of a 1-D double array as Float64.</summary>
    /// <param name="data">The values.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromArray(double[] data, params int[] shape) => FromFlat(data, shape, DType.Float64);

    /// <summary>Wraps a copy of a 1-D long array as Int64.</summary>
    /// <param name="data">The values.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromArray(long[] data, params int[] shape) => FromFlat(data, shape, DType.Int64);

    /// <summary>Wraps a copy of a 1-D int array as Int64.</summary>
    /// <param name="data">The values.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromArray(int[] data, params int[] shape)
        => FromFlat(System.Array.ConvertAll(data ?? throw new ArgumentNullException(nameof(data)), v => (long)v), shape, DType.Int64);

    /// <summary>Wraps a copy of a 1-D bool array as Bool.</summary>
    /// <param name="data">The values.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromArray(bool[] data, params int[] shape) => FromFlat(data, shape, DType.Bool);

    /// <summary>A tensor over <paramref name="data"/> itself, without a copy: writes through either are seen by
    /// both. PyTorch: <c>torch.frombuffer</c> / <c>torch.from_numpy</c>.</summary>
    /// <param name="data">The storage, row-major; the tensor takes it over.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromBuffer(float[] data, params int[] shape) => Shared(data, shape, DType.Float32);

    /// <summary>A Float64 tensor over <paramref name="data"/> itself, without a copy. PyTorch: <c>torch.frombuffer</c>.</summary>
    /// <param name="data">The storage, row-major.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromBuffer(double[] data, params int[] shape) => Shared(data, shape, DType.Float64);

    /// <summary>An Int64 tensor over <paramref name="data"/> itself, without a copy. PyTorch: <c>torch.frombuffer</c>.</summary>
    /// <param name="data">The storage, row-major.</param>
    /// <param name="shape">The shape (default: 1-D of data's length).</param>
    public static Tensor FromBuffer(long[] data, params int[] shape) => Shared(data, shape, DType.Int64);

    private static Tensor Shared<T>(T[] data, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] dims = shape is null || shape.Length == 0 ? [data.Length] : CheckShape(nameof(FromBuffer), shape);
        if (Layout.NumEl(dims) != data.Length)
            throw new ArgumentException($"FromBuffer: {data.Length} values do not fill shape {Layout.Format(dims)} ({Layout.NumEl(dims)} elements).", nameof(shape));
        return Wrap(data, dims, dtype);
    }

    /// <summary>Copies a rectangular multi-dimensional (<c>float[,]</c>, <c>double[,,]</c>, …) or jagged
    /// (<c>float[][]</c>, …) array of float, double, long, int or bool. PyTorch: <c>torch.tensor(nested_list)</c>.</summary>
    /// <param name="array">The values; jagged arrays must be rectangular.</param>
    /// <exception cref="ArgumentException">Unsupported element type, or a ragged jagged array.</exception>
    public static Tensor FromArray(System.Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var shape = new List<int>();
        var values = new List<object>();
        Type element = Flatten(array, 0, shape, values);
        int[] dims = [.. shape];
        if (element == typeof(float)) return FromFlat(values.Select(v => (float)v).ToArray(), dims, DType.Float32);
        if (element == typeof(double)) return FromFlat(values.Select(v => (double)v).ToArray(), dims, DType.Float64);
        if (element == typeof(long)) return FromFlat(values.Select(v => (long)v).ToArray(), dims, DType.Int64);
        if (element == typeof(int)) return FromFlat(values.Select(v => (long)(int)v).ToArray(), dims, DType.Int64);
        if (element == typeof(bool)) return FromFlat(values.Select(v => (bool)v).ToArray(), dims, DType.Bool);
        throw new ArgumentException($"FromArray: element type {element.Name} is not supported (float, double, long, int, bool).", nameof(array));
    }

    private static Type Flatten(System.Array array, int depth, List<int> shape, List<object> values)
    {
        Type element = array.GetType().GetElementType()!;
        // A rectangular block contributes all its dims at once.
        int rank = array.Rank;
        for (int r = 0; r < rank; r++)
        {
            int len = array.GetLength(r);
            int at = depth + r;
            if (at == shape.Count) shape.Add(len);
            else if (shape[at] != len) throw new ArgumentException($"FromArray: ragged array: dim {at} has lengths {shape[at]} and {len}.");
        }
        if (!element.IsArray)
        {
            foreach (object v in array) values.Add(v);
            return element;
        }
        Type? leaf = null;
        foreach (object? child in array)
        {
            if (child is not System.Array sub) throw new ArgumentException("FromArray: a jagged array contains null.");
            leaf = Flatten(sub, depth + rank, shape, values);
        }
        return leaf ?? element;
    }

    private static Tensor FromFlat<T>(T[] data, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] dims = shape is null || shape.Length == 0 ? [data.Length] : CheckShape(nameof(FromArray), shape);
        if (Layout.NumEl(dims) != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {Layout.Format(dims)} ({Layout.NumEl(dims)} elements).", nameof(shape));
        return Wrap((T[])data.Clone(), dims, dtype);
    }

    /// <summary>Writes a value at a flat index of the storage (fresh tensors only).</summary>
    internal void SetRaw(int index, double value)
    {
        switch (DType)
        {
            case DType.Float32: Array<float>()[index] = (float)value; break;
            case DType.Float64: Array<double>()[index] = value; break;
            case DType.Int64: Array<long>()[index] = (long)value; break;
            default: Array<bool>()[index] = value != 0; break;
        }
    }

    /// <summary>Fills the whole storage of a fresh, contiguous tensor.</summary>
    internal void FillRaw(double value)
    {
        switch (DType)
        {
            case DType.Float32: Array<float>().AsSpan(Offset, NumEl).Fill((float)value); break;
            case DType.Float64: Array<double>().AsSpan(Offset, NumEl).Fill(value); break;
            case DType.Int64: Array<long>().AsSpan(Offset, NumEl).Fill((long)value); break;
            default: Array<bool>().AsSpan(Offset, NumEl).Fill(value != 0); break;
        }
    }
}
