using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Scaled dot-product attention, softmax(Q·Kᵀ·scale + M)·V: each query row takes a weighted mean of the
    /// value rows, weighted by the softmax of its scaled dot products with the key rows. PyTorch 2.x:
    /// <c>F.scaled_dot_product_attention(query, key, value, attn_mask, is_causal=..., scale=...)</c>.</summary>
    /// <remarks>
    /// <para>Shapes: query (*, L, E), key (*, S, E), value (*, S, Ev) → (*, L, Ev); the batch dims * of the three
    /// (and of the mask) broadcast. attnMask broadcasts to (*, L, S).</para>
    /// <para>Masks follow PyTorch 2.x: a Bool mask is true where a query may attend (false scores become −∞ before
    /// the softmax, so they get weight 0); a float mask is added to the scores (and receives a gradient).
    /// isCausal allows query i to attend key j only for j ≤ i, aligned at the top left when L ≠ S (PyTorch 2.x's
    /// <c>torch.ones(L, S).tril()</c>). A query row whose keys are all masked has no softmax: its output and
    /// gradients are 0, as in PyTorch 2.5's attention.</para>
    /// <para>One fused primitive with its own backward (<see cref="Kernels.Attention"/>, flash-attention style: keys
    /// in tiles with an online softmax, the per-row log-sum-exp saved and the probabilities recomputed in
    /// backward), tested against the composite formula softmax(Q·Kᵀ·scale + M)·V.</para>
    /// </remarks>
    /// <param name="query">Q, (*, L, E).</param>
    /// <param name="key">K, (*, S, E).</param>
    /// <param name="value">V, (*, S, Ev).</param>
    /// <param name="attnMask">Bool (true = may attend) or float (added to the scores) mask broadcastable to
    /// (*, L, S), or null.</param>
    /// <param name="isCausal">Apply the lower-triangular causal mask (not together with attnMask).</param>
    /// <param name="scale">Multiplier of the dot products; 1/√E when null.</param>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes differ, or both a mask and isCausal
    /// are given.</exception>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
                                                   bool isCausal = false, double? scale = null)
    {
        const string op = nameof(ScaledDotProductAttention);
        (Tensor q, Tensor k, double sc) = CheckAttention(op, query, key, attnMask, isCausal, scale);
        ArgumentNullException.ThrowIfNull(value);
        Tensor v = RequireFloat(value, op);
        if (v.Dim < 2 || v.Size(-2) != k.Size(-2) || v.DType != q.DType)
            throw new ArgumentException($"{op}: value {v.ShapeString} ({v.DType}) does not fit key {k.ShapeString} ({k.DType}): expected (*, S, Ev) with S = {k.Size(-2)}.");
        int l = q.Size(-2), s = k.Size(-2), e = q.Size(-1), ev = v.Size(-1);

        // Batch dims of query, key, value and mask broadcast together; each head reads its blocks through offsets.
        int[] batch = Layout.Broadcast(op, Layout.Broadcast(op, q.ShapeArray[..^2], k.ShapeArray[..^2]), v.ShapeArray[..^2]);
        Tensor? m = null;
        int[] mShape = [];
        if (attnMask is not null)
        {
            // A Bool mask becomes the additive 0 / −∞ mask; a float mask is added as it is.
            Tensor additive = attnMask.DType == DType.Bool ? Where(attnMask, Scalar(0.0, q.DType), double.NegativeInfinity) : attnMask;
            mShape = additive.Dim >= 2 ? additive.ShapeArray : [1, .. additive.ShapeArray];
            if (mShape.Length > 2) batch = Layout.Broadcast(op, batch, mShape[..^2]);
            m = additive.ContiguousRaw();
        }
        int heads = Layout.NumEl(batch);
        // Query, key and value are read in place when their rows are unit-stride (e.g. heads viewed out of a
        // (N, L, H, E) projection by Transpose), saving a copy each.
        (Tensor qc, int[] qOff, int qRow) = AttentionOperand(q, batch);
        (Tensor kc, int[] kOff, int kRow) = AttentionOperand(k, batch);
        (Tensor vc, int[] vOff, int vRow) = AttentionOperand(v, batch);
        // The output takes the query's memory order: heads viewed out of a (N, L, H, E) projection give an output
        // stored (N, L, H, Ev), so merging the heads back (Transpose(1, 2) then View) needs no copy.
        (Tensor y, int[]? yOff, int yRow) = HeadsInterleaved(q, batch) ? InterleavedHeads(q.DType, batch, l, ev) : (AllocateUninitialized(q.DType, [.. batch, l, ev]), null, 0);
        var layout = new Kernels.AttentionLayout(heads, l, s, e, ev, qOff, kOff, vOff, isCausal,
            m is null ? null : HeadOffsets(mShape[..^2], batch, mShape[^2] * mShape[^1]),
            m is null || mShape[^2] == 1 ? 0 : mShape[^1], m is null || mShape[^1] == 1 ? 0 : 1, qRow, kRow, vRow, yOff, yRow);
        Tensor lse = AllocateUninitialized(q.DType, [heads * l]);
        if (q.DType == DType.Float32)
            Kernels.Attention.Forward<float>(qc.Array<float>(), kc.Array<float>(), vc.Array<float>(), m is null ? default : m.AsSpan<float>(),
                                             layout, (float)sc, y.Array<float>(), lse.AsSpan<float>());
        else
            Kernels.Attention.Forward<double>(qc.Array<double>(), kc.Array<double>(), vc.Array<double>(), m is null ? default : m.AsSpan<double>(),
                                              layout, sc, y.Array<double>(), lse.AsSpan<double>());

        bool maskGrad = attnMask is not null && attnMask.DType != DType.Bool;
        Tensor[] inputs = maskGrad ? [q, k, v, attnMask!] : [q, k, v];
        return Graph.Record(y, op, inputs, g =>
        {
            // dO is read in place when its rows are unit-stride (e.g. the gradient of a head merge, stored
            // (N, L, H, Ev)); dQ, dK and dV take the memory order of Q, K and V (see HeadsInterleaved), so the
            // gradients flowing back through the head split are contiguous and need no copy either.
            (Tensor gc, int[] gOff, int gRow) = AttentionOperand(g, batch);
            (Tensor dq, int[] dqOff, int dqRow) = GradientLike(q, batch, l, e);
            (Tensor dk, int[] dkOff, int dkRow) = GradientLike(k, batch, s, e);
            (Tensor dv, int[] dvOff, int dvRow) = GradientLike(v, batch, s, ev);
            var gradLayout = new Kernels.AttentionGradientLayout(gOff, gRow, dqOff, dqRow, dkOff, dkRow, dvOff, dvRow);
            Tensor? dm = maskGrad && attnMask!.RequiresGrad ? AllocateUninitialized(q.DType, [.. batch, l, s]) : null;
            if (q.DType == DType.Float32)
                Kernels.Attention.Backward<float>(qc.Array<float>(), kc.Array<float>(), vc.Array<float>(), m is null ? default : m.AsSpan<float>(),
                    layout, (float)sc, y.Array<float>(), lse.AsSpan<float>(), gc.Array<float>(), dq.Array<float>(), dk.Array<float>(),
                    dv.Array<float>(), dm is null ? default : dm.AsSpan<float>(), gradLayout);
            else
                Kernels.Attention.Backward<double>(qc.Array<double>(), kc.Array<double>(), vc.Array<double>(), m is null ? default : m.AsSpan<double>(),
                    layout, sc, y.Array<double>(), lse.AsSpan<double>(), gc.Array<double>(), dq.Array<double>(), dk.Array<double>(),
                    dv.Array<double>(), dm is null ? default : dm.AsSpan<double>(), gradLayout);
            // Broadcast batch dims (and a broadcast mask) receive the sum over the heads that shared them.
            Tensor?[] grads = [dq.SumTo(q.ShapeArray), dk.SumTo(k.ShapeArray), dv.SumTo(v.ShapeArray)];
            return maskGrad ? [.. grads, dm?.SumTo(attnMask!.ShapeArray)] : grads;
        });
    }

    /// <summary>True when a 4-D operand (N, H, rows, width) with exactly the batch dims (N, H) is a head view of a
    /// (N, rows, H, width) memory order: unit-stride rows, and the head stride below the row stride.</summary>
    private static bool HeadsInterleaved(Tensor t, int[] batch)
    {
        int[] st = t.StridesArray;
        return t.Dim == 4 && batch.Length == 2 && t.ShapeArray[0] == batch[0] && t.ShapeArray[1] == batch[1] && t.ShapeArray[1] > 1
               && t.ShapeArray[2] > 1 && st[3] == 1 && st[1] < st[2] && st[1] > 0;
    }

    /// <summary>A fresh (N, H, rows, width) tensor stored (N, rows, H, width), returned as the transposed view, with
    /// each head's start offset and row stride (H·width) for the attention kernel.</summary>
    private static (Tensor View, int[] Offsets, int RowStride) InterleavedHeads(DType dtype, int[] batch, int rows, int width)
    {
        int n = batch[0], h = batch[1];
        Tensor mem = AllocateUninitialized(dtype, [n, rows, h, width]);
        // The view is the only tensor over mem's storage that leaves this method, so it owns it (see
        // Tensor.OwnsStorage): the backward may recycle it like any op's fresh result.
        var view = new Tensor(mem.Data, dtype, [n, h, rows, width], [rows * h * width, width, h * width, 1], 0) { OwnsStorage = true };
        var offsets = new int[n * h];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++) offsets[b * h + i] = b * rows * h * width + i * width;
        return (view, offsets, h * width);
    }

    /// <summary>The gradient buffer of an attention operand of shape (*batch, rows, width): in the operand's
    /// interleaved memory order when it has one (see <see cref="HeadsInterleaved"/>), else contiguous; with the
    /// kernel's per-head offsets and row stride.</summary>
    private static (Tensor Grad, int[] Offsets, int RowStride) GradientLike(Tensor operand, int[] batch, int rows, int width)
    {
        if (HeadsInterleaved(operand, batch)) return InterleavedHeads(operand.DType, batch, rows, width);
        Tensor grad = AllocateUninitialized(operand.DType, [.. batch, rows, width]);
        int heads = Layout.NumEl(batch);
        var offsets = new int[heads];
        for (int t = 0; t < heads; t++) offsets[t] = t * rows * width;
        return (grad, offsets, width);
    }

    /// <summary>The storage, per-head start offsets and row stride by which the attention kernel reads an operand
    /// (*, rows, width) broadcast to the batch dims: the tensor itself when its rows are unit-stride and do not
    /// overlap, else a contiguous copy.</summary>
    private static (Tensor Storage, int[] Offsets, int RowStride) AttentionOperand(Tensor t, int[] batch)
    {
        int rows = t.Size(-2), width = t.Size(-1);
        int[] st = t.StridesArray;
        bool inPlace = (width <= 1 || st[^1] == 1) && (rows <= 1 || st[^2] >= width) && st.All(x => x >= 0);
        if (!inPlace)
        {
            t = t.ContiguousRaw();
            st = t.StridesArray;
        }
        int rowStride = rows <= 1 ? Math.Max(width, 1) : st[^2];
        int[] strides = Layout.BroadcastStrides(t.ShapeArray[..^2], st[..^2], batch);
        int heads = Layout.NumEl(batch);
        var offsets = new int[heads];
        var coord = new int[batch.Length];
        for (int h = 0; h < heads; h++)
        {
            int off = t.Offset;
            for (int d = 0; d < batch.Length; d++) off += coord[d] * strides[d];
            offsets[h] = off;
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++coord[d] < batch[d]) break;
                coord[d] = 0;
            }
        }
        return (t, offsets, rowStride);
    }

    /// <summary>Start of each head's block in a contiguous tensor whose batch dims <paramref name="own"/> broadcast
    /// to <paramref name="batch"/>, with <paramref name="block"/> elements per head.</summary>
    private static int[] HeadOffsets(int[] own, int[] batch, int block)
    {
        int[] strides = Layout.BroadcastStrides(own, Layout.ContiguousStrides(own), batch);
        int heads = Layout.NumEl(batch);
        var offsets = new int[heads];
        var coord = new int[batch.Length];
        for (int t = 0; t < heads; t++)
        {
            int off = 0;
            for (int d = 0; d < batch.Length; d++) off += coord[d] * strides[d];
            offsets[t] = off * block;
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++coord[d] < batch[d]) break;
                coord[d] = 0;
            }
        }
        return offsets;
    }

    /// <summary>The attention weights softmax(Q·Kᵀ·scale + M) of <see cref="ScaledDotProductAttention"/>, row i
    /// holding how much query i takes from each key. PyTorch: the <c>attn_weight</c> of
    /// <c>F.scaled_dot_product_attention</c>'s reference implementation (and <c>nn.MultiheadAttention</c>'s
    /// returned weights, per head).</summary>
    /// <remarks>Shapes: query (*, L, E), key (*, S, E) → (*, L, S), batch dims broadcast; the mask as in
    /// <see cref="ScaledDotProductAttention"/>. Composite of MatMul, Where and Softmax; a query row whose keys are
    /// all masked gives NaN.</remarks>
    /// <param name="query">Q, (*, L, E).</param>
    /// <param name="key">K, (*, S, E).</param>
    /// <param name="attnMask">Bool (true = may attend) or float (added) mask broadcastable to (*, L, S), or null.</param>
    /// <param name="isCausal">Apply the lower-triangular causal mask (not together with attnMask).</param>
    /// <param name="scale">Multiplier of the dot products; 1/√E when null.</param>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes differ, or both a mask and isCausal
    /// are given.</exception>
    public static Tensor ScaledDotProductAttentionWeights(Tensor query, Tensor key, Tensor? attnMask = null,
                                                          bool isCausal = false, double? scale = null)
    {
        (Tensor q, Tensor k, double sc) = CheckAttention(nameof(ScaledDotProductAttentionWeights), query, key, attnMask, isCausal, scale);
        return AttentionWeights(q, k, attnMask, isCausal, sc);
    }

    private static Tensor AttentionWeights(Tensor q, Tensor k, Tensor? attnMask, bool isCausal, double scale)
    {
        Tensor scores = q.MatMul(k.Transpose(-2, -1)) * scale;
        if (isCausal) scores = Where(CausalMask(q.Size(-2), k.Size(-2)), scores, double.NegativeInfinity);
        else if (attnMask is not null)
            scores = attnMask.DType == DType.Bool ? Where(attnMask, scores, double.NegativeInfinity) : scores + attnMask;
        return scores.Softmax(-1);
    }

    /// <summary>Validates query, key and mask of an attention op; returns the float query and key and the scale.</summary>
    private static (Tensor Q, Tensor K, double Scale) CheckAttention(string op, Tensor query, Tensor key, Tensor? attnMask, bool isCausal, double? scale)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        Tensor q = RequireFloat(query, op), k = RequireFloat(key, op);
        if (q.Dim < 2 || k.Dim < 2 || q.Size(-1) != k.Size(-1) || q.DType != k.DType)
            throw new ArgumentException($"{op}: query {q.ShapeString} ({q.DType}) and key {k.ShapeString} ({k.DType}) do not fit (*, L, E) and (*, S, E) of one dtype.");
        int l = q.Size(-2), s = k.Size(-2);
        if (attnMask is not null)
        {
            if (isCausal) throw new ArgumentException($"{op}: give either attnMask or isCausal, not both.");
            if (attnMask.DType != DType.Bool && attnMask.DType != q.DType)
                throw new ArgumentException($"{op}: attnMask must be Bool or have the query's dtype {q.DType}, got {attnMask.DType}.");
            int[] m = attnMask.ShapeArray;
            bool fits = m.Length >= 1 && (m[^1] == s || m[^1] == 1) && (m.Length < 2 || m[^2] == l || m[^2] == 1);
            if (!fits) throw new ArgumentException($"{op}: attnMask {attnMask.ShapeString} does not broadcast to (*, L, S) = (*, {l}, {s}).");
        }
        if (scale is { } given && !double.IsFinite(given))
            throw new ArgumentException($"{op}: scale must be finite, got {given}.");
        return (q, k, scale ?? 1 / Math.Sqrt(q.Size(-1)));
    }

    /// <summary>The (L, S) Bool mask that is true where key j ≤ query i (top-left aligned).</summary>
    private static Tensor CausalMask(int l, int s)
    {
        var m = new bool[l * s];
        for (int i = 0; i < l; i++)
            for (int j = 0; j <= i && j < s; j++) m[i * s + j] = true;
        return FromArray(m, l, s);
    }
}
