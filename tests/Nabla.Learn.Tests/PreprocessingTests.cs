using Xunit;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class PreprocessingTests
{
    // Closed forms (means, variances, min/max) in double: only summation-order round-off separates the two.
    private const double Rtol = 1e-10, Atol = 1e-12;

    [Fact]
    public void StandardScaler_matches_sklearn_on_iris()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x");
        var scaler = new StandardScaler();
        Assert.Same(scaler, scaler.Fit(x));
        AssertClose("mean", LearnFile.Vector("standard_scaler.mean"), D(scaler.Mean), Rtol, Atol);
        AssertClose("var", LearnFile.Vector("standard_scaler.var"), D(scaler.Var), Rtol, Atol);
        AssertClose("scale", LearnFile.Vector("standard_scaler.scale"), D(scaler.Scale), Rtol, Atol);
        AssertClose("transform", LearnFile.MatrixTensor("standard_scaler.transformed"), scaler.Transform(x.Narrow(0, 0, 5)), Rtol, Atol);
    }

    [Fact]
    public void StandardScaler_options_and_inverse()
    {
        // Column 0: mean 2, population variance ((−1)² + 1²)/2 = 1; column 1 is constant, so its scale is 1.
        Tensor x = Tensor.FromArray(new double[,] { { 1, 5 }, { 3, 5 } });
        var both = new StandardScaler();
        Assert.Equal([-1.0, 0, 1, 0], D(both.FitTransform(x)));
        Assert.Equal([1.0, 1], D(both.Scale));
        Assert.Equal(D(x), D(both.InverseTransform(both.Transform(x))));
        Assert.Equal([1.0, 5, 3, 5], D(new StandardScaler { WithMean = false, WithStd = false }.FitTransform(x)));
        Assert.Equal([-1.0, 0, 1, 0], D(new StandardScaler { WithStd = false }.FitTransform(x)));
        Assert.Equal([1.0, 5, 3, 5], D(new StandardScaler { WithMean = false }.FitTransform(x)));
    }

    [Fact]
    public void MinMaxScaler_matches_sklearn_on_iris()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x");
        var scaler = new MinMaxScaler { FeatureRange = (-1, 2) };
        scaler.Fit(x);
        AssertClose("data_min", LearnFile.Vector("minmax_scaler.data_min"), D(scaler.DataMin), Rtol, Atol);
        AssertClose("data_max", LearnFile.Vector("minmax_scaler.data_max"), D(scaler.DataMax), Rtol, Atol);
        AssertClose("scale", LearnFile.Vector("minmax_scaler.scale"), D(scaler.Scale), Rtol, Atol);
        AssertClose("min", LearnFile.Vector("minmax_scaler.min"), D(scaler.Min), Rtol, Atol);
        AssertClose("transform", LearnFile.MatrixTensor("minmax_scaler.transformed"), scaler.Transform(x.Narrow(0, 0, 5)), Rtol, Atol);
        AssertClose("inverse", D(x), D(scaler.InverseTransform(scaler.Transform(x))), Rtol, 1e-12);
    }

    [Fact]
    public void MinMaxScaler_rejects_an_empty_range()
        => Assert.Throws<ArgumentException>(() => new MinMaxScaler { FeatureRange = (1, 1) }.Fit(Tensor.Ones(2, 2)));

    [Fact]
    public void OneHotEncoder_learns_categories_per_column()
    {
        Tensor x = Tensor.FromArray(new double[,] { { 2, 10 }, { 0, 20 }, { 2, 20 } });
        var encoder = new OneHotEncoder();
        Tensor h = encoder.FitTransform(x);
        Assert.Equal([3, 4], h.Shape);
        // Column 0 categories [0, 2], column 1 [10, 20].
        Assert.Equal([0.0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1], D(h));
        Assert.Equal([0.0, 2], D(encoder.Categories[0]));
        Assert.Equal([10.0, 20], D(encoder.Categories[1]));
        var e = Assert.Throws<ArgumentException>(() => encoder.Transform(Tensor.FromArray(new double[,] { { 1, 10 } })));
        Assert.Contains("unknown category 1 in column 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelEncoder_round_trips_and_rejects_unseen_labels()
    {
        var encoder = new LabelEncoder();
        Assert.Throws<NotFittedException>(() => encoder.Classes);
        Tensor y = Tensor.FromArray(new long[] { 7, 3, 7, 9 });
        Tensor codes = encoder.FitTransform(y);
        Assert.Equal([1L, 0, 1, 2], codes.ToArray<long>());
        Assert.Equal([3L, 7, 9], encoder.Classes.ToArray<long>());
        Assert.Equal(DType.Int64, encoder.InverseTransform(codes).DType);
        Assert.Equal(y.ToArray<long>(), encoder.InverseTransform(codes).ToArray<long>());
        Assert.Throws<ArgumentException>(() => encoder.Transform(Tensor.FromArray(new long[] { 4 })));
        Assert.Throws<ArgumentException>(() => encoder.InverseTransform(Tensor.FromArray(new long[] { 3 })));
    }
}
