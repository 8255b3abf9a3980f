using Nabla.Nn.Internal;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn;

/// <summary>The feed-forward activation of a Transformer layer. PyTorch: <c>activation="relu"</c> /
/// <c>"gelu"</c>.</summary>
public enum TransformerActivation
{
    /// <summary>max(x, 0), the original Transformer's.</summary>
    Relu,

    /// <summary>x·Φ(x) (exact erf form), as in BERT and GPT.</summary>
    Gelu,
}

/// <summary>Settings shared by the encoder and decoder layers.</summary>
internal readonly record struct LayerConfig(int DModel, int NHead, int DimFeedforward, double Dropout,
    TransformerActivation Activation, double LayerNormEps, bool BatchFirst, bool NormFirst, DType DType, Generator? Generator)
{
    public Tensor Activate(Tensor x) => Activation == TransformerActivation.Relu ? x.Relu() : x.Gelu();

    public string Repr => $"d_model={DModel}, nhead={NHead}, dim_feedforward={DimFeedforward}, dropout={Py.Float(Dropout)}, activation={Activation.ToString().ToLowerInvariant()}, batch_first={Py.Bool(BatchFirst)}, norm_first={Py.Bool(NormFirst)}";
}

/// <summary>One Transformer encoder layer: self-attention and a position-wise feed-forward network, each wrapped in
/// a residual connection and layer normalisation. Post-norm (the original): x = norm1(x + SA(x)),
/// x = norm2(x + FF(x)); pre-norm (normFirst, more stable for deep stacks): x = x + SA(norm1(x)),
/// x = x + FF(norm2(x)); FF(x) = linear2(dropout(act(linear1(x)))). PyTorch: <c>nn.TransformerEncoderLayer</c>.</summary>
/// <remarks>Shapes: src (S, N, E), (N, S, E) with batchFirst, or (S, E) → the same. Submodules under PyTorch's names:
/// self_attn, linear1, linear2, norm1, norm2 (dropouts hold no parameters).</remarks>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor>
{
    private readonly LayerConfig _config;

    /// <summary>An encoder layer. PyTorch: <c>nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048,
    /// dropout=0.1, activation="relu", layer_norm_eps=1e-5, batch_first=False, norm_first=False)</c>.</summary>
    /// <param name="dModel">Model width E.</param>
    /// <param name="nhead">Attention heads.</param>
    /// <param name="dimFeedforward">Hidden width of the feed-forward network.</param>
    /// <param name="dropout">Dropout probability (attention weights, residual branches, feed-forward hidden).</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="layerNormEps">eps of the layer norms.</param>
    /// <param name="batchFirst">Inputs are (N, S, E).</param>
    /// <param name="normFirst">Pre-norm instead of post-norm.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and dropout.</param>
    /// <exception cref="ArgumentException">nhead does not divide dModel, or a size is not positive.</exception>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Relu, double layerNormEps = 1e-5, bool batchFirst = false,
        bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
        : this(new LayerConfig(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, generator))
    {
    }

    internal TransformerEncoderLayer(LayerConfig c)
    {
        _config = c;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(c.DModel, c.NHead, c.Dropout, batchFirst: c.BatchFirst, dtype: c.DType, generator: c.Generator));
        Linear1 = RegisterModule("linear1", new Linear(c.DModel, c.DimFeedforward, dtype: c.DType, generator: c.Generator));
        DropoutLayer = RegisterModule("dropout", new Dropout(c.Dropout, c.Generator));
        Linear2 = RegisterModule("linear2", new Linear(c.DimFeedforward, c.DModel, dtype: c.DType, generator: c.Generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(c.DModel, c.LayerNormEps, dtype: c.DType));
        Norm2 = RegisterModule("norm2", new LayerNorm(c.DModel, c.LayerNormEps, dtype: c.DType));
        Dropout1 = RegisterModule("dropout1", new Dropout(c.Dropout, c.Generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(c.Dropout, c.Generator));
    }

    /// <summary>Self-attention. PyTorch: <c>self_attn</c>.</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>First feed-forward projection, E → dimFeedforward. PyTorch: <c>linear1</c>.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout on the feed-forward hidden layer. PyTorch: <c>dropout</c>.</summary>
    public Dropout DropoutLayer { get; }

    /// <summary>Second feed-forward projection, dimFeedforward → E. PyTorch: <c>linear2</c>.</summary>
    public Linear Linear2 { get; }

    /// <summary>Norm around self-attention. PyTorch: <c>norm1</c>.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Norm around the feed-forward block. PyTorch: <c>norm2</c>.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Dropout on the self-attention branch. PyTorch: <c>dropout1</c>.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the feed-forward branch. PyTorch: <c>dropout2</c>.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Whether the layer is pre-norm. PyTorch: <c>norm_first</c>.</summary>
    public bool NormFirst => _config.NormFirst;

    /// <summary>Runs the layer without masks. PyTorch: <c>layer(src)</c>.</summary>
    /// <param name="input">src.</param>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the layer. PyTorch: <c>layer(src, src_mask=None, src_key_padding_mask=None, is_causal=False)</c>.</summary>
    /// <param name="src">(S, N, E), (N, S, E) with batchFirst, or (S, E).</param>
    /// <param name="srcMask">(S, S) or (N·nhead, S, S) attention mask (Bool true = not allowed, or float added), or null.</param>
    /// <param name="srcKeyPaddingMask">(N, S) padding mask (true = padding), or null.</param>
    /// <param name="isCausal">Apply the causal mask in self-attention.</param>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        // Every tensor made here but the returned one is an intermediate the backward may recycle
        // (Tensor.ReleaseAfterBackward); src is the caller's.
        if (_config.NormFirst)
        {
            Tensor x = R(src + R(SelfAttentionBlock(R(Norm1.Forward(src)), srcMask, srcKeyPaddingMask, isCausal)));
            return x + R(FeedForwardBlock(R(Norm2.Forward(x))));
        }
        Tensor y = R(Norm1.Forward(R(src + R(SelfAttentionBlock(src, srcMask, srcKeyPaddingMask, isCausal)))));
        return Norm2.Forward(R(y + R(FeedForwardBlock(y))));
    }

    private static Tensor R(Tensor t) => t.ReleaseAfterBackward();

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPadding, bool isCausal)
        => Dropout1.Forward(R(SelfAttn.Forward(x, x, x, keyPadding, needWeights: false, attnMask: mask, isCausal: isCausal).Output));

    private Tensor FeedForwardBlock(Tensor x)
        => Dropout2.Forward(R(Linear2.Forward(R(DropoutLayer.Forward(R(_config.Activate(R(Linear1.Forward(x)))))))));

    /// <summary>A layer with the same settings and a copy of this one's parameters (PyTorch's deepcopy in
    /// <c>_get_clones</c>).</summary>
    internal TransformerEncoderLayer CloneLayer()
    {
        var copy = new TransformerEncoderLayer(_config);
        copy.LoadStateDict(StateDict());
        return copy;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => _config.Repr;
}

