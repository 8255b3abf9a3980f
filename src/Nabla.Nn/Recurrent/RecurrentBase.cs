using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>What every recurrent layer shares: the stacked, optionally bidirectional parameters under PyTorch's
/// names and the loop over layers and directions. PyTorch: <c>torch.nn.RNNBase</c>.</summary>
/// <remarks>
/// <para>Parameters, registered in PyTorch's order, for layer k and direction suffix "" (forward) or "_reverse":
/// <c>weight_ih_l{k}{suffix}</c> (G·H, in), <c>weight_hh_l{k}{suffix}</c> (G·H, H), <c>bias_ih_l{k}{suffix}</c> and
/// <c>bias_hh_l{k}{suffix}</c> (G·H), where G is 1 (RNN), 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o) and "in" is
/// InputSize for layer 0 and D·H above it (D = 2 when bidirectional). All initialised U(−1/√H, 1/√H).</para>
/// <para>Shapes: input (T, B, InputSize), or (B, T, InputSize) with BatchFirst, or unbatched (T, InputSize);
/// output (T, B, D·H) (likewise); final state (NumLayers·D, B, H), ordered layer by layer, forward then reverse.</para>
/// <para>Lengths (packed sequences): sequence b has lengths[b] valid steps; its outputs after them are 0 and its
/// final state is the state at its own length (the reverse direction starts at its last valid step), exactly what
/// PyTorch computes on <c>pack_padded_sequence(input, lengths, enforce_sorted=False)</c>.</para>
/// <para>Backpropagation through time: Backward on a loss of the outputs differentiates through every step of the
/// sequence. Truncated BPTT over a long stream: feed chunks of k steps and pass the final state of one chunk,
/// detached, as the initial state of the next — <c>(y, state) = lstm.Forward(chunk, (state.HN.Detach(),
/// state.CN.Detach()))</c> — so the state carries information forward while gradients stop at the chunk boundary
/// (tested in RecurrentTests.Truncated_bptt_stops_gradients_at_the_detached_boundary).</para>
/// </remarks>
/// <typeparam name="TOut">The forward result: (output, h_n) or (output, (h_n, c_n)).</typeparam>
public abstract class RecurrentBase<TOut> : Module<Tensor, TOut>
{
    private readonly Parameter[][] _weights;
    private readonly Generator? _generator;

    private protected RecurrentBase(int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, DType dtype, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        Functional.CheckDropoutProbability(dropout);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        _generator = generator;
        int directions = bidirectional ? 2 : 1;
        _weights = new Parameter[numLayers * directions][];
        for (int layer = 0; layer < numLayers; layer++)
        {
            int layerInput = layer == 0 ? inputSize : hiddenSize * directions;
            for (int d = 0; d < directions; d++)
            {
                string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                var ps = new List<Parameter>
                {
                    RegisterParameter("weight_ih" + suffix, Tensor.Empty([gates * hiddenSize, layerInput], dtype)),
                    RegisterParameter("weight_hh" + suffix, Tensor.Empty([gates * hiddenSize, hiddenSize], dtype)),
                };
                if (bias)
                {
                    ps.Add(RegisterParameter("bias_ih" + suffix, Tensor.Empty([gates * hiddenSize], dtype)));
                    ps.Add(RegisterParameter("bias_hh" + suffix, Tensor.Empty([gates * hiddenSize], dtype)));
                }
                _weights[layer * directions + d] = [.. ps];
            }
        }
        ResetParameters(generator);
    }

    /// <summary>Features of each input step. PyTorch: <c>input_size</c>.</summary>
    public int InputSize { get; }

    /// <summary>H, features of the hidden state. PyTorch: <c>hidden_size</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers; layer k &gt; 0 reads layer k − 1's output. PyTorch: <c>num_layers</c>.</summary>
    public int NumLayers { get; }

    /// <summary>Whether the layers have b_ih and b_hh. PyTorch: <c>bias</c>.</summary>
    public bool Bias { get; }

    /// <summary>Input and output are (B, T, ·) instead of (T, B, ·) (the state stays (L·D, B, H)). PyTorch: <c>batch_first</c>.</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability on the outputs of every layer but the last, in training mode. PyTorch: <c>dropout</c>.</summary>
    public double Dropout { get; }

    /// <summary>Each layer also runs backwards in time and concatenates both outputs. PyTorch: <c>bidirectional</c>.</summary>
    public bool Bidirectional { get; }

    /// <summary>The parameters of each layer and direction (index layer·D + direction), each [W_ih, W_hh] or
    /// [W_ih, W_hh, b_ih, b_hh]. PyTorch: <c>all_weights</c>.</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights => _weights;

