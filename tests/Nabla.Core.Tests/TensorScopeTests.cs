using Nabla;
using Nabla.Core.Tests.Ops;
using Nabla.Internal;
using Xunit;

namespace Nabla.Core.Tests;

/// <summary><see cref="TensorScope"/>: storage made in a scope goes back to <see cref="StoragePool"/> when it ends
/// (and is handed to the next tensor of that size), except what was kept, what a graph may hold, and what detached
/// itself; a tensor over recycled storage throws on every use. Shares the process-wide pool with
/// <see cref="GradientRecyclingTests"/>, so runs in its collection (not in parallel).</summary>
[Collection(nameof(GradientRecyclingTests))]
public sealed class TensorScopeTests
{
    /// <summary>256 KiB of float32: above <see cref="StoragePool.MinBytes"/>, so the storage is pooled.</summary>
    private const int Big = 256 * 256;

    /// <summary>Runs with an empty pool, recycling or poisoning (see <see cref="GradientRecyclingTests"/>).</summary>
    private static void WithPool(bool poison, Action body) => GradientRecyclingTests.WithPool(poison, body);

    /// <summary>a[i] = i mod 7, b[i] = 2·(i mod 5): small integers, so every sum below is exact in float32.</summary>
    private static (Tensor A, Tensor B) Operands(int n)
    {
        var a = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i % 7;
            b[i] = 2 * (i % 5);
        }
        return (Tensor.FromArray(a), Tensor.FromArray(b));
    }

    private static float[] Sum(Tensor a, Tensor b) => [.. a.ToArray<float>().Zip(b.ToArray<float>(), (x, y) => x + y)];

    [Fact]
    public void The_next_scope_reuses_the_storage_the_last_one_recycled() => WithPool(false, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Array first;
        using (TensorScope.Begin())
        {
            Tensor c = a + b;
            Assert.Equal(Sum(a, b), c.ToArray<float>());
            first = c.Data;
        }
        Assert.Equal(Big * sizeof(float), StoragePool.FreeBytes);
        using (TensorScope.Begin())
        {
            Tensor c = a * b;
            Assert.Same(first, c.Data);
            Assert.Equal(a.ToArray<float>().Zip(b.ToArray<float>(), (x, y) => x * y), c.ToArray<float>());
        }
    });

    [Theory]
    [InlineData(8)]
    [InlineData(Big)]
    public void Every_use_of_a_recycled_tensor_throws_naming_the_op_and_shape(int n) => WithPool(false, () =>
    {
        // Small tensors are not pooled, but are marked all the same: a forgotten Keep shows up at any size.
        (Tensor a, Tensor b) = Operands(n);
        Tensor c;
        using (TensorScope.Begin()) c = a + b;

        var e = Assert.Throws<ObjectDisposedException>(() => a + c);
        Assert.Contains($"({n})", e.Message, StringComparison.Ordinal);
        Assert.Contains("TensorScope", e.Message, StringComparison.Ordinal);
        Assert.Contains("AsSpan", Assert.Throws<ObjectDisposedException>(() => c.AsSpan<float>()).Message, StringComparison.Ordinal);
        Assert.Contains("ToArray", Assert.Throws<ObjectDisposedException>(() => c.ToArray<float>()).Message, StringComparison.Ordinal);
        Assert.Contains("AddInPlace", Assert.Throws<ObjectDisposedException>(() => c.AddInPlace(a)).Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => a.AddInPlace(c));
        Assert.Throws<ObjectDisposedException>(() => c.Sum());
        Assert.Throws<ObjectDisposedException>(() => c.Reshape(n, 1));
        Assert.Throws<ObjectDisposedException>(() => c.Gt(a));
        Assert.Throws<ObjectDisposedException>(() => c.ToString());
        Assert.Throws<ObjectDisposedException>(() => c.Narrow(0, 0, 1).Item<float>());
        Assert.Throws<ObjectDisposedException>(() => c.Clone());
        Assert.Throws<ObjectDisposedException>(() => c.Detach());
    });

    [Fact]
    public void A_view_made_in_the_scope_is_recycled_with_its_storage() => WithPool(false, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Tensor view;
        using (TensorScope.Begin()) view = (a + b).Reshape(256, 256).Transpose(0, 1);
        Assert.Throws<ObjectDisposedException>(() => view.Contiguous());
    });

    [Fact]
    public void Every_op_of_the_catalog_refuses_a_recycled_input()
    {
        // Inputs made in a scope that has ended: whatever the op, it must throw rather than read recycled memory.
        foreach (OpCase row in OpCatalog.All)
        {
            Tensor[] inputs;
            using (TensorScope.Begin())
                inputs = [.. row.Shapes.Select(s => Tensor.Rand(s, new Generator(1), DType.Float64))];
            Exception? e = Record.Exception(() => row.Call(inputs));
            Assert.True(e is ObjectDisposedException, $"{row.Name}: {(e is null ? "no exception" : e.GetType().Name + ": " + e.Message)}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kept_tensor_outlives_its_scope_and_passes_to_the_enclosing_one(bool poison) => WithPool(poison, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Tensor kept, view, outer;
        using (TensorScope.Begin())
        {
            using (TensorScope inner = TensorScope.Begin())
            {
                kept = inner.Keep(a + b);
                view = kept.Narrow(0, 1, 3);
            }
            Assert.Equal(Sum(a, b), kept.ToArray<float>());
            Assert.Equal(Sum(a, b)[1..4], view.ToArray<float>());
            outer = kept * 2;
        }
        // The enclosing scope did not keep it: both it and the view over its storage end with that scope.
        Assert.Throws<ObjectDisposedException>(() => kept.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => view.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => outer.ToArray<float>());
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tensor_detached_from_scopes_outlives_all_of_them(bool poison) => WithPool(poison, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Tensor detached;
        using (TensorScope.Begin())
        using (TensorScope.Begin())
            detached = (a + b).DetachFromScope();
        Assert.Equal(Sum(a, b), detached.ToArray<float>());
        Assert.Equal(0, StoragePool.FreeBytes);
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_scope_that_recorded_a_graph_recycles_nothing(bool poison) => WithPool(poison, () =>
    {
        // L = Σ (x·c)² with c = a + b made in the scope without grad and saved by Mul for dL/dx:
        // dL/dx = 2·(x·c)·c = 2·x·c², which the backward after the scope must still compute from c.
        (Tensor a, Tensor b) = Operands(Big);
        Tensor x = Tensor.Full([Big], 0.5).RequireGrad();
        Tensor loss;
        using (TensorScope.Begin())
        {
            Tensor c = a + b;
            loss = (x * c).Square().Sum();
        }
        Assert.Equal(0, StoragePool.FreeBytes);
        loss.Backward();
        Assert.Equal(Sum(a, b).Select(c => 2 * 0.5f * c * c), x.Grad!.ToArray<float>());
    });

    [Fact]
    public void A_backward_pass_in_a_scope_keeps_the_gradients() => WithPool(false, () =>
    {
        // L = Σ 3x: dL/dx = 3 everywhere; the gradient made during the backward in the scope is the leaf's .Grad.
        Tensor x = Tensor.Full([Big], 2.0).RequireGrad();
        Tensor loss = (x * 3).Sum();
        using (TensorScope.Begin()) loss.Backward();
        Assert.All(x.Grad!.ToArray<float>(), g => Assert.Equal(3f, g));
    });

    [Fact]
    public void A_gradient_assigned_in_a_scope_stays() => WithPool(false, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Tensor w = Tensor.Zeros([Big]).RequireGrad();
        using (TensorScope.Begin()) w.Grad = a + b;
        Assert.Equal(Sum(a, b), w.Grad!.ToArray<float>());
    });

    [Fact]
    public void A_parameter_made_in_a_scope_stays() => WithPool(false, () =>
    {
        (Tensor a, Tensor b) = Operands(Big);
        Parameter p;
        using (TensorScope.Begin()) p = new Parameter(a + b);
        Assert.Equal(Sum(a, b), p.ToArray<float>());
    });

    [Fact]
    public void Scopes_end_innermost_first_on_the_thread_that_began_them()
    {
        TensorScope outer = TensorScope.Begin();
        TensorScope inner = TensorScope.Begin();
        Assert.Contains("innermost first", Assert.Throws<InvalidOperationException>(outer.Dispose).Message, StringComparison.Ordinal);
        Exception? other = null;
        var thread = new Thread(() => other = Record.Exception(inner.Dispose));
        thread.Start();
        thread.Join();
        Assert.Contains("must end there", Assert.IsType<InvalidOperationException>(other).Message, StringComparison.Ordinal);
        inner.Dispose();
        Assert.Same(outer, TensorScope.Current);
        outer.Dispose();
        outer.Dispose();
        Assert.Null(TensorScope.Current);
        Assert.Throws<ObjectDisposedException>(() => outer.Keep(Tensor.Zeros([1])));
    }
}
