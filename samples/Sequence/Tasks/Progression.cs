using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.Samples.Sequence;

/// <summary>One-to-many: from a vector (one-hot start digit a and one-hot step s ∈ {1, 2, 3}) generate the six digits
/// a, a + s, a + 2s, … mod 10. The vector sets the initial state h₀ = tanh(W·v + b); a GRU cell then feeds back its
/// own previous digit (the true one while training: teacher forcing; its own greedy choice when generating).</summary>
public static class Progression
{
    private const int Length = 6, Hidden = 32, Bos = 10;

    private sealed class Model : Module
    {
        public readonly Linear Init;
        public readonly Embedding Embed;
        public readonly GruCell Cell;
        public readonly Linear Head;

        public Model(Generator g)
        {
            Init = RegisterModule("init", new Linear(13, Hidden, generator: g));
            Embed = RegisterModule("embed", new Embedding(11, 8, generator: g));
            Cell = RegisterModule("cell", new GruCell(8, Hidden, generator: g));
            Head = RegisterModule("head", new Linear(Hidden, 10, generator: g));
        }

        /// <summary>Logits (B, Length, 10); with targets, the previous true digit is fed back, else the argmax.</summary>
        public Tensor Forward(Tensor v, Tensor? targets)
        {
            int n = v.Size(0);
            Tensor h = Init.Forward(v).Tanh();
            Tensor prev = Tensor.Full([n], Bos, DType.Int64);
            var logits = new Tensor[Length];
            for (int t = 0; t < Length; t++)
            {
                h = Cell.Forward(Embed.Forward(prev), h);
                logits[t] = Head.Forward(h);
                prev = targets is null ? logits[t].Argmax(-1) : targets.Select(1, t);
            }
            return Tensor.Stack(logits, 1);
        }
    }

    private static (Tensor V, Tensor Y) Batch(int n, Generator g)
    {
        var v = new float[n * 13];
        var y = new long[n * Length];
        for (int i = 0; i < n; i++)
        {
            int a = (int)g.NextBounded(10), s = 1 + (int)g.NextBounded(3);
            v[i * 13 + a] = 1;
            v[i * 13 + 10 + s - 1] = 1;
            for (int t = 0; t < Length; t++) y[i * Length + t] = (a + t * s) % 10;
        }
        return (Tensor.FromArray(v, n, 13), Tensor.FromArray(y, n, Length));
    }

    /// <summary>Trains with Adam and measures exact-match generation on 300 fresh vectors.</summary>
    /// <param name="steps">Training steps.</param>
    /// <param name="seed">Seed of the initialisation and the data.</param>
    /// <param name="batch">Examples per training step.</param>
    public static TaskResult Run(int steps = 300, long seed = 3, int batch = 32)
    {
        var g = new Generator(seed);
        var model = new Model(g);
        var opt = new Adam(model.Parameters(), lr: 1e-2);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            (Tensor v, Tensor y) = Batch(batch, g);
            Tensor loss = F.CrossEntropy(model.Forward(v, y).Reshape(-1, 10), y.Reshape(-1));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
        }
        (Tensor tv, Tensor ty) = Batch(300, g);
        double accuracy;
        using (GradMode.Disable())
            accuracy = model.Forward(tv, null).Argmax(-1).Eq(ty).To(DType.Float64).Min(1).Mean().Item<double>();
        return new TaskResult("one-to-many: arithmetic progression mod 10 from a vector", accuracy, Batches.Tail(losses));
    }
}
