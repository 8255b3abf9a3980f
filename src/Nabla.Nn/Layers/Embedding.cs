using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>A lookup table of learned vectors: row i of <see cref="Weight"/> is the embedding of index i. PyTorch:
/// <c>torch.nn.Embedding</c>.</summary>
/// <remarks>
/// <para>Shapes: input (*) of Int64 indices in [0, NumEmbeddings) → output (*, EmbeddingDim). Weight
/// (NumEmbeddings, EmbeddingDim), registered as "weight".</para>
/// <para>Initialisation, as PyTorch's <c>reset_parameters</c>: N(0, 1), then the padding row (if any) set to zero.
/// The padding row receives no gradient, so it stays as it is during training; it is the vector for "no token".</para>
/// </remarks>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>A table with freshly initialised rows. PyTorch: <c>nn.Embedding(num_embeddings, embedding_dim,
    /// padding_idx=None)</c>.</summary>
    /// <param name="numEmbeddings">Size of the vocabulary V.</param>
    /// <param name="embeddingDim">Size of each vector D.</param>
    /// <param name="paddingIdx">The padding row (negative counts from the end), or null.</param>
    /// <param name="generator">The random source of the initialisation (<see cref="Generator.Default"/> when null).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or paddingIdx is outside [−V, V).</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? generator = null, DType dtype = DType.Float32)
        : this(Tensor.Empty([CheckSize(numEmbeddings), CheckSize(embeddingDim)], dtype), paddingIdx, requiresGrad: true)
    {
        ResetParameters(generator);
    }

    private Embedding(Tensor weight, int? paddingIdx, bool requiresGrad)
    {
        if (weight.Dim != 2)
            throw new ArgumentException($"Embedding: weights must be 2-D (num_embeddings, embedding_dim), got {Py.Shape(weight.Shape)}.", nameof(weight));
        NumEmbeddings = weight.Size(0);
        EmbeddingDim = weight.Size(1);
        if (paddingIdx is int p)
        {
            if (p < -NumEmbeddings || p >= NumEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: padding_idx must be within [-{NumEmbeddings}, {NumEmbeddings}).");
            PaddingIdx = p < 0 ? p + NumEmbeddings : p;
        }
        Weight = RegisterParameter("weight", new Parameter(weight, requiresGrad));
    }

    private static int CheckSize(int size, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(size))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size, name);
        return size;
    }

    /// <summary>A layer whose table is <paramref name="embeddings"/> (shared, not copied). PyTorch:
    /// <c>nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None)</c>.</summary>
    /// <param name="embeddings">The rows (V, D), floating point.</param>
    /// <param name="freeze">True: the table is not trained (RequiresGrad false).</param>
    /// <param name="paddingIdx">The padding row (its values are kept as given, as PyTorch), or null.</param>
    /// <exception cref="ArgumentException">The tensor is not 2-D floating point.</exception>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return new Embedding(embeddings.Detach(), paddingIdx, requiresGrad: !freeze);
    }

    /// <summary>Size of the vocabulary V. PyTorch: <c>num_embeddings</c>.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Size of each vector D. PyTorch: <c>embedding_dim</c>.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding row, in [0, V), or null. PyTorch: <c>padding_idx</c>.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The table (V, D). PyTorch: <c>embedding.weight</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>Re-draws the table from N(0, 1) and zeroes the padding row. PyTorch: <c>embedding.reset_parameters()</c>.</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        Init.Normal(Weight, generator: generator);
        if (PaddingIdx is int p)
        {
            using (GradMode.Disable()) Weight.Select(0, p).ZeroInPlace();
        }
    }

    /// <summary>Looks up the rows. PyTorch: <c>embedding(input)</c>.</summary>
    /// <param name="input">Int64 indices (*) in [0, V).</param>
    /// <exception cref="ArgumentException">The input is not Int64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the table.</exception>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
