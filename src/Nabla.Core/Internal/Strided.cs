namespace Nabla.Internal;

/// <summary>Visits the rows of up to three strided operands laid over one shape, after coalescing. Each call of
/// the visitor gets one row: its length, each operand's start offset and inner stride, and the row's index in a
/// contiguous output.</summary>
internal static class Strided
{
    public interface IRowVisitor
    {
        void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides);
    }

    public static void Visit<TV>(int[] shape, int[][] strides, int[] offsets, ref TV visitor) where TV : IRowVisitor, allows ref struct
    {
        if (Layout.NumEl(shape) == 0) return;
        int rank = Layout.Coalesce(shape, strides, out int[] s, out int[][] st);
        int k = strides.Length;
        int n = s[rank - 1];
        Span<int> inner = stackalloc int[k];
        Span<int> offs = stackalloc int[k];
        for (int j = 0; j < k; j++)
        {
            inner[j] = st[j][rank - 1];
            offs[j] = offsets[j];
        }
        if (rank == 1)
        {
            visitor.Row(n, 0, offs, inner);
            return;
        }
        Span<int> index = stackalloc int[rank - 1];
        int rows = Layout.NumEl(s.AsSpan(0, rank - 1));
        for (int r = 0; r < rows; r++)
        {
            visitor.Row(n, r * n, offs, inner);
            // Odometer increment over the outer dims, updating each operand's offset incrementally.
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                for (int j = 0; j < k; j++) offs[j] += st[j][d];
                if (index[d] < s[d]) break;
                for (int j = 0; j < k; j++) offs[j] -= st[j][d] * s[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Copies a strided view into a contiguous destination.</summary>
    public static void Copy<T>(T[] source, int[] shape, int[] strides, int offset, Span<T> destination)
    {
        var v = new CopyVisitor<T>(source, destination);
        Visit(shape, [strides], [offset], ref v);
    }

    /// <summary>Copies a contiguous source into a strided view of <paramref name="target"/>.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> source, T[] target, int[] shape, int[] strides, int offset)
    {
        var v = new ScatterVisitor<T>(source, target);
        Visit(shape, [strides], [offset], ref v);
    }

    private ref struct CopyVisitor<T>(T[] source, Span<T> destination) : IRowVisitor
    {
        private readonly T[] _source = source;
        private readonly Span<T> _destination = destination;

        public readonly void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides)
        {
            int o = offsets[0], s = innerStrides[0];
            Span<T> d = _destination.Slice(outOffset, length);
            if (s == 1) _source.AsSpan(o, length).CopyTo(d);
            else if (s == 0) d.Fill(_source[o]);
            else for (int i = 0; i < length; i++) d[i] = _source[o + i * s];
        }
    }

    private ref struct ScatterVisitor<T>(ReadOnlySpan<T> source, T[] target) : IRowVisitor
    {
        private readonly ReadOnlySpan<T> _source = source;
        private readonly T[] _target = target;

        public readonly void Row(int length, int outOffset, scoped ReadOnlySpan<int> offsets, scoped ReadOnlySpan<int> innerStrides)
        {
            int o = offsets[0], s = innerStrides[0];
            ReadOnlySpan<T> src = _source.Slice(outOffset, length);
            if (s == 1) src.CopyTo(_target.AsSpan(o, length));
            else for (int i = 0; i < length; i++) _target[o + i * s] = src[i];
        }
    }
}
