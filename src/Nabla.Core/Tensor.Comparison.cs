using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    /// <summary>a = b element-wise → Bool. PyTorch: <c>torch.eq</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Eq(Tensor other) => Compare<EqualOperator<float>, EqualOperator<double>, EqualOperator<long>>(other, nameof(Eq));

    /// <summary>a ≠ b → Bool. PyTorch: <c>torch.ne</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Ne(Tensor other) => Compare<NotEqualOperator<float>, NotEqualOperator<double>, NotEqualOperator<long>>(other, nameof(Ne));

    /// <summary>a &lt; b → Bool. PyTorch: <c>torch.lt</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Lt(Tensor other) => Compare<LessThanOperator<float>, LessThanOperator<double>, LessThanOperator<long>>(other, nameof(Lt));

    /// <summary>a ≤ b → Bool. PyTorch: <c>torch.le</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Le(Tensor other) => Compare<LessThanOrEqualOperator<float>, LessThanOrEqualOperator<double>, LessThanOrEqualOperator<long>>(other, nameof(Le));

    /// <summary>a &gt; b → Bool. PyTorch: <c>torch.gt</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Gt(Tensor other) => Compare<GreaterThanOperator<float>, GreaterThanOperator<double>, GreaterThanOperator<long>>(other, nameof(Gt));

    /// <summary>a ≥ b → Bool. PyTorch: <c>torch.ge</c>.</summary>
    /// <param name="other">The other operand (broadcast).</param>
    public Tensor Ge(Tensor other) => Compare<GreaterThanOrEqualOperator<float>, GreaterThanOrEqualOperator<double>, GreaterThanOrEqualOperator<long>>(other, nameof(Ge));

    /// <summary>x = s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Eq(double value) => Eq(ScalarLike(this, value));

    /// <summary>x ≠ s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Ne(double value) => Ne(ScalarLike(this, value));

    /// <summary>x &lt; s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Lt(double value) => Lt(ScalarLike(this, value));

    /// <summary>x ≤ s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Le(double value) => Le(ScalarLike(this, value));

    /// <summary>x &gt; s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Gt(double value) => Gt(ScalarLike(this, value));

    /// <summary>x ≥ s → Bool.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Ge(double value) => Ge(ScalarLike(this, value));

    private Tensor Compare<TF, TD, TL>(Tensor other, string op)
        where TF : IComparisonOperator<float>
        where TD : IComparisonOperator<double>
        where TL : IComparisonOperator<long>
    {
        ArgumentNullException.ThrowIfNull(other);
        DType d = DTypeExtensions.Promote(DType, other.DType);
        if (d == DType.Bool) d = DType.Int64;
        Tensor a = DType == d ? this : TensorKernels.Convert(this, d);
        Tensor b = other.DType == d ? other : TensorKernels.Convert(other, d);
        return d switch
        {
            DType.Float32 => TensorKernels.Compare<float, TF>(a, b, op),
            DType.Float64 => TensorKernels.Compare<double, TD>(a, b, op),
            _ => TensorKernels.Compare<long, TL>(a, b, op),
        };
    }

    /// <summary>Logical and of two Bool tensors (broadcast). PyTorch: <c>torch.logical_and</c>.</summary>
    /// <param name="other">The other mask.</param>
    public Tensor LogicalAnd(Tensor other) => Multiply01(this, other, nameof(LogicalAnd)).Gt(0);

    /// <summary>Logical or of two Bool tensors (broadcast). PyTorch: <c>torch.logical_or</c>.</summary>
    /// <param name="other">The other mask.</param>
    public Tensor LogicalOr(Tensor other)
    {
        using var _ = GradMode.Disable();
        return (AsLong(this, nameof(LogicalOr)) + AsLong(other, nameof(LogicalOr))).Gt(0);
    }

    /// <summary>Logical not of a Bool tensor. PyTorch: <c>torch.logical_not</c>.</summary>
    public Tensor LogicalNot() => AsLong(this, nameof(LogicalNot)).Eq(0);

    /// <summary>True where any element is non-zero / true. PyTorch: <c>torch.any</c>.</summary>
    public bool Any() => ToBools().Any(v => v);

    /// <summary>True where every element is non-zero / true. PyTorch: <c>torch.all</c>.</summary>
    public bool All() => ToBools().All(v => v);

    private bool[] ToBools() => (DType == DType.Bool ? this : TensorKernels.Convert(this, DType.Bool)).ToArray<bool>();

    private static Tensor Multiply01(Tensor a, Tensor b, string op)
    {
        using var _ = GradMode.Disable();
        return AsLong(a, op) * AsLong(b, op);
    }

    private static Tensor AsLong(Tensor t, string op)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.DType != DType.Bool) throw new ArgumentException($"{op}: expects Bool tensors, got {t.DType}.");
        return TensorKernels.Convert(t, DType.Int64);
    }

    /// <summary>Selects a where cond is true and b elsewhere, broadcasting all three. PyTorch: <c>torch.where</c>.</summary>
    /// <remarks>The gradient flows to a where cond holds and to b elsewhere.</remarks>
    /// <param name="condition">Bool mask.</param>
    /// <param name="a">Values where true.</param>
    /// <param name="b">Values where false.</param>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.DType != DType.Bool) throw new ArgumentException($"Where: condition must be Bool, got {condition.DType}.");
        (a, b) = Promote(a, b);
        Tensor y = a.DType switch
        {
            DType.Float32 => TensorKernels.Where<float>(condition, a, b),
            DType.Float64 => TensorKernels.Where<double>(condition, a, b),
            DType.Int64 => TensorKernels.Where<long>(condition, a, b),
            _ => TensorKernels.Where<bool>(condition, a, b),
        };
        return Graph.Record(y, nameof(Where), [a, b], g =>
        {
            Tensor zero = ZerosLike(g);
            return [a.RequiresGrad ? Where(condition, g, zero).SumTo(a.ShapeArray) : null,
                    b.RequiresGrad ? Where(condition, zero, g).SumTo(b.ShapeArray) : null];
        });
    }

    /// <summary>Where with a scalar for b.</summary>
    /// <param name="condition">Bool mask.</param>
    /// <param name="a">Values where true.</param>
    /// <param name="b">Scalar where false.</param>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, ScalarLike(a, b));

    /// <summary>Replaces elements where mask is true with value. PyTorch: <c>tensor.masked_fill(mask, value)</c>.</summary>
    /// <remarks>Composite: Where(mask, value, x); the gradient is 0 at filled positions.</remarks>
    /// <param name="mask">Bool mask broadcastable to this tensor's shape.</param>
    /// <param name="value">Fill value (may be −∞, as in attention masks).</param>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Tensor y = Where(mask, ScalarLike(this, value), this);
        if (!y.ShapeArray.AsSpan().SequenceEqual(ShapeArray))
            throw new ArgumentException($"MaskedFill: mask of shape {mask.ShapeString} does not broadcast to {ShapeString}.");
        return y;
    }
}
