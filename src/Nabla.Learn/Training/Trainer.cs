using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.IO;
using Nabla.Nn;
using Nabla.Optim;

namespace Nabla.Learn.Training;

/// <summary>The PyTorch training loop as a component: for each batch <c>optimizer.ZeroGrad(); loss =
/// lossFunction(model.Forward(x), y); loss.Backward(); optimizer.Step();</c>, with validation after each epoch,
/// learning-rate scheduling and checkpoints that resume a run exactly.</summary>
/// <remarks>A checkpoint holds the model, the optimizer and scheduler state, the epoch and step counters, the
/// shuffling generator's state and the history of epoch metrics; resuming from the checkpoint of epoch k gives
/// the same losses, bit for bit, as an uninterrupted run, because every random draw of the loop comes from that
/// one generator.</remarks>
public sealed class Trainer
{
    private const string Format = "nabla.checkpoint.v1";
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly List<EpochResult> _history = [];

    /// <summary>A trainer for a model and its optimizer.</summary>
    /// <param name="model">The model, trained in place.</param>
    /// <param name="optimizer">An optimizer over the model's parameters.</param>
    /// <param name="lossFunction">loss(output, target) → a scalar, e.g. cross-entropy.</param>
    /// <param name="generator">Source of the shuffling order (seed it for reproducible runs).</param>
    public Trainer(Module<Tensor, Tensor> model, Optimizer optimizer, Func<Tensor, Tensor, Tensor> lossFunction,
                   Generator generator)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _loss = lossFunction ?? throw new ArgumentNullException(nameof(lossFunction));
        Generator = generator ?? throw new ArgumentNullException(nameof(generator));
    }

    /// <summary>The model.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The shuffling generator.</summary>
    public Generator Generator { get; }

    /// <summary>A scheduler stepped once per epoch (StepLR, cosine annealing, …), or null.</summary>
    public LrScheduler? EpochScheduler { get; init; }

    /// <summary>A scheduler stepped once per batch (OneCycleLR, warm-up), or null.</summary>
    public LrScheduler? BatchScheduler { get; init; }

    /// <summary>ReduceLROnPlateau on the validation loss, stepped once per epoch, or null.</summary>
    public ReduceLrOnPlateau? Plateau { get; init; }

    /// <summary>Maximum global gradient norm (ClipGradNorm before every step), or null for no clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>Metrics of every completed epoch.</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>Trains one epoch over <paramref name="train"/> (reshuffled from <see cref="Generator"/>), then
    /// evaluates on the validation data if given.</summary>
    /// <param name="train">Features and labels as a dataset of (x, y) rows.</param>
    /// <param name="batchSize">Samples per step (the last batch may be smaller).</param>
    /// <param name="validation">Validation features and labels, or null.</param>
    /// <param name="onBatch">Called after every batch, e.g. to draw a progress bar.</param>
    public EpochResult RunEpoch(TensorDataset train, int batchSize, (Tensor X, Tensor Y)? validation = null,
                                Action<BatchProgress>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var loader = new DataLoader<Tensor[]>(train, batchSize, shuffle: true, generator: Generator);
        Model.Train();
        double lr = Optimizer.ParamGroups[0].Lr, total = 0;
        int samples = 0, batch = 0, batches = loader.Count;
        var clock = Stopwatch.StartNew();
        foreach (Tensor[] b in loader)
        {
            Optimizer.ZeroGrad();
            Tensor loss = _loss(Model.Forward(b[0]), b[1]);
            loss.Backward();
            if (ClipGradNorm is double maxNorm) ClipGrad.ClipGradNorm(Model.Parameters(), maxNorm);
            Optimizer.Step();
            BatchScheduler?.Step();
            Step++;
            int n = b[0].Shape[0];
            total += loss.ItemAsDouble() * n;
            samples += n;
            onBatch?.Invoke(new BatchProgress(++batch, batches, samples, total / samples));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        (double valLoss, double valAcc) = validation is (Tensor vx, Tensor vy) ? Evaluate(vx, vy) : (double.NaN, double.NaN);
        EpochScheduler?.Step();
        Plateau?.Step(valLoss);
        Epoch++;
        var result = new EpochResult(Epoch, total / Math.Max(samples, 1), valLoss, valAcc, lr, seconds);
        _history.Add(result);
        return result;
    }

    /// <summary>Mean loss and accuracy of the model on (x, y), in eval mode without recording a graph.</summary>
    /// <param name="x">Features (N, …).</param>
    /// <param name="y">Int64 labels (N).</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    public (double Loss, double Accuracy) Evaluate(Tensor x, Tensor y, int batchSize = 1024)
    {
        Tensor predictions = Predict(x, batchSize, out double loss, y);
        return (loss, Classification.Accuracy(y, predictions));
    }

    /// <summary>Class predictions (argmax of the model's output) for x, in eval mode without a graph.</summary>
    /// <param name="x">Features (N, …).</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    public Tensor Predict(Tensor x, int batchSize = 1024) => Predict(x, batchSize, out _, null);

    private Tensor Predict(Tensor x, int batchSize, out double meanLoss, Tensor? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool wasTraining = Model.Training;
        Model.Eval();
        using var _ = GradMode.Disable();
        int n = x.Shape[0];
        var parts = new List<Tensor>();
        double total = 0;
        for (int start = 0; start < n; start += batchSize)
        {
            int len = Math.Min(batchSize, n - start);
            Tensor output = Model.Forward(x.Narrow(0, start, len));
            if (y is not null) total += _loss(output, y.Narrow(0, start, len)).ItemAsDouble() * len;
            parts.Add(output.Argmax(1));
        }
        Model.Train(wasTraining);
        meanLoss = total / Math.Max(n, 1);
        return parts.Count == 0 ? Tensor.Zeros([0], DType.Int64) : Tensor.Cat([.. parts]);
    }

    /// <summary>Writes a checkpoint (model, optimizer, schedulers, counters, generator state, history) as one
    /// safetensors file, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="metadata">Extra string metadata to store (e.g. the run's configuration).</param>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string key, Tensor t) in Model.StateDict()) tensors["model." + key] = t;
        OptimizerStateDict opt = Optimizer.StateDict();
        foreach ((int id, Dictionary<string, Tensor> state) in opt.State)
            foreach ((string name, Tensor t) in state) tensors[$"optimizer.{id.ToString(CultureInfo.InvariantCulture)}.{name}"] = t;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = Format };
        if (metadata is not null) foreach ((string k, string v) in metadata) meta[k] = v;
        meta["optimizer.param_groups"] = new JsonArray([.. opt.ParamGroups.Select(g => (JsonNode)StateJson.Write(g))]).ToJsonString();
        if (EpochScheduler is not null) meta["scheduler.epoch"] = StateJson.Write(EpochScheduler.StateDict()).ToJsonString();
        if (BatchScheduler is not null) meta["scheduler.batch"] = StateJson.Write(BatchScheduler.StateDict()).ToJsonString();
        if (Plateau is not null) meta["scheduler.plateau"] = StateJson.Write(Plateau.StateDict()).ToJsonString();
        meta["trainer"] = new JsonObject
        {
            ["epoch"] = Epoch,
            ["step"] = Step,
            ["generator"] = new JsonArray([.. Generator.GetState().Select(v => (JsonNode)JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)))]),
            ["history"] = new JsonArray([.. _history.Select(h => (JsonNode)new JsonObject
            {
                ["epoch"] = h.Epoch, ["train_loss"] = R(h.TrainLoss), ["val_loss"] = R(h.ValidationLoss),
                ["val_accuracy"] = R(h.ValidationAccuracy), ["lr"] = R(h.LearningRate), ["seconds"] = R(h.Seconds),
            })]),
        }.ToJsonString();
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Restores everything <see cref="SaveCheckpoint"/> wrote. The model, optimizer and schedulers must
    /// be built as they were for the saved run.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The checkpoint's metadata (including any extra entries given when it was saved).</returns>
    /// <exception cref="InvalidDataException">The file is not a Nabla checkpoint, or its shapes do not match the model.</exception>
    public IReadOnlyDictionary<string, string> LoadCheckpoint(string path)
    {
        (OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> meta) = SafeTensors.LoadWithMetadata(path);
        if (!meta.TryGetValue("format", out string? format) || format != Format)
            throw new InvalidDataException($"{path}: not a Nabla checkpoint (metadata \"format\" is {(format is null ? "missing" : $"\"{format}\"")}, expected \"{Format}\").");
        var model = tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
                           .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value, StringComparer.Ordinal);
        try
        {
            Model.LoadStateDict(model, strict: true);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint does not match the model: {e.Message}", e);
        }
        var opt = new OptimizerStateDict();
        foreach ((string key, Tensor t) in tensors)
        {
            if (!key.StartsWith("optimizer.", StringComparison.Ordinal)) continue;
            string[] parts = key.Split('.', 3);
            int id = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (!opt.State.TryGetValue(id, out Dictionary<string, Tensor>? s)) opt.State[id] = s = new(StringComparer.Ordinal);
            s[parts[2]] = t;
        }
        foreach (JsonNode? g in JsonNode.Parse(meta["optimizer.param_groups"])!.AsArray())
            opt.ParamGroups.Add(StateJson.Read(g!.AsObject(), path));
        Optimizer.LoadStateDict(opt);
        if (EpochScheduler is not null) EpochScheduler.LoadStateDict(ReadState(meta, "scheduler.epoch", path));
        if (BatchScheduler is not null) BatchScheduler.LoadStateDict(ReadState(meta, "scheduler.batch", path));
        if (Plateau is not null) Plateau.LoadStateDict(ReadState(meta, "scheduler.plateau", path));
        JsonNode trainer = JsonNode.Parse(meta["trainer"])!;
        Epoch = trainer["epoch"]!.GetValue<int>();
        Step = trainer["step"]!.GetValue<long>();
        Generator.SetState([.. trainer["generator"]!.AsArray().Select(n => ulong.Parse(n!.GetValue<string>(), CultureInfo.InvariantCulture))]);
        _history.Clear();
        foreach (JsonNode? h in trainer["history"]!.AsArray())
        {
            _history.Add(new EpochResult(h!["epoch"]!.GetValue<int>(), P(h["train_loss"]), P(h["val_loss"]), P(h["val_accuracy"]),
                                         P(h["lr"]), P(h["seconds"])));
        }
        return meta;
    }

    private static Dictionary<string, object> ReadState(IReadOnlyDictionary<string, string> meta, string key, string path)
        => meta.TryGetValue(key, out string? json)
            ? StateJson.Read(JsonNode.Parse(json)!.AsObject(), path)
            : throw new InvalidDataException($"{path}: the checkpoint has no \"{key}\" state, but this run uses that scheduler.");

    // Doubles travel as round-trip strings so NaN and every bit survive JSON.
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static double P(JsonNode? n) => double.Parse(n!.GetValue<string>(), CultureInfo.InvariantCulture);
}
