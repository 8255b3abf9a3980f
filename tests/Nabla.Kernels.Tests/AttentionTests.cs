using Nabla.Kernels;
using Xunit;

namespace Nabla.Kernels.Tests;

/// <summary>The tiled attention kernel against its naive oracle, AttentionReference, on shared offsets
/// (broadcast heads), broadcast masks, causal cuts across tiles, and float and double.</summary>
public sealed class AttentionTests
{
    private static T[] Random<T>(Random rng, int n, double scale) where T : System.Numerics.IFloatingPointIeee754<T>
        => Enumerable.Range(0, n).Select(_ => T.CreateChecked((rng.NextDouble() * 2 - 1) * scale)).ToArray();

    private static void Check<T>(int l, int s, bool causal, bool masked, double tol, int pad = 0) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        const int heads = 3, e = 7, ev = 4;
        // Rows are e + pad (ev + pad) apart: pad > 0 reads heads out of wider rows, as from a packed projection.
        int qs = e + pad, vs = ev + pad;
        var rng = new Random(l * 31 + s);
        // Heads 0 and 2 share a key/value block (offset 0), as a broadcast batch dim would.
        T[] q = Random<T>(rng, heads * l * qs, 3), k = Random<T>(rng, 2 * s * qs, 3), v = Random<T>(rng, 2 * s * vs, 1);
        // One mask row (1, S) broadcast over the queries, 0 or −∞ plus a bias; key 0 is always visible.
        T[] mask = Enumerable.Range(0, 2 * s).Select(j => j % s == 0 || rng.NextDouble() < 0.7 ? T.CreateChecked(rng.NextDouble()) : T.NegativeInfinity).ToArray();
        var layout = new AttentionLayout(heads, l, s, e, ev, [0, l * qs, 2 * l * qs], [0, s * qs, 0], [0, s * vs, 0], causal,
                                         masked ? [0, s, s] : null, 0, 1, qs, qs, vs);
        T scale = T.CreateChecked(0.4);
        T[] o = new T[heads * l * ev], lse = new T[heads * l], o2 = new T[o.Length], lse2 = new T[lse.Length];
        Attention.Forward<T>(q, k, v, masked ? mask : default, layout, scale, o, lse);
        AttentionReference.Forward<T>(q, k, v, masked ? mask : default, layout, scale, o2, lse2);
        Close("O", o2, o, tol);
        Close("lse", lse2, lse, tol);

