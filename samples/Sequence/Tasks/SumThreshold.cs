using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.Samples.Sequence;

/// <summary>Many-to-one: classify a digit sequence of length 4–8 by whether its sum exceeds 4.5 per digit (the mean).
/// Embedding → LSTM over the padded batch with per-sequence lengths (so each final state is taken at its own
/// length) → Linear on h_n → 2 classes.</summary>
public static class SumThreshold
{
    private const int MaxLength = 8, Pad = 10, Hidden = 32;

    private sealed class Model : Module
    {
        public readonly Embedding Embed;
        public readonly Lstm Lstm;
        public readonly Linear Head;

        public Model(Generator g)
        {
            Embed = RegisterModule("embed", new Embedding(11, 16, paddingIdx: Pad, generator: g));
            Lstm = RegisterModule("lstm", new Lstm(16, Hidden, batchFirst: true, generator: g));
            Head = RegisterModule("head", new Linear(Hidden, 2, generator: g));
        }

        public Tensor Forward(Tensor x, int[] lengths) => Head.Forward(Lstm.Forward(Embed.Forward(x), null, lengths).State.HN.Select(0, 0));
    }

    private static (Tensor X, int[] Lengths, Tensor Y) Batch(int n, Generator g)
    {
        var rows = new long[n][];
        var labels = new long[n];
        var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            lengths[i] = 4 + (int)g.NextBounded(MaxLength - 3);
            rows[i] = Enumerable.Range(0, lengths[i]).Select(_ => (long)g.NextBounded(10)).ToArray();
            labels[i] = rows[i].Sum() > 4.5 * lengths[i] ? 1 : 0;
        }
        return (Batches.Padded(rows, MaxLength, Pad), lengths, Tensor.FromArray(labels));
    }

    /// <summary>Trains with Adam and measures accuracy on 1,000 fresh sequences.</summary>
    /// <param name="steps">Training steps.</param>
    /// <param name="seed">Seed of the initialisation and the data.</param>
    /// <param name="batch">Examples per training step.</param>
    public static TaskResult Run(int steps = 400, long seed = 1, int batch = 64)
    {
        var g = new Generator(seed);
        var model = new Model(g);
        var opt = new Adam(model.Parameters(), lr: 1e-2);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            (Tensor x, int[] lengths, Tensor y) = Batch(batch, g);
            Tensor loss = F.CrossEntropy(model.Forward(x, lengths), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
        }
        (Tensor tx, int[] tl, Tensor ty) = Batch(1000, g);
        double accuracy;
        using (GradMode.Disable()) accuracy = model.Forward(tx, tl).Argmax(1).Eq(ty).To(DType.Float64).Mean().Item<double>();
        return new TaskResult("many-to-one: sum of 4-8 digits above average", accuracy, Batches.Tail(losses));
    }
}
