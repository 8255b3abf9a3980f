using Nabla.Learn.Tree;

namespace Nabla.Learn.Ensemble;

/// <summary>A random forest of regression trees; the prediction is the mean of the trees'.
/// scikit-learn: <c>sklearn.ensemble.RandomForestRegressor</c> (Breiman 2001, "Random Forests").</summary>
/// <remarks>See <see cref="RandomForest"/>. Default MaxFeatures F (scikit-learn's 1.0). Shapes: X (N, F), y (N) → (N).</remarks>
public sealed class RandomForestRegressor : RandomForest, IRegressor
{
    private protected override int DefaultMaxFeatures(int f) => f;

    private protected override DecisionTree NewTree() => new DecisionTreeRegressor
    {
        MaxDepth = MaxDepth, MinSamplesSplit = MinSamplesSplit, MinSamplesLeaf = MinSamplesLeaf,
    };

    /// <summary>Grows the forest on samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, bad shapes or non-finite input.</exception>
    public override RandomForestRegressor Fit(Tensor x, Tensor? y = null)
    {
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] targets = Input.Vector(y, "RandomForestRegressor.Fit", nameof(y), n);
        GrowForest(d, n, f, new int[n], targets, 0, Criterion.SquaredError);
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Values(x, nameof(Predict)));

    private double[] Values(Tensor x, string method)
    {
        double[] d = ToFloat32(PredictInput(x, out int n, method));
        return MeanLeafValues(d, n, 1);
    }

    /// <inheritdoc/>
    /// <remarks>R² of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = Values(x, nameof(Score));
        return Regression.R2(Input.Vector(y, "RandomForestRegressor.Score", nameof(y), p.Length), p);
    }
}
