namespace Nabla.Learn.Tree;

/// <summary>A regression tree. scikit-learn: <c>sklearn.tree.DecisionTreeRegressor</c> (criterion='squared_error').</summary>
/// <remarks>Splits minimise the summed squared error of the children; leaves predict the mean of their training
/// targets. See <see cref="DecisionTree"/> for the growing rule. Shapes: X (N, F), y (N) → Predict (N).</remarks>
public sealed class DecisionTreeRegressor : DecisionTree, IRegressor
{
    /// <summary>Grows the tree on samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid size limits, bad shapes or non-finite input.</exception>
    public override DecisionTreeRegressor Fit(Tensor x, Tensor? y = null)
    {
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] targets = Input.Vector(y, "DecisionTreeRegressor.Fit", nameof(y), n);
        Grow(d, n, f, new int[n], targets, 0, Criterion.SquaredError);
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Values(x, nameof(Predict)));

    private double[] Values(Tensor x, string method)
    {
        double[] d = ToFloat32(PredictInput(x, out int n, method));
        return Leaves(d, n).Select(v => v[0]).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>R² of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = Values(x, nameof(Score));
        return Regression.R2(Input.Vector(y, "DecisionTreeRegressor.Score", nameof(y), p.Length), p);
    }
}
