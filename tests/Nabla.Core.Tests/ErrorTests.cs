using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>Bad input gets a clear error naming the op and the shapes, never an IndexOutOfRange or a silent
/// wrong answer.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void MatMul_names_both_shapes_and_the_inner_dimensions()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).MatMul(Tensor.Zeros(5, 6)));
        Assert.Equal("MatMul: (3, 4) @ (5, 6): inner dimensions 4 and 5 differ", e.Message);
    }

    [Fact]
    public void Broadcasting_failure_names_the_op_and_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4) + Tensor.Zeros(3));
        Assert.Equal("Add: shapes (3, 4) and (3) cannot be broadcast (dim 1: 4 vs 3).", e.Message);
    }

    [Fact]
    public void Dims_and_indices_out_of_range_are_reported()
    {
        Tensor x = Tensor.Zeros(2, 3);
        Assert.Contains("Sum: dim 2 is out of range for a tensor with 2 dims", Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2)).Message);
        Assert.Contains("Select: index 3 is out of range for dim 1 of size 3", Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(1, 3)).Message);
        Assert.Contains("Narrow: start 2 and length 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 2, 2)).Message);
        Assert.Contains("IndexSelect: index 5 is out of bounds for dim 0 with size 2",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Tensor.FromArray(new long[] { 5 }))).Message);
        Assert.Contains("Gather: index -4 is out of bounds",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.FromArray(new long[,] { { -4 } }))).Message);
        Assert.Contains("OneHot: class value 3", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.FromArray(new long[] { 3 }).OneHot(3)).Message);
    }

    [Fact]
    public void Shape_errors_in_movement_ops_are_reported()
    {
        Tensor x = Tensor.Zeros(2, 3);
        Assert.Contains("Reshape: shape (4, 2) is invalid for input of size 6 (2, 3)", Assert.Throws<ArgumentException>(() => x.Reshape(4, 2)).Message);
        Assert.Contains("Cat: sizes must match except in dim 0", Assert.Throws<ArgumentException>(() => Tensor.Cat([x, Tensor.Zeros(2, 4)])).Message);
        Assert.Contains("Expand: the size of dim 1 (3)", Assert.Throws<ArgumentException>(() => x.Expand(2, 4)).Message);
        Assert.Contains("Permute: 3 dims given for a tensor with 2 dims", Assert.Throws<ArgumentException>(() => x.Permute(0, 1, 2)).Message);
    }

    [Fact]
    public void Dtype_errors_are_reported()
    {
        Assert.Contains("Where: condition must be Bool", Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Zeros(2), Tensor.Zeros(2), Tensor.Zeros(2))).Message);
        Assert.Contains("IndexSelect: index must be Int64", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2).IndexSelect(0, Tensor.Zeros(1))).Message);
        Assert.Contains("Mean: needs a floating-point tensor", Assert.Throws<ArgumentException>(() => Tensor.Arange(3).Mean()).Message);
        Assert.Contains("Linear: input (3, 5) has 5 features but weight (4, 2) expects 2",
            Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros(3, 5), Tensor.Zeros(4, 2))).Message);
    }
}
