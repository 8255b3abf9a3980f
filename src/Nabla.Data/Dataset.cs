using System.Globalization;

namespace Nabla.Data;

/// <summary>Functions over datasets. PyTorch: the functions of <c>torch.utils.data</c>.</summary>
public static class Dataset
{
    /// <summary>Splits a dataset into non-overlapping random subsets of the given lengths.
    /// PyTorch: <c>torch.utils.data.random_split(dataset, lengths, generator)</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="lengths">The subset sizes, each ≥ 0, summing to <c>dataset.Count</c>.</param>
    /// <param name="generator">The random source of the permutation (default <see cref="Generator.Default"/>).</param>
    /// <returns>One <see cref="Subset{T}"/> per length: the permutation <c>RandPerm(Count)</c> cut into consecutive
    /// pieces, so every index lands in exactly one subset.</returns>
    /// <exception cref="ArgumentException">A negative length, or lengths that do not sum to the dataset's size.</exception>
    public static Subset<T>[] RandomSplit<T>(IDataset<T> dataset, int[] lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long sum = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0)
                throw new ArgumentException($"RandomSplit: length {lengths[i]} at index {i} is negative.", nameof(lengths));
            sum += lengths[i];
        }
        if (sum != dataset.Count)
            throw new ArgumentException(
                $"RandomSplit: the lengths [{string.Join(", ", lengths)}] sum to {sum}, but the dataset has {dataset.Count} items.", nameof(lengths));
        long[] perm = Tensor.RandPerm(dataset.Count, generator).ToArray<long>();
        var subsets = new Subset<T>[lengths.Length];
        int offset = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            subsets[i] = new Subset<T>(dataset, perm.Skip(offset).Take(lengths[i]).Select(v => (int)v));
            offset += lengths[i];
        }
        return subsets;
    }

    /// <summary>Splits a dataset into non-overlapping random subsets holding the given fractions of it.
    /// PyTorch: <c>torch.utils.data.random_split(dataset, fractions, generator)</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="fractions">Fractions in [0, 1] summing to 1 (within a relative 1e-9, Python's
    /// <c>math.isclose</c> default, and not above 1).</param>
    /// <param name="generator">The random source of the permutation (default <see cref="Generator.Default"/>).</param>
    /// <returns>As <see cref="RandomSplit{T}(IDataset{T}, int[], Generator?)"/> with lengths
    /// ⌊Count·fraction⌋, after which the items left over are handed out one at a time, round-robin from the first
    /// subset (PyTorch's rule): 10 items split 0.25/0.25/0.5 give 3, 2, 5 (2, 2, 5 floored, then the 1 left over
    /// to the first).</returns>
    /// <exception cref="ArgumentException">A fraction outside [0, 1], or fractions that do not sum to 1.</exception>
    public static Subset<T>[] RandomSplit<T>(IDataset<T> dataset, double[] fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Length == 0) throw new ArgumentException("RandomSplit: expected at least one fraction.", nameof(fractions));
        // Summed left to right, as Python's sum(), so that the same fractions pass or fail the same check.
        double sum = 0;
        foreach (double f in fractions) sum += f;
        // Python's math.isclose(sum, 1) with its default rel_tol; absolute 0 tolerance suffices near 1.
        const double RelativeTolerance = 1e-9;
        if (!(Math.Abs(sum - 1) <= RelativeTolerance * Math.Max(Math.Abs(sum), 1)) || sum > 1)
            throw new ArgumentException(
                $"RandomSplit: the fractions [{string.Join(", ", fractions.Select(f => f.ToString("R", CultureInfo.InvariantCulture)))}] " +
                $"sum to {sum.ToString("R", CultureInfo.InvariantCulture)}, not 1.", nameof(fractions));
        var lengths = new int[fractions.Length];
        for (int i = 0; i < fractions.Length; i++)
        {
            if (!(fractions[i] >= 0 && fractions[i] <= 1))
                throw new ArgumentException(
                    $"RandomSplit: fraction {fractions[i].ToString("R", CultureInfo.InvariantCulture)} at index {i} is not between 0 and 1.", nameof(fractions));
            lengths[i] = (int)Math.Floor(dataset.Count * fractions[i]);
        }
        int remainder = dataset.Count - lengths.Sum();
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }
}
