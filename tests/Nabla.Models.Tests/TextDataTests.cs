using Xunit;
using Nabla.Models.Text;

namespace Nabla.Models.Tests;

public sealed class TextDataTests
{
    [Fact]
    public void SplitTakesTheFloorOfNinetyPercent()
    {
        // int(0.9 * 25) = 22.
        (TextData train, TextData val) = TextData.Split(Enumerable.Range(0, 25).ToArray());
        Assert.Equal(22, train.Length);
        Assert.Equal(3, val.Length);
        Assert.Equal(22, val[0]);
    }

    [Fact]
    public void RandomBatchDrawsOffsetsLikeTheAnchorAndShiftsTargets()
    {
        var data = new TextData(Enumerable.Range(100, 50));
        (Tensor x, Tensor y) = data.RandomBatch(3, 4, new Generator(1337));
        Assert.Equal([3, 4], x.Shape);
        Assert.Equal(DType.Int64, x.DType);
        // Offsets come from NextBounded(50 − 4 − 1 = 45), in batch order.
        var g = new Generator(1337);
        long[] xs = x.ToArray<long>(), ys = y.ToArray<long>();
        for (int b = 0; b < 3; b++)
        {
            long o = (long)g.NextBounded(45);
            for (int t = 0; t < 4; t++)
            {
                Assert.Equal(100 + o + t, xs[b * 4 + t]);
                Assert.Equal(100 + o + t + 1, ys[b * 4 + t]);
            }
        }
    }

    [Fact]
    public void FixedWindowsAreEvenlySpaced()
    {
        // 30 tokens, block 4, 3 windows: stride (30 − 5) / 2 = 12 → offsets 0, 12, 24; the last target is token 28.
        var data = new TextData(Enumerable.Range(0, 30));
        (Tensor x, Tensor y) = data.FixedWindows(3, 4);
        Assert.Equal([0L, 1, 2, 3, 12, 13, 14, 15, 24, 25, 26, 27], x.ToArray<long>());
        Assert.Equal(28L, y.ToArray<long>()[^1]);
        Assert.Throws<ArgumentException>(() => new TextData([1, 2, 3]).RandomBatch(1, 4, new Generator(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Windows([26], 4));
    }
}
