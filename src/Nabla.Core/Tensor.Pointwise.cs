using Nabla.Internal;
using Nabla.Kernels;

namespace Nabla;

/// <summary>How <see cref="Tensor.Gelu"/> evaluates Φ(x). PyTorch: the <c>approximate</c> argument of <c>F.gelu</c>.</summary>
public enum GeluApproximation
{
    /// <summary>Exact: x·Φ(x) with the error function. PyTorch: <c>approximate='none'</c>.</summary>
    None,

    /// <summary>½x(1 + tanh(√(2/π)(x + 0.044715x³))). PyTorch: <c>approximate='tanh'</c>.</summary>
    Tanh,
}

public partial class Tensor
{
    // ---- Arithmetic with broadcasting -------------------------------------------------------------------

    /// <summary>a + b with NumPy broadcasting and type promotion. PyTorch: <c>torch.add</c>.</summary>
    /// <remarks>Shapes: a and b broadcast to a common shape, e.g. (N, C) + (C) → (N, C).</remarks>
    public static Tensor operator +(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        Tensor y = TensorKernels.Binary<AddOperator<float>, AddOperator<double>, AddOperator<long>>(a, b, "Add");
        return Graph.Record(y, "Add", [a, b], g => [g.SumTo(a.ShapeArray), g.SumTo(b.ShapeArray)]);
    }

    /// <summary>a − b with broadcasting. PyTorch: <c>torch.sub</c>.</summary>
    public static Tensor operator -(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        Tensor y = TensorKernels.Binary<SubtractOperator<float>, SubtractOperator<double>, SubtractOperator<long>>(a, b, "Sub");
        return Graph.Record(y, "Sub", [a, b], g => [g.SumTo(a.ShapeArray), b.RequiresGrad ? (-g).SumTo(b.ShapeArray) : null]);
    }

    /// <summary>a · b element-wise with broadcasting. PyTorch: <c>torch.mul</c>.</summary>
    public static Tensor operator *(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        Tensor y = TensorKernels.Binary<MultiplyOperator<float>, MultiplyOperator<double>, MultiplyOperator<long>>(a, b, "Mul");
        return Graph.Record(y, "Mul", [a, b], g => [
            a.RequiresGrad ? (g * b).SumTo(a.ShapeArray) : null,     // ∂(ab)/∂a = b
            b.RequiresGrad ? (g * a).SumTo(b.ShapeArray) : null]);   // ∂(ab)/∂b = a
    }

