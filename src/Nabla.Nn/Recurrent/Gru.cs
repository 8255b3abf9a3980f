namespace Nabla.Nn;

/// <summary>A multi-layer gated recurrent unit. PyTorch: <c>torch.nn.GRU</c>.</summary>
/// <remarks>
/// <para>Per step, with gates in PyTorch's order (r, z, n): r = σ(W_ir x + b_ir + W_hr h + b_hr),
/// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h.</para>
/// <para>Shapes and parameter names as <see cref="RecurrentBase{TOut}"/> with G = 3. Forward returns (output, h_n).</para>
/// <para>Speed: each layer direction is one fused <see cref="Tensor.GruLayer"/> (the input part of the gates one GEMM
/// over all steps, the recurrence and backpropagation through time inside one autograd node, W_hh's gradient one
/// GEMM over all steps).</para>
/// </remarks>
public sealed class Gru : RecurrentBase<(Tensor Output, Tensor HN)>
{
    /// <summary>A layer with freshly initialised parameters. PyTorch: <c>nn.GRU(input_size, hidden_size, num_layers=1,
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
    public Gru(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base(3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
    {
    }

    /// <inheritdoc/>
    protected override string TypeName => "GRU";

    private protected override string Name => "GRU";

    /// <summary>Runs the layers from a zero initial state. PyTorch: <c>gru(input)</c>.</summary>
    /// <param name="input">(T, B, InputSize), (B, T, InputSize) with BatchFirst, or (T, InputSize).</param>
    public override (Tensor Output, Tensor HN) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the layers. PyTorch: <c>gru(input, h_0)</c>; with lengths, as on a packed sequence.</summary>
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

    private protected override bool HandlesBatchFirst => true;

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunDirection(Tensor x, Parameter[] w, Tensor h0, Tensor? c0, bool reverse, int[]? lengths)
    {
        (Tensor output, Tensor hn) = Tensor.GruLayer(x, w[0], w[1], w.Length > 2 ? w[2] : null, w.Length > 2 ? w[3] : null,
            h0, BatchFirst, reverse, lengths);
        return (output, hn, null);
    }
}
