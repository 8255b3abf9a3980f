using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>What the single-step cells share: W_ih (G·H, in), W_hh (G·H, H), b_ih and b_hh (G·H) under PyTorch's
/// names "weight_ih", "weight_hh", "bias_ih", "bias_hh", initialised U(−1/√H, 1/√H). PyTorch: <c>torch.nn.RNNCellBase</c>.</summary>
/// <typeparam name="TState">The state: h, or (h, c) for the LSTM.</typeparam>
public abstract class RecurrentCellBase<TState> : Module<Tensor, TState>
{
    private protected RecurrentCellBase(int gates, int inputSize, int hiddenSize, bool bias, DType dtype, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty([gates * hiddenSize, inputSize], dtype));
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty([gates * hiddenSize, hiddenSize], dtype));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", Tensor.Empty([gates * hiddenSize], dtype));
            BiasHh = RegisterParameter("bias_hh", Tensor.Empty([gates * hiddenSize], dtype));
        }
        ResetParameters(generator);
    }

    /// <summary>Features of the input. PyTorch: <c>input_size</c>.</summary>
    public int InputSize { get; }

    /// <summary>H. PyTorch: <c>hidden_size</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ih (G·H, InputSize). PyTorch: <c>weight_ih</c>.</summary>
    public Parameter WeightIh { get; }

    /// <summary>W_hh (G·H, H). PyTorch: <c>weight_hh</c>.</summary>
    public Parameter WeightHh { get; }

    /// <summary>b_ih (G·H) or null. PyTorch: <c>bias_ih</c>.</summary>
    public Parameter? BiasIh { get; }

    /// <summary>b_hh (G·H) or null. PyTorch: <c>bias_hh</c>.</summary>
    public Parameter? BiasHh { get; }

    /// <summary>Re-draws every parameter from U(−1/√H, 1/√H). PyTorch: <c>reset_parameters()</c>.</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        double bound = 1 / Math.Sqrt(HiddenSize);
        foreach (Parameter p in Parameters()) Init.Uniform(p, -bound, bound, generator);
    }

    private protected abstract string Name { get; }

    /// <summary>Checks the input (B, in) or (in) and a state (B, H) or (H); returns the batched input, the batched
    /// state (zeros when null) and whether to squeeze the result.</summary>
    private protected (Tensor X, Tensor H, bool Unbatched) Prepare(Tensor input, Tensor? h, string stateName)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Dim != 1 && input.Dim != 2) || input.Size(-1) != InputSize)
            throw new ArgumentException($"{Name}: expected input (B, {InputSize}) or ({InputSize}), got {Py.Shape(input.Shape)}.", nameof(input));
        bool unbatched = input.Dim == 1;
        Tensor x = unbatched ? input.Unsqueeze(0) : input;
        if (h is null) return (x, Tensor.Zeros([x.Size(0), HiddenSize], x.DType), unbatched);
        int[] expected = unbatched ? [HiddenSize] : [x.Size(0), HiddenSize];
        if (!h.Shape.SequenceEqual(expected))
            throw new ArgumentException($"{Name}: expected {stateName} {Py.Shape(expected)} for input {Py.Shape(input.Shape)}, got {Py.Shape(h.Shape)}.", stateName);
        return (x, unbatched ? h.Unsqueeze(0) : h, unbatched);
    }

    /// <summary>x·W_ihᵀ + b_ih.</summary>
    private protected Tensor InputGates(Tensor x) => Tensor.Linear(x, WeightIh, BiasIh);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BiasIh is null ? ", bias=False" : "");
}

