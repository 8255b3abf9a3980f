using System.Diagnostics;

namespace Nabla.Learn.ModelSelection;

/// <summary>Hold-out splitting and cross-validation. scikit-learn: <c>sklearn.model_selection.train_test_split</c>
/// and <c>cross_validate</c>.</summary>
public static class Validation
{
    /// <summary>Splits (x, y) into random train and test subsets.
    /// scikit-learn: <c>train_test_split(X, y, test_size=0.25, shuffle=True, stratify=None, random_state=None)</c>.</summary>
    /// <param name="x">Samples (N, …).</param>
    /// <param name="y">Targets (N).</param>
    /// <param name="testSize">Fraction of samples in the test set, in (0, 1); default 0.25. The test set has
    /// ⌈testSize·N⌉ samples, as in scikit-learn.</param>
    /// <param name="shuffle">Whether to shuffle before splitting; without it the test set is the last samples.</param>
    /// <param name="stratify">Labels (N) whose class proportions both subsets keep (usually y); needs shuffle.</param>
    /// <param name="randomState">Seed; null draws a fresh one. Nabla's generator, so the split differs from scikit-learn's.</param>
    /// <remarks>Stratified: class c with n_c samples gets ⌊n_c·n_test/N⌋ test samples, and the remaining test slots go
    /// to the classes with the largest fractional parts, so every class's share is within one sample of proportional.</remarks>
    /// <exception cref="ArgumentException">testSize outside (0, 1) or leaving an empty subset; lengths differ; stratify without shuffle.</exception>
    public static (Tensor XTrain, Tensor XTest, Tensor YTrain, Tensor YTest) TrainTestSplit(
        Tensor x, Tensor y, double testSize = 0.25, bool shuffle = true, Tensor? stratify = null, long? randomState = null)
    {
        int n = Shuffling.Samples(x, nameof(TrainTestSplit));
        ArgumentNullException.ThrowIfNull(y);
        if (y.Dim == 0 || y.Size(0) != n) throw new ArgumentException($"TrainTestSplit: X has {n} samples but y has shape ({string.Join(", ", y.Shape)}).", nameof(y));
        if (!(testSize > 0 && testSize < 1)) throw new ArgumentException($"TrainTestSplit: testSize must be in (0, 1), got {testSize}.", nameof(testSize));
        int nTest = (int)Math.Ceiling(testSize * n), nTrain = n - nTest;
        if (nTrain == 0) throw new ArgumentException($"TrainTestSplit: testSize {testSize} of {n} samples leaves no training samples.", nameof(testSize));
        int[] train, test;
        if (stratify is not null)
        {
            if (!shuffle) throw new ArgumentException("TrainTestSplit: stratify requires shuffle = true (as scikit-learn).", nameof(stratify));
            (train, test) = Stratified(Input.Vector(stratify, nameof(TrainTestSplit), nameof(stratify), n), nTest, Shuffling.Make(randomState));
        }
        else if (shuffle)
        {
            int[] perm = Enumerable.Range(0, n).ToArray();
            Shuffling.Shuffle(perm, Shuffling.Make(randomState));
            (test, train) = (perm[..nTest], perm[nTest..]);
        }
        else (train, test) = (Enumerable.Range(0, nTrain).ToArray(), Enumerable.Range(nTrain, nTest).ToArray());
        return (Take(x, train), Take(x, test), Take(y, train), Take(y, test));
    }

