using System.Numerics;
using Nabla.Kernels;

namespace Nabla.Internal;

/// <summary>Dtype dispatch from tensors to the span kernels of Nabla.Kernels. Nothing here records a graph.</summary>
internal static class TensorKernels
{
    public static Tensor Unary<TF, TD>(Tensor x, string op)
        where TF : IUnaryOperator<float>
        where TD : IUnaryOperator<double>
    {
        Tensor c = x.ContiguousRaw();
        Tensor y = Tensor.AllocateUninitialized(c.DType, x.ShapeArray);
        switch (c.DType)
        {
            case DType.Float32: TF.Invoke(c.AsSpan<float>(), y.AsSpan<float>()); break;
            case DType.Float64: TD.Invoke(c.AsSpan<double>(), y.AsSpan<double>()); break;
            default: throw DTypeError(op, x.DType);
        }
        return y;
    }

    public static Tensor Unary<TF, TD, TL>(Tensor x, string op)
        where TF : IUnaryOperator<float>
        where TD : IUnaryOperator<double>
        where TL : IUnaryOperator<long>
    {
        if (x.DType != DType.Int64) return Unary<TF, TD>(x, op);
        Tensor c = x.ContiguousRaw();
        Tensor y = Tensor.AllocateUninitialized(DType.Int64, x.ShapeArray);
        TL.Invoke(c.AsSpan<long>(), y.AsSpan<long>());
        return y;
    }

    public static Exception DTypeError(string op, DType dtype)
        => new ArgumentException($"{op}: not supported for dtype {dtype}.");

    /// <summary>Element-wise binary op with NumPy broadcasting; a and b must already share a dtype.</summary>
    public static Tensor Binary<TF, TD, TL>(Tensor a, Tensor b, string op)
        where TF : IBinaryOperator<float>
        where TD : IBinaryOperator<double>
        where TL : IBinaryOperator<long>
    {
        return a.DType switch
        {
            DType.Float32 => Binary<float, TF>(a, b, op),
            DType.Float64 => Binary<double, TD>(a, b, op),
            DType.Int64 => Binary<long, TL>(a, b, op),
            _ => throw DTypeError(op, a.DType),
        };
    }

    public static Tensor Binary<T, TOp>(Tensor a, Tensor b, string op) where TOp : IBinaryOperator<T>
    {
        int[] shape = Layout.Broadcast(op, a.ShapeArray, b.ShapeArray);
        Tensor y = Tensor.AllocateUninitialized(a.DType, shape);
        Span<T> dst = y.AsSpan<T>();
        T[] ad = a.Array<T>(), bd = b.Array<T>();
        bool aFull = a.IsContiguous && a.NumEl == y.NumEl;
        bool bFull = b.IsContiguous && b.NumEl == y.NumEl;
        if (aFull && bFull)
        {
            int n = y.NumEl, oa = a.Offset, ob = b.Offset;
            T[] yd = y.Array<T>();
            int parts = Parallelism.Parts(n);
            if (parts == 1) TOp.Invoke(ad.AsSpan(oa, n), bd.AsSpan(ob, n), dst);
            else Threading.For(parts, p =>
            {
                (int start, int length) = Parallelism.Range(n, parts, p);
                TOp.Invoke(ad.AsSpan(oa + start, length), bd.AsSpan(ob + start, length), yd.AsSpan(start, length));
            });
        }
        else if (aFull && b.NumEl == 1)
            TOp.Invoke(ad.AsSpan(a.Offset, y.NumEl), bd[b.Offset], dst);
        else if (bFull && a.NumEl == 1)
            TOp.Invoke(ad[a.Offset], bd.AsSpan(b.Offset, y.NumEl), dst);
        else
        {
            var v = new BinaryVisitor<T, TOp>(ad, bd, dst);
            Strided.Visit(shape, [Layout.BroadcastStrides(a.ShapeArray, a.StridesArray, shape),
                                  Layout.BroadcastStrides(b.ShapeArray, b.StridesArray, shape)],
                          [a.Offset, b.Offset], ref v);
        }
        return y;
    }

