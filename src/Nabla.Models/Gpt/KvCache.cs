namespace Nabla.Models;

/// <summary>Keys and values of the tokens a <see cref="Gpt"/> has already seen, per layer, so that generating the
/// next token runs the model on that one token only (its query attends to the cached keys and values) instead of
/// on the whole context. Hugging Face: <c>past_key_values</c>.</summary>
/// <remarks>Shapes: per layer, K and V buffers (B, NHead, BlockSize, NEmbd / NHead) of which the first
/// <see cref="Length"/> positions are filled. Absolute positions are learned, so the cache holds at most BlockSize
/// tokens.</remarks>
public sealed class KvCache
{
    private readonly Tensor[] _keys, _values;

    /// <summary>An empty cache for a model and a batch size.</summary>
    /// <param name="config">The model's size.</param>
    /// <param name="batch">Sequences generated side by side.</param>
    public KvCache(GptConfig config, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Capacity = config.BlockSize;
        int hd = config.NEmbd / config.NHead;
        _keys = new Tensor[config.NLayer];
        _values = new Tensor[config.NLayer];
        for (int l = 0; l < config.NLayer; l++)
        {
            _keys[l] = Tensor.Zeros(batch, config.NHead, Capacity, hd);
            _values[l] = Tensor.Zeros(batch, config.NHead, Capacity, hd);
        }
    }

    /// <summary>Tokens held (the position of the next token).</summary>
    public int Length { get; private set; }

    /// <summary>The most tokens the cache can hold (the model's block size).</summary>
    public int Capacity { get; }

    /// <summary>Forgets every token.</summary>
    public void Clear() => Length = 0;

    /// <summary>Writes the new tokens' K and V of one layer at positions [Length, Length + T) and returns the keys
    /// and values of positions [0, Length + T). Shapes: k, v (B, H, T, hd) → (B, H, Length + T, hd) each.</summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        int t = k.Size(2);
        if (Length + t > Capacity)
            throw new InvalidOperationException($"KvCache: {Length} cached + {t} new tokens exceed the capacity {Capacity}.");
        _keys[layer].Narrow(2, Length, t).CopyInPlace(k);
        _values[layer].Narrow(2, Length, t).CopyInPlace(v);
        return (_keys[layer].Narrow(2, 0, Length + t), _values[layer].Narrow(2, 0, Length + t));
    }

    /// <summary>Advances the length after every layer has appended T tokens.</summary>
    internal void Advance(int t) => Length += t;
}
