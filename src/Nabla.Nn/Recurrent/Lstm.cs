namespace Nabla.Nn;

/// <summary>A multi-layer long short-term memory network. PyTorch: <c>torch.nn.LSTM</c>.</summary>
/// <remarks>
/// <para>Per step, with gates in PyTorch's order (i, f, g, o) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh: i, f, o = σ(·),
/// g = tanh(·); c' = f⊙c + i⊙g; h' = o⊙tanh(c').</para>
/// <para>Shapes and parameter names as <see cref="RecurrentBase{TOut}"/> with G = 4. Forward returns
/// (output, (h_n, c_n)).</para>
/// <para>Speed: each layer direction is one fused <see cref="Tensor.LstmLayer"/> (the input part of the gates one
/// GEMM over all steps, the recurrence with fused gates, backpropagation through time inside the one autograd node,
/// W_hh's gradient as one GEMM over all steps).</para>
/// </remarks>
public sealed class Lstm : RecurrentBase<(Tensor Output, (Tensor HN, Tensor CN) State)>
{
    /// <summary>A layer with freshly initialised parameters. PyTorch: <c>nn.LSTM(input_size, hidden_size, num_layers=1,
    /// bias=True, batch_first=False, dropout=0, bidirectional=False)</c>.</summary>
    /// <param name="inputSize">Features of each input step.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether to learn b_ih and b_hh.</param>
    /// <param name="batchFirst">Input and output are (B, T, ·).</param>
    /// <param name="dropout">Dropout between layers (training mode only).</param>
    /// <param name="bidirectional">Also run backwards in time.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation and of the dropout masks.</param>
    public Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base(4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
    {
    }

    /// <inheritdoc/>
    protected override string TypeName => "LSTM";

    private protected override string Name => "LSTM";

    private protected override bool HandlesBatchFirst => true;

    /// <summary>Runs the layers from a zero initial state. PyTorch: <c>lstm(input)</c>.</summary>
    /// <param name="input">(T, B, InputSize), (B, T, InputSize) with BatchFirst, or (T, InputSize).</param>
    public override (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the layers. PyTorch: <c>lstm(input, (h_0, c_0))</c>; with lengths, as on a packed sequence.</summary>
    /// <param name="input">(T, B, InputSize), (B, T, InputSize) with BatchFirst, or (T, InputSize).</param>
    /// <param name="state">Initial (h_0, c_0), each (NumLayers·D, B, H) (zeros when null).</param>
    /// <param name="lengths">Valid steps per sequence (B values in [0, T]), or null for all.</param>
    /// <returns>output (T, B, D·H) and (h_n, c_n), each (NumLayers·D, B, H).</returns>
    /// <exception cref="ArgumentException">A shape does not match; the message gives the expected one.</exception>
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state, int[]? lengths = null)
    {
        (Tensor output, Tensor hn, Tensor? cn) = Run(input, state?.H0, state?.C0, needsCell: true, lengths);
        return (output, (hn, cn!));
    }

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunDirection(Tensor x, Parameter[] w, Tensor h0, Tensor? c0, bool reverse, int[]? lengths)
    {
        // The input projection (one GEMM for all steps, both biases folded in) runs inside the fused layer op, so
        // the 4H-wide gate inputs and their gradient never become tensors.
        (Tensor output, Tensor hn, Tensor cn) = Tensor.LstmLayer(x, w[0], w[1], w.Length > 2 ? w[2] : null, w.Length > 2 ? w[3] : null,
            h0, c0!, BatchFirst, reverse, lengths);
        return (output, hn, cn);
    }
}
