using Nabla;
using Nabla.Internal;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>The backward pass accumulates into the gradients it owns and gives their storage to
/// <see cref="StoragePool"/> once consumed (Graph.RunGraph explains which gradients it owns). These tests check the
/// values with the pool recycling, and with <see cref="StoragePool.Poison"/>, where every array declared dead is
/// filled with NaN and never reused: a gradient still in use after that would show NaN. Tensors here are 256 KiB,
/// above <see cref="StoragePool.MinBytes"/>. Not run in parallel with other tests: the pool is process-wide.</summary>
[Collection(nameof(GradientRecyclingTests))]
[CollectionDefinition(nameof(GradientRecyclingTests), DisableParallelization = true)]
public sealed class GradientRecyclingTests
{
    private const int N = 256;

    /// <summary>x[i, j] = ((i·N + j) mod 17 − 8) / 8: multiples of 1/8 in [−1, 1], so every value below (8x + 2
    /// and sums of two) is exact in float32.</summary>
    private static Tensor X()
    {
        var v = new float[N * N];
        for (int i = 0; i < v.Length; i++) v[i] = (i % 17 - 8) / 8f;
        return Tensor.FromArray(v, N, N).RequireGrad();
    }

    /// <summary>dL/dx for L = Σ(u·u + u), u = 2x: dL/du = 2u + 1 (two paths into u's node: Mul's two gradients
    /// and Add's), so dL/dx = 2(2u + 1) = 8x + 2.</summary>
    private static float[] Expected(Tensor x, int passes)
        => [.. x.ToArray<float>().Select(v => passes * (8 * v + 2))];

    private static Tensor Loss(Tensor x)
    {
        Tensor u = x * 2;
        return (u * u + u).Sum();
    }

    internal static void WithPool(bool poison, Action body)
    {
        StoragePool.Clear();
        StoragePool.Poison = poison;
        try
        {
            body();
        }
        finally
        {
            StoragePool.Poison = false;
            StoragePool.Clear();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_arriving_at_one_node_twice_add_up_to_the_hand_derived_value(bool poison) => WithPool(poison, () =>
    {
        Tensor x = X();
        Loss(x).Backward();
        Assert.Equal(Expected(x, 1), x.Grad!.ToArray<float>());
        // u's gradient and the products' were consumed: recycled, or when poisoned spoiled and dropped.
        if (poison) Assert.Equal(0, StoragePool.FreeBytes);
        else Assert.True(StoragePool.FreeBytes > 0);
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_leafs_gradient_survives_later_passes_that_reuse_the_pool_and_accumulates(bool poison) => WithPool(poison, () =>
    {
        Tensor x = X();
        Loss(x).Backward();
        float[] first = x.Grad!.ToArray<float>();
        // Another graph of the same shapes: had x.Grad's storage been given to the pool, this would overwrite it.
        Tensor y = X();
        Loss(y).Backward();
        Assert.Equal(first, x.Grad!.ToArray<float>());
        Loss(x).Backward();
        Assert.Equal(Expected(x, 2), x.Grad!.ToArray<float>());
        Assert.Equal(Expected(y, 1), y.Grad!.ToArray<float>());
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_captured_by_Autograd_Grad_are_never_recycled(bool poison) => WithPool(poison, () =>
    {
        Tensor x = X();
        Tensor u = x * 2;
        Tensor loss = (u * u + u).Sum();
        Tensor?[] grads = Autograd.Grad([loss], [u, x]);
        float[] du = [.. u.ToArray<float>().Select(v => 2 * v + 1)];
        Tensor other = X();
        Loss(other).Backward();
        Assert.Equal(du, grads[0]!.ToArray<float>());
        Assert.Equal(Expected(x, 1), grads[1]!.ToArray<float>());
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_gradient_given_to_Backward_is_left_untouched(bool poison) => WithPool(poison, () =>
    {
        // y = u + u with u = 2x: Add hands the caller's gradient to both paths, so u's node receives it twice;
        // dL/dx = 2·(g + g) = 4g.
        Tensor x = X();
        Tensor u = x * 2;
        Tensor y = u + u;
        Tensor g = Tensor.Full([N, N], 0.5);
        y.Backward(g);
        Assert.All(g.ToArray<float>(), v => Assert.Equal(0.5f, v));
        Assert.All(x.Grad!.ToArray<float>(), v => Assert.Equal(2f, v));
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_intermediate_declared_released_is_recycled_after_its_backward_with_exact_gradients(bool poison) => WithPool(poison, () =>
    {
        Tensor x = X();
        Tensor u = (x * 2).ReleaseAfterBackward();
        (u * u + u).Sum().Backward();
        Assert.Equal(Expected(x, 1), x.Grad!.ToArray<float>());
        if (poison) Assert.All(u.ToArray<float>(), v => Assert.True(float.IsNaN(v)));
        else
        {
            // u's array is among the free ones: renting every free array of that length finds it.
            var free = new List<float[]>();
            while (StoragePool.TryRent<float>(N * N) is { } a) free.Add(a);
            Assert.Contains(free, a => ReferenceEquals(a, u.Data));
        }
    });

    [Fact]
    public void A_retained_graph_keeps_released_intermediates_for_the_next_backward()
    {
        WithPool(poison: true, () =>
        {
            Tensor x = X();
            Tensor u = (x * 2).ReleaseAfterBackward();
            Tensor loss = (u * u + u).Sum();
            loss.Backward(retainGraph: true);
            Assert.Equal([.. x.ToArray<float>().Select(v => 2 * v)], u.ToArray<float>());
            loss.Backward();
            Assert.Equal(Expected(x, 2), x.Grad!.ToArray<float>());
        });
    }

    [Fact]
    public void Leaves_views_and_results_made_without_a_graph_are_never_released()
    {
        WithPool(poison: true, () =>
        {
            Tensor x = X().ReleaseAfterBackward();
            Tensor u = x * 2;
            Tensor view = u.View(N * N).ReleaseAfterBackward();
            Tensor w;
            using (GradMode.Disable()) w = (x * 3).ReleaseAfterBackward();
            (view * view).Sum().Backward();
            float[] xs = X().ToArray<float>();
            Assert.Equal(xs, x.ToArray<float>());
            Assert.Equal([.. xs.Select(v => 2 * v)], u.ToArray<float>());
            Assert.Equal([.. xs.Select(v => 3 * v)], w.ToArray<float>());
            // d/dx Σ(2x)² = 8x.
            Assert.Equal([.. xs.Select(v => 8 * v)], x.Grad!.ToArray<float>());
        });
    }

    [Fact]
    public void A_recycled_array_is_handed_out_again_for_the_same_length()
    {
        WithPool(poison: false, () =>
        {
            Loss(X()).Backward();
            Assert.True(StoragePool.FreeBytes >= N * N * sizeof(float));
            Assert.NotNull(StoragePool.TryRent<float>(N * N));
            Assert.Null(StoragePool.TryRent<float>(N * N + 1));
        });
    }

    [Fact]
    public void Arrays_below_the_pooled_size_are_dropped()
    {
        WithPool(poison: false, () =>
        {
            StoragePool.Return(new float[16]);
            Assert.Equal(0, StoragePool.FreeBytes);
            Assert.False(StoragePool.Pooled<float>(StoragePool.MinBytes / sizeof(float) - 1));
            Assert.True(StoragePool.Pooled<float>(StoragePool.MinBytes / sizeof(float)));
        });
    }
}
