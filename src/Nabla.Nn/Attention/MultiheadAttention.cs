using Nabla.Nn.Internal;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn;

/// <summary>Multi-head attention (Vaswani et al. 2017): queries, keys and values are projected into
/// <c>numHeads</c> subspaces of width <c>embedDim/numHeads</c>, each head runs scaled dot-product attention, and the
/// concatenated heads are projected back: MHA(Q, K, V) = Concat(head₁…head_h)·W_Oᵀ + b_O with
/// headᵢ = softmax(Q·W_Qᵢᵀ·(K·W_Kᵢᵀ)ᵀ/√d)·V·W_Vᵢᵀ. PyTorch: <c>torch.nn.MultiheadAttention</c>.</summary>
/// <remarks>
/// <para>Shapes: query (L, N, E) ((N, L, E) with batchFirst, or unbatched (L, E)), key (S, N, kdim), value
/// (S, N, vdim) → output like query, weights (N, L, S) averaged over heads or (N, H, L, S).</para>
/// <para>Parameters under PyTorch's names: "in_proj_weight" (3E, E) and "in_proj_bias" (3E) when kdim = vdim = E,
/// otherwise "q_proj_weight" (E, E), "k_proj_weight" (E, kdim), "v_proj_weight" (E, vdim); "out_proj.weight" and
/// "out_proj.bias". Initialisation as PyTorch's: Xavier-uniform projection weights, zero biases, and the
/// out_proj weight of a default Linear.</para>
/// <para>Masks follow nn.MultiheadAttention (the opposite of F.scaled_dot_product_attention's Bool masks): a Bool
/// key_padding_mask or attn_mask is true where attention is NOT allowed; float masks are added to the scores.</para>
/// </remarks>
public sealed class MultiheadAttention : Module
{
    private readonly Generator? _generator;