/// <summary>One step of an Elman RNN: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). PyTorch: <c>torch.nn.RNNCell</c>.</summary>
/// <remarks>Shapes: input (B, in) or (in), h (B, H) or (H) → h' of h's shape.</remarks>
public sealed class RnnCell : RecurrentCellBase<Tensor>
{
    /// <summary>A cell with fresh parameters. PyTorch: <c>nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')</c>.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="bias">Whether to learn the biases.</param>
    /// <param name="nonlinearity">Tanh or Relu.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">The non-linearity is neither tanh nor ReLU.</exception>
    public RnnCell(int inputSize, int hiddenSize, bool bias = true, Nonlinearity nonlinearity = Nonlinearity.Tanh,
        DType dtype = DType.Float32, Generator? generator = null)
        : base(1, inputSize, hiddenSize, bias, dtype, generator)
    {
        if (nonlinearity is not (Nonlinearity.Tanh or Nonlinearity.Relu))
            throw new ArgumentException($"RNNCell: unknown nonlinearity '{nonlinearity}'; use Tanh or Relu.", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    /// <summary>tanh or ReLU. PyTorch: <c>nonlinearity</c>.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <inheritdoc/>
    protected override string TypeName => "RNNCell";

    private protected override string Name => "RNNCell";

    /// <summary>One step from h = 0. PyTorch: <c>cell(input)</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>One step. PyTorch: <c>cell(input, hx)</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    /// <param name="hx">h (B, H) or (H); zeros when null.</param>
    /// <exception cref="ArgumentException">A shape does not match.</exception>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        (Tensor x, Tensor h, bool unbatched) = Prepare(input, hx, "hx");
        Tensor y = RecurrentSteps.Rnn(InputGates(x), h, WeightHh, BiasHh, Nonlinearity);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity == Nonlinearity.Relu ? ", nonlinearity=relu" : "");
}

/// <summary>One GRU step (gates r, z, n; n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h' = (1 − z)⊙n + z⊙h).
/// PyTorch: <c>torch.nn.GRUCell</c>.</summary>
/// <remarks>Shapes: input (B, in) or (in), h (B, H) or (H) → h' of h's shape.</remarks>
public sealed class GruCell : RecurrentCellBase<Tensor>
{
    /// <summary>A cell with fresh parameters. PyTorch: <c>nn.GRUCell(input_size, hidden_size, bias=True)</c>.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="bias">Whether to learn the biases.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public GruCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(3, inputSize, hiddenSize, bias, dtype, generator)
    {
    }

    /// <inheritdoc/>
    protected override string TypeName => "GRUCell";

    private protected override string Name => "GRUCell";

    /// <summary>One step from h = 0. PyTorch: <c>cell(input)</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>One step. PyTorch: <c>cell(input, hx)</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    /// <param name="hx">h (B, H) or (H); zeros when null.</param>
    /// <exception cref="ArgumentException">A shape does not match.</exception>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        (Tensor x, Tensor h, bool unbatched) = Prepare(input, hx, "hx");
        Tensor y = RecurrentSteps.Gru(InputGates(x), h, WeightHh, BiasHh);
        return unbatched ? y.Squeeze(0) : y;
    }
}

/// <summary>One LSTM step (gates i, f, g, o; c' = f⊙c + i⊙g; h' = o⊙tanh(c')). PyTorch: <c>torch.nn.LSTMCell</c>.</summary>
/// <remarks>Shapes: input (B, in) or (in), h and c (B, H) or (H) → (h', c') of the same shapes.</remarks>
public sealed class LstmCell : RecurrentCellBase<(Tensor H, Tensor C)>
{
    /// <summary>A cell with fresh parameters. PyTorch: <c>nn.LSTMCell(input_size, hidden_size, bias=True)</c>.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="bias">Whether to learn the biases.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base(4, inputSize, hiddenSize, bias, dtype, generator)
    {
    }

    /// <inheritdoc/>
    protected override string TypeName => "LSTMCell";

    private protected override string Name => "LSTMCell";

    /// <summary>One step from (h, c) = 0. PyTorch: <c>cell(input)</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    public override (Tensor H, Tensor C) Forward(Tensor input) => Forward(input, null);

    /// <summary>One step. PyTorch: <c>cell(input, (h, c))</c>.</summary>
    /// <param name="input">(B, in) or (in).</param>
    /// <param name="state">(h, c), each (B, H) or (H); zeros when null.</param>
    /// <exception cref="ArgumentException">A shape does not match.</exception>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        (Tensor x, Tensor h, bool unbatched) = Prepare(input, state?.H, "h");
        (_, Tensor c, _) = Prepare(input, state?.C, "c");
        (Tensor h1, Tensor c1) = RecurrentSteps.Lstm(InputGates(x), h, c, WeightHh, BiasHh);
        return unbatched ? (h1.Squeeze(0), c1.Squeeze(0)) : (h1, c1);
    }
}
