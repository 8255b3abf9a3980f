namespace Nabla.Internal;

/// <summary>Reusable arrays for what a fused op saves for its backward and never hands out as a Tensor (the LSTM's
/// gates and states of every step: 7·T·B·H values, 15 MB for a char-LSTM step). Allocated fresh each training
/// step such buffers are most of the garbage, so the GC runs every step or two and copies the live activations each
/// time; rented here they are allocated once, on the pinned-object heap where the GC never moves them.</summary>
/// <remarks>An op rents in its forward and returns in its backward once the graph is not retained
/// (<see cref="Graph.RetainingGraph"/>), or at once when nothing was recorded. A buffer whose graph is dropped without
/// a backward is simply collected. Thread-safe.</remarks>
internal static class SavedBuffers
{
    /// <summary>Free arrays kept at most: a few layers or directions of one model, without holding on to many
    /// buffers of shapes no longer in use.</summary>
    private const int MaxFree = 8;

    private static readonly Lock s_lock = new();
    private static readonly List<Array> s_free = [];

    /// <summary>An array of at least <paramref name="length"/> elements, contents undefined: the smallest free one
    /// no more than twice as long (the most recently returned among equals, whose lines are likeliest still in
    /// cache), else a new one.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        lock (s_lock)
        {
            int best = -1;
            for (int i = s_free.Count - 1; i >= 0; i--)
            {
                if (s_free[i] is T[] a && a.Length >= length && a.Length / 2 <= length && (best < 0 || a.Length < s_free[best].Length)) best = i;
            }
            if (best >= 0)
            {
                var found = (T[])s_free[best];
                s_free.RemoveAt(best);
                return found;
            }
        }
        return GC.AllocateUninitializedArray<T>(Math.Max(1, length), pinned: true);
    }

    /// <summary>Gives an array back; the caller must not touch it afterwards. The oldest free array is dropped when
    /// the pool is full.</summary>
    public static void Return(Array buffer)
    {
        lock (s_lock)
        {
            if (s_free.Count == MaxFree) s_free.RemoveAt(0);
            s_free.Add(buffer);
        }
    }
}
