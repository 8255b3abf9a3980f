using Nabla.Nn.Internal;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>Python's repr of numbers, which module reprs rely on.</summary>
public sealed class PyTests
{
    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.01, "0.01")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(-2.5e-300, "-2.5e-300")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.25, "0.25")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NaN, "nan")]
    public void Float_prints_like_python_repr(double value, string expected) => Assert.Equal(expected, Py.Float(value));

    [Fact]
    public void Int_defaults_print_without_a_fraction()
    {
        Assert.Equal("20", Py.IntOrFloat(20));
        Assert.Equal("0.5", Py.IntOrFloat(0.5));
        Assert.Equal("()", Py.Shape([]));
        Assert.Equal("(3, 5)", Py.Shape([3, 5]));
    }
}