/// <summary>One Transformer decoder layer: masked self-attention over the target, cross-attention from the target
/// to the encoder's memory, and a feed-forward network, each with a residual connection and layer norm (post-norm:
/// x = norm(x + block(x)); pre-norm with normFirst: x = x + block(norm(x))). PyTorch:
/// <c>nn.TransformerDecoderLayer</c>.</summary>
/// <remarks>Shapes: tgt (T, N, E), memory (S, N, E) ((N, ·, E) with batchFirst; or unbatched) → like tgt.
/// Submodules under PyTorch's names: self_attn, multihead_attn, linear1, linear2, norm1, norm2, norm3.</remarks>
public sealed class TransformerDecoderLayer : Module
{
    private readonly LayerConfig _config;

    /// <summary>A decoder layer. PyTorch: <c>nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048,
    /// dropout=0.1, activation="relu", layer_norm_eps=1e-5, batch_first=False, norm_first=False)</c>.</summary>
    /// <param name="dModel">Model width E.</param>
    /// <param name="nhead">Attention heads.</param>
    /// <param name="dimFeedforward">Hidden width of the feed-forward network.</param>
    /// <param name="dropout">Dropout probability.</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="layerNormEps">eps of the layer norms.</param>
    /// <param name="batchFirst">Inputs are (N, T, E).</param>
    /// <param name="normFirst">Pre-norm instead of post-norm.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and dropout.</param>
    /// <exception cref="ArgumentException">nhead does not divide dModel, or a size is not positive.</exception>
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Relu, double layerNormEps = 1e-5, bool batchFirst = false,
        bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
        : this(new LayerConfig(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, generator))
    {
    }

