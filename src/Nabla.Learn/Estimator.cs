using System.Runtime.CompilerServices;

namespace Nabla.Learn;

/// <summary>Base class of Nabla's estimators: the fitted-state guard, input validation and cloning.
/// scikit-learn: <c>sklearn.base.BaseEstimator</c> with <c>check_is_fitted</c> and <c>check_array</c>.</summary>
/// <remarks>Inputs are read into fresh double arrays (float arrays for float32 samples where an estimator asks for
/// them with <see cref="FitInputNative"/>), so estimators never mutate the caller's tensors; they must
/// be finite (NaN or ±∞ throw <see cref="ArgumentException"/>), and at predict time have the fitted feature count.</remarks>
public abstract class Estimator : IEstimator
{
    private int? _nFeaturesIn;

    /// <inheritdoc/>
    public int NFeaturesIn => Fitted(_nFeaturesIn);

    /// <inheritdoc/>
    public abstract IEstimator Fit(Tensor x, Tensor? y = null);

    /// <inheritdoc/>
    public IEstimator Clone()
    {
        var copy = (Estimator)MemberwiseClone();
        copy._nFeaturesIn = null;
        copy.ResetFitted();
        return copy;
    }

    /// <summary>Clears every learned field; called on the copy made by <see cref="Clone"/>.</summary>
    protected abstract void ResetFitted();

    /// <summary>Name used in messages: the type name.</summary>
    protected string Name => GetType().Name;

    /// <summary>Returns learned state, or throws <see cref="NotFittedException"/> naming the estimator and property.</summary>
    protected T Fitted<T>(T? value, [CallerMemberName] string member = "") where T : class
        => value ?? throw new NotFittedException(Name, member);

    /// <summary>Returns learned state, or throws <see cref="NotFittedException"/> naming the estimator and property.</summary>
    protected T Fitted<T>(T? value, [CallerMemberName] string member = "") where T : struct
        => value ?? throw new NotFittedException(Name, member);

    /// <summary>Validates training samples (N, F) and records F as <see cref="NFeaturesIn"/>.</summary>
    /// <returns>A row-major copy in double.</returns>
    private protected double[] FitInput(Tensor x, out int n, out int f, string method = "Fit")
    {
        double[] data = Input.Matrix(x, $"{Name}.{method}", nameof(x), out n, out f);
        _nFeaturesIn = f;
        return data;
    }

    /// <summary>Validates training samples (N, F) like <see cref="FitInput"/>, but keeps a float32 tensor in float.</summary>
    /// <returns>A row-major copy: float[] for a Float32 tensor, double[] otherwise.</returns>
    private protected Array FitInputNative(Tensor x, out int n, out int f, string method = "Fit")
    {
        Array data = Input.MatrixNative(x, $"{Name}.{method}", nameof(x), out n, out f);
        _nFeaturesIn = f;
        return data;
    }

    /// <summary>Validates samples for a fitted estimator: fitted, 2-D, finite, with the fitted feature count.</summary>
    private protected double[] PredictInput(Tensor x, out int n, [CallerMemberName] string method = "")
    {
        int expected = _nFeaturesIn ?? throw new NotFittedException(Name, method);
        double[] data = Input.Matrix(x, $"{Name}.{method}", nameof(x), out n, out int f);
        if (f != expected)
            throw new ArgumentException($"{Name}.{method}: X has {f} features, but {Name} was fitted with {expected} features.", nameof(x));
        return data;
    }
}
