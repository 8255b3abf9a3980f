using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>The lifetime of what <see cref="Tensor.LstmSequence"/> and <see cref="Tensor.LstmLayer"/> save for their backward: the buffer is pooled and
/// given back after a backward that does not retain the graph, so it must not be reused while any graph still
/// needs it. The values themselves are checked by the op catalog (gradcheck, composite, PyTorch goldens).</summary>
public sealed class LstmSavedBufferTests
{
    private const int T = 5, B = 3, H = 4, I = 3;

    /// <summary>LstmSequence's four inputs, or with <paramref name="layer"/> LstmLayer's seven.</summary>
    private static Tensor[] Inputs(long seed, bool layer)
    {
        var g = new Generator(seed);
        Tensor R(params int[] shape) => (Tensor.Randn(shape, g) * 0.5).Detach().RequireGrad();
        return layer
            ? [R(T, B, I), R(4 * H, I), R(4 * H, H), R(4 * H), R(4 * H), R(B, H), R(B, H)]
            : [R(T, B, 4 * H), R(4 * H, H), R(B, H), R(B, H)];
    }

    /// <summary>A scalar of the three outputs with distinct weights per element, so every gradient entry is exercised.</summary>
    private static Tensor Loss(Tensor[] x)
    {
        (Tensor y, Tensor hn, Tensor cn) = x.Length == 7
            ? Tensor.LstmLayer(x[0], x[1], x[2], x[3], x[4], x[5], x[6])
            : Tensor.LstmSequence(x[0], x[1], x[2], x[3]);
        Tensor wy = Tensor.Arange(T * B * H).Reshape(T, B, H).To(DType.Float32) / 100.0;
        return (y * wy).Sum() + (hn * 0.5).Sum() + (cn * 0.25).Sum();
    }

    private static float[][] Grads(Tensor loss, Tensor[] x, bool retain = false)
        => [.. Autograd.Grad([loss], x, retainGraph: retain).Select(g => g!.ToArray<float>())];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_retained_graph_backpropagates_twice_with_the_same_saved_values(bool layer)
    {
        Tensor[] x = Inputs(1, layer);
        Tensor loss = Loss(x);
        float[][] first = Grads(loss, x, retain: true);
        // Another sequence of the same shape, forward and backward, between the two passes: it would take and
        // overwrite the first graph's buffer had the retained backward given it back.
        Tensor[] other = Inputs(5, layer);
        Grads(Loss(other), other);
        Loss(other);
        float[][] second = Grads(loss, x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(first[i], second[i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_graph_kept_alive_is_not_overwritten_by_later_sequences_of_the_same_shape(bool layer)
        => SavedBufferChecks.KeptGraphIsNotOverwritten(Inputs(2, layer), Inputs(3, layer), Inputs(4, layer), Loss, (l, x) => Grads(l, x));

    [Fact]
    public void A_layer_over_zero_steps_passes_the_state_through()
    {
        // T = 0: no step runs, so (hN, cN) = (h0, c0); d(Σ hN + 2·Σ cN) is 1 for h0, 2 for c0 and 0 for the weights.
        Tensor[] x = Inputs(6, layer: true);
        x[0] = Tensor.Zeros([0, B, I]).RequireGrad();
        (Tensor y, Tensor hn, Tensor cn) = Tensor.LstmLayer(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);
        Assert.Equal(new[] { 0, B, H }, y.Shape);
        Assert.Equal(x[5].ToArray<float>(), hn.ToArray<float>());
        Assert.Equal(x[6].ToArray<float>(), cn.ToArray<float>());
        Tensor?[] g = Autograd.Grad([hn.Sum() + cn.Sum() * 2.0], x);
        Assert.All(g[1]!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(g[2]!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(g[3]!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(g[5]!.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(g[6]!.ToArray<float>(), v => Assert.Equal(2f, v));
    }
}