        T[] g = Random<T>(rng, o.Length, 1);
        T[] dq = new T[heads * l * e], dk = new T[heads * s * e], dv = new T[heads * s * ev], dm = new T[heads * l * s];
        T[] dq2 = new T[dq.Length], dk2 = new T[dk.Length], dv2 = new T[dv.Length], dm2 = new T[dm.Length];
        Attention.Backward<T>(q, k, v, masked ? mask : default, layout, scale, o, lse, g, dq, dk, dv, dm);
        AttentionReference.Backward<T>(q, k, v, masked ? mask : default, layout, scale, g, dq2, dk2, dv2, dm2);
        Close("dQ", dq2, dq, tol);
        Close("dK", dk2, dk, tol);
        Close("dV", dv2, dv, tol);
        Close("dM", dm2, dm, tol);
    }

    private static void Close<T>(string what, T[] expected, T[] actual, double tol) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            Assert.True(e.Equals(a) || Math.Abs(e - a) <= tol * (1 + Math.Abs(e)), $"{what}[{i}]: {a:G17}, expected {e:G17}");
        }
    }

    [Theory]
    [InlineData(5, 9, false, false)]
    [InlineData(70, 300, false, true)]
    [InlineData(130, 140, true, false)]
    [InlineData(200, 129, true, true)]
    public void Tiled_kernel_matches_the_naive_reference_in_double(int l, int s, bool causal, bool masked)
        => Check<double>(l, s, causal, masked, 1e-12);

    [Fact]
    public void Strided_rows_match_the_naive_reference() => Check<double>(40, 150, true, true, 1e-12, pad: 5);

    [Theory]
    [InlineData(70, 300, false, true)]
    [InlineData(130, 140, true, false)]
    public void Tiled_kernel_matches_the_naive_reference_in_float(int l, int s, bool causal, bool masked)
        => Check<float>(l, s, causal, masked, 2e-5);

    [Fact]
    public void Interleaved_outputs_and_gradients_match_the_dense_layout()
    {
        // Heads written into and read from (L, H, width) rows, as a (N, L, H, E) tensor viewed as (N, H, L, E):
        // head t's row i at t·width + i·H·width. Everything else as the dense call, whose results must reappear.
        const int heads = 3, l = 50, s = 50, e = 7, ev = 4;
        var rng = new Random(5);
        double[] q = Random<double>(rng, heads * l * e, 3), k = Random<double>(rng, heads * s * e, 3), v = Random<double>(rng, heads * s * ev, 1);
        int[] Dense(int block) => [0, block, 2 * block];
        int[] Inter(int width) => [0, width, 2 * width];
        var dense = new AttentionLayout(heads, l, s, e, ev, Dense(l * e), Dense(s * e), Dense(s * ev), Causal: true);
        var inter = dense with { OutputOffsets = Inter(ev), OutputRowStride = heads * ev };
        double[] o = new double[heads * l * ev], lse = new double[heads * l], oi = new double[o.Length], lsei = new double[lse.Length];
        Attention.Forward<double>(q, k, v, default, dense, 0.4, o, lse);
        Attention.Forward<double>(q, k, v, default, inter, 0.4, oi, lsei);
        double[] g = Random<double>(rng, o.Length, 1), gi = new double[g.Length];
        for (int t = 0; t < heads; t++)
            for (int i = 0; i < l; i++)
                for (int c = 0; c < ev; c++)
                {
                    Assert.Equal(o[(t * l + i) * ev + c], oi[t * ev + i * heads * ev + c], 1e-14);
                    gi[t * ev + i * heads * ev + c] = g[(t * l + i) * ev + c];
                }
        double[] dq = new double[q.Length], dk = new double[k.Length], dv = new double[v.Length];
        double[] dqi = new double[q.Length], dki = new double[k.Length], dvi = new double[v.Length];
        Attention.Backward<double>(q, k, v, default, dense, 0.4, o, lse, g, dq, dk, dv, default);
        var gl = new AttentionGradientLayout(Inter(ev), heads * ev, Inter(e), heads * e, Inter(e), heads * e, Inter(ev), heads * ev);
        Attention.Backward<double>(q, k, v, default, inter, 0.4, oi, lsei, gi, dqi, dki, dvi, default, gl);
        var dqr = new double[q.Length];
        var dkr = new double[k.Length];
        var dvr = new double[v.Length];
        AttentionReference.Backward<double>(q, k, v, default, dense, 0.4, gi, dqr, dkr, dvr, default, gl with { DQueryOffsets = Dense(l * e), DQueryRowStride = e, DKeyOffsets = Dense(s * e), DKeyRowStride = e, DValueOffsets = Dense(s * ev), DValueRowStride = ev });
        for (int t = 0; t < heads; t++)
            for (int i = 0; i < l; i++)
            {
                for (int c = 0; c < e; c++)
                {
                    Assert.Equal(dq[(t * l + i) * e + c], dqi[t * e + i * heads * e + c], 1e-12);
                    Assert.Equal(dk[(t * s + i) * e + c], dki[t * e + i * heads * e + c], 1e-12);
                    Assert.Equal(dqr[(t * l + i) * e + c], dqi[t * e + i * heads * e + c], 1e-12);
                }
                for (int c = 0; c < ev; c++)
                {
                    Assert.Equal(dv[(t * s + i) * ev + c], dvi[t * ev + i * heads * ev + c], 1e-12);
                    Assert.Equal(dvr[(t * s + i) * ev + c], dvi[t * ev + i * heads * ev + c], 1e-12);
                }
            }
    }

    [Fact]
    public void Rejects_offsets_past_the_end_of_a_span()
    {
        var layout = new AttentionLayout(1, 2, 2, 2, 2, [1], [0], [0]);
        var e = Assert.Throws<ArgumentException>(() => Attention.Forward<float>(new float[4], new float[4], new float[4], default, layout, 1f, new float[4], new float[2]));
        Assert.Contains("query block at offset 1", e.Message, StringComparison.Ordinal);
    }
}
