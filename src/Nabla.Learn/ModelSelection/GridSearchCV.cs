namespace Nabla.Learn.ModelSelection;

/// <summary>Cross-validates each candidate model and refits the best on all the data.
/// scikit-learn: <c>sklearn.model_selection.GridSearchCV(estimator, param_grid, scoring=None, cv=5, refit=True)</c>.</summary>
/// <remarks>
/// Where scikit-learn takes an estimator and a parameter grid, Nabla takes the candidates themselves, since
/// hyper-parameters are init-only properties: <c>from c in new[] { 0.1, 1, 10 } select new LogisticRegression { C = c }</c>.
/// Each candidate is scored by <see cref="Validation.CrossValidate"/> on the same folds; the best mean test score wins,
/// the first on ties (scikit-learn's rank 1 with <c>method='min'</c>). Predict and Score use the refitted best model.
/// </remarks>
public sealed class GridSearchCV : IPredictor
{
    private readonly IPredictor[] _candidates;
    private double[]? _mean, _std;
    private int? _bestIndex;
    private IPredictor? _best;

    /// <summary>Creates the search over <paramref name="candidates"/> (unfitted templates; they are cloned, never fitted).</summary>
    /// <exception cref="ArgumentException">No candidates.</exception>
    public GridSearchCV(IEnumerable<IPredictor> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        _candidates = candidates.ToArray();
        if (_candidates.Length == 0) throw new ArgumentException("GridSearchCV: needs at least one candidate.", nameof(candidates));
    }

    /// <summary>The candidate models, in order.</summary>
    public IReadOnlyList<IPredictor> Candidates => _candidates;

    /// <summary>A scoring name from <see cref="Validation.Scorings"/>; null uses each model's own Score.
    /// scikit-learn: <c>scoring=None</c>.</summary>
    public string? Scoring { get; init; }

    /// <summary>The splitter; null means 5 folds, stratified for classifiers. scikit-learn: <c>cv=5</c>.</summary>
    public ICrossValidator? Cv { get; init; }

    /// <summary>Mean cross-validated test score of each candidate. scikit-learn: <c>cv_results_['mean_test_score']</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor MeanTestScore => Tensor.FromArray(_mean ?? throw new NotFittedException(nameof(GridSearchCV), nameof(MeanTestScore)));

    /// <summary>Population standard deviation of each candidate's fold scores. scikit-learn: <c>cv_results_['std_test_score']</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor StdTestScore => Tensor.FromArray(_std ?? throw new NotFittedException(nameof(GridSearchCV), nameof(StdTestScore)));

    /// <summary>Index of the best candidate. scikit-learn: <c>best_index_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int BestIndex => _bestIndex ?? throw new NotFittedException(nameof(GridSearchCV), nameof(BestIndex));

    /// <summary>Mean test score of the best candidate. scikit-learn: <c>best_score_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double BestScore => _mean is null ? throw new NotFittedException(nameof(GridSearchCV), nameof(BestScore)) : _mean[BestIndex];

    /// <summary>A clone of the best candidate, fitted on all the data. scikit-learn: <c>best_estimator_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public IPredictor BestEstimator => _best ?? throw new NotFittedException(nameof(GridSearchCV), nameof(BestEstimator));

    /// <inheritdoc/>
    public int NFeaturesIn => BestEstimator.NFeaturesIn;

    /// <summary>Cross-validates every candidate on (x, y) and refits the best.</summary>
    /// <returns>This search.</returns>
    /// <exception cref="ArgumentNullException">y is null.</exception>
    /// <exception cref="ArgumentException">An unknown scoring, or what the candidates throw on the data.</exception>
    public GridSearchCV Fit(Tensor x, Tensor? y = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        string[] scoring = Scoring is null ? [] : [Scoring];
        // Fixed folds for every candidate: materialise them once, even for a shuffling splitter without a seed.
        ICrossValidator cv = new FixedFolds((Cv ?? (_candidates[0] is IClassifier ? new StratifiedKFold() : new KFold())).Split(x, y).ToArray());
        var mean = new double[_candidates.Length];
        var std = new double[_candidates.Length];
        for (int c = 0; c < _candidates.Length; c++)
        {
            double[] scores = Validation.CrossValidate(_candidates[c], x, y, cv, scoring).TestScores.Values.Single();
            mean[c] = scores.Average();
            std[c] = Math.Sqrt(scores.Select(s => (s - mean[c]) * (s - mean[c])).Average());
        }
        int best = 0;
        for (int c = 1; c < mean.Length; c++) if (mean[c] > mean[best]) best = c;
        var model = (IPredictor)_candidates[best].Clone();
        model.Fit(x, y);
        (_mean, _std, _bestIndex, _best) = (mean, std, best, model);
        return this;
    }

    IEstimator IEstimator.Fit(Tensor x, Tensor? y) => Fit(x, y);

    /// <inheritdoc/>
    public IEstimator Clone() => new GridSearchCV(_candidates.Select(c => (IPredictor)c.Clone())) { Scoring = Scoring, Cv = Cv };

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public Tensor Predict(Tensor x) => (_best ?? throw new NotFittedException(nameof(GridSearchCV), nameof(Predict))).Predict(x);

    /// <inheritdoc/>
    /// <remarks>The best model's own Score (accuracy or R²), as scikit-learn's with <c>scoring=None</c>.</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    public double Score(Tensor x, Tensor y) => (_best ?? throw new NotFittedException(nameof(GridSearchCV), nameof(Score))).Score(x, y);

    /// <summary>A splitter that replays precomputed folds.</summary>
    private sealed class FixedFolds((int[] Train, int[] Test)[] folds) : ICrossValidator
    {
        public int NSplits => folds.Length;

        public IEnumerable<(int[] Train, int[] Test)> Split(Tensor x, Tensor? y = null) => folds;
    }
}
