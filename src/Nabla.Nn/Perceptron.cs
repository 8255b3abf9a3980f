namespace Nabla.Nn;

/// <summary>How a <see cref="Perceptron"/> learns. scikit-learn: <c>Perceptron</c> (the classic rule) and
/// <c>SGDClassifier(loss='hinge')</c>; PyTorch has no perceptron.</summary>
public enum PerceptronRule
{
    /// <summary>Rosenblatt's rule, one sample at a time: w ← w + η(y − ŷ)x, b ← b + η(y − ŷ). It changes the
    /// weights only on mistakes and converges in finitely many steps when the classes are linearly separable
    /// (Novikoff 1962). scikit-learn: <c>Perceptron</c>.</summary>
    Classic,

    /// <summary>Full-batch (sub)gradient descent through autograd on the mean hinge loss max(0, 1 − t·(w·x + b))
    /// with targets t = 2y − 1 ∈ {−1, +1}: the perceptron criterion with a margin of 1, as in a linear SVM
    /// without regularisation. scikit-learn: <c>SGDClassifier(loss='hinge', alpha=0)</c>.</summary>
    Hinge,
}

/// <summary>Rosenblatt's perceptron (1958): a single unit that outputs H(w·x + b), the Heaviside step of a weighted
/// sum, for binary labels 0/1. It can learn exactly the linearly separable functions: AND and OR, but not XOR
/// (Minsky and Papert 1969), which needs a hidden layer. PyTorch has no perceptron (scikit-learn:
/// <c>sklearn.linear_model.Perceptron</c>).</summary>
/// <remarks>Shapes: input (N, InFeatures) → output (N) of 0/1. Parameters "weight" (InFeatures) and "bias" (),
/// both starting at 0 as in Rosenblatt's formulation (so training is deterministic).</remarks>
public sealed class Perceptron : Module<Tensor, Tensor>
{
    /// <summary>An untrained perceptron with zero weights. scikit-learn: <c>Perceptron(eta0=learning_rate)</c>.</summary>
    /// <param name="inFeatures">Number of inputs.</param>
    /// <param name="learningRate">η &gt; 0 (default 1; for the classic rule from zero weights any η gives the same
    /// predictions, since all weights scale with it).</param>
    /// <param name="rule">The learning rule.</param>
    /// <exception cref="ArgumentOutOfRangeException">inFeatures is not positive or η is not positive.</exception>
    public Perceptron(int inFeatures, double learningRate = 1.0, PerceptronRule rule = PerceptronRule.Classic)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Perceptron: the learning rate must be positive.");
        InFeatures = inFeatures;
        LearningRate = learningRate;
        Rule = rule;
        Weight = RegisterParameter("weight", Tensor.Zeros([inFeatures], DType.Float64));
        Bias = RegisterParameter("bias", Tensor.Zeros([], DType.Float64));
    }

    /// <summary>Number of inputs. scikit-learn: <c>n_features_in_</c>.</summary>
    public int InFeatures { get; }

    /// <summary>η. scikit-learn: <c>eta0</c>.</summary>
    public double LearningRate { get; }

    /// <summary>The learning rule. scikit-learn: the estimator class (<c>Perceptron</c> or <c>SGDClassifier</c>).</summary>
    public PerceptronRule Rule { get; }

    /// <summary>w, (InFeatures), Float64. scikit-learn: <c>coef_</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>b, 0-d, Float64. scikit-learn: <c>intercept_</c>.</summary>
    public Parameter Bias { get; }

    /// <summary>The weighted sums w·x + b, before the step (scikit-learn: <c>decision_function</c>).</summary>
    /// <param name="input">(N, InFeatures).</param>
    /// <exception cref="ArgumentException">The input is not (N, InFeatures).</exception>
    public Tensor DecisionFunction(Tensor input)
    {
        CheckInput(input);
        return input.To(DType.Float64).MatMul(Weight) + Bias;
    }

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 2 || input.Size(1) != InFeatures)
            throw new ArgumentException($"Perceptron(in_features={InFeatures}) expects input (N, {InFeatures}) but got {Internal.Py.Shape(input.Shape)}.", nameof(input));
    }

    /// <summary>H(w·x + b): 1 where the weighted sum is positive, else 0. scikit-learn: <c>predict</c>.</summary>
    /// <param name="input">(N, InFeatures).</param>
    /// <exception cref="ArgumentException">The input is not (N, InFeatures).</exception>
    public override Tensor Forward(Tensor input) => DecisionFunction(input).Step();

    /// <summary>The predicted labels 0/1, computed without recording gradients. scikit-learn: <c>predict</c>.</summary>
    /// <param name="input">(N, InFeatures).</param>
    /// <exception cref="ArgumentException">The input is not (N, InFeatures).</exception>
    public Tensor Predict(Tensor input)
    {
        using (GradMode.Disable()) return Forward(input);
    }

    /// <summary>Trains for a number of epochs (passes over the data, in order) and reports the number of
    /// misclassified samples in each, counted with the weights in force when each sample was seen. scikit-learn:
    /// <c>fit</c>.</summary>
    /// <param name="input">(N, InFeatures).</param>
    /// <param name="target">(N) labels 0 or 1.</param>
    /// <param name="epochs">Number of passes (≥ 0).</param>
    /// <returns>The error count of every epoch; once an epoch has 0 errors the data is separated (and the
    /// classic rule stops changing the weights).</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, or a label is not 0 or 1.</exception>
    public int[] Fit(Tensor input, Tensor target, int epochs)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        CheckInput(input);
        Tensor x = input.To(DType.Float64).Contiguous().Detach();
        double[] y = target.To(DType.Float64).ToArray<double>();
        if (target.Dim != 1 || y.Length != x.Size(0))
            throw new ArgumentException($"Perceptron.Fit: input {Internal.Py.Shape(input.Shape)} needs target ({x.Size(0)}) but got {Internal.Py.Shape(target.Shape)}.", nameof(target));
        if (y.Any(v => v is not (0 or 1)))
            throw new ArgumentException("Perceptron.Fit: labels must be 0 or 1.", nameof(target));
        var errors = new int[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
            errors[epoch] = Rule == PerceptronRule.Classic ? ClassicEpoch(x, y) : HingeEpoch(x, y);
        return errors;
    }

    private int ClassicEpoch(Tensor x, double[] y)
    {
        int n = x.Size(0), d = InFeatures;
        double[] xs = x.ToArray<double>();
        Span<double> w = Weight.AsSpan<double>();
        Span<double> b = Bias.AsSpan<double>();
        int mistakes = 0;
        for (int i = 0; i < n; i++)
        {
            double s = b[0];
            for (int j = 0; j < d; j++) s += w[j] * xs[i * d + j];
            double predicted = s > 0 ? 1 : 0;
            double error = y[i] - predicted;      // ∈ {−1, 0, 1}
            if (error == 0) continue;
            mistakes++;
            for (int j = 0; j < d; j++) w[j] += LearningRate * error * xs[i * d + j];
            b[0] += LearningRate * error;
        }
        return mistakes;
    }

    private int HingeEpoch(Tensor x, double[] y)
    {
        Tensor t = Tensor.FromArray(y.Select(v => 2 * v - 1).ToArray());   // labels 0/1 → targets −1/+1
        Tensor scores = DecisionFunction(x);
        int mistakes;
        using (GradMode.Disable()) mistakes = (int)scores.Step().Ne(Tensor.FromArray(y)).To(DType.Int64).Sum().Item<long>();
        // Mean hinge loss; its subgradient is −t·x on the samples inside the margin (t·s < 1) and 0 elsewhere.
        Tensor loss = (1.0 - t * scores).Relu().Mean();
        ZeroGrad();
        loss.Backward();
        using (GradMode.Disable())
        {
            Weight.SubInPlace(Weight.Grad!, LearningRate);
            Bias.SubInPlace(Bias.Grad!, LearningRate);
        }
        return mistakes;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, rule={Rule}";
}
