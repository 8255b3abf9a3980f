using Xunit;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Preprocessing;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class PipelineTests
{
    [Fact]
    public void Scaler_then_logistic_regression_equals_the_steps_by_hand()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x"), y = LearnFile.LabelTensor("iris.y");
        var pipe = new Pipeline(("scale", new StandardScaler()), ("clf", new LogisticRegression { Tol = 1e-10, MaxIter = 10000 }));
        Assert.Same(pipe, pipe.Fit(x, y));
        // Same as sklearn's make_pipeline(StandardScaler(), LogisticRegression()) fitted on iris.
        AssertClose("coef", LearnFile.MatrixTensor("logistic_multinomial.coef"), ((LogisticRegression)pipe["clf"]).Coef, 1e-5, 1e-6);
        Assert.Equal(LearnFile.Get("logistic_multinomial.predict").EnumerateArray().Select(v => v.GetInt64()).ToArray(), pipe.Predict(x).ToArray<long>());
        Assert.Equal([0L, 1, 2], pipe.Classes.ToArray<long>());
        Assert.True(pipe.Score(x, y) > 0.95);
        Assert.Throws<NotSupportedException>(() => pipe.Transform(x));
    }

    [Fact]
    public void Transformer_pipelines_transform_and_misuse_is_rejected()
    {
        Tensor x = LearnFile.MatrixTensor("iris.x");
        var pipe = new Pipeline(("std", new StandardScaler()), ("minmax", new MinMaxScaler()));
        Tensor h = pipe.FitTransform(x);
        Assert.Equal(0.0, D(h).Min(), 12);
        Assert.Equal(1.0, D(h).Max(), 12);
        Assert.Throws<NotSupportedException>(() => pipe.Predict(x));
        Assert.Throws<KeyNotFoundException>(() => pipe["nope"]);
        Assert.Throws<ArgumentException>(() => new Pipeline(("a", new Ridge()), ("b", new StandardScaler())));
        Assert.Throws<ArgumentException>(() => new Pipeline(("a", new StandardScaler()), ("a", new Ridge())));
    }
}
