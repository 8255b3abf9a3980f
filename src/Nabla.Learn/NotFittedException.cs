namespace Nabla.Learn;

/// <summary>Thrown when learned state is read, or a fitted model used, before Fit.
/// scikit-learn: <c>sklearn.exceptions.NotFittedError</c>.</summary>
public sealed class NotFittedException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="estimator"/> and the member that needed fitted state.</summary>
    /// <param name="estimator">Type name of the estimator, e.g. "Ridge".</param>
    /// <param name="member">The learned property or method, e.g. "Coef".</param>
    public NotFittedException(string estimator, string member)
        : base($"{estimator}.{member} is not available: this {estimator} is not fitted yet; call Fit first.")
    {
        Estimator = estimator;
        Member = member;
    }

    /// <summary>Creates the exception with a message. Prefer the (estimator, member) constructor.</summary>
    public NotFittedException() : this("Estimator", "state") { }

    /// <summary>Creates the exception with a message. Prefer the (estimator, member) constructor.</summary>
    public NotFittedException(string message) : base(message) { Estimator = ""; Member = ""; }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NotFittedException(string message, Exception innerException) : base(message, innerException) { Estimator = ""; Member = ""; }

    /// <summary>Type name of the unfitted estimator.</summary>
    public string Estimator { get; }

    /// <summary>The member that needed fitted state.</summary>
    public string Member { get; }
}
