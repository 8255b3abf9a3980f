namespace Nabla;

/// <summary>A dual number for forward-mode differentiation: a primal value x and a tangent ẋ (the directional
/// derivative carried along). Every op maps (x, ẋ) to (f(x), f′(x)·ẋ). PyTorch: <c>torch.autograd.forward_ad.make_dual</c>.</summary>
/// <remarks>Covers the element-wise and linear ops that the forward-versus-reverse comparison needs. One forward
/// pass gives one Jacobian–vector product J·v; a full gradient of a scalar function of n inputs needs n passes,
/// where reverse mode (<see cref="Tensor.Backward"/>) needs one — the reason deep learning uses reverse mode.</remarks>
/// <param name="Primal">The value.</param>
/// <param name="Tangent">The derivative along the chosen direction, same shape as the value.</param>
public sealed record Dual(Tensor Primal, Tensor Tangent)
{
    /// <summary>(a + b)˙ = ȧ + ḃ.</summary>
    public static Dual operator +(Dual a, Dual b) => new(a!.Primal + b!.Primal, a.Tangent + b.Tangent);

    /// <summary>(a − b)˙ = ȧ − ḃ.</summary>
    public static Dual operator -(Dual a, Dual b) => new(a!.Primal - b!.Primal, a.Tangent - b.Tangent);

    /// <summary>(ab)˙ = ȧb + aḃ.</summary>
    public static Dual operator *(Dual a, Dual b) => new(a!.Primal * b!.Primal, a.Tangent * b.Primal + a.Primal * b.Tangent);

    /// <summary>(a/b)˙ = (ȧb − aḃ)/b².</summary>
    public static Dual operator /(Dual a, Dual b)
        => new(a!.Primal / b!.Primal, (a.Tangent * b.Primal - a.Primal * b.Tangent) / (b.Primal * b.Primal));

    /// <summary>(a + s)˙ = ȧ.</summary>
    public static Dual operator +(Dual a, double s) => new(a!.Primal + s, a.Tangent);

    /// <summary>(s·a)˙ = s·ȧ.</summary>
    public static Dual operator *(Dual a, double s) => new(a!.Primal * s, a.Tangent * s);

    /// <summary>(−a)˙ = −ȧ.</summary>
    public static Dual operator -(Dual a) => new(-a!.Primal, -a.Tangent);

    /// <summary>Same as <c>a + b</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Dual Add(Dual other) => this + other;

    /// <summary>Same as <c>a − b</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Dual Subtract(Dual other) => this - other;

    /// <summary>Same as <c>a · b</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Dual Multiply(Dual other) => this * other;

    /// <summary>Same as <c>a / b</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Dual Divide(Dual other) => this / other;

    /// <summary>Same as <c>−a</c>.</summary>
    public Dual Negate() => -this;

    /// <summary>(eˣ)˙ = eˣ·ẋ.</summary>
    public Dual Exp()
    {
        Tensor y = Primal.Exp();
        return new(y, y * Tangent);
    }

    /// <summary>(ln x)˙ = ẋ/x.</summary>
    public Dual Log() => new(Primal.Log(), Tangent / Primal);

    /// <summary>(sin x)˙ = cos x·ẋ.</summary>
    public Dual Sin() => new(Primal.Sin(), Primal.Cos() * Tangent);

    /// <summary>(cos x)˙ = −sin x·ẋ.</summary>
    public Dual Cos() => new(Primal.Cos(), -Primal.Sin() * Tangent);

    /// <summary>(tanh x)˙ = (1 − tanh²x)·ẋ.</summary>
    public Dual Tanh()
    {
        Tensor y = Primal.Tanh();
        return new(y, (1.0 - y * y) * Tangent);
    }

    /// <summary>σ(x)˙ = σ(1 − σ)·ẋ.</summary>
    public Dual Sigmoid()
    {
        Tensor y = Primal.Sigmoid();
        return new(y, y * (1.0 - y) * Tangent);
    }

    /// <summary>relu(x)˙ = [x &gt; 0]·ẋ.</summary>
    public Dual Relu() => new(Primal.Relu(), Primal.Gt(0).To(Tangent.DType) * Tangent);

    /// <summary>(xᵖ)˙ = p·xᵖ⁻¹·ẋ.</summary>
    /// <param name="exponent">p.</param>
    public Dual Pow(double exponent) => new(Primal.Pow(exponent), Primal.Pow(exponent - 1) * exponent * Tangent);

    /// <summary>(AB)˙ = ȦB + AḂ.</summary>
    /// <param name="other">The right operand.</param>
    public Dual MatMul(Dual other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Primal.MatMul(other.Primal), Tangent.MatMul(other.Primal) + Primal.MatMul(other.Tangent));
    }

    /// <summary>(Σx)˙ = Σẋ.</summary>
    public Dual Sum() => new(Primal.Sum(), Tangent.Sum());

    /// <summary>A constant: its tangent is zero.</summary>
    /// <param name="value">The value.</param>
    public static Dual Constant(Tensor value) => new(value, Tensor.ZerosLike(value));
}

/// <summary>Forward-mode automatic differentiation. PyTorch: <c>torch.func.jvp</c>.</summary>
public static class ForwardAD
{
    /// <summary>Evaluates f at x and its Jacobian–vector product J(x)·v in one forward pass.</summary>
    /// <param name="f">The function, written on <see cref="Dual"/> values.</param>
    /// <param name="x">The point.</param>
    /// <param name="v">The direction, same shape as x.</param>
    /// <returns>f(x) and J(x)·v.</returns>
    /// <exception cref="ArgumentException">v's shape differs from x's.</exception>
    public static (Tensor Value, Tensor Jvp) Jvp(Func<Dual, Dual> f, Tensor x, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        if (!x.Shape.AsSpan().SequenceEqual(v.Shape))
            throw new ArgumentException($"Jvp: direction {v.ShapeString} must have the shape of x {x.ShapeString}.");
        using var _ = GradMode.Disable();
        Dual y = f(new Dual(x, v));
        return (y.Primal, y.Tangent);
    }
}
