namespace Nabla.Learn.ModelSelection;

/// <summary>What <see cref="Validation.CrossValidate"/> measured per fold. scikit-learn: the dict returned by
/// <c>cross_validate</c> (<c>test_&lt;scoring&gt;</c>, <c>fit_time</c>, <c>score_time</c>).</summary>
/// <param name="TestScores">Per scoring name, the test score of each fold (K).</param>
/// <param name="FitTime">Seconds spent in Fit per fold (K).</param>
/// <param name="ScoreTime">Seconds spent scoring per fold (K).</param>
public sealed record CrossValidateResult(IReadOnlyDictionary<string, double[]> TestScores, double[] FitTime, double[] ScoreTime);