    private ref struct BinaryVisitor<T, TOp>(T[] a, T[] b, Span<T> destination) : Strided.IRowVisitor
        where TOp : IBinaryOperator<T>
    {
        private readonly Span<T> _destination = destination;

        public readonly void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides)
        {
            int oa = offsets[0], ob = offsets[1], sa = innerStrides[0], sb = innerStrides[1];
            Span<T> d = _destination.Slice(outOffset, length);
            if (sa == 1 && sb == 1) TOp.Invoke(a.AsSpan(oa, length), b.AsSpan(ob, length), d);
            else if (sa == 1 && sb == 0) TOp.Invoke(a.AsSpan(oa, length), b[ob], d);
            else if (sa == 0 && sb == 1) TOp.Invoke(a[oa], b.AsSpan(ob, length), d);
            else for (int i = 0; i < length; i++) d[i] = TOp.Invoke(a[oa + i * sa], b[ob + i * sb]);
        }
    }

    /// <summary>Element-wise comparison with broadcasting → Bool.</summary>
    public static Tensor Compare<T, TOp>(Tensor a, Tensor b, string op) where TOp : IComparisonOperator<T>
    {
        int[] shape = Layout.Broadcast(op, a.ShapeArray, b.ShapeArray);
        Tensor y = Tensor.AllocateUninitialized(DType.Bool, shape);
        var v = new CompareVisitor<T, TOp>(a.Array<T>(), b.Array<T>(), y.AsSpan<bool>());
        Strided.Visit(shape, [Layout.BroadcastStrides(a.ShapeArray, a.StridesArray, shape),
                              Layout.BroadcastStrides(b.ShapeArray, b.StridesArray, shape)],
                      [a.Offset, b.Offset], ref v);
        return y;
    }

    private ref struct CompareVisitor<T, TOp>(T[] a, T[] b, Span<bool> destination) : Strided.IRowVisitor
        where TOp : IComparisonOperator<T>
    {
        private readonly Span<bool> _destination = destination;

        public readonly void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides)
        {
            int oa = offsets[0], ob = offsets[1], sa = innerStrides[0], sb = innerStrides[1];
            Span<bool> d = _destination.Slice(outOffset, length);
            if (sa == 1 && sb == 1) Elementwise.Compare<T, TOp>(a.AsSpan(oa, length), b.AsSpan(ob, length), d);
            else if (sa == 1 && sb == 0) Elementwise.Compare<T, TOp>(a.AsSpan(oa, length), b[ob], d);
            else for (int i = 0; i < length; i++) d[i] = TOp.Invoke(a[oa + i * sa], b[ob + i * sb]);
        }
    }

    /// <summary>out = cond ? a : b with broadcasting over all three; a and b share a dtype.</summary>
    public static Tensor Where<T>(Tensor cond, Tensor a, Tensor b)
    {
        int[] shape = Layout.Broadcast("Where", Layout.Broadcast("Where", cond.ShapeArray, a.ShapeArray), b.ShapeArray);
        Tensor y = Tensor.AllocateUninitialized(a.DType, shape);
        var v = new WhereVisitor<T>(cond.Array<bool>(), a.Array<T>(), b.Array<T>(), y.AsSpan<T>());
        Strided.Visit(shape, [Layout.BroadcastStrides(cond.ShapeArray, cond.StridesArray, shape),
                              Layout.BroadcastStrides(a.ShapeArray, a.StridesArray, shape),
                              Layout.BroadcastStrides(b.ShapeArray, b.StridesArray, shape)],
                      [cond.Offset, a.Offset, b.Offset], ref v);
        return y;
    }

    private ref struct WhereVisitor<T>(bool[] c, T[] a, T[] b, Span<T> destination) : Strided.IRowVisitor
    {
        private readonly Span<T> _destination = destination;

        public readonly void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides)
        {
            int oc = offsets[0], oa = offsets[1], ob = offsets[2];
            int sc = innerStrides[0], sa = innerStrides[1], sb = innerStrides[2];
            Span<T> d = _destination.Slice(outOffset, length);
            for (int i = 0; i < length; i++) d[i] = c[oc + i * sc] ? a[oa + i * sa] : b[ob + i * sb];
        }
    }

    /// <summary>Reduction of a contiguous (outer, r, inner) block for one reducer family.</summary>
    public static void Reduce<T, TOp>(Tensor x, int outer, int r, int inner, Tensor y) where TOp : IReduceOperator<T>
        => Kernels.Reduce.Apply<T, TOp>(x.AsSpan<T>(), outer, r, inner, y.AsSpan<T>());

    /// <summary>Converts element values between dtypes (float→int truncates toward zero, as PyTorch).</summary>
    public static Tensor Convert(Tensor x, DType dtype)
    {
        Tensor c = x.ContiguousRaw();
        Tensor y = Tensor.AllocateUninitialized(dtype, x.ShapeArray);
        switch (c.DType, dtype)
        {
            case (DType.Float32, DType.Float64): ConvertSpan<float, double>(c, y); break;
            case (DType.Float64, DType.Float32): ConvertSpan<double, float>(c, y); break;
            case (DType.Float32, DType.Int64): ConvertSpan<float, long>(c, y); break;
            case (DType.Float64, DType.Int64): ConvertSpan<double, long>(c, y); break;
            case (DType.Int64, DType.Float32): ConvertSpan<long, float>(c, y); break;
            case (DType.Int64, DType.Float64): ConvertSpan<long, double>(c, y); break;
            case (DType.Bool, _):
                {
                    Span<bool> s = c.AsSpan<bool>();
                    for (int i = 0; i < s.Length; i++) y.SetRaw(i, s[i] ? 1 : 0);
                    break;
                }
            case (_, DType.Bool):
                {
                    Span<bool> d = y.AsSpan<bool>();
                    for (int i = 0; i < d.Length; i++) d[i] = c.GetFlat(i) != 0;
                    break;
                }
            default: c.CopyRawTo(y); break;
        }
        return y;
    }

    private static void ConvertSpan<TFrom, TTo>(Tensor x, Tensor y)
        where TFrom : INumberBase<TFrom>
        where TTo : INumberBase<TTo>
    {
        Span<TFrom> s = x.AsSpan<TFrom>();
        Span<TTo> d = y.AsSpan<TTo>();
        for (int i = 0; i < s.Length; i++) d[i] = TTo.CreateTruncating(s[i]);
    }
}
