namespace Nabla.Learn.Cluster;

/// <summary>How <see cref="KMeans"/> chooses its starting centres. scikit-learn: the <c>init</c> argument.</summary>
public enum KMeansInit
{
    /// <summary>k-means++ (Arthur &amp; Vassilvitskii 2007) with scikit-learn's greedy variant: each new centre is
    /// the best of 2 + ⌊ln K⌋ candidates drawn with probability ∝ D(x)². scikit-learn: <c>'k-means++'</c> (the default).</summary>
    KMeansPlusPlus,

    /// <summary>K distinct samples drawn uniformly. scikit-learn: <c>'random'</c>.</summary>
    Random,
}