    /// <summary>Re-draws every parameter from U(−1/√H, 1/√H). PyTorch: <c>reset_parameters()</c>.</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        double bound = 1 / Math.Sqrt(HiddenSize);
        foreach (Parameter p in Parameters()) Init.Uniform(p, -bound, bound, generator);
    }

    private protected abstract string Name { get; }

    /// <summary>Runs one layer direction. x is (T, B, in) — or (B, T, in) for the LSTM and GRU, whose fused kernels
    /// read either layout — and the result has the same layout.</summary>
    private protected abstract (Tensor Output, Tensor HN, Tensor? CN) RunDirection(Tensor x, Parameter[] w, Tensor h0, Tensor? c0,
        bool reverse, int[]? lengths);

    /// <summary>Whether <see cref="RunDirection"/> reads batch-first input directly.</summary>
    private protected virtual bool HandlesBatchFirst => false;

    /// <summary>The loop over layers and directions, with the checks of the input and the initial state.</summary>
    private protected (Tensor Output, Tensor HN, Tensor? CN) Run(Tensor input, Tensor? h0, Tensor? c0, bool needsCell, int[]? lengths)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Dim != 2 && input.Dim != 3) || input.Size(-1) != InputSize)
            throw new ArgumentException($"{Name}: expected input (T, B, {InputSize}), (B, T, {InputSize}) with batch_first, or unbatched (T, {InputSize}), got {Py.Shape(input.Shape)}.", nameof(input));
        bool unbatched = input.Dim == 2;
        int bDim = BatchFirst ? 0 : 1;
        Tensor x = unbatched ? input.Unsqueeze(bDim) : input;
        int batch = x.Size(bDim), steps = x.Size(1 - bDim), directions = Bidirectional ? 2 : 1, states = NumLayers * directions;
        h0 = CheckState("h0", h0, unbatched, states, batch, x.DType);
        c0 = needsCell ? CheckState("c0", c0, unbatched, states, batch, x.DType) : null;
        if (lengths is not null && (lengths.Length != batch || lengths.Any(l => l < 0 || l > steps)))
            throw new ArgumentException($"{Name}: lengths [{string.Join(", ", lengths)}] must hold {batch} values in [0, {steps}] for input {Py.Shape(input.Shape)}.", nameof(lengths));
        bool transpose = BatchFirst && !HandlesBatchFirst;
        if (transpose) x = x.Transpose(0, 1);
        var hn = new Tensor[states];
        var cn = new Tensor[states];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outs = new Tensor[directions];
            for (int d = 0; d < directions; d++)
            {
                int k = layer * directions + d;
                Tensor hInit = h0?.Select(0, k) ?? Tensor.Zeros([batch, HiddenSize], x.DType);
                Tensor? cInit = needsCell ? c0?.Select(0, k) ?? Tensor.Zeros([batch, HiddenSize], x.DType) : null;
                (outs[d], hn[k], Tensor? c) = RunDirection(x, _weights[k], hInit, cInit, d == 1, lengths);
                if (c is not null) cn[k] = c;
            }
            x = directions == 1 ? outs[0] : Tensor.Cat(outs, -1);
            if (layer < NumLayers - 1 && Dropout > 0 && Training) x = Functional.Dropout(x, Dropout, true, _generator);
        }
        if (transpose) x = x.Transpose(0, 1);
        Tensor hOut = Tensor.Stack(hn), cOut = needsCell ? Tensor.Stack(cn) : null!;
        if (unbatched) return (x.Squeeze(bDim), hOut.Squeeze(1), needsCell ? cOut.Squeeze(1) : null);
        return (x, hOut, needsCell ? cOut : null);
    }

    private Tensor? CheckState(string name, Tensor? state, bool unbatched, int states, int batch, DType dtype)
    {
        if (state is null) return null;
        int[] expected = unbatched ? [states, HiddenSize] : [states, batch, HiddenSize];
        if (!state.Shape.SequenceEqual(expected))
            throw new ArgumentException($"{Name}: expected {name} {Py.Shape(expected)} (num_layers·directions, batch, hidden_size), got {Py.Shape(state.Shape)}.", name);
        if (state.DType != dtype)
            throw new ArgumentException($"{Name}: {name} is {state.DType} but the input is {dtype}.", name);
        return unbatched ? state.Unsqueeze(1) : state;
    }

    /// <summary>The per-step loop of the composite layer (RNN) on time-major x (T, B, in): gx = x·W_ihᵀ + b_ih
    /// for all steps in one GEMM, then <paramref name="step"/> per time step; with lengths, a finished sequence keeps
    /// its state and outputs 0.</summary>
    private protected static (Tensor Output, Tensor HN) Loop(Tensor x, Parameter[] w, Tensor h0, bool reverse, int[]? lengths,
        Func<Tensor, Tensor, Tensor> step)
    {
        Tensor gx = Tensor.Linear(x, w[0], w.Length > 2 ? w[2] : null);
        int steps = x.Size(0);
        var outs = new Tensor[steps];
        Tensor h = h0;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            Tensor hNew = step(gx.Select(0, t), h);
            if (lengths is null)
            {
                h = hNew;
                outs[t] = hNew;
                continue;
            }
            Tensor active = Tensor.FromArray(lengths.Select(l => t < l).ToArray()).Unsqueeze(1);
            h = Tensor.Where(active, hNew, h);
            outs[t] = Tensor.Where(active, hNew, 0.0);
        }
        return (steps == 0 ? Tensor.Zeros([0, h0.Size(0), h0.Size(1)], h0.DType) : Tensor.Stack(outs), h);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        string s = $"{InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Py.Float(Dropout)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}
