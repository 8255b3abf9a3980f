using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.Samples.Sequence;

/// <summary>Many-to-many (tagging): label every bit of a 12-bit string with the parity of the bits so far, which needs
/// one bit of memory carried through the sequence. Embedding → GRU → Linear at every step.</summary>
public static class RunningParity
{
    private const int Length = 12, Hidden = 16;

    private sealed class Model : Module
    {
        public readonly Embedding Embed;
        public readonly Gru Gru;
        public readonly Linear Head;

        public Model(Generator g)
        {
            Embed = RegisterModule("embed", new Embedding(2, 8, generator: g));
            Gru = RegisterModule("gru", new Gru(8, Hidden, batchFirst: true, generator: g));
            Head = RegisterModule("head", new Linear(Hidden, 2, generator: g));
        }

        public Tensor Forward(Tensor x) => Head.Forward(Gru.Forward(Embed.Forward(x)).Output);
    }

    private static (Tensor X, Tensor Y) Batch(int n, Generator g)
    {
        var x = new long[n * Length];
        var y = new long[n * Length];
        for (int i = 0; i < n; i++)
        {
            long parity = 0;
            for (int t = 0; t < Length; t++)
            {
                x[i * Length + t] = (long)g.NextBounded(2);
                parity ^= x[i * Length + t];
                y[i * Length + t] = parity;
            }
        }
        return (Tensor.FromArray(x, n, Length), Tensor.FromArray(y, n, Length));
    }

    /// <summary>Trains with Adam and measures the fraction of 500 fresh strings tagged right at every position.</summary>
    /// <param name="steps">Training steps.</param>
    /// <param name="seed">Seed of the initialisation and the data.</param>
    /// <param name="batch">Examples per training step.</param>
    public static TaskResult Run(int steps = 300, long seed = 2, int batch = 32)
    {
        var g = new Generator(seed);
        var model = new Model(g);
        var opt = new Adam(model.Parameters(), lr: 1e-2);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            (Tensor x, Tensor y) = Batch(batch, g);
            Tensor loss = F.CrossEntropy(model.Forward(x).Reshape(-1, 2), y.Reshape(-1));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
        }
        (Tensor tx, Tensor ty) = Batch(500, g);
        double accuracy;
        using (GradMode.Disable())
        {
            Tensor right = model.Forward(tx).Argmax(-1).Eq(ty).To(DType.Float64);
            accuracy = right.Min(1).Mean().Item<double>();      // a string counts only if every tag is right
        }
        return new TaskResult("many-to-many: running parity tags of 12 bits", accuracy, Batches.Tail(losses));
    }
}
