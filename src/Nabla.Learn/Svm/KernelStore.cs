using System.Numerics.Tensors;

namespace Nabla.Learn.Svm;

/// <summary>Kernel values between training samples: the whole matrix computed once by GEMM when it fits the memory
/// budget, else computed row by row on demand.</summary>
/// <remarks>Precomputing K (n, n) costs n²F multiply-adds at GEMM speed, and then every one-vs-one sub-problem and
/// cross-validation fold reads its rows from it; libsvm instead evaluates kernel rows lazily, one inner product at a
/// time. On demand, a row costs n inner products of length F, and the per-problem <see cref="QMatrix"/> caches it.</remarks>
internal sealed class KernelStore
{
    /// <summary>Largest precomputed matrix, in bytes.</summary>
    public const long MaxPrecomputedBytes = 2L << 30;

    private readonly KernelFunction _kernel;
    private readonly double[] _x, _norms;
    private readonly int _n, _f;
    private readonly float[]? _single;
    private readonly double[]? _double;

    /// <param name="kernel">The kernel.</param>
    /// <param name="x">Training samples (n, f), row-major.</param>
    /// <param name="n">Samples.</param>
    /// <param name="f">Features.</param>
    /// <param name="precompute">Whether to precompute K when it fits the budget (tests turn it off to exercise the on-demand path).</param>
    public KernelStore(KernelFunction kernel, double[] x, int n, int f, bool precompute = true)
    {
        (_kernel, _x, _n, _f) = (kernel, x, n, f);
        _norms = KernelFunction.Norms(x, n, f);
        bool single = (long)n * n * f > KernelFunction.SinglePrecisionWork;
        if (precompute && (long)n * n * (single ? 4 : 8) <= MaxPrecomputedBytes)
            (_single, _double) = kernel.SymmetricMatrix(x, _norms, n, f);
    }

    /// <summary>Whether the whole matrix is in memory (so rows are cheap copies, safe to read from many threads).</summary>
    public bool Precomputed => _single is not null || _double is not null;

    /// <summary>k(x_i, x_i).</summary>
    public double Diagonal(int i) => _kernel.Apply(_norms[i], _norms[i], _norms[i]);

    /// <summary>dst[t] = k(x_i, x_idx[t]).</summary>
    public void Row(int i, int[] idx, Span<double> dst)
    {
        long offset = (long)i * _n;
        if (_single is not null)
            for (int t = 0; t < idx.Length; t++) dst[t] = _single[offset + idx[t]];
        else if (_double is not null)
            for (int t = 0; t < idx.Length; t++) dst[t] = _double[offset + idx[t]];
        else
        {
            ReadOnlySpan<double> xi = _x.AsSpan(i * _f, _f);
            for (int t = 0; t < idx.Length; t++)
                dst[t] = _kernel.Apply(TensorPrimitives.Dot(xi, _x.AsSpan(idx[t] * _f, _f)), _norms[i], _norms[idx[t]]);
        }
    }
}

/// <summary>Q_ij = y_i y_j k(x_i, x_j) of one binary problem over a subset of the training samples, with a
/// least-recently-used cache of rows (libsvm's <c>SVC_Q</c> with its <c>Cache</c>).</summary>
/// <remarks>Rows are stored in float32 as libsvm's (its <c>Qfloat</c>), which halves the cache and keeps the solver's
/// path, and so its stopping point, the same as libsvm's; the diagonal stays float64.</remarks>
internal sealed class QMatrix
{
    private readonly KernelStore _store;
    private readonly int[] _idx;
    private readonly sbyte[] _y;
    private readonly float[]?[] _rows;
    private readonly double[] _buffer;
    private readonly LinkedList<int> _recent = new();
    private readonly LinkedListNode<int>?[] _nodes;
    private readonly int _capacity;

    /// <param name="store">Kernel values of the whole training set.</param>
    /// <param name="idx">The problem's samples as training-set indices.</param>
    /// <param name="y">Their labels ±1.</param>
    /// <param name="cacheBytes">Row-cache budget (at least two rows are always kept).</param>
    public QMatrix(KernelStore store, int[] idx, sbyte[] y, long cacheBytes)
    {
        (_store, _idx, _y) = (store, idx, y);
        int l = idx.Length;
        _rows = new float[]?[l];
        _buffer = new double[l];
        _nodes = new LinkedListNode<int>?[l];
        _capacity = (int)Math.Clamp(cacheBytes / (4L * l), 2, l);
        Diagonal = new double[l];
        for (int i = 0; i < l; i++) Diagonal[i] = store.Diagonal(idx[i]);
    }

    /// <summary>Q_ii.</summary>
    public double[] Diagonal { get; }

    /// <summary>Row i of Q (length l). Callers may keep the array after it leaves the cache.</summary>
    public float[] Row(int i)
    {
        float[]? row = _rows[i];
        if (row is not null)
        {
            _recent.Remove(_nodes[i]!);
            _recent.AddFirst(_nodes[i]!);
            return row;
        }
        if (_recent.Count >= _capacity)
        {
            int old = _recent.Last!.Value;
            _recent.RemoveLast();
            (_rows[old], _nodes[old]) = (null, null);
        }
        row = new float[_idx.Length];
        _store.Row(_idx[i], _idx, _buffer);
        sbyte yi = _y[i];
        for (int t = 0; t < row.Length; t++) row[t] = (float)(yi * _y[t] * _buffer[t]);
        _rows[i] = row;
        _nodes[i] = _recent.AddFirst(i);
        return row;
    }
}
