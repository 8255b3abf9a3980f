using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>A multi-layer Elman RNN: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) with act tanh or ReLU.
/// PyTorch: <c>torch.nn.RNN</c>.</summary>
/// <remarks>Shapes and parameter names as <see cref="RecurrentBase{TOut}"/> with G = 1. Forward returns
/// (output, h_n) as PyTorch.</remarks>
public sealed class Rnn : RecurrentBase<(Tensor Output, Tensor HN)>
{
    /// <summary>A layer with freshly initialised parameters. PyTorch: <c>nn.RNN(input_size, hidden_size, num_layers=1,
    /// nonlinearity='tanh', bias=True, batch_first=False, dropout=0, bidirectional=False)</c>.</summary>
    /// <param name="inputSize">Features of each input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="nonlinearity"><see cref="Nabla.Nn.Nonlinearity.Tanh"/> or <see cref="Nabla.Nn.Nonlinearity.Relu"/>.</param>
    /// <param name="bias">Whether to learn b_ih and b_hh.</param>
    /// <param name="batchFirst">Input and output are (B, T, ·).</param>
    /// <param name="dropout">Dropout between layers (training mode only).</param>
    /// <param name="bidirectional">Also run backwards in time.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and of the dropout masks.</param>
    /// <exception cref="ArgumentException">The non-linearity is neither tanh nor ReLU.</exception>
    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, Nonlinearity nonlinearity = Nonlinearity.Tanh, bool bias = true,
        bool batchFirst = false, double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base(1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
    {
        if (nonlinearity is not (Nonlinearity.Tanh or Nonlinearity.Relu))
            throw new ArgumentException($"RNN: unknown nonlinearity '{nonlinearity}'; use Tanh or Relu.", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    /// <summary>tanh or ReLU. PyTorch: <c>nonlinearity</c>.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <inheritdoc/>
    protected override string TypeName => "RNN";

    private protected override string Name => "RNN";

    /// <summary>Runs the layers from a zero initial state. PyTorch: <c>rnn(input)</c>.</summary>
    /// <param name="input">(T, B, InputSize), (B, T, InputSize) with BatchFirst, or (T, InputSize).</param>
    public override (Tensor Output, Tensor HN) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the layers. PyTorch: <c>rnn(input, h_0)</c>; with lengths, <c>rnn(pack_padded_sequence(input,
    /// lengths, enforce_sorted=False), h_0)</c> followed by <c>pad_packed_sequence</c>.</summary>
    /// <param name="input">(T, B, InputSize), (B, T, InputSize) with BatchFirst, or (T, InputSize).</param>
    /// <param name="h0">Initial state (NumLayers·D, B, H) (zeros when null).</param>
    /// <param name="lengths">Valid steps per sequence (B values in [0, T]), or null for all.</param>
    /// <returns>output (T, B, D·H) and h_n (NumLayers·D, B, H).</returns>
    /// <exception cref="ArgumentException">A shape does not match; the message gives the expected one.</exception>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0, int[]? lengths = null)
    {
        (Tensor output, Tensor hn, _) = Run(input, h0, null, needsCell: false, lengths);
        return (output, hn);
    }

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunDirection(Tensor x, Parameter[] w, Tensor h0, Tensor? c0, bool reverse, int[]? lengths)
    {
        Parameter whh = w[1];
        Parameter? bhh = w.Length > 2 ? w[3] : null;
        Nonlinearity act = Nonlinearity;
        (Tensor output, Tensor hn) = Loop(x, w, h0, reverse, lengths, (gx, h) => RecurrentSteps.Rnn(gx, h, whh, bhh, act));
        return (output, hn, null);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity == Nonlinearity.Relu ? ", nonlinearity=relu" : "");
}
