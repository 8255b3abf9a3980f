using Nabla;

namespace Nabla.Core.Tests.Ops;

/// <summary>Reference implementations by plain loops over double arrays, sharing no code with the library's
/// kernels: the forward oracle for the catalog rows that are not element-wise.</summary>
public static class Naive
{
    private static double[] Values(Tensor t) => t.To(DType.Float64).ToArray<double>();

    private static Tensor Make(double[] v, params int[] shape) => Tensor.FromArray(v).Reshape(shape);

    private static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    private static IEnumerable<int[]> Coords(int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var c = new int[shape.Length];
        for (int f = 0; f < n; f++)
        {
            yield return (int[])c.Clone();
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (++c[i] < shape[i]) break;
                c[i] = 0;
            }
        }
    }

    private static int Flat(int[] coord, int[] strides) => coord.Select((c, i) => c * strides[i]).Sum();

    public static Tensor Same(Tensor x, params int[] shape) => Make(Values(x), shape);

    public static Tensor Transpose2(Tensor x) => Permute(x, 1, 0);

    public static Tensor Permute(Tensor x, params int[] perm)
    {
        double[] v = Values(x);
        int[] shape = x.Shape, st = Strides(shape);
        int[] outShape = perm.Select(p => shape[p]).ToArray();
        var r = new double[v.Length];
        int k = 0;
        foreach (int[] c in Coords(outShape))
        {
            var src = new int[shape.Length];
            for (int i = 0; i < perm.Length; i++) src[perm[i]] = c[i];
            r[k++] = v[Flat(src, st)];
        }
        return Make(r, outShape);
    }

    /// <summary>Columns start, start+step, … (count of them) of a 2-D tensor.</summary>
    public static Tensor Columns(Tensor x, int start, int count, int step = 1)
    {
        double[] v = Values(x);
        int rows = x.Shape[0], cols = x.Shape[1];
        var r = new double[rows * count];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < count; j++) r[i * count + j] = v[i * cols + start + j * step];
        return Make(r, rows, count);
    }

    public static Tensor Reduce(Tensor x, int[] dims, bool keepDim, Func<double, double, double> f, double init)
    {
        double[] v = Values(x);
        int[] shape = x.Shape;
        int[] outShape = shape.Select((s, i) => dims.Contains(i) ? 1 : s).ToArray();
        int[] ost = Strides(outShape);
        var r = Enumerable.Repeat(init, outShape.Aggregate(1, (a, b) => a * b)).ToArray();
        int k = 0;
        foreach (int[] c in Coords(shape))
        {
            int[] oc = c.Select((ci, i) => dims.Contains(i) ? 0 : ci).ToArray();
            int o = Flat(oc, ost);
            r[o] = f(r[o], v[k++]);
        }
        int[] final = keepDim ? outShape : shape.Where((_, i) => !dims.Contains(i)).ToArray();
        return Make(r, final);
    }

    public static Tensor Var(Tensor x, int dim)
    {
        Tensor mean = Reduce(x, [dim], true, (a, b) => a + b, 0) / x.Shape[dim];
        double[] v = Values(x), m = Values(mean);
        int rows = x.Shape[0], cols = x.Shape[1];
        var r = new double[dim == 1 ? rows : cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double d = v[i * cols + j] - m[dim == 1 ? i : j];
                r[dim == 1 ? i : j] += d * d / (x.Shape[dim] - 1);
            }
        return Make(r, r.Length);
    }

    public static Tensor Cat2(Tensor a, Tensor b)
    {
        double[] va = Values(a), vb = Values(b);
        int rows = a.Shape[0], ca = a.Shape[1], cb = b.Shape[1];
        var r = new double[rows * (ca + cb)];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < ca; j++) r[i * (ca + cb) + j] = va[i * ca + j];
            for (int j = 0; j < cb; j++) r[i * (ca + cb) + ca + j] = vb[i * cb + j];
        }
        return Make(r, rows, ca + cb);
    }

    /// <summary>2-D constant padding: left/right on the last dim, top/bottom on the first.</summary>
    public static Tensor Pad(Tensor x, int left, int right, int top, int bottom, double value)
    {
        double[] v = Values(x);
        int rows = x.Shape[0], cols = x.Shape[1], nr = rows + top + bottom, nc = cols + left + right;
        var r = Enumerable.Repeat(value, nr * nc).ToArray();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) r[(i + top) * nc + j + left] = v[i * cols + j];
        return Make(r, nr, nc);
    }

    public static Tensor Repeat(Tensor x, params int[] reps)
    {
        double[] v = Values(x);
        int[] shape = [.. Enumerable.Repeat(1, reps.Length - x.Dim), .. x.Shape];
        int[] st = Strides(shape);
        int[] outShape = shape.Select((s, i) => s * reps[i]).ToArray();
        var r = Coords(outShape).Select(c => v[Flat(c.Select((ci, i) => ci % shape[i]).ToArray(), st)]).ToArray();
        return Make(r, outShape);
    }

    public static Tensor IndexSelect1(Tensor x, int[] index)
    {
        double[] v = Values(x);
        int[] s = x.Shape, st = Strides(s);
        int[] outShape = [s[0], index.Length, s[2]];
        var r = Coords(outShape).Select(c => v[Flat([c[0], index[c[1]], c[2]], st)]).ToArray();
        return Make(r, outShape);
    }

    public static Tensor Gather1(Tensor x, Tensor index)
    {
        double[] v = Values(x);
        long[] idx = index.ToArray<long>();
        int cols = x.Shape[1], ic = index.Shape[1];
        var r = new double[idx.Length];
        for (int f = 0; f < idx.Length; f++) r[f] = v[(f / ic) * cols + idx[f]];
        return Make(r, index.Shape);
    }

    public static Tensor Scatter1(Tensor x, Tensor index, Tensor src, bool add)
    {
        double[] r = Values(x), s = Values(src);
        long[] idx = index.ToArray<long>();
        int cols = x.Shape[1], ic = index.Shape[1];
        for (int f = 0; f < idx.Length; f++)
        {
            int t = (f / ic) * cols + (int)idx[f];
            r[t] = add ? r[t] + s[f] : s[f];
        }
        return Make(r, x.Shape);
    }

    public static Tensor SortRows(Tensor x, bool descending)
    {
        double[] v = Values(x);
        int rows = x.Shape[0], cols = x.Shape[1];
        var r = new double[v.Length];
        for (int i = 0; i < rows; i++)
        {
            var row = v.Skip(i * cols).Take(cols).OrderBy(a => descending ? -a : a).ToArray();
            row.CopyTo(r, i * cols);
        }
        return Make(r, rows, cols);
    }

    public static Tensor MatMul(Tensor a, Tensor b)
    {
        double[] va = Values(a), vb = Values(b);
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) r[i * n + j] += va[i * k + p] * vb[p * n + j];
        return Make(r, m, n);
    }
}
