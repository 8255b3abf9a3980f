using Nabla.Nn;

namespace Nabla.Models;

/// <summary>The size of a <see cref="Bert"/>. Defaults: a small character-level BERT (2 layers, 4 heads, 128-d).</summary>
/// <param name="VocabSize">Token ids, specials included.</param>
/// <param name="MaxPosition">Longest sequence.</param>
/// <param name="Hidden">Width.</param>
/// <param name="Layers">Encoder layers.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Intermediate">Feed-forward width.</param>
/// <param name="TypeVocab">Segments (2: sentence A and B).</param>
public sealed record BertConfig(int VocabSize, int MaxPosition = 128, int Hidden = 128, int Layers = 2, int Heads = 4,
                                int Intermediate = 512, int TypeVocab = 2);

/// <summary>BERT (Devlin et al. 2019): an encoder-only transformer over [CLS] A [SEP] B [SEP], with token + position
/// + segment embeddings, post-norm GELU encoder layers, a masked-LM head tied to the token embedding, and a pooled
/// [CLS] output (Linear + tanh) for sentence-level tasks. Hugging Face: <c>BertForPreTraining</c> (without dropout).</summary>
/// <remarks>Shapes: ids, segments (B, T) Int64, padding mask (B, T) Bool (true = [PAD]) → hidden (B, T, Hidden);
/// MLM logits (B, T, VocabSize); pooled (B, Hidden).</remarks>
public sealed class Bert : Module
{
    /// <summary>A freshly initialised model (embeddings and linear weights N(0, 0.02), biases 0, as BERT).</summary>
    /// <param name="config">The size.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public Bert(BertConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        WordEmbeddings = RegisterModule("word_embeddings", new Embedding(config.VocabSize, config.Hidden, generator: generator));
        PositionEmbeddings = RegisterModule("position_embeddings", new Embedding(config.MaxPosition, config.Hidden, generator: generator));
        TokenTypeEmbeddings = RegisterModule("token_type_embeddings", new Embedding(config.TypeVocab, config.Hidden, generator: generator));
        EmbeddingNorm = RegisterModule("embeddings_norm", new LayerNorm(config.Hidden, eps: 1e-12));
        var layer = new TransformerEncoderLayer(config.Hidden, config.Heads, config.Intermediate, dropout: 0.0,
                                                activation: TransformerActivation.Gelu, layerNormEps: 1e-12, batchFirst: true, generator: generator);
        Encoder = RegisterModule("encoder", new TransformerEncoder(layer, config.Layers));
        MlmTransform = RegisterModule("mlm_transform", new Linear(config.Hidden, config.Hidden, generator: generator));
        MlmNorm = RegisterModule("mlm_norm", new LayerNorm(config.Hidden, eps: 1e-12));
        MlmBias = RegisterParameter("mlm_bias", Tensor.Zeros(config.VocabSize));
        Pooler = RegisterModule("pooler", new Linear(config.Hidden, config.Hidden, generator: generator));
        foreach ((string name, Parameter p) in NamedParameters())
        {
            if (name.Contains("norm", StringComparison.Ordinal)) continue;
            if (p.Dim >= 2) Init.Normal(p, 0, 0.02, generator);
            else Init.Zeros(p);
        }
    }

    /// <summary>The size.</summary>
    public BertConfig Config { get; }

    /// <summary>Token embedding (V, H); also the MLM output matrix (tied).</summary>
    public Embedding WordEmbeddings { get; }

    /// <summary>Learned positions (MaxPosition, H).</summary>
    public Embedding PositionEmbeddings { get; }

    /// <summary>Segment A/B embedding (TypeVocab, H).</summary>
    public Embedding TokenTypeEmbeddings { get; }

    /// <summary>LayerNorm of the summed embeddings.</summary>
    public LayerNorm EmbeddingNorm { get; }

    /// <summary>Post-norm encoder stack.</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>MLM head transform (H → H, then GELU and <see cref="MlmNorm"/>).</summary>
    public Linear MlmTransform { get; }

    /// <summary>LayerNorm of the MLM head.</summary>
    public LayerNorm MlmNorm { get; }

    /// <summary>Output bias of the MLM head (V).</summary>
    public Parameter MlmBias { get; }

    /// <summary>The pooler: tanh(Linear([CLS] output)).</summary>
    public Linear Pooler { get; }

    /// <summary>Contextual token vectors. Shapes: (B, T), (B, T), (B, T) → (B, T, Hidden).</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="segments">Segment ids (0 or 1).</param>
    /// <param name="paddingMask">True at padding, or null.</param>
    /// <exception cref="ArgumentException">T exceeds MaxPosition or the ids are not (B, T) Int64.</exception>
    public Tensor Encode(Tensor ids, Tensor segments, Tensor? paddingMask)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(segments);
        if (ids.Dim != 2 || ids.DType != DType.Int64 || ids.Size(1) > Config.MaxPosition)
            throw new ArgumentException($"Bert: expects ids (B, T ≤ {Config.MaxPosition}) of Int64, got {ids.DType} ({string.Join(", ", ids.Shape)}).", nameof(ids));
        Tensor x = WordEmbeddings.Forward(ids) + PositionEmbeddings.Forward(Tensor.Arange(ids.Size(1))) + TokenTypeEmbeddings.Forward(segments);
        return Encoder.Forward(EmbeddingNorm.Forward(x), null, paddingMask);
    }

    /// <summary>Masked-LM logits: LayerNorm(GELU(Linear(h))) · Eᵀ + b with E the token embedding.
    /// Shapes: (B, T, H) → (B, T, V).</summary>
    /// <param name="hidden">Output of <see cref="Encode"/>.</param>
    public Tensor MlmLogits(Tensor hidden) => Tensor.Linear(MlmNorm.Forward(MlmTransform.Forward(hidden).Gelu()), WordEmbeddings.Weight, MlmBias);

    /// <summary>tanh(Linear(h[:, 0])): the [CLS] summary. Shapes: (B, T, H) → (B, H).</summary>
    /// <param name="hidden">Output of <see cref="Encode"/>.</param>
    public Tensor Pooled(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return Pooler.Forward(hidden.Select(1, 0)).Tanh();
    }

    /// <summary>Mean cross-entropy of the masked-LM predictions over the selected positions (labels ≠ −100).
    /// Shapes: (B, T) each → scalar.</summary>
    /// <param name="inputs">Corrupted ids (<see cref="BertData.MaskTokens"/>).</param>
    /// <param name="segments">Segment ids.</param>
    /// <param name="paddingMask">True at padding.</param>
    /// <param name="labels">Original ids at selected positions, −100 elsewhere.</param>
    public Tensor MlmLoss(Tensor inputs, Tensor segments, Tensor? paddingMask, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Tensor logits = MlmLogits(Encode(inputs, segments, paddingMask));
        return Functional.CrossEntropy(logits.Reshape(-1, Config.VocabSize), labels.Reshape(-1));
    }
}