    internal TransformerDecoderLayer(LayerConfig c)
    {
        _config = c;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(c.DModel, c.NHead, c.Dropout, batchFirst: c.BatchFirst, dtype: c.DType, generator: c.Generator));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiheadAttention(c.DModel, c.NHead, c.Dropout, batchFirst: c.BatchFirst, dtype: c.DType, generator: c.Generator));
        Linear1 = RegisterModule("linear1", new Linear(c.DModel, c.DimFeedforward, dtype: c.DType, generator: c.Generator));
        DropoutLayer = RegisterModule("dropout", new Dropout(c.Dropout, c.Generator));
        Linear2 = RegisterModule("linear2", new Linear(c.DimFeedforward, c.DModel, dtype: c.DType, generator: c.Generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(c.DModel, c.LayerNormEps, dtype: c.DType));
        Norm2 = RegisterModule("norm2", new LayerNorm(c.DModel, c.LayerNormEps, dtype: c.DType));
        Norm3 = RegisterModule("norm3", new LayerNorm(c.DModel, c.LayerNormEps, dtype: c.DType));
        Dropout1 = RegisterModule("dropout1", new Dropout(c.Dropout, c.Generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(c.Dropout, c.Generator));
        Dropout3 = RegisterModule("dropout3", new Dropout(c.Dropout, c.Generator));
    }

    /// <summary>Masked self-attention over the target. PyTorch: <c>self_attn</c>.</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>Cross-attention, target queries over memory keys and values. PyTorch: <c>multihead_attn</c>.</summary>
    public MultiheadAttention MultiheadAttn { get; }

    /// <summary>First feed-forward projection. PyTorch: <c>linear1</c>.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout on the feed-forward hidden layer. PyTorch: <c>dropout</c>.</summary>
    public Dropout DropoutLayer { get; }

    /// <summary>Second feed-forward projection. PyTorch: <c>linear2</c>.</summary>
    public Linear Linear2 { get; }

    /// <summary>Norm around self-attention. PyTorch: <c>norm1</c>.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Norm around cross-attention. PyTorch: <c>norm2</c>.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Norm around the feed-forward block. PyTorch: <c>norm3</c>.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout on the self-attention branch. PyTorch: <c>dropout1</c>.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the cross-attention branch. PyTorch: <c>dropout2</c>.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Dropout on the feed-forward branch. PyTorch: <c>dropout3</c>.</summary>
    public Dropout Dropout3 { get; }

    /// <summary>Runs the layer. PyTorch: <c>layer(tgt, memory, tgt_mask=None, memory_mask=None,
    /// tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False)</c>.</summary>
    /// <param name="tgt">Target (T, N, E) / (N, T, E) / (T, E).</param>
    /// <param name="memory">Encoder output (S, N, E) / (N, S, E) / (S, E).</param>
    /// <param name="tgtMask">(T, T) self-attention mask (Bool true = not allowed, or float added), or null.</param>
    /// <param name="memoryMask">(T, S) cross-attention mask, or null.</param>
    /// <param name="tgtKeyPaddingMask">(N, T) target padding (true = padding), or null.</param>
    /// <param name="memoryKeyPaddingMask">(N, S) memory padding, or null.</param>
    /// <param name="tgtIsCausal">Apply the causal mask in self-attention.</param>
    /// <exception cref="ArgumentException">Shapes or masks do not fit.</exception>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null,
                          Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        Tensor x = tgt;
        if (_config.NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Forward(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal);
            x = x + CrossAttentionBlock(Norm2.Forward(x), memory, memoryMask, memoryKeyPaddingMask);
            x = x + FeedForwardBlock(Norm3.Forward(x));
        }
        else
        {
            x = Norm1.Forward(x + SelfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal));
            x = Norm2.Forward(x + CrossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask));
            x = Norm3.Forward(x + FeedForwardBlock(x));
        }
        return x;
    }

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPadding, bool isCausal)
        => Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPadding, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor CrossAttentionBlock(Tensor x, Tensor memory, Tensor? mask, Tensor? keyPadding)
        => Dropout2.Forward(MultiheadAttn.Forward(x, memory, memory, keyPadding, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForwardBlock(Tensor x)
        => Dropout3.Forward(Linear2.Forward(DropoutLayer.Forward(_config.Activate(Linear1.Forward(x)))));

    /// <summary>A layer with the same settings and a copy of this one's parameters.</summary>
    internal TransformerDecoderLayer CloneLayer()
    {
        var copy = new TransformerDecoderLayer(_config);
        copy.LoadStateDict(StateDict());
        return copy;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => _config.Repr;
}

/// <summary>A stack of N identical encoder layers (copies of one layer, parameters included, as PyTorch's
/// deepcopy), then an optional final norm (needed after pre-norm layers). PyTorch: <c>nn.TransformerEncoder</c>.</summary>
/// <remarks>Shapes: as the layer. State-dict keys "layers.{i}.…" and "norm.…".</remarks>
public sealed class TransformerEncoder : Module<Tensor, Tensor>
{
    /// <summary>Stacks <paramref name="numLayers"/> copies of <paramref name="encoderLayer"/>. PyTorch:
    /// <c>nn.TransformerEncoder(encoder_layer, num_layers, norm=None)</c>.</summary>
    /// <param name="encoderLayer">The layer to copy (not itself used).</param>
    /// <param name="numLayers">N.</param>
    /// <param name="norm">Final layer norm, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">numLayers is negative.</exception>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        ArgumentOutOfRangeException.ThrowIfNegative(numLayers);
        Layers = RegisterModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) Layers.Add(encoderLayer.CloneLayer());
        Norm = norm is null ? null : RegisterModule("norm", norm);
    }

    /// <summary>The layers. PyTorch: <c>layers</c>.</summary>
    public ModuleList Layers { get; }

    /// <summary>The final norm, or null. PyTorch: <c>norm</c>.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>Runs the stack without masks.</summary>
    /// <param name="input">src.</param>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs every layer in turn, then the norm. PyTorch: <c>encoder(src, mask=None,
    /// src_key_padding_mask=None, is_causal=False)</c>.</summary>
    /// <param name="src">(S, N, E), (N, S, E) with batchFirst, or (S, E).</param>
    /// <param name="mask">(S, S) attention mask, or null.</param>
    /// <param name="srcKeyPaddingMask">(N, S) padding mask, or null.</param>
    /// <param name="isCausal">Apply the causal mask in every layer.</param>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        // The outputs between layers (and the last one when a norm follows) are intermediates.
        Tensor x = src;
        for (int i = 0; i < Layers.Count; i++)
        {
            x = ((TransformerEncoderLayer)Layers[i]).Forward(x, mask, srcKeyPaddingMask, isCausal);
            if (i < Layers.Count - 1 || Norm is not null) x.ReleaseAfterBackward();
        }
        return Norm is null ? x : Norm.Forward(x);
    }
}

