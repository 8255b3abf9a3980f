using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.SideBySide;

/// <summary>W5, Nabla side: the char LSTM of ../shared/anchors/w5_lstm.py. Embedding(V = 63, 64) → LSTM(64, 256,
/// batch_first) → Linear(256, V) (with <c>--cell gru</c>, GRU(64, 256, batch_first) instead of the LSTM, as
/// bench/pytorch/w5.py) on /work/shared/data/kjv.txt (vocabulary = sorted distinct characters; first 90 %
/// train, last 10 % validation), seq 64, batch 32 random windows (Nabla's generator, seed 1337), zero initial state
/// every step, cross-entropy over all 64 positions, Adam(lr 2e-3), 300 steps. Metrics as bench/pytorch/w5.py:
/// "train tokens/s" over steps 6..55, "loss @300" = mean training loss of steps 291..300, "val loss" over the
/// anchor's 64 deterministic validation windows.</summary>
[Workload("w5")]
internal static class W5
{
    private const int Seq = 64, Batch = 32;

    private sealed class CharLstm : Module<Tensor, Tensor>
    {
        private readonly Embedding _emb;
        private readonly Lstm? _lstm;
        private readonly Gru? _gru;
        private readonly Linear _head;

        public CharLstm(int vocab, bool gru, Generator g)
        {
            _emb = RegisterModule("emb", new Embedding(vocab, 64, generator: g));
            if (gru) _gru = RegisterModule("gru", new Gru(64, 256, batchFirst: true, generator: g));
            else _lstm = RegisterModule("lstm", new Lstm(64, 256, batchFirst: true, generator: g));
            _head = RegisterModule("head", new Linear(256, vocab, generator: g));
        }

        public override Tensor Forward(Tensor input)
        {
            Tensor e = _emb.Forward(input);
            return _head.Forward(_gru is null ? _lstm!.Forward(e).Output : _gru.Forward(e).Output);
        }
    }

    public static JsonObject Run(string[] args)
    {
        // --steps, --window and --cell as bench/pytorch/w5.py (the runner passes them to both sides): shorter runs for speed work.
        int steps = Int(args, "--steps", 300), window = Int(args, "--window", 50);
        int cellAt = Array.IndexOf(args, "--cell");
        string cell = cellAt >= 0 && cellAt + 1 < args.Length ? args[cellAt + 1] : "lstm";
        if (cell is not ("lstm" or "gru")) throw new ArgumentException($"w5: --cell must be lstm or gru, got '{cell}'.");
        string path = Environment.GetEnvironmentVariable("NABLA_CORPUS") ?? "/work/shared/data/kjv.txt";
        string text = File.ReadAllText(path, System.Text.Encoding.ASCII);
        char[] chars = [.. text.Distinct().Order()];
        var stoi = chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        long[] data = text.Select(c => stoi[c]).ToArray();
        int vocab = chars.Length, nTrain = (int)(0.9 * data.Length);
        long[] train = data[..nTrain], val = data[nTrain..];

        var model = new CharLstm(vocab, cell == "gru", new Generator(0));
        var opt = new Adam(model.Parameters(), lr: 2e-3);
        var g = new Generator(1337);
        var losses = new List<double>();
        double seconds = 0;
        long t0 = 0;
        for (int step = 1; step <= steps; step++)
        {
            if (step == 6) t0 = Stopwatch.GetTimestamp();
            var starts = new long[Batch];
            for (int b = 0; b < Batch; b++) starts[b] = (long)g.NextBounded((ulong)(train.Length - Seq - 1));
            (Tensor x, Tensor y) = Windows(train, starts);
            Tensor loss = F.CrossEntropy(model.Forward(x).Reshape(-1, vocab), y.Reshape(-1));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item<float>());
            if (step == 5 + window) seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        // The anchor's validation windows: 64 offsets k·((len − 65) // 63), two batches of 32.
        model.Eval();
        long stride = (val.Length - Seq - 1) / 63;
        double valLoss = 0;
        using (GradMode.Disable())
        {
            foreach (int first in new[] { 0, 32 })
            {
                long[] starts = Enumerable.Range(first, 32).Select(k => k * stride).ToArray();
                (Tensor x, Tensor y) = Windows(val, starts);
                valLoss += F.CrossEntropy(model.Forward(x).Reshape(-1, vocab), y.Reshape(-1)).Item<float>() / 2;
            }
        }
        return new JsonObject
        {
            ["metrics"] = new JsonObject
            {
                ["train tokens/s"] = Metric("tok/s", true, window * Seq * Batch / seconds),
                ["loss @300"] = Metric("nats", false, losses.TakeLast(10).Average()),
                ["val loss"] = Metric("nats", false, valLoss),
            },
        };
    }

    /// <summary>Inputs data[s .. s + 64) and targets data[s + 1 .. s + 65) for each start s, as (B, 64) Int64.</summary>
    private static (Tensor X, Tensor Y) Windows(long[] data, long[] starts)
    {
        var x = new long[starts.Length * Seq];
        var y = new long[starts.Length * Seq];
        for (int b = 0; b < starts.Length; b++)
        {
            Array.Copy(data, starts[b], x, b * Seq, Seq);
            Array.Copy(data, starts[b] + 1, y, b * Seq, Seq);
        }
        return (Tensor.FromArray(x, starts.Length, Seq), Tensor.FromArray(y, starts.Length, Seq));
    }

    private static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private static JsonObject Metric(string unit, bool higher, double value) => new() { ["unit"] = unit, ["higher"] = higher, ["value"] = value };
}
