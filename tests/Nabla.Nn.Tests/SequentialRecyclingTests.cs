using Nabla;
using Nabla.Nn;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary><see cref="Sequential"/> declares the outputs between its layers intermediates
/// (<see cref="Tensor.ReleaseAfterBackward"/>), so the backward recycles their storage. That must never reach a
/// tensor someone else still holds: a module of the user's that keeps its output, or the caller's own input handed
/// back by a layer. Tensors here are (64, 512) floats, 128 KiB, above the pooled size; new tensors of that size
/// then take every recycled array and overwrite it.</summary>
public sealed class SequentialRecyclingTests
{
    private const int Rows = 64, Features = 512;

    /// <summary>A user module that keeps its output (to plot it, say).</summary>
    private sealed class Keep : Module<Tensor, Tensor>
    {
        public Tensor? Last { get; private set; }

        /// <summary>Last's values when it was made.</summary>
        public float[]? Values { get; private set; }

        public override Tensor Forward(Tensor input)
        {
            Last = input * 2;
            Values = Last.ToArray<float>();
            return Last;
        }
    }

    private static Tensor Input(long seed) => Tensor.Randn([Rows, Features], new Generator(seed)).RequireGrad();

    private static void Step(Sequential net, Tensor x) => (net.Forward(x) * net.Forward(x)).Sum().Backward();

    /// <summary>Takes every free array of the tensors' length (more than a step recycles) and overwrites it.</summary>
    private static List<Tensor> Churn() => [.. Enumerable.Range(0, 64).Select(_ => Tensor.Full([Rows, Features], 7.0))];

    [Fact]
    public void A_user_modules_kept_output_is_never_recycled()
    {
        var keep = new Keep();
        var net = new Sequential(new Linear(Features, Features, generator: new Generator(0)), keep, new Linear(Features, Features, generator: new Generator(1)));
        Step(net, Input(2));
        GC.KeepAlive(Churn());
        Assert.Equal(keep.Values, keep.Last!.ToArray<float>());
    }

    [Fact]
    public void An_input_handed_back_by_a_layer_is_left_to_its_owner()
    {
        // The caller's input has a graph of its own (h = 3x) and is returned unchanged by Identity.
        var net = new Sequential(new Identity(), new Linear(Features, Features, generator: new Generator(0)));
        Tensor x = Input(4);
        Tensor h = x * 3;
        float[] before = h.ToArray<float>();
        Step(net, h);
        GC.KeepAlive(Churn());
        Assert.Equal(before, h.ToArray<float>());
    }

    [Fact]
    public void Recycling_between_layers_leaves_the_gradients_bit_identical()
    {
        // The same network and input, run once through Sequential (intermediates recycled) and once layer by layer
        // by hand (nothing declared): every parameter gradient has the same bits.
        var a = new Linear(Features, Features, generator: new Generator(6));
        var b = new Linear(Features, Features, generator: new Generator(7));
        var net = new Sequential(a, new Relu(), b);
        Tensor x = Input(8);
        for (int pass = 0; pass < 2; pass++) (net.Forward(x) * 0.5).Sum().Backward();
        float[][] recycled = [.. net.Parameters().Select(p => p.Grad!.ToArray<float>())];
        foreach (Parameter p in net.Parameters()) p.ZeroGrad();
        for (int pass = 0; pass < 2; pass++) (b.Forward(a.Forward(x).Relu()) * 0.5).Sum().Backward();
        float[][] plain = [.. net.Parameters().Select(p => p.Grad!.ToArray<float>())];
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], recycled[i]);
    }
}
