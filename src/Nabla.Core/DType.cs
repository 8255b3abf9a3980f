namespace Nabla;

/// <summary>Element type of a tensor, chosen at run time. PyTorch: <c>torch.dtype</c>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default. PyTorch: <c>torch.float32</c>.</summary>
    Float32,

    /// <summary>64-bit IEEE float; gradient checks run in it. PyTorch: <c>torch.float64</c>.</summary>
    Float64,

    /// <summary>64-bit signed integer, for indices and labels. PyTorch: <c>torch.int64</c>.</summary>
    Int64,

    /// <summary>Boolean, for masks and comparison results. PyTorch: <c>torch.bool</c>.</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>True for Float32 and Float64. PyTorch: <c>dtype.is_floating_point</c>.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        _ => 1,
    };

    /// <summary>PyTorch's name, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        DType.Int64 => "torch.int64",
        _ => "torch.bool",
    };

    /// <summary>The type of a binary op's result: Bool &lt; Int64 &lt; Float32 &lt; Float64 (PyTorch's
    /// promotion for tensors of equal standing).</summary>
    public static DType Promote(DType a, DType b)
    {
        static int Rank(DType d) => d switch { DType.Bool => 0, DType.Int64 => 1, DType.Float32 => 2, _ => 3 };
        return Rank(a) >= Rank(b) ? a : b;
    }

    internal static Type ClrType(this DType dtype) => dtype switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int64 => typeof(long),
        _ => typeof(bool),
    };
}
