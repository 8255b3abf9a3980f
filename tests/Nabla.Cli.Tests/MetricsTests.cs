using Nabla.Learn;
using Xunit;

namespace Nabla.Cli.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Confusion_matrix_and_accuracy_by_hand()
    {
        // true 0,0,1,1,1 vs predicted 0,1,1,1,0: C = [[1, 1], [1, 2]], accuracy 3/5.
        Tensor t = Tensor.FromArray(new long[] { 0, 0, 1, 1, 1 }), p = Tensor.FromArray(new long[] { 0, 1, 1, 1, 0 });
        Assert.Equal([1L, 1, 1, 2], Classification.ConfusionMatrix(t, p).ToArray<long>());
        Assert.Equal(0.6, Classification.Accuracy(t, p), 15);
        Assert.Throws<ArgumentException>(() => Classification.ConfusionMatrix(t, p, numClasses: 1));
    }
}
