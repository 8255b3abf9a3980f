using Nabla;

namespace Nabla.Core.Tests.Ops;

/// <summary>Catalog rows for attention; PyTorch goldens for them come from tools/golden/ops_attention.py.</summary>
public static partial class OpCatalog
{
    // Bool masks (true = may attend); every query row keeps at least one key, so every softmax is defined.
    private static readonly Tensor AttnMask35 = Tensor.FromArray(new bool[,]
    {
        { true, false, true, false, false },
        { false, true, true, true, false },
        { true, true, false, false, true },
    });

    // Key padding as a (batch, 1, S) mask: batch 0 sees keys 0..3, batch 1 keys 0..1.
    private static readonly Tensor KeyPadding215 = Tensor.FromArray(new bool[,,]
    {
        { { true, true, true, true, false } },
        { { true, true, false, false, false } },
    });

    /// <summary>The composite formula softmax(Q·Kᵀ·scale + M)·V, built from MatMul, Where and Softmax, as the
    /// forward reference of the attention rows. A Bool mask becomes 0/−∞ additive, the causal one likewise.</summary>
    internal static Tensor AttentionReference(Tensor q, Tensor k, Tensor v, Tensor? mask = null, bool causal = false, double? scale = null)
        => AttentionWeightsReference(q, k, mask, causal, scale).MatMul(v);

    internal static Tensor AttentionWeightsReference(Tensor q, Tensor k, Tensor? mask = null, bool causal = false, double? scale = null)
    {
        int l = q.Size(-2), s = k.Size(-2);
        Tensor scores = q.MatMul(k.Transpose(-2, -1)) * (scale ?? 1 / Math.Sqrt(q.Size(-1)));
        if (causal)
        {
            // key j is visible from query i when j ≤ i (top-left aligned when L ≠ S)
            Tensor allowed = Tensor.Arange(s).Reshape(1, s).Le(Tensor.Arange(l).Reshape(l, 1));
            scores = Tensor.Where(allowed, scores, double.NegativeInfinity);
        }
        if (mask is not null)
            scores = mask.DType == DType.Bool ? Tensor.Where(mask, scores, double.NegativeInfinity) : scores + mask;
        Tensor e = (scores - scores.Max(-1, keepDim: true)).Exp();
        return e / e.Sum(-1, keepDim: true);
    }

    private static readonly OpCase[] Attention =
    [
        new("ScaledDotProductAttention", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2]), [S(2, 3, 4), S(2, 5, 4), S(2, 5, 3)],
            Reference: x => AttentionReference(x[0], x[1], x[2])),
        new("ScaledDotProductAttention/causal", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), [S(2, 4, 4), S(2, 4, 4), S(2, 4, 2)],
            Reference: x => AttentionReference(x[0], x[1], x[2], causal: true)),
        new("ScaledDotProductAttention/causal-wide", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), [S(3, 4), S(5, 4), S(5, 2)],
            Reference: x => AttentionReference(x[0], x[1], x[2], causal: true)),
        new("ScaledDotProductAttention/causal-tall", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), [S(5, 3), S(3, 3), S(3, 2)],
            Reference: x => AttentionReference(x[0], x[1], x[2], causal: true)),
        new("ScaledDotProductAttention/bool-mask", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], AttnMask35), [S(2, 3, 4), S(2, 5, 4), S(2, 5, 3)],
            Reference: x => AttentionReference(x[0], x[1], x[2], AttnMask35)),
        new("ScaledDotProductAttention/key-padding", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], KeyPadding215), [S(2, 3, 4), S(2, 5, 4), S(2, 5, 3)],
            Reference: x => AttentionReference(x[0], x[1], x[2], KeyPadding215)),
        new("ScaledDotProductAttention/float-mask", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], x[3]), [S(2, 3, 4), S(2, 5, 4), S(2, 5, 3), S(3, 5)],
            Reference: x => AttentionReference(x[0], x[1], x[2], x[3])),
        new("ScaledDotProductAttention/broadcast", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2]), [S(2, 2, 3, 4), S(2, 1, 5, 4), S(5, 3)],
            Reference: x => AttentionReference(x[0], x[1], x[2])),
        new("ScaledDotProductAttention/scale", ["ScaledDotProductAttention"],
            x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], scale: 0.3), [S(3, 4), S(4, 4), S(4, 5)],
            Reference: x => AttentionReference(x[0], x[1], x[2], scale: 0.3)),
        new("ScaledDotProductAttentionWeights", ["ScaledDotProductAttentionWeights"],
            x => Tensor.ScaledDotProductAttentionWeights(x[0], x[1], AttnMask35), [S(2, 3, 4), S(2, 5, 4)],
            Reference: x => AttentionWeightsReference(x[0], x[1], AttnMask35)),
        new("ScaledDotProductAttentionWeights/causal", ["ScaledDotProductAttentionWeights"],
            x => Tensor.ScaledDotProductAttentionWeights(x[0], x[1], isCausal: true, scale: 0.5), [S(4, 3), S(4, 3)],
            Reference: x => AttentionWeightsReference(x[0], x[1], causal: true, scale: 0.5)),
    ];
}
