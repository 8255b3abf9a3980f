using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nabla.Cli.Runs;

/// <summary>Everything needed to rebuild a run's data pipeline and model: written to config.json by
/// <c>nabla train</c> and read by <c>eval</c>, <c>predict</c> and <c>train --resume</c>.</summary>
internal sealed record RunConfig
{
    public string Model { get; init; } = "mlp";
    public int[] Hidden { get; init; } = [64];
    public string Activation { get; init; } = "relu";
    public string Dataset { get; init; } = "digits";
    public string? DataDir { get; init; }
    public bool CsvHeader { get; init; } = true;
    public int CsvLabelColumn { get; init; } = -1;
    public int Epochs { get; init; } = 20;
    public int ScheduleEpochs { get; init; } = 20;
    public int BatchSize { get; init; } = 32;
    public string Optimizer { get; init; } = "adam";
    public double Lr { get; init; } = 1e-3;
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    public string Scheduler { get; init; } = "none";
    public long Seed { get; init; }
    public bool Augment { get; init; }
    public int Patience { get; init; }
    public double ValFraction { get; init; } = 0.1;
    public double TestFraction { get; init; } = 0.2;
    public int Features { get; init; }
    public int Classes { get; init; }
    public string[] ClassNames { get; init; } = [];
    public double Scale { get; init; } = 1;
    public double[]? FeatureMean { get; init; }
    public double[]? FeatureStd { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    public static RunConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no config.json here; is this a run directory written by 'nabla train'?");
        try
        {
            return JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), Options)
                   ?? throw new InvalidDataException($"{path}: empty configuration.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run configuration ({e.Message}).", e);
        }
    }
}
