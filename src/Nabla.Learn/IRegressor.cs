namespace Nabla.Learn;

/// <summary>A predictor of real-valued targets; <see cref="IPredictor.Score"/> is R².
/// scikit-learn: <c>sklearn.base.RegressorMixin</c>.</summary>
public interface IRegressor : IPredictor;
