namespace Nabla.Nn;

public static partial class Functional
{
    /// <summary>Scaled dot-product attention softmax(Q·Kᵀ·scale + M)·V, with dropout on the attention weights.
    /// PyTorch 2.x: <c>F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
    /// is_causal=False, scale=None)</c>.</summary>
    /// <remarks>Shapes: query (*, L, E), key (*, S, E), value (*, S, Ev) → (*, L, Ev); batch dims broadcast; the mask
    /// broadcasts to (*, L, S). A Bool mask is true where a query may attend; a float mask is added to the scores.
    /// Without dropout this is <see cref="Tensor.ScaledDotProductAttention"/>; with dropoutP &gt; 0 the weights
    /// are formed explicitly (<see cref="Tensor.ScaledDotProductAttentionWeights"/>), dropped out and multiplied
    /// by V. As in PyTorch, dropout applies whenever dropoutP &gt; 0: pass 0 in evaluation.</remarks>
    /// <param name="query">Q, (*, L, E).</param>
    /// <param name="key">K, (*, S, E).</param>
    /// <param name="value">V, (*, S, Ev).</param>
    /// <param name="attnMask">Bool or float mask broadcastable to (*, L, S), or null.</param>
    /// <param name="dropoutP">Dropout probability on the attention weights, in [0, 1].</param>
    /// <param name="isCausal">Apply the lower-triangular causal mask (top-left aligned).</param>
    /// <param name="scale">Multiplier of the dot products; 1/√E when null.</param>
    /// <param name="generator">The random source of the dropout (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentException">The shapes do not fit, or both a mask and isCausal are given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">dropoutP is outside [0, 1].</exception>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
                                                   double dropoutP = 0, bool isCausal = false, double? scale = null,
                                                   Generator? generator = null)
    {
        CheckDropoutProbability(dropoutP);
        if (dropoutP == 0) return Tensor.ScaledDotProductAttention(query, key, value, attnMask, isCausal, scale);
        ArgumentNullException.ThrowIfNull(value);
        Tensor weights = Tensor.ScaledDotProductAttentionWeights(query, key, attnMask, isCausal, scale);
        return Dropout(weights, dropoutP, training: true, generator).MatMul(value);
    }
}
