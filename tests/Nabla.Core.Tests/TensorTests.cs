using Nabla;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary>Creation, layout, views, indexing, dtypes, printing: values derived by hand.</summary>
public sealed class TensorTests
{
    [Fact]
    public void Creation_ops_fill_as_pytorch_does()
    {
        Assert.Equal(new float[6], Tensor.Zeros(2, 3).ToArray<float>());
        Assert.Equal([1f, 1f], Tensor.Ones(2).ToArray<float>());
        Assert.Equal([7.5, 7.5], Tensor.Full([2], 7.5, DType.Float64).ToArray<double>());
        Assert.Equal([0L, 1, 2, 3], Tensor.Arange(4).ToArray<long>());
        Assert.Equal([5L, 3, 1], Tensor.Arange(5, 0, -2).ToArray<long>());
        Assert.Equal([0.0, 0.25, 0.5, 0.75], Tensor.Arange(0.0, 1.0, 0.25, DType.Float64).ToArray<double>());
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], Tensor.Linspace(0, 1, 5, DType.Float64).ToArray<double>());
        Assert.Equal([1f, 0, 0, 0, 1, 0], Tensor.Eye(2, 3).ToArray<float>());
        Assert.Equal(DType.Int64, Tensor.Scalar(3L).DType);
        Assert.Equal(0, Tensor.Scalar(2.5).Dim);
    }

    [Fact]
    public void FromArray_reads_multidimensional_and_jagged_arrays()
    {
        Tensor a = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(6f, a.Select(0, 1).Select(0, 2).Item<float>());
        Tensor j = Tensor.FromArray(new[] { new double[] { 1, 2 }, new double[] { 3, 4 } });
        Assert.Equal([2, 2], j.Shape);
        Assert.Equal(DType.Float64, j.DType);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new[] { new double[] { 1, 2 }, new double[] { 3 } }));
        Assert.Equal(DType.Int64, Tensor.FromArray(new[] { 1, 2 }).DType);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2));
    }

    [Fact]
    public void FromBuffer_shares_the_array_and_FromArray_copies_it()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        Tensor shared = Tensor.FromBuffer(data, 2, 3), copied = Tensor.FromArray(data, 2, 3);
        data[5] = 60;
        Assert.Equal(60f, shared.Select(0, 1).Select(0, 2).Item<float>());
        Assert.Equal(6f, copied.Select(0, 1).Select(0, 2).Item<float>());
        using (GradMode.Disable()) shared.MulInPlace(0.5);
        Assert.Equal(0.5f, data[0]);
        using (GradMode.Disable()) shared.DivInPlace(0.25);
        Assert.Equal(2f, data[0]);
        Assert.Throws<ArgumentException>(() => Tensor.FromBuffer(data, 4, 2));
    }

    [Fact]
    public void Random_ops_are_reproducible_from_a_seed()
    {
        Tensor a = Tensor.Randn([5], new Generator(42));
        Tensor b = Tensor.Randn([5], new Generator(42));
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Tensor.ManualSeed(7);
        float[] first = Tensor.Rand(4).ToArray<float>();
        Tensor.ManualSeed(7);
        Assert.Equal(first, Tensor.Rand(4).ToArray<float>());
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
        long[] perm = Tensor.RandPerm(10, new Generator(1)).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), perm.Order());
        Assert.All(Tensor.RandInt(3, 6, [100], new Generator(2)).ToArray<long>(), v => Assert.InRange(v, 3, 5));
        float[] coin = Tensor.Bernoulli([1000], 0.25, new Generator(3)).ToArray<float>();
        Assert.All(coin, v => Assert.True(v is 0f or 1f));
        Assert.InRange(coin.Average(), 0.2, 0.3);
    }

    [Fact]
    public void Generator_state_round_trips()
    {
        var g = new Generator(9);
        g.NextNormal();
        ulong[] state = g.GetState();
        double next = g.NextNormal(), after = g.NextDouble();
        var h = new Generator(0);
        h.SetState(state);
        Assert.Equal(next, h.NextNormal());
        Assert.Equal(after, h.NextDouble());
    }

    [Fact]
    public void Normal_samples_have_unit_variance()
    {
        double[] z = Tensor.Randn([20000], new Generator(5), DType.Float64).ToArray<double>();
        // Standard error of the mean is 1/√20000 ≈ 0.007; of the variance ≈ √(2/20000) ≈ 0.01.
        Assert.InRange(z.Average(), -0.03, 0.03);
        Assert.InRange(z.Select(v => v * v).Average(), 0.96, 1.04);
    }

    [Fact]
    public void Views_share_storage_and_copy_nothing()
    {
        Tensor x = Tensor.Arange(0.0, 12.0, 1.0, DType.Float64).Reshape(3, 4);
        Tensor t = x.T;
        Assert.Equal([4, 3], t.Shape);
        Assert.Equal([1, 4], t.Strides);
        Assert.False(t.IsContiguous);
        Tensor row = x.Select(0, 1);
        using (GradMode.Disable()) row.FillInPlace(-1);
        Assert.Equal(-1.0, x.Narrow(0, 1, 1).Narrow(1, 3, 1).Item<double>());
        Assert.Equal(-1.0, t.Select(0, 2).Select(0, 1).Item<double>());
        Tensor e = Tensor.FromArray(new double[] { 1, 2 }).Reshape(2, 1).Expand(2, 3);
        Assert.Equal([1, 0], e.Strides);
        Assert.Equal([1.0, 1, 1, 2, 2, 2], e.ToArray<double>());
    }

    [Fact]
    public void View_refuses_incompatible_strides_and_Reshape_copies()
    {
        Tensor x = Tensor.Zeros(3, 4).T;
        var e = Assert.Throws<InvalidOperationException>(() => x.View(12));
        Assert.Contains("use Reshape", e.Message);
        Assert.Equal([12], x.Reshape(-1).Shape);
        Assert.Equal([2, 6], Tensor.Zeros(3, 4).View(2, -1).Shape);
    }

    [Fact]
    public void Movement_ops_give_pytorch_shapes()
    {
        Tensor x = Tensor.Zeros(2, 1, 3);
        Assert.Equal([2, 3], x.Squeeze().Shape);
        Assert.Equal([2, 1, 3, 1], x.Unsqueeze(-1).Shape);
        Assert.Equal([3, 2, 1], x.Permute(2, 0, 1).Shape);
        Assert.Equal([2, 3], x.Flatten(1).Shape);
        Assert.Equal([4, 1, 3], Tensor.Cat([x, x], 0).Shape);
        Assert.Equal([2, 2, 1, 3], Tensor.Stack([x, x], 1).Shape);
        Assert.Equal([4, 4, 2], [.. Tensor.Zeros(10, 2).Split(4).Select(p => p.Shape[0])]);
        Assert.Equal([4, 4, 2], [.. Tensor.Zeros(10).Chunk(3).Select(p => p.Shape[0])]);
        Assert.Equal([4, 2, 9], x.Repeat(2, 2, 3).Shape);
        Assert.Equal([2, 1, 6], x.Pad([1, 2]).Shape);
        Assert.Equal([2, 1, 2], Tensor.Arange(0.0, 6.0, 1.0).Reshape(2, 1, 3).Slice(2, 0, null, 2).Shape);
    }

    [Fact]
    public void Indexing_ops_match_hand_results()
    {
        Tensor x = Tensor.FromArray(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });
        Assert.Equal([1L, 2], x.Argmax(1).ToArray<long>());
        Assert.Equal(5L, x.Argmax().Item<long>());
        Assert.Equal([0L, 1, 0], x.Argmin(0).ToArray<long>());
        (Tensor v, Tensor i) = x.TopK(2, 1);
        Assert.Equal([5.0, 3, 6, 4], v.ToArray<double>());
        Assert.Equal([1L, 2, 2, 0], i.ToArray<long>());
        (Tensor sv, Tensor si) = x.Sort(0, descending: true);
        Assert.Equal([4.0, 5, 6, 1, 2, 3], sv.ToArray<double>());
        Assert.Equal([1L, 0, 1, 0, 1, 0], si.ToArray<long>());
        Assert.Equal([0L, 1, 0, 0, 0, 1], Tensor.FromArray(new long[] { 1, 2 }).OneHot(3).ToArray<long>());
        Assert.Equal([3.0, 6.0], x.IndexSelect(1, Tensor.FromArray(new long[] { 2 })).Reshape(2).ToArray<double>());
        Tensor mask = x.Gt(3);
        Assert.Equal([1.0, 0, 3, 0, 2, 0], x.MaskedFill(mask, 0).ToArray<double>());
        Assert.Equal([1.0, -1, 3, -1, 2, -1], Tensor.Where(mask, -x.Sign(), x).ToArray<double>());
    }

    [Fact]
    public void Binary_ops_promote_dtypes_as_pytorch()
    {
        Tensor i = Tensor.Arange(3);
        Assert.Equal(DType.Int64, (i + i).DType);
        Assert.Equal(DType.Float32, (i * 0.5).DType);
        Assert.Equal(DType.Float32, (i / i.Clamp(min: 1)).DType);
        Assert.Equal(DType.Float64, (Tensor.Ones(2) + Tensor.Ones([2], DType.Float64)).DType);
        Assert.Equal(DType.Int64, Tensor.Ones([3], DType.Bool).Sum().DType);
        Assert.Equal(3L, Tensor.Ones([3], DType.Bool).Sum().Item<long>());
        Assert.Equal([true, false, true], i.Ne(1).ToArray<bool>());
        Assert.True(i.Ge(0).All());
        Assert.False(i.Gt(5).Any());
    }

    [Fact]
    public void Reductions_match_hand_values()
    {
        Tensor x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(21.0, x.Sum().Item<double>());
        Assert.Equal([5.0, 7, 9], x.Sum(0).ToArray<double>());
        Assert.Equal([2.0, 5], x.Mean(1).ToArray<double>());
        Assert.Equal([1.0, 1], x.Var(1).ToArray<double>());                 // ((−1)² + 0 + 1²)/(3 − 1)
        Assert.Equal(2.0 / 3, x.Var(1, correction: 0).ToArray<double>()[0], 1e-15);
        Assert.Equal(720.0, x.Prod().Item<double>());
        Assert.Equal(Math.Sqrt(91), x.Norm().Item<double>(), 1e-14);
        Assert.Equal([3.0, 6], x.Max(1).ToArray<double>());
        Assert.Equal([1.0, 2, 3], x.Min(0).ToArray<double>());
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).Shape);
    }

    [Fact]
    public void Max_gradient_is_shared_among_ties()
    {
        // max(2, 2, 1) = 2 with a tie: each maximum gets ½ (PyTorch's amax rule).
        Tensor x = Tensor.FromArray(new double[] { 2, 2, 1 }).RequireGrad();
        x.Max().Backward();
        Assert.Equal([0.5, 0.5, 0.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void MatMul_handles_every_rank_combination()
    {
        Tensor a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        Tensor v = Tensor.FromArray(new double[] { 1, 1 });
        Assert.Equal([3.0, 7], a.MatMul(v).ToArray<double>());
        Assert.Equal([4.0, 6], v.MatMul(a).ToArray<double>());
        Assert.Equal(2.0, v.MatMul(v).Item<double>());
        Assert.Equal([7.0, 10, 15, 22], a.MatMul(a).ToArray<double>());
        Tensor batch = Tensor.Stack([a, a.T.Contiguous()]);
        Assert.Equal([2, 2, 2], batch.MatMul(a).Shape);
        Assert.Equal([1.0 * 1 + 3 * 3, 1 * 2 + 3 * 4, 2 * 1 + 4 * 3, 2 * 2 + 4 * 4], batch.MatMul(a).Select(0, 1).ToArray<double>());
        Tensor w = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        Assert.Equal([1.0, 1, 2, 10, 20, 30], Tensor.Linear(Tensor.FromArray(new double[,] { { 1, 1 }, { 10, 20 } }), w, Tensor.FromArray(new double[] { 0, 0, 0 })).ToArray<double>());
    }

    [Fact]
    public void ToString_prints_like_pytorch()
    {
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }).ToString());
        Assert.Equal("tensor([0.5000, 1.2500], dtype=torch.float64, requires_grad=True)",
                     Tensor.FromArray(new double[] { 0.5, 1.25 }).RequireGrad().ToString());
        Assert.Equal("tensor([0, 1, 2])", Tensor.Arange(3).ToString());
        Assert.Equal("tensor([ True, False])", Tensor.FromArray(new[] { true, false }).ToString());
        Assert.Equal("tensor(3.5000)", Tensor.Scalar(3.5).ToString());
        Assert.Contains("...", Tensor.Zeros(2000).ToString());
    }

    [Fact]
    public void Large_elementwise_ops_split_across_threads_give_identical_results()
    {
        // 300,001 elements: above the grain size, with a ragged last part.
        Tensor a = Tensor.Rand([300_001], new Generator(1)), b = Tensor.Rand([300_001], new Generator(2));
        int before = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            float[] one = (a + b).ToArray<float>();
            Threading.NumThreads = 2;
            float[] two = (a + b).ToArray<float>();
            Assert.Equal(one, two);
            float[] av = a.ToArray<float>(), bv = b.ToArray<float>();
            for (int i = 0; i < av.Length; i += 997) Assert.Equal(av[i] + bv[i], two[i]);
            Assert.Equal(av[^1] + bv[^1], two[^1]);
            // Softmax rows split across threads: each row is computed whole by one thread, so results match.
            Tensor logits = Tensor.Randn([513, 301], new Generator(3));
            Threading.NumThreads = 1;
            float[] s1 = logits.Softmax(1).ToArray<float>(), s0 = logits.Softmax(0).ToArray<float>();
            Threading.NumThreads = 2;
            Assert.Equal(s1, logits.Softmax(1).ToArray<float>());
            Assert.Equal(s0, logits.Softmax(0).ToArray<float>());
        }
        finally
        {
            Threading.NumThreads = before;
        }
    }

    [Fact]
    public void Item_and_ToArray_check_the_dtype()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).ToArray<double>());
        Assert.Contains("Float32", e.Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).Item<float>());
    }
}
