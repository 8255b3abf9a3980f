using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla.Vision;

namespace Nabla.SideBySide;

/// <summary>Image filters on a 1024×1024 image: Gaussian blur σ = 2 of 3 channels (13-tap kernel, reflect border),
/// Sobel gradient magnitude and 4-neighbour Laplacian of 1 channel. The PyTorch side (bench/pytorch/filters.py)
/// computes the same with <c>F.pad(mode="reflect")</c> + <c>F.conv2d</c>, as torchvision's <c>gaussian_blur</c>
/// does (a 2-D 13×13 kernel; Nabla uses two 1-D passes). Times are medians per call in milliseconds.</summary>
[Workload("filters")]
internal static class ImageFiltersWorkload
{
    private const int Side = 1024;

    public static JsonObject Run(string[] args)
    {
        Tensor rgb = Tensor.Rand([3, Side, Side], new Generator(0));
        Tensor grey = Tensor.Rand([1, Side, Side], new Generator(1));
        return new JsonObject
        {
            ["metrics"] = new JsonObject
            {
                ["gaussian blur 3x1024x1024"] = Metric(() => Filters.GaussianBlur(rgb, 2)),
                ["sobel magnitude 1024x1024"] = Metric(() => Filters.SobelMagnitude(grey)),
                ["laplacian 1024x1024"] = Metric(() => Filters.Laplacian(grey)),
            },
        };
    }

    private static JsonObject Metric(Func<Tensor> work)
        => new() { ["unit"] = "ms", ["higher"] = false, ["value"] = Timed(work) * 1e3 };

    /// <summary>Median seconds per call after two warm-up calls, as bench/pytorch/workloads.py's <c>timed</c>:
    /// enough repetitions for about 1.5 s, at least 5 and at most 200.</summary>
    private static double Timed(Func<Tensor> work)
    {
        work();
        work();
        long t0 = Stopwatch.GetTimestamp();
        work();
        double once = Math.Max(Stopwatch.GetElapsedTime(t0).TotalSeconds, 1e-9);
        int reps = (int)Math.Min(200, Math.Max(5, 1.5 / once));
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(t).TotalSeconds;
        }
        Array.Sort(times);
        return reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
    }
}
