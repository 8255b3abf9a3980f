using Nabla.Nn.Internal;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn;

/// <summary>The fixed sinusoidal positional encoding of "Attention is all you need" (Vaswani et al. 2017), added to
/// the input: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), then dropout.
/// Each dimension pair is a rotation at its own wavelength (2π … 10000·2π), so PE[pos + k] is a linear function of
/// PE[pos] and attention can pick up relative offsets. PyTorch: the tutorial's <c>PositionalEncoding</c>.</summary>
/// <remarks>Shapes: input (N, L, d) with batchFirst, else (L, N, d) → the same; L ≤ maxLen. The table is the
/// non-persistent buffer "pe" (maxLen, d): recomputed, not saved in state dicts.</remarks>
public sealed class SinusoidalPositionalEncoding : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>A sinusoidal encoding for up to <paramref name="maxLen"/> positions.</summary>
    /// <param name="dModel">Model width d.</param>
    /// <param name="maxLen">Longest sequence.</param>
    /// <param name="dropout">Dropout probability after the addition (training only).</param>
    /// <param name="batchFirst">Inputs are (N, L, d) rather than (L, N, d).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the dropout.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or dropout is outside [0, 1].</exception>
    public SinusoidalPositionalEncoding(int dModel, int maxLen = 5000, double dropout = 0.0, bool batchFirst = true,
                                        DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dModel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLen, 1);
        F.CheckDropoutProbability(dropout);
        DModel = dModel;
        MaxLen = maxLen;
        Dropout = dropout;
        BatchFirst = batchFirst;
        _generator = generator;
        Pe = RegisterBuffer("pe", Table(maxLen, dModel).To(dtype), persistent: false);
    }

    /// <summary>Model width d.</summary>
    public int DModel { get; }

    /// <summary>Longest sequence.</summary>
    public int MaxLen { get; }

    /// <summary>Dropout probability after the addition.</summary>
    public double Dropout { get; }

    /// <summary>Whether inputs are (N, L, d).</summary>
    public bool BatchFirst { get; }

    /// <summary>The table PE, (maxLen, d).</summary>
    public Tensor Pe { get; }

    /// <summary>PE[pos, 2i] = sin(pos·ω_i), PE[pos, 2i+1] = cos(pos·ω_i) with ω_i = 10000^(−2i/d), in float64.</summary>
    /// <param name="length">Positions.</param>
    /// <param name="dModel">Width d.</param>
    public static Tensor Table(int length, int dModel)
    {
        var pe = new double[length * dModel];
        for (int pos = 0; pos < length; pos++)
            for (int c = 0; c < dModel; c++)
            {
                double omega = Math.Pow(10000.0, -(c - c % 2) / (double)dModel);
                pe[pos * dModel + c] = c % 2 == 0 ? Math.Sin(pos * omega) : Math.Cos(pos * omega);
            }
        return Tensor.FromArray(pe, length, dModel);
    }

    /// <summary>x + PE[offset : offset + L], then dropout.</summary>
    /// <param name="input">(N, L, d) with batchFirst, else (L, N, d).</param>
    public override Tensor Forward(Tensor input) => Forward(input, 0);

    /// <summary>x + PE[offset : offset + L] (positions offset…offset+L−1, e.g. new tokens after a cache), then
    /// dropout.</summary>
    /// <param name="input">(N, L, d) with batchFirst, else (L, N, d).</param>
    /// <param name="offset">Position of the first row.</param>
    /// <exception cref="ArgumentException">The width is not d or offset + L exceeds maxLen.</exception>
    public Tensor Forward(Tensor input, int offset)
    {
        ArgumentNullException.ThrowIfNull(input);
        int l = input.Dim == 3 ? input.Size(BatchFirst ? 1 : 0) : -1;
        if (input.Dim != 3 || input.Size(2) != DModel || offset < 0 || offset + l > MaxLen)
            throw new ArgumentException($"SinusoidalPositionalEncoding(d_model={DModel}, max_len={MaxLen}): input {Py.Shape(input.Shape)} at offset {offset} must be {(BatchFirst ? "(N, L, d)" : "(L, N, d)")} with d = {DModel} and offset + L ≤ {MaxLen}.");
        Tensor pe = Pe.Narrow(0, offset, l);
        Tensor y = input + (BatchFirst ? pe : pe.Unsqueeze(1));
        return F.Dropout(y, Dropout, Training, _generator);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"d_model={DModel}, max_len={MaxLen}, dropout={Py.Float(Dropout)}";
}

/// <summary>A learned absolute positional embedding, one trainable vector per position added to the input (as in
/// BERT and GPT-2). PyTorch: <c>x + nn.Embedding(max_len, d)(torch.arange(L))</c>.</summary>
/// <remarks>Shapes: input (N, L, d) (batch first) → the same. Parameter "weight" (maxLen, d), initialised N(0, 1) as
/// nn.Embedding's.</remarks>
public sealed class LearnedPositionalEmbedding : Module<Tensor, Tensor>
{
    /// <summary>A table of <paramref name="maxLen"/> learned position vectors.</summary>
    /// <param name="maxLen">Longest sequence.</param>
    /// <param name="dModel">Model width d.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public LearnedPositionalEmbedding(int maxLen, int dModel, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLen, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dModel, 1);
        MaxLen = maxLen;
        DModel = dModel;
        Weight = RegisterParameter("weight", Tensor.Empty([maxLen, dModel], dtype));
        Init.Normal(Weight, generator: generator);
    }

    /// <summary>Longest sequence.</summary>
    public int MaxLen { get; }

    /// <summary>Model width d.</summary>
    public int DModel { get; }

    /// <summary>The position vectors, (maxLen, d). PyTorch: <c>embedding.weight</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>x + W[0 : L].</summary>
    /// <param name="input">(N, L, d).</param>
    public override Tensor Forward(Tensor input) => Forward(input, 0);

    /// <summary>x + W[offset : offset + L] (positions offset…offset+L−1, e.g. new tokens after a cache).</summary>
    /// <param name="input">(N, L, d).</param>
    /// <param name="offset">Position of the first row.</param>
    /// <exception cref="ArgumentException">The width is not d or offset + L exceeds maxLen.</exception>
    public Tensor Forward(Tensor input, int offset)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 3 || input.Size(2) != DModel || offset < 0 || offset + input.Size(1) > MaxLen)
            throw new ArgumentException($"LearnedPositionalEmbedding(max_len={MaxLen}, d_model={DModel}): input {Py.Shape(input.Shape)} at offset {offset} must be (N, L, {DModel}) with offset + L ≤ {MaxLen}.");
        return input + Weight.Narrow(0, offset, input.Size(1));
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{MaxLen}, {DModel}";
}