    /// <summary>Multi-head attention. PyTorch: <c>nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True,
    /// kdim=None, vdim=None, batch_first=False)</c>.</summary>
    /// <param name="embedDim">Model width E (query width and output width).</param>
    /// <param name="numHeads">Number of heads; must divide embedDim.</param>
    /// <param name="dropout">Dropout probability on the attention weights in training.</param>
    /// <param name="bias">Learn the input and output projection biases.</param>
    /// <param name="kdim">Key width (embedDim when null).</param>
    /// <param name="vdim">Value width (embedDim when null).</param>
    /// <param name="batchFirst">Inputs and outputs are (N, L, E) rather than (L, N, E).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and dropout.</param>
    /// <exception cref="ArgumentException">numHeads does not divide embedDim, or a size is not positive.</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0.0, bool bias = true, int? kdim = null,
                              int? vdim = null, bool batchFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim ({embedDim}) must be positive and divisible by num_heads ({numHeads}).");
        F.CheckDropoutProbability(dropout);
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        Dropout = dropout;
        Kdim = kdim ?? embedDim;
        Vdim = vdim ?? embedDim;
        if (Kdim <= 0 || Vdim <= 0) throw new ArgumentException($"MultiheadAttention: kdim ({Kdim}) and vdim ({Vdim}) must be positive.");
        BatchFirst = batchFirst;
        _generator = generator;
        if (QkvSameEmbedDim)
        {
            InProjWeight = RegisterParameter("in_proj_weight", Tensor.Empty([3 * embedDim, embedDim], dtype));
        }
        else
        {
            QProjWeight = RegisterParameter("q_proj_weight", Tensor.Empty([embedDim, embedDim], dtype));
            KProjWeight = RegisterParameter("k_proj_weight", Tensor.Empty([embedDim, Kdim], dtype));
            VProjWeight = RegisterParameter("v_proj_weight", Tensor.Empty([embedDim, Vdim], dtype));
        }
        InProjBias = bias ? RegisterParameter("in_proj_bias", Tensor.Empty([3 * embedDim], dtype)) : null;
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, dtype, generator));
        ResetParameters(generator);
    }

    /// <summary>Model width E. PyTorch: <c>embed_dim</c>.</summary>
    public int EmbedDim { get; }

    /// <summary>Number of heads. PyTorch: <c>num_heads</c>.</summary>
    public int NumHeads { get; }

    /// <summary>Width of one head, E / numHeads. PyTorch: <c>head_dim</c>.</summary>
    public int HeadDim { get; }

    /// <summary>Dropout probability on the attention weights. PyTorch: <c>dropout</c>.</summary>
    public double Dropout { get; }

    /// <summary>Key width. PyTorch: <c>kdim</c>.</summary>
    public int Kdim { get; }

    /// <summary>Value width. PyTorch: <c>vdim</c>.</summary>
    public int Vdim { get; }

    /// <summary>Whether inputs are (N, L, E). PyTorch: <c>batch_first</c>.</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether one packed in_proj_weight serves query, key and value (kdim = vdim = E). PyTorch:
    /// <c>_qkv_same_embed_dim</c>.</summary>
    public bool QkvSameEmbedDim => Kdim == EmbedDim && Vdim == EmbedDim;

    /// <summary>The packed [W_Q; W_K; W_V], (3E, E), or null when kdim/vdim differ. PyTorch: <c>in_proj_weight</c>.</summary>
    public Parameter? InProjWeight { get; }

    /// <summary>W_Q, (E, E), when kdim/vdim differ. PyTorch: <c>q_proj_weight</c>.</summary>
    public Parameter? QProjWeight { get; }

    /// <summary>W_K, (E, kdim), when kdim/vdim differ. PyTorch: <c>k_proj_weight</c>.</summary>
    public Parameter? KProjWeight { get; }

    /// <summary>W_V, (E, vdim), when kdim/vdim differ. PyTorch: <c>v_proj_weight</c>.</summary>
    public Parameter? VProjWeight { get; }

    /// <summary>The packed [b_Q; b_K; b_V], (3E), or null without bias. PyTorch: <c>in_proj_bias</c>.</summary>
    public Parameter? InProjBias { get; }

    /// <summary>The output projection W_O, b_O. PyTorch: <c>out_proj</c>.</summary>
    public Linear OutProj { get; }

    /// <summary>PyTorch's <c>_reset_parameters</c>: Xavier-uniform input projections, zero input and output biases
    /// (the output weight keeps Linear's initialisation).</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        if (InProjWeight is not null) Init.XavierUniform(InProjWeight, generator: generator);
        else
        {
            Init.XavierUniform(QProjWeight!, generator: generator);
            Init.XavierUniform(KProjWeight!, generator: generator);
            Init.XavierUniform(VProjWeight!, generator: generator);
        }
        if (InProjBias is not null) Init.Zeros(InProjBias);
        if (OutProj.Bias is not null) Init.Zeros(OutProj.Bias);
    }

    /// <summary>Attends from the queries to the keys and values. PyTorch: <c>mha(query, key, value,
    /// key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)</c>.</summary>
    /// <remarks>Shapes: query (L, N, E) / (N, L, E) / (L, E); key (S, N, kdim) / (N, S, kdim) / (S, kdim); value
    /// likewise with vdim; keyPaddingMask (N, S) or (S) unbatched; attnMask (L, S) or (N·H, L, S). Output like the
    /// query; weights (N, L, S) (averaged) or (N, H, L, S), without N when unbatched. With needWeights the
    /// weights are formed explicitly (as PyTorch does); without, the fused attention kernel runs.</remarks>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys.</param>
    /// <param name="value">Values.</param>
    /// <param name="keyPaddingMask">Bool (true = padding, ignored) or float (added) per key, or null.</param>
    /// <param name="needWeights">Also return the attention weights.</param>
    /// <param name="attnMask">Bool (true = not allowed) or float (added) mask, or null.</param>
    /// <param name="averageAttnWeights">Average the returned weights over the heads.</param>
    /// <param name="isCausal">Apply the causal mask (query i sees keys j ≤ i); combined with any given masks.</param>
    /// <returns>The output, and the weights (null unless needWeights).</returns>
    /// <exception cref="ArgumentException">Shapes or masks do not fit.</exception>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        bool batched = query.Dim == 3;
        if ((query.Dim != 2 && query.Dim != 3) || key.Dim != query.Dim || value.Dim != query.Dim)
            throw new ArgumentException($"MultiheadAttention: query {Py.Shape(query.Shape)}, key {Py.Shape(key.Shape)} and value {Py.Shape(value.Shape)} must all be 3-D (batched) or 2-D (unbatched).");
        bool selfAttention = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        // Work batch-first: (N, L, E).
        Tensor q = batched ? (BatchFirst ? query : query.Transpose(0, 1)) : query.Unsqueeze(0);
        Tensor k = selfAttention ? q : batched ? (BatchFirst ? key : key.Transpose(0, 1)) : key.Unsqueeze(0);
        Tensor v = selfAttention ? q : batched ? (BatchFirst ? value : value.Transpose(0, 1)) : value.Unsqueeze(0);
        int n = q.Size(0), l = q.Size(1), s = k.Size(1);
        if (q.Size(2) != EmbedDim || k.Size(2) != Kdim || v.Size(2) != Vdim || k.Size(0) != n || v.Size(0) != n || v.Size(1) != s)
            throw new ArgumentException($"MultiheadAttention(embed_dim={EmbedDim}, kdim={Kdim}, vdim={Vdim}, batch_first={Py.Bool(BatchFirst)}): query {Py.Shape(query.Shape)}, key {Py.Shape(key.Shape)} and value {Py.Shape(value.Shape)} do not fit.");

        (Tensor qp, Tensor kp, Tensor vp) = Project(q, k, v, selfAttention);
        // (N, L, E) → (N, H, L, d)
        Tensor Heads(Tensor t, int len) => t.Reshape(n, len, NumHeads, HeadDim).Transpose(1, 2);
        qp = Heads(qp, l);
        kp = Heads(kp, s);
        vp = Heads(vp, s);

        Tensor? mask = CombineMasks(attnMask, keyPaddingMask, isCausal, n, l, s, batched, qp.DType);
        bool fusedCausal = isCausal && mask is null;
        double p = Training ? Dropout : 0.0;
        Tensor attended;
        Tensor? weights = null;
        if (needWeights)
        {
            // As PyTorch, the returned weights are the ones used, i.e. after dropout in training.
            weights = F.Dropout(Tensor.ScaledDotProductAttentionWeights(qp, kp, mask, fusedCausal), p, training: p > 0, _generator);
            attended = weights.MatMul(vp);
        }
        else attended = F.ScaledDotProductAttention(qp, kp, vp, mask, p, fusedCausal, generator: _generator);

        Tensor output = OutProj.Forward(attended.Transpose(1, 2).Reshape(n, l, EmbedDim));
        output = batched ? (BatchFirst ? output : output.Transpose(0, 1)) : output.Squeeze(0);
        if (weights is not null)
        {
            if (averageAttnWeights) weights = weights.Mean(1);
            if (!batched) weights = weights.Squeeze(0);
        }
        return (output, weights);
    }

    /// <summary>Q·W_Qᵀ + b_Q, K·W_Kᵀ + b_K, V·W_Vᵀ + b_V; one packed GEMM for self-attention.</summary>
    private (Tensor Q, Tensor K, Tensor V) Project(Tensor q, Tensor k, Tensor v, bool selfAttention)
    {
        int e = EmbedDim;
        Tensor? Bias(int i) => InProjBias?.Narrow(0, i * e, e);
        if (InProjWeight is not null && selfAttention)
        {
            Tensor[] qkv = Tensor.Linear(q, InProjWeight, InProjBias).Chunk(3, -1);
            return (qkv[0], qkv[1], qkv[2]);
        }
        Tensor wq = InProjWeight?.Narrow(0, 0, e) ?? QProjWeight!;
        Tensor wk = InProjWeight?.Narrow(0, e, e) ?? KProjWeight!;
        Tensor wv = InProjWeight?.Narrow(0, 2 * e, e) ?? VProjWeight!;
        return (Tensor.Linear(q, wq, Bias(0)), Tensor.Linear(k, wk, Bias(1)), Tensor.Linear(v, wv, Bias(2)));
    }

    /// <summary>Merges attn_mask, key_padding_mask and the causal mask into one mask in
    /// <see cref="Tensor.ScaledDotProductAttention"/>'s convention (Bool true = may attend, or float added),
    /// broadcastable to (N, H, L, S); null when there is nothing to merge (a lone causal mask goes to the kernel).</summary>
    private Tensor? CombineMasks(Tensor? attnMask, Tensor? keyPaddingMask, bool isCausal, int n, int l, int s, bool batched, DType dtype)
    {
        var parts = new List<Tensor>();
        if (attnMask is not null)
        {
            Tensor m = attnMask;
            if (m.Dim == 2 && m.Size(0) == l && m.Size(1) == s) parts.Add(m);
            else if (m.Dim == 3 && m.Size(0) == n * NumHeads && m.Size(1) == l && m.Size(2) == s) parts.Add(m.Reshape(n, NumHeads, l, s));
            else
                throw new ArgumentException($"MultiheadAttention: attn_mask {Py.Shape(m.Shape)} must be (L, S) = ({l}, {s}) or (N·num_heads, L, S) = ({n * NumHeads}, {l}, {s}).");
        }
        if (keyPaddingMask is not null)
        {
            int[] expected = batched ? [n, s] : [s];
            if (!keyPaddingMask.Shape.SequenceEqual(expected))
                throw new ArgumentException($"MultiheadAttention: key_padding_mask {Py.Shape(keyPaddingMask.Shape)} must be {Py.Shape(expected)}.");
            parts.Add(keyPaddingMask.Reshape(n, 1, 1, s));
        }
        if (parts.Count == 0) return null;
        if (isCausal) parts.Add(Tensor.Arange(s).Reshape(1, s).Gt(Tensor.Arange(l).Reshape(l, 1)));   // true above the diagonal = masked
        if (parts.TrueForAll(m => m.DType == DType.Bool))
        {
            // PyTorch's convention (true = masked) → allowed = none of the masks hides the pair.
            Tensor hidden = parts[0];
            for (int i = 1; i < parts.Count; i++) hidden = hidden.LogicalOr(parts[i]);
            return hidden.LogicalNot();
        }
        Tensor sum = Tensor.Zeros([1], dtype);
        foreach (Tensor m in parts)
            sum = sum + (m.DType == DType.Bool ? Tensor.Where(m, Tensor.Scalar(double.NegativeInfinity, dtype), 0.0) : m.To(dtype));
        return sum;
    }
}
