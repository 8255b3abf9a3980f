using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>The non-linearity a layer feeds, for <see cref="Init.CalculateGain"/>. PyTorch: the
/// <c>nonlinearity</c> strings of <c>torch.nn.init</c>.</summary>
public enum Nonlinearity
{
    /// <summary>No non-linearity (gain 1). PyTorch: <c>'linear'</c>.</summary>
    Linear,

    /// <summary>Convolutions (gain 1). PyTorch: <c>'conv1d'</c>, <c>'conv2d'</c>, <c>'conv3d'</c>.</summary>
    Conv,

    /// <summary>Gain 1. PyTorch: <c>'sigmoid'</c>.</summary>
    Sigmoid,

    /// <summary>Gain 5/3. PyTorch: <c>'tanh'</c>.</summary>
    Tanh,

    /// <summary>Gain √2. PyTorch: <c>'relu'</c>.</summary>
    Relu,

    /// <summary>Gain √(2/(1 + slope²)). PyTorch: <c>'leaky_relu'</c>.</summary>
    LeakyRelu,

    /// <summary>Gain 3/4. PyTorch: <c>'selu'</c>.</summary>
    Selu,
}

/// <summary>Which fan Kaiming initialisation preserves. PyTorch: the <c>mode</c> argument.</summary>
public enum FanMode
{
    /// <summary>Preserves the variance of activations in the forward pass. PyTorch: <c>'fan_in'</c>.</summary>
    FanIn,

    /// <summary>Preserves the variance of gradients in the backward pass. PyTorch: <c>'fan_out'</c>.</summary>
    FanOut,
}

