using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.Samples.Sequence;

/// <summary>Seq2seq with attention: reverse a string of 3–7 digits. The encoder is a bidirectional GRU over the
/// padded batch with per-sequence lengths; the decoder is a GRU cell whose input is the previous digit's embedding
/// joined with the context that additive (Bahdanau) attention computes over the encoder outputs from the decoder's
/// previous state, padding masked out. Trained with teacher forcing; evaluated by greedy decoding up to the end token,
/// counting a string right only if every digit and the end are right (exact match).</summary>
public static class Reverse
{
    private const int MinLength = 3, MaxLength = 7, Pad = 10, Bos = 11, Eos = 12, Vocab = 13;
    private const int Embed = 16, Enc = 32, Dec = 64;

    private sealed class Model : Module
    {
        public readonly Embedding Embedding;
        public readonly Gru Encoder;
        public readonly Linear Bridge;
        public readonly GruCell Decoder;
        public readonly AdditiveAttention Attention;
        public readonly Linear Head;

        public Model(Generator g)
        {
            Embedding = RegisterModule("embedding", new Embedding(Vocab, Embed, paddingIdx: Pad, generator: g));
            Encoder = RegisterModule("encoder", new Gru(Embed, Enc, batchFirst: true, bidirectional: true, generator: g));
            Bridge = RegisterModule("bridge", new Linear(2 * Enc, Dec, generator: g));
            Decoder = RegisterModule("decoder", new GruCell(Embed + 2 * Enc, Dec, generator: g));
            Attention = RegisterModule("attention", new AdditiveAttention(Dec, 2 * Enc, 32, generator: g));
            Head = RegisterModule("head", new Linear(Dec + 2 * Enc, Vocab, generator: g));
        }

        /// <summary>Logits (B, steps, Vocab). With targets (B, steps) the previous true token is fed back.</summary>
        public Tensor Forward(Tensor source, int[] lengths, Tensor? targets, int steps)
        {
            int n = source.Size(0);
            (Tensor keys, Tensor hn) = Encoder.Forward(Embedding.Forward(source), null, lengths);
            // The decoder starts from both directions' final states: h₀ = tanh(W·[h_fwd; h_bwd] + b).
            Tensor h = Bridge.Forward(Tensor.Cat([hn.Select(0, 0), hn.Select(0, 1)], -1)).Tanh();
            Tensor padding = Tensor.FromArray(lengths.SelectMany(l => Enumerable.Range(0, source.Size(1)).Select(t => t >= l)).ToArray(), n, source.Size(1));
            Tensor prev = Tensor.Full([n], Bos, DType.Int64);
            var logits = new Tensor[steps];
            for (int t = 0; t < steps; t++)
            {
                // Bahdanau's order: the context c_t comes from the previous state s_{t−1}; s_t = GRU([y_{t−1}; c_t], s_{t−1});
                // the output reads [s_t; c_t].
                (Tensor context, _) = Attention.Forward(h, keys, null, padding);
                h = Decoder.Forward(Tensor.Cat([Embedding.Forward(prev), context], -1), h);
                logits[t] = Head.Forward(Tensor.Cat([h, context], -1));
                prev = targets is null ? logits[t].Argmax(-1) : targets.Select(1, t);
            }
            return Tensor.Stack(logits, 1);
        }
    }

    /// <summary>Sources padded to MaxLength, their lengths, and targets (reversed digits, end token, then padding).</summary>
    private static (Tensor Source, int[] Lengths, Tensor Target) Batch(int n, Generator g)
    {
        var src = new long[n][];
        var tgt = new long[n][];
        var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            lengths[i] = MinLength + (int)g.NextBounded(MaxLength - MinLength + 1);
            src[i] = Enumerable.Range(0, lengths[i]).Select(_ => (long)g.NextBounded(10)).ToArray();
            tgt[i] = [.. src[i].Reverse(), Eos];
        }
        return (Batches.Padded(src, MaxLength, Pad), lengths, Batches.Padded(tgt, MaxLength + 1, Pad));
    }

    /// <summary>Trains with Adam and measures exact-match reversal of 500 fresh strings.</summary>
    /// <param name="steps">Training steps.</param>
    /// <param name="seed">Seed of the initialisation and the data.</param>
    /// <param name="batch">Examples per training step.</param>
    public static TaskResult Run(int steps = 600, long seed = 4, int batch = 64)
    {
        var g = new Generator(seed);
        var model = new Model(g);
        var opt = new Adam(model.Parameters(), lr: 5e-3);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            (Tensor src, int[] lengths, Tensor tgt) = Batch(batch, g);
            Tensor logits = model.Forward(src, lengths, tgt, MaxLength + 1);
            // Padding after the end token is ignored by the loss.
            Tensor loss = F.CrossEntropy(logits.Reshape(-1, Vocab), tgt.Reshape(-1), ignoreIndex: Pad);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
        }
        (Tensor ts, int[] tl, Tensor tt) = Batch(500, g);
        double accuracy;
        using (GradMode.Disable())
        {
            Tensor predicted = model.Forward(ts, tl, null, MaxLength + 1).Argmax(-1);
            long[] p = predicted.ToArray<long>(), y = tt.ToArray<long>();
            int right = 0;
            for (int i = 0; i < tl.Length; i++)
            {
                // Exact match: the reversed digits and the end token, positions 0..length.
                bool ok = true;
                for (int t = 0; t <= tl[i] && ok; t++) ok = p[i * (MaxLength + 1) + t] == y[i * (MaxLength + 1) + t];
                if (ok) right++;
            }
            accuracy = (double)right / tl.Length;
        }
        return new TaskResult("seq2seq + additive attention: reverse 3-7 digits (exact match)", accuracy, Batches.Tail(losses));
    }
}
