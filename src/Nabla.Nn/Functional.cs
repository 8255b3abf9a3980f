using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>The functional forms of layers, activations and losses, for use without module objects; write
/// <c>using F = Nabla.Nn.Functional;</c> and call <c>F.Relu(x)</c>, <c>F.CrossEntropy(logits, target)</c>.
/// PyTorch: <c>torch.nn.functional</c>.</summary>
public static partial class Functional
{
    // ---- activations ---------------------------------------------------------------------------------------

    /// <summary>max(x, 0). PyTorch: <c>F.relu</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public static Tensor Relu(Tensor input) => NotNull(input).Relu();

    /// <summary>σ(x) = 1/(1 + e⁻ˣ). PyTorch: <c>torch.sigmoid</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public static Tensor Sigmoid(Tensor input) => NotNull(input).Sigmoid();

    /// <summary>tanh x. PyTorch: <c>torch.tanh</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public static Tensor Tanh(Tensor input) => NotNull(input).Tanh();

    /// <summary>The Heaviside step, 1 for x &gt; 0, else 0 (gradient 0). PyTorch: <c>torch.heaviside(x, 0)</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public static Tensor Step(Tensor input) => NotNull(input).Step();

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise. PyTorch: <c>F.leaky_relu</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0.</param>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => NotNull(input).LeakyRelu(negativeSlope);

    /// <summary>GELU, x·Φ(x). PyTorch: <c>F.gelu(input, approximate)</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="approximate">Exact or the tanh approximation.</param>
    public static Tensor Gelu(Tensor input, GeluApproximation approximate = GeluApproximation.None) => NotNull(input).Gelu(approximate);

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise. PyTorch: <c>F.elu</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="alpha">α.</param>
    public static Tensor Elu(Tensor input, double alpha = 1.0) => NotNull(input).Elu(alpha);

    /// <summary>(1/β)·ln(1 + e^(βx)), linear above the threshold. PyTorch: <c>F.softplus</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="beta">β.</param>
    /// <param name="threshold">Linear where βx exceeds it.</param>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) => NotNull(input).Softplus(beta, threshold);

    /// <summary>x·σ(x). PyTorch: <c>F.silu</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public static Tensor Silu(Tensor input) => NotNull(input).Silu();

    /// <summary>Softmax along a dim. PyTorch: <c>F.softmax(input, dim)</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="dim">The dim.</param>
    public static Tensor Softmax(Tensor input, int dim) => NotNull(input).Softmax(dim);

    /// <summary>log softmax along a dim. PyTorch: <c>F.log_softmax(input, dim)</c>.</summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="dim">The dim.</param>
    public static Tensor LogSoftmax(Tensor input, int dim) => NotNull(input).LogSoftmax(dim);

    // ---- layers --------------------------------------------------------------------------------------------

    /// <summary>x·Wᵀ + b. PyTorch: <c>F.linear(input, weight, bias)</c>.</summary>
    /// <remarks>Shapes: input (*, in), weight (out, in), bias (out) → (*, out).</remarks>
    /// <param name="input">x.</param>
    /// <param name="weight">W.</param>
    /// <param name="bias">b, or null.</param>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Tensor.Linear(input, weight, bias);

    /// <summary>Inverted dropout: in training, zeroes each element with probability p (Bernoulli masks) and scales
    /// the rest by 1/(1 − p); otherwise returns the input. PyTorch: <c>F.dropout(input, p=0.5, training=True)</c>.</summary>
    /// <remarks>Shapes: any → the same. p = 1 gives zeros (no division by 0).</remarks>
    /// <param name="input">A floating-point tensor.</param>
    /// <param name="p">Probability of zeroing, in [0, 1].</param>
    /// <param name="training">Apply dropout (true) or return the input (false).</param>
    /// <param name="generator">The random source (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        if (!training || p == 0) return input;
        if (p == 1) return input * 0.0;
        Tensor keep = Tensor.Bernoulli(input.Shape, 1 - p, generator, input.DType.IsFloatingPoint() ? input.DType : DType.Float32);
        // E[mask/(1 − p)] = 1, so the expected output equals the input and eval mode needs no rescaling.
        return input * keep * (1.0 / (1 - p));
    }

    internal static void CheckDropoutProbability(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout: probability has to be between 0 and 1, but got {Py.Float(p)}.");
    }

    private static Tensor NotNull(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }
}
