using System.Collections.Concurrent;
using Xunit;

namespace Nabla.Data.Tests;

public sealed class DataLoaderTests
{
    /// <summary>n items [x = (i, −i) Float32, y = i Int64]: a batch's labels name the dataset indices it holds.</summary>
    private static TensorDataset Indexed(int n)
    {
        var x = new float[2 * n];
        for (int i = 0; i < n; i++) (x[2 * i], x[2 * i + 1]) = (i, -i);
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.Arange(n));
    }

    private static long[][] Epoch(IEnumerable<Tensor[]> loader) => loader.Select(b => b[1].ToArray<long>()).ToArray();

    /// <summary>A dataset that computes its items on demand, counts the reads, records the reading threads and
    /// throws at one index when asked to.</summary>
    private sealed class ProbeDataset(int count, int throwAt = -1) : IDataset<Tensor>
    {
        private int _reads;

        public int Count => count;

        public int Reads => Volatile.Read(ref _reads);

        public ConcurrentBag<Thread> Threads { get; } = [];

        public Tensor this[int index]
        {
            get
            {
                Interlocked.Increment(ref _reads);
                Threads.Add(Thread.CurrentThread);
                if (index == throwAt) throw new InvalidDataException($"probe: item {index} is corrupt");
                return Tensor.FromArray(new long[] { index, 100 + index });
            }
        }
    }

    [Fact]
    public void Batches_have_the_batch_size_and_the_last_one_holds_the_rest()
    {
        var loader = new DataLoader<Tensor[]>(Indexed(10), batchSize: 3);
        Assert.Equal(4, loader.Count);
        Tensor[][] batches = [.. loader];
        Assert.Equal(4, batches.Length);
        Assert.Equal([[3, 2], [3, 2], [3, 2], [1, 2]], batches.Select(b => b[0].Shape));
        Assert.Equal([[3], [3], [3], [1]], batches.Select(b => b[1].Shape));
        Assert.All(batches, b => Assert.Equal(DType.Float32, b[0].DType));
        Assert.All(batches, b => Assert.Equal(DType.Int64, b[1].DType));
        // Without shuffling the order is the dataset's.
        Assert.Equal([[0L, 1, 2], [3L, 4, 5], [6L, 7, 8], [9L]], Epoch(loader));
        Assert.Equal([6f, -6f, 7f, -7f, 8f, -8f], batches[2][0].ToArray<float>());
    }

    [Fact]
    public void DropLast_skips_the_incomplete_batch()
    {
        var loader = new DataLoader<Tensor[]>(Indexed(10), batchSize: 3, dropLast: true);
        Assert.Equal(3, loader.Count);
        Assert.Equal([[0L, 1, 2], [3L, 4, 5], [6L, 7, 8]], Epoch(loader));
        // A size that divides evenly loses nothing either way.
        Assert.Equal(2, new DataLoader<Tensor[]>(Indexed(10), batchSize: 5, dropLast: true).Count);
        Assert.Equal(2, new DataLoader<Tensor[]>(Indexed(10), batchSize: 5).Count);
        // A batch larger than the dataset: one short batch, or none with dropLast.
        Assert.Single(new DataLoader<Tensor[]>(Indexed(10), batchSize: 64));
        Assert.Empty(new DataLoader<Tensor[]>(Indexed(10), batchSize: 64, dropLast: true));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void An_empty_dataset_gives_an_empty_epoch(int prefetch)
    {
        var loader = new DataLoader<Tensor[]>(new TensorDataset(Tensor.Zeros(0, 3)), batchSize: 4, shuffle: true, prefetch: prefetch);
        Assert.Equal(0, loader.Count);
        Assert.Empty(loader);
    }

    [Fact]
    public void Updates_per_run_are_batches_per_epoch_times_epochs()
    {
        // The course's example: 5000 images, batch 100, 10 epochs → 500 updates.
        var loader = new DataLoader<Tensor[]>(new TensorDataset(Tensor.Zeros(5000, 1)), batchSize: 100, shuffle: true, generator: new Generator(0));
        Assert.Equal(50, loader.Count);
        int updates = 0;
        for (int epoch = 0; epoch < 10; epoch++)
        {
            foreach (Tensor[] _ in loader) updates++;
        }
        Assert.Equal(500, updates);
    }

    [Fact]
    public void The_default_batch_size_is_one_as_in_PyTorch()
    {
        var loader = new DataLoader<Tensor[]>(Indexed(3));
        Assert.Equal(1, loader.BatchSize);
        Assert.Equal([[1, 2], [1, 2], [1, 2]], loader.Select(b => b[0].Shape));
    }

    [Fact]
    public void Shuffle_visits_every_index_exactly_once_per_epoch()
    {
        var loader = new DataLoader<Tensor[]>(Indexed(103), batchSize: 10, shuffle: true, generator: new Generator(1));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            long[] seen = Epoch(loader).SelectMany(b => b).ToArray();
            Assert.Equal(103, seen.Length);
            Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), seen.Order());
            Assert.NotEqual(Enumerable.Range(0, 103).Select(i => (long)i), seen);
        }
    }

    [Fact]
    public void Shuffle_is_reproducible_from_the_seed_and_differs_across_epochs()
    {
        var a = new DataLoader<Tensor[]>(Indexed(50), batchSize: 8, shuffle: true, generator: new Generator(42));
        var b = new DataLoader<Tensor[]>(Indexed(50), batchSize: 8, shuffle: true, generator: new Generator(42));
        long[][] a1 = Epoch(a), a2 = Epoch(a), b1 = Epoch(b), b2 = Epoch(b);
        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2);
        // Epoch k's order is the k-th RandPerm of the generator.
        var g = new Generator(42);
        long[] first = Tensor.RandPerm(50, g).ToArray<long>();
        long[] second = Tensor.RandPerm(50, g).ToArray<long>();
        Assert.Equal(first, a1.SelectMany(x => x));
        Assert.Equal(second, a2.SelectMany(x => x));
        // Another seed, another order.
        Assert.NotEqual(a1, Epoch(new DataLoader<Tensor[]>(Indexed(50), batchSize: 8, shuffle: true, generator: new Generator(43))));
    }

    [Fact]
    public void Features_stay_aligned_with_labels_after_shuffling()
    {
        foreach (Tensor[] batch in new DataLoader<Tensor[]>(Indexed(30), batchSize: 7, shuffle: true, generator: new Generator(5)))
        {
            long[] y = batch[1].ToArray<long>();
            float[] x = batch[0].ToArray<float>();
            for (int i = 0; i < y.Length; i++) Assert.Equal([y[i], -y[i]], new[] { x[2 * i], x[2 * i + 1] });
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(100)]
    public void Prefetching_gives_the_same_batches_as_loading_synchronously(int depth)
    {
        var sync = new DataLoader<Tensor[]>(Indexed(57), batchSize: 4, shuffle: true, generator: new Generator(9));
        var ahead = new DataLoader<Tensor[]>(Indexed(57), batchSize: 4, shuffle: true, generator: new Generator(9), prefetch: depth);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Tensor[][] s = [.. sync], p = [.. ahead];
            Assert.Equal(s.Length, p.Length);
            for (int i = 0; i < s.Length; i++)
            {
                Assert.Equal(s[i][0].ToArray<float>(), p[i][0].ToArray<float>());
                Assert.Equal(s[i][1].ToArray<long>(), p[i][1].ToArray<long>());
            }
        }
    }

    [Fact]
    public void Prefetching_builds_batches_on_another_thread()
    {
        var probe = new ProbeDataset(12);
        Tensor[] batches = [.. new DataLoader<Tensor>(probe, batchSize: 5, prefetch: 2)];
        Assert.Equal([[5, 2], [5, 2], [2, 2]], batches.Select(b => b.Shape));
        Assert.Equal([0L, 100, 1, 101], batches[0].ToArray<long>().Take(4));
        Assert.DoesNotContain(Thread.CurrentThread, probe.Threads);

        var syncProbe = new ProbeDataset(12);
        _ = new DataLoader<Tensor>(syncProbe, batchSize: 5).ToArray();
        Assert.All(syncProbe.Threads, t => Assert.Same(Thread.CurrentThread, t));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void An_exception_in_the_dataset_reaches_the_consumer_after_the_batches_before_it(int prefetch)
    {
        var loader = new DataLoader<Tensor>(new ProbeDataset(20, throwAt: 13), batchSize: 4, prefetch: prefetch);
        var received = new List<Tensor>();
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (Tensor batch in loader) received.Add(batch);
        });
        Assert.Equal("probe: item 13 is corrupt", e.Message);
        // Batches 0..2 (items 0..11) were complete; batch 3 (items 12..15) failed.
        Assert.Equal(3, received.Count);
        Assert.Contains(nameof(ProbeDataset), e.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_in_the_collate_function_reaches_the_consumer()
    {
        var loader = new DataLoader<Tensor>(new ProbeDataset(8), batchSize: 2, prefetch: 2,
            collate: items => items[0].ToArray<long>()[0] == 4 ? throw new InvalidOperationException("collate failed at 4") : Collate.Stack(items));
        var e = Assert.Throws<InvalidOperationException>(() => loader.ToList());
        Assert.Equal("collate failed at 4", e.Message);
    }

    [Fact]
    public void Abandoning_an_epoch_stops_the_producer_thread()
    {
        var probe = new ProbeDataset(10_000);
        var loader = new DataLoader<Tensor>(probe, batchSize: 10, prefetch: 3);
        foreach (Tensor batch in loader)
        {
            Assert.Equal([10, 2], batch.Shape);
            break;
        }
        // Dispose (run by foreach) joined the producer: it is dead and reads nothing more.
        Thread producer = Assert.Single(probe.Threads.Distinct());
        Assert.False(producer.IsAlive);
        int reads = probe.Reads;
        // The producer is at most 1 taken + 3 queued + 1 in progress batches ahead.
        Assert.InRange(reads, 10, 50);
        Thread.Sleep(50);
        Assert.Equal(reads, probe.Reads);
    }

    [Fact]
    public void An_exception_in_the_loop_body_also_stops_the_producer()
    {
        var probe = new ProbeDataset(10_000);
        var loader = new DataLoader<Tensor>(probe, batchSize: 10, prefetch: 2);
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (Tensor _ in loader) throw new InvalidOperationException("consumer failed");
        });
        Assert.False(Assert.Single(probe.Threads.Distinct()).IsAlive);
    }

    [Fact]
    public void Enumerating_again_after_abandoning_starts_a_full_epoch()
    {
        var loader = new DataLoader<Tensor[]>(Indexed(20), batchSize: 6, prefetch: 1);
        using (IEnumerator<Tensor[]> e = loader.GetEnumerator()) Assert.True(e.MoveNext());
        Assert.Equal([[0L, 1, 2, 3, 4, 5], [6L, 7, 8, 9, 10, 11], [12L, 13, 14, 15, 16, 17], [18L, 19]], Epoch(loader));
    }

    [Fact]
    public void The_TensorDataset_fast_path_matches_stacking_items()
    {
        TensorDataset ds = Indexed(23);
        var fast = new DataLoader<Tensor[]>(ds, batchSize: 5, shuffle: true, generator: new Generator(2));
        // An explicit collate turns the fast path off: items are read one by one and stacked.
        var stacked = new DataLoader<Tensor[]>(ds, batchSize: 5, shuffle: true, generator: new Generator(2), collate: Collate.StackComponents);
        Tensor[][] f = [.. fast], s = [.. stacked];
        Assert.Equal(s.Length, f.Length);
        for (int i = 0; i < f.Length; i++)
        {
            Assert.Equal(s[i][0].Shape, f[i][0].Shape);
            Assert.Equal(s[i][0].ToArray<float>(), f[i][0].ToArray<float>());
            Assert.Equal(s[i][1].ToArray<long>(), f[i][1].ToArray<long>());
        }
    }

    [Fact]
    public void Subsets_of_a_TensorDataset_batch_the_subset_rows()
    {
        Subset<Tensor[]>[] parts = Dataset.RandomSplit(Indexed(30), [20, 10], new Generator(4));
        var inner = new Subset<Tensor[]>(parts[1], [9, 0, 3]);
        long[] batch = Assert.Single(new DataLoader<Tensor[]>(inner, batchSize: 3))[1].ToArray<long>();
        Assert.Equal(new long[] { parts[1].Indices[9], parts[1].Indices[0], parts[1].Indices[3] }, batch);
    }

    [Fact]
    public void Tuple_items_are_collated_component_wise()
    {
        var pairs = new PairDataset(5);
        (Tensor x, Tensor y)[] batches = [.. new DataLoader<(Tensor, Tensor)>(pairs, batchSize: 2)];
        Assert.Equal(3, batches.Length);
        Assert.Equal([2, 3], batches[0].x.Shape);
        Assert.Equal([2L, 3L], batches[1].y.ToArray<long>());
        Assert.Equal(DType.Int64, batches[2].y.DType);
    }

    private sealed class PairDataset(int count) : IDataset<(Tensor, Tensor)>
    {
        public int Count => count;

        public (Tensor, Tensor) this[int index] => (Tensor.Full([3], index), Tensor.Scalar((long)index));
    }

    [Fact]
    public void A_collate_function_can_produce_another_batch_type()
    {
        var loader = new DataLoader<Tensor[], long>(Indexed(10), items => items.Sum(i => i[1].Item<long>()), batchSize: 4);
        Assert.Equal([0L + 1 + 2 + 3, 4L + 5 + 6 + 7, 8L + 9], loader.ToArray());
    }

    [Fact]
    public void Bad_arguments_and_unsupported_items_are_reported()
    {
        Assert.StartsWith("DataLoader: batchSize must be at least 1, got 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader<Tensor[]>(Indexed(3), batchSize: 0)).Message);
        Assert.StartsWith("DataLoader: prefetch must be 0 (synchronous) or more, got -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader<Tensor[]>(Indexed(3), prefetch: -1)).Message);
        Assert.StartsWith("Collate.Default: items of type String have no default collate",
            Assert.Throws<NotSupportedException>(() => new DataLoader<string>(new Words())).Message);
    }

    private sealed class Words : IDataset<string>
    {
        public int Count => 1;

        public string this[int index] => "word";
    }

    [Fact]
    public void Collate_names_the_item_whose_shape_differs()
    {
        var e = Assert.Throws<ArgumentException>(() => Collate.StackComponents([[Tensor.Zeros(3), Tensor.Scalar(1L)], [Tensor.Zeros(4), Tensor.Scalar(2L)]]));
        Assert.StartsWith("Collate: component 0 of item 1 of the batch has shape (4), item 0 has (3); stacking needs one shape.", e.Message);
        Assert.StartsWith("Collate: item 1 of the batch has 1 components, item 0 has 2.",
            Assert.Throws<ArgumentException>(() => Collate.StackComponents([[Tensor.Zeros(3), Tensor.Zeros(3)], [Tensor.Zeros(3)]])).Message);
    }
}
