namespace Nabla.Learn.Recommend;

/// <summary>Explicit ratings as (user, item, rating) triples, the input of the recommenders.</summary>
internal sealed class RatingData
{
    public required int[] Users { get; init; }
    public required int[] Items { get; init; }
    public required double[] Values { get; init; }
    public int NUsers { get; init; }
    public int NItems { get; init; }
    public double Mean => Values.Average();

    /// <summary>Reads and checks the triples: 1-D, equal lengths, non-empty, ids ≥ 0, finite ratings.</summary>
    public static RatingData Read(Tensor users, Tensor items, Tensor ratings, string op)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(ratings);
        if (users.Dim != 1 || items.Dim != 1 || ratings.Dim != 1 || users.NumEl != items.NumEl || users.NumEl != ratings.NumEl || users.NumEl == 0)
            throw new ArgumentException($"{op}: users, items and ratings must be non-empty 1-D tensors of one length; got shapes " +
                                        $"({string.Join(", ", users.Shape)}), ({string.Join(", ", items.Shape)}), ({string.Join(", ", ratings.Shape)}).");
        int[] u = Ids(users, op, nameof(users)), i = Ids(items, op, nameof(items));
        double[] r = ratings.To(DType.Float64).Contiguous().ToArray<double>();
        int bad = Array.FindIndex(r, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"{op}: rating {bad} is {r[bad]}; ratings must be finite.", nameof(ratings));
        return new RatingData { Users = u, Items = i, Values = r, NUsers = u.Max() + 1, NItems = i.Max() + 1 };
    }

    private static int[] Ids(Tensor ids, string op, string name)
    {
        if (ids.DType is not (DType.Int64)) throw new ArgumentException($"{op}: {name} must be Int64 ids, got {ids.DType}.", name);
        long[] v = ids.Contiguous().ToArray<long>();
        int bad = Array.FindIndex(v, x => x < 0 || x > int.MaxValue - 1);
        if (bad >= 0) throw new ArgumentException($"{op}: {name}[{bad}] = {v[bad]}; ids must be in 0..2³¹−2.", name);
        return v.Select(x => (int)x).ToArray();
    }

    /// <summary>Row lists: for each user (or item) the indices of its ratings.</summary>
    public static List<int>[] Group(int[] keys, int count)
    {
        var groups = new List<int>[count];
        for (int k = 0; k < count; k++) groups[k] = [];
        for (int j = 0; j < keys.Length; j++) groups[keys[j]].Add(j);
        return groups;
    }
}
