namespace Nabla.Learn;

/// <summary>How per-class precision, recall and F1 are combined. scikit-learn: the <c>average</c> argument of
/// <c>precision_recall_fscore_support</c>.</summary>
public enum Average
{
    /// <summary>Only the positive label's score. scikit-learn: <c>average='binary'</c> (the default).</summary>
    Binary,

    /// <summary>Scores from the total true positives, false positives and false negatives. scikit-learn: <c>'micro'</c>.</summary>
    Micro,

    /// <summary>Unweighted mean of the per-class scores. scikit-learn: <c>'macro'</c>.</summary>
    Macro,

    /// <summary>Mean of the per-class scores weighted by support (true count). scikit-learn: <c>'weighted'</c>.</summary>
    Weighted,
}