    /// <summary>a / b element-wise with broadcasting (integers are promoted to Float32, as PyTorch's true
    /// division). PyTorch: <c>torch.div</c>.</summary>
    public static Tensor operator /(Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b);
        if (!a.DType.IsFloatingPoint()) (a, b) = (a.To(DType.Float32), b.To(DType.Float32));
        Tensor y = TensorKernels.Binary<DivideOperator<float>, DivideOperator<double>, DivideOperator<long>>(a, b, "Div");
        return Graph.Record(y, "Div", [a, b], g => [
            a.RequiresGrad ? (g / b).SumTo(a.ShapeArray) : null,           // ∂(a/b)/∂a = 1/b
            b.RequiresGrad ? (-g * y / b).SumTo(b.ShapeArray) : null]);    // ∂(a/b)/∂b = −a/b² = −y/b
    }

    /// <summary>−x. PyTorch: <c>torch.neg</c>.</summary>
    public static Tensor operator -(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = TensorKernels.Unary<NegateOperator<float>, NegateOperator<double>, NegateOperator<long>>(x, "Neg");
        return Graph.Record(y, "Neg", [x], g => [-g]);
    }

    /// <summary>x + s. PyTorch: <c>x + s</c>.</summary>
    public static Tensor operator +(Tensor x, double s) => x + ScalarLike(x, s);

    /// <summary>s + x.</summary>
    public static Tensor operator +(double s, Tensor x) => ScalarLike(x, s) + x;

    /// <summary>x − s.</summary>
    public static Tensor operator -(Tensor x, double s) => x - ScalarLike(x, s);

    /// <summary>s − x.</summary>
    public static Tensor operator -(double s, Tensor x) => ScalarLike(x, s) - x;

    /// <summary>x · s.</summary>
    public static Tensor operator *(Tensor x, double s) => x * ScalarLike(x, s);

    /// <summary>s · x.</summary>
    public static Tensor operator *(double s, Tensor x) => ScalarLike(x, s) * x;

    /// <summary>x / s.</summary>
    public static Tensor operator /(Tensor x, double s) => x / ScalarLike(x, s);

    /// <summary>s / x.</summary>
    public static Tensor operator /(double s, Tensor x) => ScalarLike(x, s) / x;

    /// <summary>Same as <c>a + b</c>. PyTorch: <c>torch.add</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Add(Tensor other) => this + other;

    /// <summary>Same as <c>a − b</c>. PyTorch: <c>torch.sub</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Sub(Tensor other) => this - other;

    /// <summary>Same as <c>a · b</c>. PyTorch: <c>torch.mul</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Mul(Tensor other) => this * other;

    /// <summary>Same as <c>a / b</c>. PyTorch: <c>torch.div</c>.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Div(Tensor other) => this / other;

    /// <summary>Same as <c>−x</c>. PyTorch: <c>torch.neg</c>.</summary>
    public Tensor Neg() => -this;

    /// <summary>A 0-d tensor of x's dtype holding s (an integer tensor meets a fractional s as Float32).</summary>
    internal static Tensor ScalarLike(Tensor x, double s)
    {
        ArgumentNullException.ThrowIfNull(x);
        DType dtype = x.DType switch
        {
            DType.Int64 or DType.Bool when s != Math.Floor(s) || !double.IsFinite(s) => DType.Float32,
            DType.Bool => DType.Int64,
            _ => x.DType,
        };
        return Scalar(s, dtype);
    }

    private static (Tensor, Tensor) Promote(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        DType d = DTypeExtensions.Promote(a.DType, b.DType);
        if (d == DType.Bool) d = DType.Int64;                  // arithmetic on booleans counts them
        return (a.DType == d ? a : a.To(d), b.DType == d ? b : b.To(d));
    }

    /// <summary>xᵖ for a scalar exponent. PyTorch: <c>torch.pow(x, p)</c>.</summary>
    /// <param name="exponent">The exponent p.</param>
    public Tensor Pow(double exponent)
    {
        Tensor x = RequireFloat(this, nameof(Pow));
        Tensor p = Scalar(exponent, x.DType);
        Tensor y = TensorKernels.Binary<PowOperator<float>, PowOperator<double>, MultiplyOperator<long>>(x, p, nameof(Pow));
        // d/dx xᵖ = p·xᵖ⁻¹
        return Graph.Record(y, nameof(Pow), [x], g => [g * exponent * x.Pow(exponent - 1)]);
    }

    /// <summary>aᵇ element-wise with broadcasting. PyTorch: <c>torch.pow(a, b)</c>.</summary>
    /// <param name="exponent">The exponent b.</param>
    public Tensor Pow(Tensor exponent)
    {
        (Tensor a, Tensor b) = Promote(RequireFloat(this, nameof(Pow)), exponent);
        Tensor y = TensorKernels.Binary<PowOperator<float>, PowOperator<double>, MultiplyOperator<long>>(a, b, nameof(Pow));
        return Graph.Record(y, nameof(Pow), [a, b], g => [
            a.RequiresGrad ? (g * b * a.Pow(b - 1)).SumTo(a.ShapeArray) : null,   // ∂aᵇ/∂a = b·aᵇ⁻¹
            b.RequiresGrad ? (g * y * a.Log()).SumTo(b.ShapeArray) : null]);     // ∂aᵇ/∂b = aᵇ·ln a
    }

    /// <summary>x². PyTorch: <c>torch.square</c>.</summary>
    /// <remarks>Composite: x · x.</remarks>
    public Tensor Square() => this * this;

    /// <summary>1/x. PyTorch: <c>torch.reciprocal</c>.</summary>
    /// <remarks>Composite: 1 / x.</remarks>
    public Tensor Reciprocal() => 1.0 / this;

    // ---- Unary math ------------------------------------------------------------------------------------

    /// <summary>eˣ. PyTorch: <c>torch.exp</c>.</summary>
    public Tensor Exp()
    {
        Tensor y = TensorKernels.Unary<ExpOperator<float>, ExpOperator<double>>(RequireFloat(this, nameof(Exp)), nameof(Exp));
        return Graph.Record(y, nameof(Exp), [this], g => [g * y]);        // d/dx eˣ = eˣ
    }

    /// <summary>ln x. PyTorch: <c>torch.log</c>.</summary>
    public Tensor Log()
    {
        Tensor y = TensorKernels.Unary<LogOperator<float>, LogOperator<double>>(RequireFloat(this, nameof(Log)), nameof(Log));
        return Graph.Record(y, nameof(Log), [this], g => [g / this]);     // d/dx ln x = 1/x
    }

    /// <summary>ln(1 + x), accurate for small x. PyTorch: <c>torch.log1p</c>.</summary>
    public Tensor Log1p()
    {
        Tensor y = TensorKernels.Unary<Log1pOperator<float>, Log1pOperator<double>>(RequireFloat(this, nameof(Log1p)), nameof(Log1p));
        return Graph.Record(y, nameof(Log1p), [this], g => [g / (this + 1.0)]);
    }

    /// <summary>√x. PyTorch: <c>torch.sqrt</c>.</summary>
    public Tensor Sqrt()
    {
        Tensor y = TensorKernels.Unary<SqrtOperator<float>, SqrtOperator<double>>(RequireFloat(this, nameof(Sqrt)), nameof(Sqrt));
        return Graph.Record(y, nameof(Sqrt), [this], g => [g / (2.0 * y)]); // d/dx √x = 1/(2√x)
    }

    /// <summary>1/√x. PyTorch: <c>torch.rsqrt</c>.</summary>
    public Tensor Rsqrt()
    {
        Tensor y = TensorKernels.Unary<RsqrtOperator<float>, RsqrtOperator<double>>(RequireFloat(this, nameof(Rsqrt)), nameof(Rsqrt));
        return Graph.Record(y, nameof(Rsqrt), [this], g => [g * -0.5 * y * y * y]); // d/dx x^(−½) = −½x^(−3/2)
    }

    /// <summary>|x|. PyTorch: <c>torch.abs</c>.</summary>
    /// <remarks>Gradient sign(x), which is 0 at x = 0 (PyTorch's choice).</remarks>
    public Tensor Abs()
    {
        Tensor y = TensorKernels.Unary<AbsOperator<float>, AbsOperator<double>, AbsOperator<long>>(this, nameof(Abs));
        return Graph.Record(y, nameof(Abs), [this], g => [g * Sign()]);
    }

    /// <summary>sign(x) ∈ {−1, 0, 1}. PyTorch: <c>torch.sign</c>.</summary>
    /// <remarks>Piecewise constant: its gradient is 0 everywhere (undefined at 0, where 0 is returned).</remarks>
    public Tensor Sign()
    {
        Tensor y = TensorKernels.Unary<SignOperator<float>, SignOperator<double>, SignOperator<long>>(this, nameof(Sign));
        return Graph.Record(y, nameof(Sign), [this], g => [ZerosLike(g)]);
    }

    /// <summary>sin x. PyTorch: <c>torch.sin</c>.</summary>
    public Tensor Sin()
    {
        Tensor y = TensorKernels.Unary<SinOperator<float>, SinOperator<double>>(RequireFloat(this, nameof(Sin)), nameof(Sin));
        return Graph.Record(y, nameof(Sin), [this], g => [g * Cos()]);
    }

    /// <summary>cos x. PyTorch: <c>torch.cos</c>.</summary>
    public Tensor Cos()
    {
        Tensor y = TensorKernels.Unary<CosOperator<float>, CosOperator<double>>(RequireFloat(this, nameof(Cos)), nameof(Cos));
        return Graph.Record(y, nameof(Cos), [this], g => [-g * Sin()]);
    }

    /// <summary>Clamps into [min, max]; either bound may be omitted. PyTorch: <c>torch.clamp</c>.</summary>
    /// <remarks>The gradient passes where min ≤ x ≤ max (bounds included, as PyTorch) and is 0 outside.</remarks>
    /// <param name="min">Lower bound, or null.</param>
    /// <param name="max">Upper bound, or null.</param>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp: at least one of min and max must be given.");
        Tensor y = this;
        using (GradMode.Disable())
        {
            if (min is double lo) y = TensorKernels.Binary<MaximumOperator<float>, MaximumOperator<double>, MaximumOperator<long>>(y, ScalarLike(y, lo), nameof(Clamp));
            if (max is double hi) y = TensorKernels.Binary<MinimumOperator<float>, MinimumOperator<double>, MinimumOperator<long>>(y, ScalarLike(y, hi), nameof(Clamp));
        }
        return Graph.Record(y, nameof(Clamp), [this], g =>
        {
            Tensor inside = OnesLike(this).To(DType.Bool);
            if (min is double lo) inside = inside.LogicalAnd(Ge(lo));
            if (max is double hi) inside = inside.LogicalAnd(Le(hi));
            return [g * inside.To(g.DType)];
        });
    }

    /// <summary>max(a, b) element-wise with broadcasting. PyTorch: <c>torch.maximum</c>.</summary>
    /// <remarks>Where a = b the gradient is split equally between both, as PyTorch does.</remarks>
    /// <param name="other">The other operand.</param>
    public Tensor Maximum(Tensor other) => Extremum(other, max: true);

    /// <summary>min(a, b) element-wise with broadcasting. PyTorch: <c>torch.minimum</c>.</summary>
    /// <remarks>Where a = b the gradient is split equally between both.</remarks>
    /// <param name="other">The other operand.</param>
    public Tensor Minimum(Tensor other) => Extremum(other, max: false);

    private Tensor Extremum(Tensor other, bool max)
    {
        (Tensor a, Tensor b) = Promote(this, other);
        string op = max ? nameof(Maximum) : nameof(Minimum);
        Tensor y = max
            ? TensorKernels.Binary<MaximumOperator<float>, MaximumOperator<double>, MaximumOperator<long>>(a, b, op)
            : TensorKernels.Binary<MinimumOperator<float>, MinimumOperator<double>, MinimumOperator<long>>(a, b, op);
        return Graph.Record(y, op, [a, b], g =>
        {
            // Share of the gradient for a: 1 where a wins, ½ on ties, 0 where b wins.
            Tensor wins = (max ? a.Gt(b) : a.Lt(b)).To(g.DType);
            Tensor ties = a.Eq(b).To(g.DType);
            Tensor shareA = wins + ties * 0.5;
            return [(g * shareA).SumTo(a.ShapeArray), (g * (1.0 - shareA)).SumTo(b.ShapeArray)];
        });
    }

    // ---- Activations -----------------------------------------------------------------------------------

    /// <summary>σ(x) = 1/(1 + e⁻ˣ). PyTorch: <c>torch.sigmoid</c>.</summary>
    public Tensor Sigmoid()
    {
        Tensor y = TensorKernels.Unary<SigmoidOperator<float>, SigmoidOperator<double>>(RequireFloat(this, nameof(Sigmoid)), nameof(Sigmoid));
        return Graph.Record(y, nameof(Sigmoid), [this], g => [g * y * (1.0 - y)]);   // σ' = σ(1 − σ)
    }

    /// <summary>tanh x. PyTorch: <c>torch.tanh</c>.</summary>
    public Tensor Tanh()
    {
        Tensor y = TensorKernels.Unary<TanhOperator<float>, TanhOperator<double>>(RequireFloat(this, nameof(Tanh)), nameof(Tanh));
        return Graph.Record(y, nameof(Tanh), [this], g => [g * (1.0 - y * y)]);      // tanh' = 1 − tanh²
    }

    /// <summary>max(x, 0). PyTorch: <c>torch.relu</c>.</summary>
    /// <remarks>Gradient 1 for x &gt; 0 and 0 otherwise (0 at x = 0, PyTorch's choice).</remarks>
    public Tensor Relu()
    {
        Tensor y = TensorKernels.Unary<ReluOperator<float>, ReluOperator<double>, ReluOperator<long>>(this, nameof(Relu));
        // Gradient g where y = relu(x) > 0 (that is, x > 0), else 0: one fused pass.
        return Graph.Record(y, nameof(Relu), [this], g =>
            [TensorKernels.Binary<ReluGradientOperator<float>, ReluGradientOperator<double>, ReluGradientOperator<long>>(g, y, "Relu backward")]);
    }

    /// <summary>Heaviside step H(x) = 1 for x &gt; 0, else 0: the perceptron's activation. PyTorch:
    /// <c>torch.heaviside(x, torch.tensor(0.))</c>.</summary>
    /// <remarks>The step is flat everywhere except at 0, where it jumps; its derivative is 0 almost everywhere and
    /// undefined at 0. Backward returns 0, so nothing learns through it by gradient descent: the perceptron
    /// learning rule (or a smooth surrogate such as the sigmoid) is what trains a step unit.</remarks>
    public Tensor Step()
    {
        Tensor y = TensorKernels.Unary<StepOperator<float>, StepOperator<double>, StepOperator<long>>(this, nameof(Step));
        return Graph.Record(y, nameof(Step), [this], g => [ZerosLike(g)]);
    }

    /// <summary>x for x &gt; 0, slope·x otherwise. PyTorch: <c>F.leaky_relu(x, negative_slope)</c>.</summary>
    /// <remarks>Composite: Where(x &gt; 0, x, slope·x).</remarks>
    /// <param name="negativeSlope">Slope for x ≤ 0 (PyTorch's default 0.01).</param>
    public Tensor LeakyRelu(double negativeSlope = 0.01) => Where(Gt(0), this, this * negativeSlope);

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise. PyTorch: <c>F.elu</c>.</summary>
    /// <remarks>Composite; the exponential sees min(x, 0) so that large x cannot overflow into a NaN gradient.</remarks>
    /// <param name="alpha">α (default 1).</param>
    public Tensor Elu(double alpha = 1.0) => Where(Gt(0), this, (Clamp(max: 0).Exp() - 1.0) * alpha);

    /// <summary>(1/β)·ln(1 + e^(βx)), and x itself where βx &gt; threshold. PyTorch: <c>F.softplus</c>.</summary>
    /// <remarks>Composite. Its derivative is σ(βx). The exponential sees min(βx, threshold), so it cannot overflow.</remarks>
    /// <param name="beta">β (default 1).</param>
    /// <param name="threshold">Above this βx the function is linear (default 20).</param>
    public Tensor Softplus(double beta = 1.0, double threshold = 20.0)
    {
        Tensor bx = this * beta;
        return Where(bx.Gt(threshold), this, bx.Clamp(max: threshold).Exp().Log1p() / beta);
    }

    /// <summary>SiLU (swish) x·σ(x). PyTorch: <c>F.silu</c>.</summary>
    /// <remarks>Composite: its gradient σ(x)(1 + x(1 − σ(x))) comes from Mul and Sigmoid.</remarks>
    public Tensor Silu() => this * Sigmoid();

    /// <summary>GELU, x·Φ(x). PyTorch: <c>F.gelu(x, approximate=…)</c>.</summary>
    /// <param name="approximate">Exact (erf) or the tanh approximation.</param>
    public Tensor Gelu(GeluApproximation approximate = GeluApproximation.None)
    {
        Tensor x = RequireFloat(this, nameof(Gelu));
        if (approximate == GeluApproximation.Tanh)
        {
            Tensor yt = TensorKernels.Unary<GeluTanhOperator<float>, GeluTanhOperator<double>>(x, nameof(Gelu));
            return Graph.Record(yt, nameof(Gelu), [x], g =>
                [g * TensorKernels.Unary<GeluTanhDerivativeOperator<float>, GeluTanhDerivativeOperator<double>>(x, nameof(Gelu))]);
        }
        if (x.DType == DType.Float32)
        {
            // float32: the vectorised kernel split over the threads, and a fused backward dx = g·GELU'(x) that
            // makes no derivative temporary.
            Tensor xc = x.ContiguousRaw();
            Tensor yf = AllocateUninitialized(DType.Float32, x.ShapeArray);
            float[] xd = xc.Array<float>(), yd = yf.Array<float>();
            int xo = xc.Offset;
            GeluBlocks(xc.NumEl, (s, n) => Kernels.GeluFloat.Forward(xd.AsSpan(xo + s, n), yd.AsSpan(s, n)));
            return Graph.Record(yf, nameof(Gelu), [x], g =>
            {
                Tensor gc = g.ContiguousRaw();
                Tensor dx = AllocateUninitialized(DType.Float32, x.ShapeArray);
                float[] gd = gc.Array<float>(), dd = dx.Array<float>();
                int go = gc.Offset;
                GeluBlocks(xc.NumEl, (s, n) => Kernels.GeluFloat.Backward(xd.AsSpan(xo + s, n), gd.AsSpan(go + s, n), dd.AsSpan(s, n)));
                return [dx];
            });
        }
        Tensor y = TensorKernels.Unary<GeluOperator<float>, GeluOperator<double>>(x, nameof(Gelu));
        return Graph.Record(y, nameof(Gelu), [x], g =>
            [g * TensorKernels.Unary<GeluDerivativeOperator<float>, GeluDerivativeOperator<double>>(x, nameof(Gelu))]);
    }

    /// <summary>Runs body(start, length) over [0, count), one contiguous range per thread; GELU costs ~30 flops
    /// per element, which sets the threading grain.</summary>
    private static void GeluBlocks(int count, Action<int, int> body) => Threading.ForBlocks(count, 30, body);

    private static Tensor RequireFloat(Tensor x, string op)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.DType.IsFloatingPoint()) return x;
        if (x.RequiresGrad) throw TensorKernels.DTypeError(op, x.DType);
        return x.To(DType.Float32);
    }
}
