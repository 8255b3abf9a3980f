namespace Nabla.Learn;

/// <summary>Transformers followed by a final estimator, fitted and applied as one.
/// scikit-learn: <c>sklearn.pipeline.Pipeline</c>.</summary>
/// <remarks>Fit runs FitTransform on each transformer in turn and fits the final step on the result; Predict,
/// PredictProba, Transform and Score transform through the fitted transformers and call the final step. Steps
/// are fitted in place (as scikit-learn's Pipeline fits the objects it was given). A method the final step does
/// not offer throws <see cref="NotSupportedException"/>, as scikit-learn's <c>available_if</c> hides it.</remarks>
public sealed class Pipeline : IProbabilisticClassifier, IRegressor, ITransformer
{
    private readonly (string Name, IEstimator Step)[] _steps;
    private bool _fitted;

    /// <summary>Creates a pipeline of named steps; every step but the last must be an <see cref="ITransformer"/>.</summary>
    /// <param name="steps">(name, estimator) pairs in order. scikit-learn: <c>steps</c>.</param>
    /// <exception cref="ArgumentException">No steps, duplicate names, or a non-final step that is not a transformer.</exception>
    public Pipeline(params (string Name, IEstimator Step)[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0) throw new ArgumentException("Pipeline: needs at least one step.", nameof(steps));
        if (steps.Select(s => s.Name).Distinct().Count() != steps.Length)
            throw new ArgumentException($"Pipeline: step names must be unique, got [{string.Join(", ", steps.Select(s => s.Name))}].", nameof(steps));
        for (int i = 0; i < steps.Length - 1; i++)
            if (steps[i].Step is not ITransformer)
                throw new ArgumentException($"Pipeline: step '{steps[i].Name}' ({steps[i].Step.GetType().Name}) is not last, so it must be an ITransformer.", nameof(steps));
        _steps = ((string, IEstimator)[])steps.Clone();
    }

    /// <summary>The steps in order. scikit-learn: <c>steps</c>.</summary>
    public IReadOnlyList<(string Name, IEstimator Step)> Steps => _steps;

    /// <summary>The step called <paramref name="name"/>. scikit-learn: <c>named_steps[name]</c>.</summary>
    /// <exception cref="KeyNotFoundException">No step has that name.</exception>
    public IEstimator this[string name] => _steps.FirstOrDefault(s => s.Name == name).Step
        ?? throw new KeyNotFoundException($"Pipeline: no step named '{name}'; steps are [{string.Join(", ", _steps.Select(s => s.Name))}].");

    private IEstimator Final => _steps[^1].Step;

    /// <inheritdoc/>
    public int NFeaturesIn => _steps[0].Step.NFeaturesIn;

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    /// <exception cref="NotSupportedException">The final step is not a classifier.</exception>
    public Tensor Classes => Final is IClassifier c ? c.Classes : throw Unsupported(nameof(Classes));

    /// <summary>Fits each transformer on the output of the previous one, then the final step.</summary>
    /// <returns>This pipeline.</returns>
    public Pipeline Fit(Tensor x, Tensor? y = null)
    {
        Tensor h = x;
        for (int i = 0; i < _steps.Length - 1; i++) h = ((ITransformer)_steps[i].Step).FitTransform(h, y);
        Final.Fit(h, y);
        _fitted = true;
        return this;
    }

    IEstimator IEstimator.Fit(Tensor x, Tensor? y) => Fit(x, y);

    /// <inheritdoc/>
    public IEstimator Clone() => new Pipeline(_steps.Select(s => (s.Name, s.Step.Clone())).ToArray());

    private Tensor Through(Tensor x, string method)
    {
        if (!_fitted) throw new NotFittedException(nameof(Pipeline), method);
        Tensor h = x;
        for (int i = 0; i < _steps.Length - 1; i++) h = ((ITransformer)_steps[i].Step).Transform(h);
        return h;
    }

    private NotSupportedException Unsupported(string method)
        => new($"Pipeline.{method}: the final step '{_steps[^1].Name}' ({Final.GetType().Name}) does not support {method}.");

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The final step does not predict.</exception>
    public Tensor Predict(Tensor x) => Final is IPredictor p ? p.Predict(Through(x, nameof(Predict))) : throw Unsupported(nameof(Predict));

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The final step is not a classifier.</exception>
    public Tensor PredictProba(Tensor x) => Final is IProbabilisticClassifier c ? c.PredictProba(Through(x, nameof(PredictProba))) : throw Unsupported(nameof(PredictProba));

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The final step does not predict.</exception>
    public double Score(Tensor x, Tensor y) => Final is IPredictor p ? p.Score(Through(x, nameof(Score)), y) : throw Unsupported(nameof(Score));

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The final step is not a transformer.</exception>
    public Tensor Transform(Tensor x) => Final is ITransformer t ? t.Transform(Through(x, nameof(Transform))) : throw Unsupported(nameof(Transform));

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The final step is not a transformer.</exception>
    public Tensor FitTransform(Tensor x, Tensor? y = null)
    {
        if (Final is not ITransformer) throw Unsupported(nameof(FitTransform));
        Fit(x, y);
        return Transform(x);
    }
}
