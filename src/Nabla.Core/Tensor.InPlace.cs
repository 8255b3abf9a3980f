using Nabla.Kernels;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Refuses in-place writes that would corrupt the graph: on a tensor that requires grad (or was
    /// produced by a recorded op) while grad mode is on, as PyTorch does.</summary>
    private void CheckInPlace(string op)
    {
        ThrowIfReleased(op);
        if (GradMode.IsEnabled && (RequiresGrad || GradFn is not null))
            throw new InvalidOperationException(
                $"{op}: a tensor that requires grad {ShapeString} is being used in an in-place operation while grad mode is on; wrap it in using (GradMode.Disable()).");
    }

    private Tensor Assign(string op, Tensor value)
    {
        CheckInPlace(op);
        using (GradMode.Disable()) CopyFromRaw(value);
        return this;
    }

    /// <summary>this += alpha · other (broadcast to this shape). PyTorch: <c>tensor.add_(other, alpha=…)</c>.</summary>
    /// <param name="other">The addend.</param>
    /// <param name="alpha">Scale of the addend.</param>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckInPlace(nameof(AddInPlace));
        if (IsContiguous && other.IsContiguous && other.DType == DType && other.NumEl == NumEl && ShapeArray.AsSpan().SequenceEqual(other.ShapeArray))
        {
            switch (DType)
            {
                case DType.Float32:
                    if (alpha == 1) AddOperator<float>.Invoke(AsSpan<float>(), other.AsSpan<float>(), AsSpan<float>());
                    else Elementwise.MultiplyAdd(other.AsSpan<float>(), (float)alpha, AsSpan<float>(), AsSpan<float>());
                    return this;
                case DType.Float64:
                    if (alpha == 1) AddOperator<double>.Invoke(AsSpan<double>(), other.AsSpan<double>(), AsSpan<double>());
                    else Elementwise.MultiplyAdd(other.AsSpan<double>(), alpha, AsSpan<double>(), AsSpan<double>());
                    return this;
            }
        }
        using (GradMode.Disable()) return Assign(nameof(AddInPlace), alpha == 1 ? this + other : this + other * alpha);
    }

    /// <summary>this −= alpha · other. PyTorch: <c>tensor.sub_</c>.</summary>
    /// <param name="other">The subtrahend.</param>
    /// <param name="alpha">Scale of the subtrahend.</param>
    public Tensor SubInPlace(Tensor other, double alpha = 1) => AddInPlace(other, -alpha);

    /// <summary>this ·= other. PyTorch: <c>tensor.mul_</c>.</summary>
    /// <param name="other">The factor.</param>
    public Tensor MulInPlace(Tensor other)
    {
        using (GradMode.Disable()) return Assign(nameof(MulInPlace), this * other);
    }

    /// <summary>this ·= s. PyTorch: <c>tensor.mul_(s)</c>.</summary>
    /// <param name="value">The factor.</param>
    public Tensor MulInPlace(double value) => ScaleInPlace(nameof(MulInPlace), value, divide: false);

    /// <summary>this /= other. PyTorch: <c>tensor.div_</c>.</summary>
    /// <param name="other">The divisor.</param>
    public Tensor DivInPlace(Tensor other)
    {
        using (GradMode.Disable()) return Assign(nameof(DivInPlace), this / other);
    }

    /// <summary>this /= s, in place for contiguous floats. PyTorch: <c>tensor.div_(s)</c>.</summary>
    /// <param name="value">The divisor.</param>
    public Tensor DivInPlace(double value) => ScaleInPlace(nameof(DivInPlace), value, divide: true);

    /// <summary>this ·= s or this /= s: contiguous floats are scaled where they lie, with no temporary of the
    /// tensor's size; anything else goes through the out-of-place op.</summary>
    private Tensor ScaleInPlace(string op, double value, bool divide)
    {
        CheckInPlace(op);
        if (IsContiguous && DType == DType.Float32)
        {
            if (divide) DivideOperator<float>.Invoke(AsSpan<float>(), (float)value, AsSpan<float>());
            else MultiplyOperator<float>.Invoke(AsSpan<float>(), (float)value, AsSpan<float>());
            return this;
        }
        if (IsContiguous && DType == DType.Float64)
        {
            if (divide) DivideOperator<double>.Invoke(AsSpan<double>(), value, AsSpan<double>());
            else MultiplyOperator<double>.Invoke(AsSpan<double>(), value, AsSpan<double>());
            return this;
        }
        using (GradMode.Disable()) return Assign(op, divide ? this / value : this * value);
    }

    /// <summary>Clamps in place. PyTorch: <c>tensor.clamp_</c>.</summary>
    /// <param name="min">Lower bound, or null.</param>
    /// <param name="max">Upper bound, or null.</param>
    public Tensor ClampInPlace(double? min = null, double? max = null)
    {
        using (GradMode.Disable()) return Assign(nameof(ClampInPlace), Clamp(min, max));
    }

    /// <summary>Sets every element to value. PyTorch: <c>tensor.fill_</c>.</summary>
    /// <param name="value">The value.</param>
    public Tensor FillInPlace(double value) => Assign(nameof(FillInPlace), Scalar(value, DType));

    /// <summary>Sets every element to 0. PyTorch: <c>tensor.zero_</c>.</summary>
    public Tensor ZeroInPlace() => FillInPlace(0);

    /// <summary>Copies src (broadcast, converted to this dtype) into this tensor's elements, which may be a
    /// strided view. PyTorch: <c>tensor.copy_</c>.</summary>
    /// <param name="source">The values.</param>
    public Tensor CopyInPlace(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Assign(nameof(CopyInPlace), source);
    }

    /// <summary>Fills with uniform samples on [low, high). PyTorch: <c>tensor.uniform_</c>.</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    public Tensor UniformInPlace(double low = 0, double high = 1, Generator? generator = null)
    {
        Tensor u = Rand(ShapeArray, generator, DType.Float64);
        using (GradMode.Disable()) return Assign(nameof(UniformInPlace), u * (high - low) + low);
    }

    /// <summary>Fills with normal samples N(mean, std²). PyTorch: <c>tensor.normal_</c>.</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    /// <param name="generator">The random source; <see cref="Generator.Default"/> when null.</param>
    public Tensor NormalInPlace(double mean = 0, double std = 1, Generator? generator = null)
    {
        Tensor z = Randn(ShapeArray, generator, DType.Float64);
        using (GradMode.Disable()) return Assign(nameof(NormalInPlace), z * std + mean);
    }
}
