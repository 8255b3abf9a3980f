using Xunit;
using Nabla.Learn.Cluster;
using Nabla.Learn.Decomposition;
using Nabla.Learn.Ensemble;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Mixture;
using Nabla.Learn.ModelSelection;
using Nabla.Learn.Preprocessing;
using Nabla.Learn.Svm;
using Nabla.Learn.Text;
using Nabla.Learn.Tree;

namespace Nabla.Learn.Tests;

/// <summary>The estimator contract, checked on every estimator (scikit-learn's <c>check_estimator</c> in spirit).</summary>
public class ConformanceTests
{
    public enum Kind { Transformer, Regressor, Classifier }

    private static readonly Dictionary<string, (Func<IEstimator> Make, Kind Kind)> Estimators = new()
    {
        ["StandardScaler"] = (() => new StandardScaler(), Kind.Transformer),
        ["MinMaxScaler"] = (() => new MinMaxScaler(), Kind.Transformer),
        ["OneHotEncoder"] = (() => new OneHotEncoder(), Kind.Transformer),
        ["Pca"] = (() => new Pca { NComponents = 2, Whiten = true }, Kind.Transformer),
        ["KMeans"] = (() => new KMeans { NClusters = 3, RandomState = 0 }, Kind.Transformer),
        ["Plsa"] = (() => new Plsa { NComponents = 2, BackgroundWeight = 0.5, RandomState = 0 }, Kind.Transformer),
        ["GaussianMixture"] = (() => new GaussianMixture { NComponents = 2, CovarianceType = CovarianceType.Diag, RandomState = 0 }, Kind.Transformer),
        ["LinearRegression"] = (() => new LinearRegression(), Kind.Regressor),
        ["Ridge"] = (() => new Ridge(), Kind.Regressor),
        ["Lasso"] = (() => new Lasso { Alpha = 0.01 }, Kind.Regressor),
        ["LogisticRegression/binary"] = (() => new LogisticRegression(), Kind.Classifier),
        ["LogisticRegression/multinomial"] = (() => new LogisticRegression(), Kind.Classifier),
        ["Perceptron/binary"] = (() => new Perceptron { RandomState = 0 }, Kind.Classifier),
        ["Perceptron/multinomial"] = (() => new Perceptron { RandomState = 0 }, Kind.Classifier),
        ["SgdClassifier/binary"] = (() => new SgdClassifier { Loss = SgdLoss.LogLoss, RandomState = 0 }, Kind.Classifier),
        ["SgdClassifier/multinomial"] = (() => new SgdClassifier { Loss = SgdLoss.ModifiedHuber, RandomState = 0 }, Kind.Classifier),
        ["SgdRegressor"] = (() => new SgdRegressor { RandomState = 0 }, Kind.Regressor),
        ["DecisionTreeClassifier"] = (() => new DecisionTreeClassifier { MaxDepth = 3 }, Kind.Classifier),
        ["DecisionTreeRegressor"] = (() => new DecisionTreeRegressor { MaxDepth = 3 }, Kind.Regressor),
        ["RandomForestClassifier"] = (() => new RandomForestClassifier { NEstimators = 10, RandomState = 0 }, Kind.Classifier),
        ["RandomForestRegressor"] = (() => new RandomForestRegressor { NEstimators = 10, RandomState = 0 }, Kind.Regressor),
        ["PoissonRegressor"] = (() => new PoissonRegressor(), Kind.Regressor),
        ["Svc/binary"] = (() => new Svc { Probability = true, RandomState = 0 }, Kind.Classifier),
        ["Svc/multinomial"] = (() => new Svc { Kernel = SvmKernel.Poly, Probability = true, RandomState = 0 }, Kind.Classifier),
        ["LinearSvc/binary"] = (() => new LinearSvc { RandomState = 0 }, Kind.Classifier),
        ["LinearSvc/multinomial"] = (() => new LinearSvc { RandomState = 0 }, Kind.Classifier),
        ["GradientBoostingClassifier/binary"] = (() => new GradientBoostingClassifier { NEstimators = 10, RandomState = 0 }, Kind.Classifier),
        ["GradientBoostingClassifier/multinomial"] = (() => new GradientBoostingClassifier { NEstimators = 10, Subsample = 0.8, RandomState = 0 }, Kind.Classifier),
        ["GradientBoostingRegressor"] = (() => new GradientBoostingRegressor { NEstimators = 10, Loss = GradientBoostingLoss.Huber, RandomState = 0 }, Kind.Regressor),
        ["HistGradientBoostingClassifier/binary"] = (() => new HistGradientBoostingClassifier { MaxIter = 10, MinSamplesLeaf = 5 }, Kind.Classifier),
        ["HistGradientBoostingClassifier/multinomial"] = (() => new HistGradientBoostingClassifier { MaxIter = 10, MinSamplesLeaf = 5 }, Kind.Classifier),
        ["HistGradientBoostingRegressor"] = (() => new HistGradientBoostingRegressor { MaxIter = 10, MinSamplesLeaf = 5 }, Kind.Regressor),
        ["GridSearchCV"] = (() => new GridSearchCV([new Ridge { Alpha = 0.1 }, new Ridge { Alpha = 10 }]), Kind.Regressor),
        ["Pipeline"] = (() => new Pipeline(("scale", new StandardScaler()), ("clf", new LogisticRegression())), Kind.Classifier),
    };

    public static TheoryData<string> Names() => new(Estimators.Keys);