/// <summary>A stack of N identical decoder layers, then an optional final norm. PyTorch:
/// <c>nn.TransformerDecoder</c>.</summary>
/// <remarks>Shapes: as the layer. State-dict keys "layers.{i}.…" and "norm.…".</remarks>
public sealed class TransformerDecoder : Module
{
    /// <summary>Stacks <paramref name="numLayers"/> copies of <paramref name="decoderLayer"/>. PyTorch:
    /// <c>nn.TransformerDecoder(decoder_layer, num_layers, norm=None)</c>.</summary>
    /// <param name="decoderLayer">The layer to copy (not itself used).</param>
    /// <param name="numLayers">N.</param>
    /// <param name="norm">Final layer norm, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">numLayers is negative.</exception>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm? norm = null)
    {
        ArgumentNullException.ThrowIfNull(decoderLayer);
        ArgumentOutOfRangeException.ThrowIfNegative(numLayers);
        Layers = RegisterModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) Layers.Add(decoderLayer.CloneLayer());
        Norm = norm is null ? null : RegisterModule("norm", norm);
    }

    /// <summary>The layers. PyTorch: <c>layers</c>.</summary>
    public ModuleList Layers { get; }

    /// <summary>The final norm, or null. PyTorch: <c>norm</c>.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>Runs every layer in turn against the memory, then the norm. PyTorch: <c>decoder(tgt, memory,
    /// tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None)</c>.</summary>
    /// <param name="tgt">Target.</param>
    /// <param name="memory">Encoder output.</param>
    /// <param name="tgtMask">(T, T) self-attention mask, or null.</param>
    /// <param name="memoryMask">(T, S) cross-attention mask, or null.</param>
    /// <param name="tgtKeyPaddingMask">(N, T) target padding, or null.</param>
    /// <param name="memoryKeyPaddingMask">(N, S) memory padding, or null.</param>
    /// <param name="tgtIsCausal">Apply the causal mask in self-attention.</param>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null,
                          Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false)
    {
        Tensor x = tgt;
        for (int i = 0; i < Layers.Count; i++)
            x = ((TransformerDecoderLayer)Layers[i]).Forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal);
        return Norm is null ? x : Norm.Forward(x);
    }
}