/// <summary>A classifier on BERT's pooled [CLS] output (fine-tuning): logits = Linear(pooled). Hugging Face:
/// <c>BertForSequenceClassification</c> (without dropout).</summary>
/// <remarks>Shapes: ids, segments (B, T), padding (B, T) → logits (B, NumLabels).</remarks>
public sealed class BertClassifier : Module
{
    /// <summary>A classifier head on a (usually pre-trained) BERT.</summary>
    /// <param name="bert">The encoder, registered as "bert".</param>
    /// <param name="numLabels">Classes.</param>
    /// <param name="generator">The random source of the head's initialisation.</param>
    public BertClassifier(Bert bert, int numLabels, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(bert);
        Bert = RegisterModule("bert", bert);
        Classifier = RegisterModule("classifier", new Linear(bert.Config.Hidden, numLabels, generator: generator));
        Init.Normal(Classifier.Weight, 0, 0.02, generator);
        Init.Zeros(Classifier.Bias!);
    }

    /// <summary>The encoder.</summary>
    public Bert Bert { get; }

    /// <summary>The head, Hidden → NumLabels.</summary>
    public Linear Classifier { get; }

    /// <summary>Class logits. Shapes: (B, T) ×2, (B, T) → (B, NumLabels).</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="segments">Segment ids.</param>
    /// <param name="paddingMask">True at padding, or null.</param>
    public Tensor Forward(Tensor ids, Tensor segments, Tensor? paddingMask) => Classifier.Forward(Bert.Pooled(Bert.Encode(ids, segments, paddingMask)));
}
