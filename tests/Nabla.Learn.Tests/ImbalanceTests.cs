using Xunit;
using Nabla.Learn.Imbalance;

namespace Nabla.Learn.Tests;

public class ImbalanceTests
{
    // 20 samples of class 0, 6 of class 2, 4 of class 5 (labels need not be 0..K−1), 2 features.
    private static (Tensor X, Tensor Y) Data()
    {
        var g = new Generator(seed: 11);
        long[] y = [.. Enumerable.Repeat(0L, 20), .. Enumerable.Repeat(2L, 6), .. Enumerable.Repeat(5L, 4)];
        double[] x = Enumerable.Range(0, y.Length * 2).Select(i => g.NextNormal() + y[i / 2]).ToArray();
        return (Tensor.FromArray(x, y.Length, 2), Tensor.FromArray(y));
    }

    private static int Count(Tensor y, long label) => y.ToArray<long>().Count(v => v == label);

    [Fact]
    public void RandomOverSampler_duplicates_minority_samples_up_to_the_majority()
    {
        (Tensor x, Tensor y) = Data();
        var (xs, ys) = new RandomOverSampler { RandomState = 1 }.FitResample(x, y);
        Assert.Equal([20, 20, 20], new long[] { 0, 2, 5 }.Select(l => Count(ys, l)));
        double[] orig = x.ToArray<double>(), res = xs.ToArray<double>();
        Assert.Equal(orig, res[..orig.Length]);
        // Every added row is a copy of an original row of the same class.
        long[] yo = y.ToArray<long>(), yr = ys.ToArray<long>();
        for (int r = 30; r < 60; r++)
            Assert.Contains(Enumerable.Range(0, 30), i => yo[i] == yr[r] && orig[2 * i] == res[2 * r] && orig[2 * i + 1] == res[2 * r + 1]);
        Assert.Equal(res, new RandomOverSampler { RandomState = 1 }.FitResample(x, y).X.ToArray<double>());
    }

    [Fact]
    public void RandomUnderSampler_keeps_distinct_samples_down_to_the_minority()
    {
        (Tensor x, Tensor y) = Data();
        var (xs, ys) = new RandomUnderSampler { RandomState = 1 }.FitResample(x, y);
        Assert.Equal([4, 4, 4], new long[] { 0, 2, 5 }.Select(l => Count(ys, l)));
        double[] orig = x.ToArray<double>(), res = xs.ToArray<double>();
        // Kept rows are distinct original rows.
        var kept = Enumerable.Range(0, 12).Select(r => Enumerable.Range(0, 30).Single(i => orig[2 * i] == res[2 * r] && orig[2 * i + 1] == res[2 * r + 1])).ToArray();
        Assert.Equal(12, kept.Distinct().Count());
    }

    [Fact]
    public void Smote_places_new_samples_between_same_class_neighbours()
    {
        (Tensor x, Tensor y) = Data();
        var (xs, ys) = new Smote { KNeighbors = 3, RandomState = 1 }.FitResample(x, y);
        Assert.Equal([20, 20, 20], new long[] { 0, 2, 5 }.Select(l => Count(ys, l)));
        double[] o = x.ToArray<double>(), r = xs.ToArray<double>();
        long[] yo = y.ToArray<long>(), yr = ys.ToArray<long>();
        for (int s = 30; s < 60; s++)
        {
            // Some same-class pair (i, j) has the new point on the segment x_i + u (x_j − x_i), 0 ≤ u ≤ 1.
            bool onSegment = false;
            for (int i = 0; i < 30 && !onSegment; i++)
                for (int j = 0; j < 30 && !onSegment; j++)
                {
                    if (i == j || yo[i] != yr[s] || yo[j] != yr[s]) continue;
                    double dx = o[2 * j] - o[2 * i], dy = o[2 * j + 1] - o[2 * i + 1];
                    double u = ((r[2 * s] - o[2 * i]) * dx + (r[2 * s + 1] - o[2 * i + 1]) * dy) / (dx * dx + dy * dy);
                    double ex = o[2 * i] + u * dx - r[2 * s], ey = o[2 * i + 1] + u * dy - r[2 * s + 1];
                    onSegment = u >= -1e-12 && u <= 1 + 1e-12 && ex * ex + ey * ey < 1e-20;
                }
            Assert.True(onSegment, $"synthetic sample {s} is not between two samples of class {yr[s]}");
        }
        Assert.Throws<ArgumentException>(() => new Smote { KNeighbors = 4 }.FitResample(x, y));
    }
}
