using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Nabla.Data;

/// <summary>Iterates over a dataset in batches, optionally shuffled, with a collate function that turns a list of
/// items into a batch of another type. PyTorch: <c>torch.utils.data.DataLoader</c>.</summary>
/// <typeparam name="T">The dataset's item type.</typeparam>
/// <typeparam name="TBatch">The type the collate function makes of a batch of items.</typeparam>
/// <remarks>
/// <para>Each enumeration (<c>foreach</c>) is one epoch. With <see cref="Shuffle"/> the epoch's order is a fresh
/// <see cref="Tensor.RandPerm"/> drawn from <see cref="Generator"/> when the enumeration starts, so consecutive
/// epochs differ and a loader built with <c>new Generator(seed)</c> replays the same sequence of epochs.</para>
/// <para>With <see cref="Prefetch"/> &gt; 0 a background thread builds batches ahead of the consumer into a bounded
/// channel holding at most <see cref="Prefetch"/> finished batches. The batches and their order are those of the
/// synchronous loader. An exception thrown while building a batch is rethrown by the consumer's
/// <c>MoveNext</c> after the batches built before it. Leaving the loop early (<c>break</c>, an exception in the loop
/// body) disposes the enumerator, which stops the producer and waits for it to exit, so no thread outlives the
/// enumeration.</para>
/// <para>Defaults are PyTorch's: batch size 1, no shuffling, the last incomplete batch kept, and loading on the
/// consumer's thread (PyTorch's <c>num_workers=0</c>).</para>
/// </remarks>
public class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    private readonly Func<IReadOnlyList<T>, TBatch> _collate;
    private readonly Func<int[], TBatch>? _fetchBatch;

    /// <summary>A loader over <paramref name="dataset"/> that merges items with <paramref name="collate"/>.
    /// PyTorch: <c>DataLoader(dataset, batch_size, shuffle, collate_fn=..., drop_last, generator)</c>.</summary>
    /// <param name="dataset">The items.</param>
    /// <param name="collate">Merges the items of one batch (1 to <paramref name="batchSize"/> of them, in order).</param>
    /// <param name="batchSize">Items per batch, at least 1 (PyTorch's default is 1).</param>
    /// <param name="shuffle">Draw a new random order every epoch.</param>
    /// <param name="dropLast">Skip the last batch when it has fewer than <paramref name="batchSize"/> items.</param>
    /// <param name="generator">The random source of the shuffling (default <see cref="Nabla.Generator.Default"/>).</param>
    /// <param name="prefetch">Batches built ahead on a background thread; 0 builds them on the consumer's thread.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> &lt; 1 or <paramref name="prefetch"/> &lt; 0.</exception>
    public DataLoader(IDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
                      bool dropLast = false, Generator? generator = null, int prefetch = 0)
        : this(dataset, collate, null, batchSize, shuffle, dropLast, generator, prefetch)
    {
    }

    /// <summary>The shared constructor; <paramref name="fetchBatch"/>, when given, builds a whole batch from its
    /// indices and replaces fetching items one by one and collating them.</summary>
    private protected DataLoader(IDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, Func<int[], TBatch>? fetchBatch,
                                 int batchSize, bool shuffle, bool dropLast, Generator? generator, int prefetch)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batchSize must be at least 1, got {batchSize}.");
        if (prefetch < 0)
            throw new ArgumentOutOfRangeException(nameof(prefetch), $"DataLoader: prefetch must be 0 (synchronous) or more, got {prefetch}.");
        Dataset = dataset;
        _collate = collate;
        _fetchBatch = fetchBatch;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Generator = generator;
        Prefetch = prefetch;
    }

    /// <summary>The items. PyTorch: <c>loader.dataset</c>.</summary>
    public IDataset<T> Dataset { get; }

    /// <summary>Items per batch. PyTorch: <c>loader.batch_size</c>.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new random order. PyTorch: <c>shuffle</c>.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is skipped. PyTorch: <c>loader.drop_last</c>.</summary>
    public bool DropLast { get; }

    /// <summary>The random source of the shuffling; null means <see cref="Nabla.Generator.Default"/>.
    /// PyTorch: <c>loader.generator</c>.</summary>
    public Generator? Generator { get; }

    /// <summary>How many batches a background thread builds ahead of the consumer; 0 means none (synchronous).
    /// PyTorch: <c>prefetch_factor</c> with one worker.</summary>
    public int Prefetch { get; }

    /// <summary>Batches per epoch: ⌊N / batchSize⌋ with <see cref="DropLast"/>, else ⌈N / batchSize⌉.
    /// PyTorch: <c>len(loader)</c>.</summary>
    public int Count => DropLast ? Dataset.Count / BatchSize : (int)(((long)Dataset.Count + BatchSize - 1) / BatchSize);

    /// <summary>Starts an epoch. PyTorch: <c>iter(loader)</c>.</summary>
    /// <returns>The batches of one epoch; dispose it (as <c>foreach</c> does) to stop a prefetching producer.</returns>
    public IEnumerator<TBatch> GetEnumerator()
    {
        int[] order = EpochOrder();
        int batches = Count;
        if (Prefetch == 0)
        {
            for (int b = 0; b < batches; b++) yield return MakeBatch(order, b);
            yield break;
        }
        using var prefetcher = new Prefetcher(b => MakeBatch(order, b), batches, Prefetch);
        while (prefetcher.TryTake(out TBatch? batch)) yield return batch;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The dataset indices of one epoch, in visiting order. Drawn on the consumer's thread, because a
    /// <see cref="Nabla.Generator"/> is not thread-safe.</summary>
    private int[] EpochOrder()
    {
        int n = Dataset.Count;
        if (!Shuffle) return Enumerable.Range(0, n).ToArray();
        long[] perm = Tensor.RandPerm(n, Generator).ToArray<long>();
        return Array.ConvertAll(perm, v => (int)v);
    }

    private TBatch MakeBatch(int[] order, int b)
    {
        int start = b * BatchSize;
        int[] indices = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
        if (_fetchBatch is not null) return _fetchBatch(indices);
        var items = new T[indices.Length];
        for (int i = 0; i < items.Length; i++) items[i] = Dataset[indices[i]];
        return _collate(items);
    }

    /// <summary>A producer thread writing finished batches into a bounded channel, read by the consumer.</summary>
    private sealed class Prefetcher : IDisposable
    {
        private readonly Channel<TBatch> _channel;
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public Prefetcher(Func<int, TBatch> makeBatch, int batches, int depth)
        {
            // Wait mode: the producer blocks once `depth` batches wait unread, which bounds memory and work ahead.
            _channel = Channel.CreateBounded<TBatch>(new BoundedChannelOptions(depth)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            // A dedicated thread rather than a pool task: the consumer blocks on the channel, and a blocked pool
            // thread waiting on another pool work item can stall on a machine with few cores.
            _thread = new Thread(() => Produce(makeBatch, batches)) { IsBackground = true, Name = "Nabla.Data.DataLoader prefetch" };
            _thread.Start();
        }

        private void Produce(Func<int, TBatch> makeBatch, int batches)
        {
            Exception? error = null;
            try
            {
                for (int b = 0; b < batches && !_stop.IsCancellationRequested; b++)
                {
                    TBatch batch = makeBatch(b);
                    _channel.Writer.WriteAsync(batch, _stop.Token).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The consumer left the epoch; nobody will read what is left.
            }
            catch (Exception e)
            {
                error = e;
            }
            _channel.Writer.TryComplete(error);
        }

        /// <summary>The next batch; false at the end of the epoch. Rethrows the producer's exception, with its
        /// original type and stack trace, once the batches built before it have been taken.</summary>
        public bool TryTake([MaybeNullWhen(false)] out TBatch batch)
        {
            while (!_channel.Reader.TryRead(out batch))
            {
                if (!_channel.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return false;
            }
            return true;
        }

        public void Dispose()
        {
            _stop.Cancel();
            // The producer notices the cancellation when it next writes, at most one batch from now.
            _thread.Join();
            _stop.Dispose();
        }
    }
}
