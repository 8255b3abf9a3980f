namespace Nabla.Learn.ModelSelection;

/// <summary>Seeded permutations for the splitters.</summary>
internal static class Shuffling
{
    /// <summary>A generator seeded with <paramref name="randomState"/>, or with a fresh random seed when null
    /// (scikit-learn's <c>random_state=None</c>: a different split on every call).</summary>
    public static Generator Make(long? randomState) => new(randomState ?? Random.Shared.NextInt64());

    /// <summary>Fisher–Yates shuffle in place: each of the n! orders equally likely.</summary>
    public static void Shuffle(int[] a, Generator g)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = (int)g.NextBounded((ulong)(i + 1));
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    public static int[] Complement(int[] test, int n)
    {
        var inTest = new bool[n];
        foreach (int i in test) inTest[i] = true;
        return Enumerable.Range(0, n).Where(i => !inTest[i]).ToArray();
    }

    public static int Samples(Tensor x, string op)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Dim == 0) throw new ArgumentException($"{op}: X must have a sample dimension, got a scalar.", nameof(x));
        return x.Size(0);
    }
}