    private static (int[] Train, int[] Test) Stratified(double[] labels, int nTest, Generator g)
    {
        int n = labels.Length;
        double[] classes = Input.Encode(labels, out int[] codes);
        int k = classes.Length;
        var members = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, n).Where(i => codes[i] == c).ToArray()).ToArray();
        // Largest-remainder apportionment of the nTest slots by class size.
        double[] exact = members.Select(m => (double)m.Length * nTest / n).ToArray();
        int[] take = exact.Select(e => (int)Math.Floor(e)).ToArray();
        foreach (int c in Enumerable.Range(0, k).OrderByDescending(c => exact[c] - take[c]).ThenByDescending(c => members[c].Length)
                                                .Take(nTest - take.Sum()))
            take[c]++;
        var train = new List<int>();
        var test = new List<int>();
        for (int c = 0; c < k; c++)
        {
            Shuffling.Shuffle(members[c], g);
            test.AddRange(members[c][..take[c]]);
            train.AddRange(members[c][take[c]..]);
        }
        int[] tr = train.ToArray(), te = test.ToArray();
        Shuffling.Shuffle(tr, g);
        Shuffling.Shuffle(te, g);
        return (tr, te);
    }

    private static Tensor Take(Tensor t, int[] rows) => t.IndexSelect(0, Tensor.FromArray(rows.Select(i => (long)i).ToArray()));

    /// <summary>The scoring names <see cref="CrossValidate"/> understands (scikit-learn's scorer names).</summary>
    public static IReadOnlyList<string> Scorings { get; } =
    [
        "accuracy", "precision", "precision_micro", "precision_macro", "precision_weighted",
        "recall", "recall_micro", "recall_macro", "recall_weighted", "f1", "f1_micro", "f1_macro", "f1_weighted",
        "roc_auc", "roc_auc_ovr", "roc_auc_ovo", "roc_auc_ovr_weighted", "roc_auc_ovo_weighted", "neg_log_loss", "r2", "neg_mean_squared_error", "neg_mean_absolute_error",
    ];

    /// <summary>Fits a fresh clone of <paramref name="estimator"/> on each training fold and scores it on the test fold.
    /// scikit-learn: <c>cross_validate(estimator, X, y, cv=5, scoring=None)</c>.</summary>
    /// <param name="estimator">The model; it is cloned per fold and itself left untouched.</param>
    /// <param name="x">Samples (N, F).</param>
    /// <param name="y">Targets (N).</param>
    /// <param name="cv">The splitter; default 5 folds, <see cref="StratifiedKFold"/> for classifiers and <see cref="KFold"/>
    /// otherwise (scikit-learn's <c>cv=5</c>).</param>
    /// <param name="scoring">Names from <see cref="Scorings"/> ("accuracy", "f1_macro", "roc_auc", …); none means the
    /// estimator's own <see cref="IPredictor.Score"/>, reported as "score". The "neg_" scores are negated losses so that
    /// larger is better; "roc_auc*" and "neg_log_loss" need an <see cref="IProbabilisticClassifier"/>; "roc_auc" a
    /// binary one (it scores the probability of the larger class), "roc_auc_ovr", "roc_auc_ovo" and their "_weighted"
    /// forms a multi-class one (<see cref="Classification.RocAucScore(Tensor, Tensor, MultiClass, Average)"/>; each test
    /// fold must hold every class).</param>
    /// <exception cref="ArgumentException">An unknown scoring name, or a scoring the estimator cannot support.</exception>
    public static CrossValidateResult CrossValidate(IPredictor estimator, Tensor x, Tensor y, ICrossValidator? cv = null, params string[] scoring)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(scoring);
        foreach (string s in scoring)
            if (!Scorings.Contains(s))
                throw new ArgumentException($"CrossValidate: unknown scoring '{s}'; known: {string.Join(", ", Scorings)}.", nameof(scoring));
        cv ??= estimator is IClassifier ? new StratifiedKFold() : new KFold();
        string[] names = scoring.Length == 0 ? ["score"] : scoring;
        var scores = names.ToDictionary(s => s, _ => new List<double>());
        var fitTime = new List<double>();
        var scoreTime = new List<double>();
        foreach ((int[] train, int[] test) in cv.Split(x, y))
        {
            var model = (IPredictor)estimator.Clone();
            long start = Stopwatch.GetTimestamp();
            model.Fit(Take(x, train), Take(y, train));
            fitTime.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            start = Stopwatch.GetTimestamp();
            Tensor xTest = Take(x, test), yTest = Take(y, test);
            foreach (string name in names) scores[name].Add(Score(name, model, xTest, yTest));
            scoreTime.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return new CrossValidateResult(scores.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), fitTime.ToArray(), scoreTime.ToArray());
    }

    private static double Score(string name, IPredictor model, Tensor x, Tensor y)
    {
        if (name == "score") return model.Score(x, y);
        if (name.StartsWith("roc_auc", StringComparison.Ordinal) || name == "neg_log_loss")
        {
            if (model is not IProbabilisticClassifier c) throw new ArgumentException($"CrossValidate: '{name}' needs class probabilities (an IProbabilisticClassifier), got {model.GetType().Name}.");
            Tensor proba = c.PredictProba(x);
            if (name == "neg_log_loss") return -Classification.LogLoss(y, proba, c.Classes);
            if (name != "roc_auc")
            {
                // roc_auc_{ovr,ovo}[_weighted]: the multi-class AUC of the probabilities (scikit-learn's scorers of those names).
                MultiClass mode = name.Contains("ovo", StringComparison.Ordinal) ? MultiClass.Ovo : MultiClass.Ovr;
                return Classification.RocAucScore(y, proba, mode, name.EndsWith("weighted", StringComparison.Ordinal) ? Average.Weighted : Average.Macro);
            }
            if (proba.Size(1) != 2) throw new ArgumentException($"CrossValidate: 'roc_auc' needs two classes, the model has {proba.Size(1)}.");
            double positive = Input.Doubles(c.Classes)[1];
            return Classification.RocAucScore(y, proba.Select(1, 1).Contiguous(), positive);
        }
        Tensor p = model.Predict(x);
        return name switch
        {
            "accuracy" => Input.Doubles(y).Zip(Input.Doubles(p)).Count(t => t.First == t.Second) / (double)y.Size(0),
            "r2" => Regression.R2Score(y, p),
            "neg_mean_squared_error" => -Regression.MeanSquaredError(y, p),
            "neg_mean_absolute_error" => -Regression.MeanAbsoluteError(y, p),
            _ => ClassificationScore(name, y, p),
        };
    }

    private static double ClassificationScore(string name, Tensor y, Tensor p)
    {
        string[] parts = name.Split('_');
        Average average = parts.Length == 1 ? Average.Binary : Enum.Parse<Average>(parts[1], ignoreCase: true);
        var (precision, recall, f1) = Classification.PrecisionRecallFScore(y, p, average);
        return parts[0] switch { "precision" => precision, "recall" => recall, _ => f1 };
    }
}