/// <summary>Weight initialisation, in place and without recording gradients, with PyTorch's names, defaults and
/// formulas. Every method returns the tensor it filled. PyTorch: <c>torch.nn.init</c>.</summary>
/// <remarks>The random numbers come from Nabla's <see cref="Generator"/> (<see cref="Generator.Default"/> when
/// none is given), so they differ from PyTorch's, but the distributions are the same.</remarks>
public static class Init
{
    /// <summary>The recommended gain for a non-linearity: the factor that keeps the variance of activations
    /// roughly constant through a layer. PyTorch: <c>torch.nn.init.calculate_gain(nonlinearity, param)</c>.</summary>
    /// <param name="nonlinearity">The non-linearity.</param>
    /// <param name="param">The negative slope of <see cref="Nonlinearity.LeakyRelu"/> (default 0.01); ignored by
    /// the others.</param>
    /// <remarks>For leaky ReLU with slope a, E[f(x)²] = (1 + a²)/2 · E[x²] for symmetric x, hence
    /// gain = √(2/(1 + a²)); ReLU is a = 0. Tanh's 5/3 and SELU's 3/4 are PyTorch's empirical choices.</remarks>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "CalculateGain: unknown non-linearity."),
    };

    /// <summary>The fans of a weight: fan_in = size(1)·receptive field, fan_out = size(0)·receptive field, where
    /// the receptive field is the product of the dims after the first two (1 for a Linear weight). PyTorch:
    /// <c>torch.nn.init._calculate_fan_in_and_fan_out</c>.</summary>
    /// <param name="tensor">A weight with at least 2 dims, e.g. (out, in).</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
            throw new ArgumentException($"Init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions, got {Py.Shape(tensor.Shape)}.", nameof(tensor));
        int receptive = 1;
        for (int i = 2; i < tensor.Dim; i++) receptive *= tensor.Size(i);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    /// <summary>Fills with U(a, b). PyTorch: <c>torch.nn.init.uniform_(tensor, a=0, b=1)</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="a">Lower bound.</param>
    /// <param name="b">Upper bound.</param>
    /// <param name="generator">The random source.</param>
    public static Tensor Uniform(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (GradMode.Disable()) return tensor.UniformInPlace(a, b, generator);
    }

    /// <summary>Fills with N(mean, std²). PyTorch: <c>torch.nn.init.normal_(tensor, mean=0, std=1)</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    /// <param name="generator">The random source.</param>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (GradMode.Disable()) return tensor.NormalInPlace(mean, std, generator);
    }

    /// <summary>Fills with one value. PyTorch: <c>torch.nn.init.constant_(tensor, val)</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="value">The value.</param>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (GradMode.Disable()) return tensor.FillInPlace(value);
    }

    /// <summary>Fills with 0. PyTorch: <c>torch.nn.init.zeros_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with 1. PyTorch: <c>torch.nn.init.ones_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)), which gives the variance
    /// gain²·2/(fan_in + fan_out) (Glorot and Bengio 2010). PyTorch: <c>torch.nn.init.xavier_uniform_</c>.</summary>
    /// <param name="tensor">A weight with at least 2 dims.</param>
    /// <param name="gain">Scale factor (see <see cref="CalculateGain"/>).</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        (int fanIn, int fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;     // U(−a, a) has variance a²/3
        return Uniform(tensor, -a, a, generator);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)). PyTorch:
    /// <c>torch.nn.init.xavier_normal_</c>.</summary>
    /// <param name="tensor">A weight with at least 2 dims.</param>
    /// <param name="gain">Scale factor.</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        (int fanIn, int fanOut) = CalculateFanInAndFanOut(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        (int fanIn, int fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0) throw new ArgumentException($"Init: cannot initialise an empty tensor {Py.Shape(tensor.Shape)} (fan is 0).", nameof(tensor));
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>He/Kaiming uniform: U(−bound, bound) with bound = gain·√(3/fan) (He et al. 2015,
    /// arXiv:1502.01852). PyTorch: <c>torch.nn.init.kaiming_uniform_(tensor, a=0, mode='fan_in',
    /// nonlinearity='leaky_relu')</c>.</summary>
    /// <param name="tensor">A weight with at least 2 dims.</param>
    /// <param name="a">The negative slope of the leaky ReLU that follows (0: ReLU). Linear's default uses √5,
    /// which makes bound = 1/√fan_in.</param>
    /// <param name="mode">Which fan to use.</param>
    /// <param name="nonlinearity"><see cref="Nonlinearity.LeakyRelu"/> (default) or <see cref="Nonlinearity.Relu"/>.</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims or no elements.</exception>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
                                        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        double bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain/√fan. PyTorch: <c>torch.nn.init.kaiming_normal_</c>.</summary>
    /// <param name="tensor">A weight with at least 2 dims.</param>
    /// <param name="a">The negative slope of the leaky ReLU that follows (0: ReLU).</param>
    /// <param name="mode">Which fan to use.</param>
    /// <param name="nonlinearity"><see cref="Nonlinearity.LeakyRelu"/> (default) or <see cref="Nonlinearity.Relu"/>.</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims or no elements.</exception>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
                                       Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
        => Normal(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    /// <summary>A (semi-)orthogonal matrix times gain: the Q of the QR decomposition of a standard normal matrix,
    /// with the signs fixed so that R's diagonal is positive, which makes Q uniformly (Haar) distributed (Saxe et al.
    /// 2013, arXiv:1312.6120). Dims after the first are flattened. PyTorch: <c>torch.nn.init.orthogonal_(tensor,
    /// gain=1)</c>.</summary>
    /// <remarks>Shapes: (rows, cols…) viewed as (rows, cols); with rows ≥ cols the columns are orthonormal
    /// (WᵀW = I), otherwise the rows are (WWᵀ = I). The QR runs in double precision by Householder reflections.</remarks>
    /// <param name="tensor">A tensor with at least 2 dims.</param>
    /// <param name="gain">Scale factor.</param>
    /// <param name="generator">The random source.</param>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public static Tensor Orthogonal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
            throw new ArgumentException($"Init.Orthogonal: only tensors with 2 or more dimensions are supported, got {Py.Shape(tensor.Shape)}.", nameof(tensor));
        if (tensor.NumEl == 0) return tensor;
        int rows = tensor.Size(0), cols = tensor.NumEl / rows;
        double[] normal = Tensor.Randn([rows, cols], generator, DType.Float64).ToArray<double>();
        // Work on the tall orientation (m ≥ n): A = flattened, or its transpose when there are fewer rows.
        bool transpose = rows < cols;
        int m = Math.Max(rows, cols), n = Math.Min(rows, cols);
        var a = new double[m, n];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (transpose) a[j, i] = normal[i * cols + j];
                else a[i, j] = normal[i * cols + j];
            }
        }
        double[,] q = Householder.OrthonormalFactor(a);
        var result = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) result[i * cols + j] = gain * (transpose ? q[j, i] : q[i, j]);
        }
        using (GradMode.Disable()) tensor.CopyInPlace(Tensor.FromArray(result, tensor.Shape));
        return tensor;
    }

    /// <summary>Fills a 2-D tensor with the identity (ones on the diagonal). PyTorch: <c>torch.nn.init.eye_</c>.</summary>
    /// <param name="tensor">A 2-D tensor.</param>
    /// <exception cref="ArgumentException">The tensor is not 2-D.</exception>
    public static Tensor Eye(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim != 2)
            throw new ArgumentException($"Init.Eye: only 2-D tensors are supported, got {Py.Shape(tensor.Shape)}.", nameof(tensor));
        using (GradMode.Disable()) return tensor.CopyInPlace(Tensor.Eye(tensor.Size(0), tensor.Size(1), tensor.DType));
    }
}