    /// <summary>30 × 3 samples with small non-negative values (so OneHotEncoder sees few categories) and a target for the
    /// kind; regression targets are non-negative so that PoissonRegressor accepts them.</summary>
    private static (Tensor X, Tensor? Y) Data(string name, int features = 3)
    {
        var g = new Generator(seed: 7);
        const int n = 30;
        var x = new double[n * features];
        for (int i = 0; i < x.Length; i++) x[i] = (int)(g.NextDouble() * 4) + (i % features == 0 ? 0.5 * (i / features % 2) : 0);
        Tensor xt = Tensor.FromArray(x, n, features);
        Kind kind = Estimators[name].Kind;
        int classes = name.EndsWith("multinomial", StringComparison.Ordinal) ? 3 : 2;
        Tensor? y = kind switch
        {
            Kind.Transformer => null,
            Kind.Regressor => Tensor.FromArray(Enumerable.Range(0, n).Select(i => x[i * features] + 2 * x[i * features + 1] + g.NextDouble()).ToArray()),
            _ => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % classes)).ToArray()),
        };
        return (xt, y);
    }

    private static Tensor Apply(IEstimator e, Tensor x) => e switch
    {
        GaussianMixture g => g.PredictProba(x),
        IPredictor p => p.Predict(x),
        ITransformer t => t.Transform(x),
        _ => throw new InvalidOperationException(e.GetType().Name),
    };

    [Theory, MemberData(nameof(Names))]
    public void Fit_returns_itself(string name)
    {
        IEstimator e = Estimators[name].Make();
        (Tensor x, Tensor? y) = Data(name);
        Assert.Same(e, e.Fit(x, y));
        Assert.Equal(3, e.NFeaturesIn);
    }

    [Theory, MemberData(nameof(Names))]
    public void Using_it_before_fit_throws_not_fitted(string name)
    {
        IEstimator e = Estimators[name].Make();
        (Tensor x, _) = Data(name);
        var ex = Assert.Throws<NotFittedException>(() => Apply(e, x));
        Assert.Contains("Fit", ex.Message, StringComparison.Ordinal);
        if (e is not Pipeline and not GridSearchCV)
        {
            var state = Assert.Throws<NotFittedException>(() => e.NFeaturesIn);
            Assert.Equal(e.GetType().Name, state.Estimator);
            Assert.Equal("NFeaturesIn", state.Member);
        }
        if (e is IClassifier c) Assert.Throws<NotFittedException>(() => c.Classes);
    }

    [Theory, MemberData(nameof(Names))]
    public void Wrong_feature_count_names_both_counts(string name)
    {
        IEstimator e = Estimators[name].Make();
        (Tensor x, Tensor? y) = Data(name);
        e.Fit(x, y);
        var ex = Assert.Throws<ArgumentException>(() => Apply(e, Data(name, features: 2).X));
        Assert.Contains("2 features", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 features", ex.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Names))]
    public void Nan_in_input_throws(string name)
    {
        (Tensor x, Tensor? y) = Data(name);
        double[] bad = x.ToArray<double>();
        bad[4] = double.NaN;
        Tensor xNan = Tensor.FromArray(bad, x.Shape);
        var ex = Assert.Throws<ArgumentException>(() => Estimators[name].Make().Fit(xNan, y));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
        IEstimator fitted = Estimators[name].Make().Fit(x, y);
        Assert.Throws<ArgumentException>(() => Apply(fitted, xNan));
        if (y is not null)
        {
            double[] yBad = y.To(DType.Float64).ToArray<double>();
            yBad[0] = double.NaN;
            Assert.Throws<ArgumentException>(() => Estimators[name].Make().Fit(x, Tensor.FromArray(yBad)));
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void Refitting_and_clones_reproduce_results(string name)
    {
        (Tensor x, Tensor? y) = Data(name);
        IEstimator a = Estimators[name].Make().Fit(x, y);
        IEstimator clone = a.Clone();
        Assert.Throws<NotFittedException>(() => Apply(clone, x));
        IEstimator b = clone.Fit(x, y);
        Assert.Equal(Apply(a, x).To(DType.Float64).ToArray<double>(), Apply(b, x).To(DType.Float64).ToArray<double>());
        // The original stays fitted and unchanged after its clone is fitted.
        Assert.Equal(Apply(a, x).To(DType.Float64).ToArray<double>(), Apply(Estimators[name].Make().Fit(x, y), x).To(DType.Float64).ToArray<double>());
    }

    [Theory, MemberData(nameof(Names))]
    public void Inputs_are_not_mutated(string name)
    {
        (Tensor x, Tensor? y) = Data(name);
        double[] x0 = x.ToArray<double>();
        double[]? y0 = y?.To(DType.Float64).ToArray<double>();
        IEstimator e = Estimators[name].Make().Fit(x, y);
        Apply(e, x);
        if (e is IProbabilisticClassifier c) c.PredictProba(x);
        if (e is ITransformer t && e is not IPredictor) t.FitTransform(x, y);
        Assert.Equal(x0, x.ToArray<double>());
        if (y is not null) Assert.Equal(y0, y.To(DType.Float64).ToArray<double>());
    }

    [Theory, MemberData(nameof(Names))]
    public void Outputs_have_the_documented_shapes(string name)
    {
        (Tensor x, Tensor? y) = Data(name);
        IEstimator e = Estimators[name].Make().Fit(x, y);
        Tensor output = Apply(e, x);
        Assert.Equal(30, output.Size(0));
        if (e is IPredictor p)
        {
            Assert.Equal(1, output.Dim);
            double score = p.Score(x, y!);
            Assert.True(double.IsFinite(score));
        }
        if (e is IProbabilisticClassifier c)
        {
            Tensor proba = c.PredictProba(x);
            Assert.Equal([30, (int)c.Classes.NumEl], proba.Shape);
            double[] pr = proba.ToArray<double>();
            for (int i = 0; i < 30; i++)
                Assert.Equal(1.0, pr.Skip(i * c.Classes.NumEl).Take(c.Classes.NumEl).Sum(), 12);
        }
    }
}
