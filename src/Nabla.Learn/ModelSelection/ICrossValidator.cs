namespace Nabla.Learn.ModelSelection;

/// <summary>Splits sample indices into train/test folds. scikit-learn: the splitter classes' <c>split</c> and
/// <c>get_n_splits</c>.</summary>
public interface ICrossValidator
{
    /// <summary>Number of folds. scikit-learn: <c>n_splits</c>.</summary>
    int NSplits { get; }

    /// <summary>The (train, test) index arrays of each fold for samples <paramref name="x"/> (N, …) and, for
    /// stratified splitters, labels <paramref name="y"/> (N). scikit-learn: <c>split(X, y)</c>.</summary>
    IEnumerable<(int[] Train, int[] Test)> Split(Tensor x, Tensor? y = null);
}