/// <summary>The encoder–decoder Transformer of "Attention is all you need": an encoder stack over the source and a
/// decoder stack over the target that cross-attends to the encoder's output, each ending in a layer norm. No
/// embeddings or output projection (as PyTorch's). PyTorch: <c>nn.Transformer</c>.</summary>
/// <remarks>Shapes: src (S, N, E), tgt (T, N, E) ((N, ·, E) with batchFirst) → (T, N, E). Submodules "encoder"
/// (layers.{i}, norm) and "decoder" (layers.{i}, norm). Every parameter with more than one dim is re-drawn
/// Xavier-uniform, as PyTorch's <c>_reset_parameters</c>.</remarks>
public sealed class Transformer : Module
{
    /// <summary>An encoder–decoder Transformer. PyTorch: <c>nn.Transformer(d_model=512, nhead=8,
    /// num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, activation="relu",
    /// layer_norm_eps=1e-5, batch_first=False, norm_first=False)</c>.</summary>
    /// <param name="dModel">Model width E.</param>
    /// <param name="nhead">Attention heads.</param>
    /// <param name="numEncoderLayers">Encoder layers.</param>
    /// <param name="numDecoderLayers">Decoder layers.</param>
    /// <param name="dimFeedforward">Feed-forward hidden width.</param>
    /// <param name="dropout">Dropout probability.</param>
    /// <param name="activation">Feed-forward activation.</param>
    /// <param name="layerNormEps">eps of the layer norms.</param>
    /// <param name="batchFirst">Inputs are (N, ·, E).</param>
    /// <param name="normFirst">Pre-norm layers.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and dropout.</param>
    /// <exception cref="ArgumentException">nhead does not divide dModel, or a size is not positive.</exception>
    public Transformer(int dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6,
        int dimFeedforward = 2048, double dropout = 0.1, TransformerActivation activation = TransformerActivation.Relu,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType dtype = DType.Float32,
        Generator? generator = null)
    {
        var c = new LayerConfig(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, generator);
        DModel = dModel;
        NHead = nhead;
        BatchFirst = batchFirst;
        Encoder = RegisterModule("encoder", new TransformerEncoder(new TransformerEncoderLayer(c), numEncoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype)));
        Decoder = RegisterModule("decoder", new TransformerDecoder(new TransformerDecoderLayer(c), numDecoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype)));
        foreach (Parameter p in Parameters())
            if (p.Dim > 1) Init.XavierUniform(p, generator: generator);
    }

    /// <summary>Model width. PyTorch: <c>d_model</c>.</summary>
    public int DModel { get; }

    /// <summary>Attention heads. PyTorch: <c>nhead</c>.</summary>
    public int NHead { get; }

    /// <summary>Whether inputs are (N, ·, E). PyTorch: <c>batch_first</c>.</summary>
    public bool BatchFirst { get; }

    /// <summary>The encoder stack. PyTorch: <c>encoder</c>.</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>The decoder stack. PyTorch: <c>decoder</c>.</summary>
    public TransformerDecoder Decoder { get; }

    /// <summary>Encodes src and decodes tgt against it. PyTorch: <c>transformer(src, tgt, src_mask=None, tgt_mask=None,
    /// memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None)</c>.</summary>
    /// <param name="src">Source (S, N, E) / (N, S, E).</param>
    /// <param name="tgt">Target (T, N, E) / (N, T, E).</param>
    /// <param name="srcMask">(S, S) encoder mask, or null.</param>
    /// <param name="tgtMask">(T, T) decoder self-attention mask (e.g. <see cref="GenerateSquareSubsequentMask"/>), or null.</param>
    /// <param name="memoryMask">(T, S) cross-attention mask, or null.</param>
    /// <param name="srcKeyPaddingMask">(N, S) source padding, or null.</param>
    /// <param name="tgtKeyPaddingMask">(N, T) target padding, or null.</param>
    /// <param name="memoryKeyPaddingMask">(N, S) memory padding, or null.</param>
    /// <exception cref="ArgumentException">The batch sizes or widths of src and tgt differ.</exception>
    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
                          Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(tgt);
        int batchDim = BatchFirst ? 0 : 1;
        if (src.Dim != tgt.Dim || src.Size(-1) != DModel || tgt.Size(-1) != DModel || (src.Dim == 3 && src.Size(batchDim) != tgt.Size(batchDim)))
            throw new ArgumentException($"Transformer(d_model={DModel}): src {Py.Shape(src.Shape)} and tgt {Py.Shape(tgt.Shape)} must have the same batch size and feature width {DModel}.");
        Tensor memory = Encoder.Forward(src, srcMask, srcKeyPaddingMask);
        return Decoder.Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /// <summary>The (sz, sz) float causal mask: 0 on and below the diagonal, −∞ above, so position i attends only to
    /// positions ≤ i. PyTorch: <c>nn.Transformer.generate_square_subsequent_mask(sz)</c>.</summary>
    /// <param name="sz">Sequence length.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <exception cref="ArgumentOutOfRangeException">sz is negative.</exception>
    public static Tensor GenerateSquareSubsequentMask(int sz, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sz);
        Tensor above = Tensor.Arange(sz).Reshape(1, sz).Gt(Tensor.Arange(sz).Reshape(sz, 1));
        return Tensor.Where(above, Tensor.Scalar(double.NegativeInfinity, dtype), 0.0);
    }
}
