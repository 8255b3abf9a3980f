using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Additive (Bahdanau) attention: score(q, kⱼ) = vᵀ·tanh(W_q·q + W_k·kⱼ), weights = softmax over the
/// encoder steps j, context = Σⱼ weightⱼ·valueⱼ. PyTorch has no module for it; this follows Bahdanau, Cho and Bengio
/// (2015), "Neural machine translation by jointly learning to align and translate", eq. (6), and PyTorch's
/// <c>key_padding_mask</c> convention (true marks a padded step that gets no weight).</summary>
/// <remarks>
/// <para>Shapes: query (B, Dq) — one decoder state per sequence — or (B, Tq, Dq) for many at once; keys (B, Tk, Dk);
/// values (B, Tk, Dv) (the keys when null); keyPaddingMask (B, Tk) Bool. Context (B, Dv) or (B, Tq, Dv); weights
/// (B, Tk) or (B, Tq, Tk).</para>
/// <para>Parameters: "query_proj.weight" W_q (A, Dq), "key_proj.weight" W_k (A, Dk) (and "key_proj.bias" (A) when
/// bias is on), "v" (A); A is the attention size. Initialised as Linear layers (U(−1/√fan_in, 1/√fan_in)) and v as
/// U(−1/√A, 1/√A).</para>
/// </remarks>
public sealed class AdditiveAttention : Module
{
    private readonly Linear _query, _key;

    /// <summary>A layer with freshly initialised parameters.</summary>
    /// <param name="queryDim">Dq, the decoder state size.</param>
    /// <param name="keyDim">Dk, the encoder state size.</param>
    /// <param name="attentionDim">A, the size of the hidden layer of the scoring MLP.</param>
    /// <param name="bias">Whether the key projection has a bias (Bahdanau's formulation has none; one bias suffices
    /// since the two projections are added).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, bool bias = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attentionDim);
        _query = RegisterModule("query_proj", new Linear(queryDim, attentionDim, bias: false, dtype, generator));
        _key = RegisterModule("key_proj", new Linear(keyDim, attentionDim, bias, dtype, generator));
        V = RegisterParameter("v", Tensor.Empty([attentionDim], dtype));
        double bound = 1 / Math.Sqrt(attentionDim);
        Init.Uniform(V, -bound, bound, generator);
    }

    /// <summary>W_q (A, Dq).</summary>
    public Parameter QueryWeight => _query.Weight;

    /// <summary>W_k (A, Dk).</summary>
    public Parameter KeyWeight => _key.Weight;

    /// <summary>v (A).</summary>
    public Parameter V { get; }

    /// <summary>Attends from each query over the encoder steps.</summary>
    /// <param name="query">(B, Dq) or (B, Tq, Dq).</param>
    /// <param name="keys">(B, Tk, Dk).</param>
    /// <param name="values">(B, Tk, Dv), or null to use the keys.</param>
    /// <param name="keyPaddingMask">(B, Tk) Bool, true where a step is padding; or null.</param>
    /// <returns>The context (B, Dv) or (B, Tq, Dv) and the attention weights (B, Tk) or (B, Tq, Tk).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together; the message names them.</exception>
    public (Tensor Context, Tensor Weights) Forward(Tensor query, Tensor keys, Tensor? values = null, Tensor? keyPaddingMask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(keys);
        values ??= keys;
        bool single = query.Dim == 2;
        if ((query.Dim != 2 && query.Dim != 3) || keys.Dim != 3 || values.Dim != 3 || query.Size(0) != keys.Size(0)
            || values.Size(0) != keys.Size(0) || values.Size(1) != keys.Size(1))
            throw new ArgumentException($"AdditiveAttention: expected query (B, Dq) or (B, Tq, Dq), keys (B, Tk, Dk) and values (B, Tk, Dv), got {Py.Shape(query.Shape)}, {Py.Shape(keys.Shape)} and {Py.Shape(values.Shape)}.");
        if (keyPaddingMask is not null && (keyPaddingMask.DType != DType.Bool || !keyPaddingMask.Shape.SequenceEqual(new[] { keys.Size(0), keys.Size(1) })))
            throw new ArgumentException($"AdditiveAttention: keyPaddingMask must be Bool (B, Tk) = ({keys.Size(0)}, {keys.Size(1)}), got {keyPaddingMask.DType} {Py.Shape(keyPaddingMask.Shape)}.", nameof(keyPaddingMask));
        Tensor q = single ? query.Unsqueeze(1) : query;                              // (B, Tq, Dq)
        // (B, Tq, 1, A) + (B, 1, Tk, A) → (B, Tq, Tk, A); tanh; · v → (B, Tq, Tk).
        Tensor hidden = (_query.Forward(q).Unsqueeze(2) + _key.Forward(keys).Unsqueeze(1)).Tanh();
        Tensor scores = hidden.MatMul(V);
        // −∞ before the softmax gives padded steps exactly zero weight.
        if (keyPaddingMask is not null) scores = scores.MaskedFill(keyPaddingMask.Unsqueeze(1), double.NegativeInfinity);
        Tensor weights = scores.Softmax(-1);
        Tensor context = weights.MatMul(values);                                       // (B, Tq, Tk)·(B, Tk, Dv)
        return single ? (context.Squeeze(1), weights.Squeeze(1)) : (context, weights);
    }
}
