namespace Nabla.Data;

/// <summary>A numeric table read by <see cref="Csv"/>: features, an optional label column and the header's names.
/// PyTorch: no counterpart (the role of <c>pandas.read_csv(...).to_numpy()</c> before <c>torch.tensor</c>).</summary>
/// <remarks>Shapes: <see cref="Features"/> (N, F) Float32; <see cref="Labels"/> (N), Int64 or Float32.</remarks>
public sealed class CsvTable
{
    internal CsvTable(Tensor features, Tensor? labels, string[]? featureNames, string? labelName)
    {
        Features = features;
        Labels = labels;
        FeatureNames = featureNames;
        LabelName = labelName;
    }

    /// <summary>The feature columns, (N, F) Float32, in file order without the label column.</summary>
    public Tensor Features { get; }

    /// <summary>The label column, (N) Int64 or Float32; null when no label column was asked for.</summary>
    public Tensor? Labels { get; }

    /// <summary>The header's names of the feature columns; null for a file without a header.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>The header's name of the label column; null without a header or a label column.</summary>
    public string? LabelName { get; }

    /// <summary>A dataset of (features row, label) items, or of features rows alone when there are no labels.
    /// PyTorch: <c>TensorDataset(features, labels)</c>.</summary>
    public TensorDataset ToDataset() => Labels is null ? new TensorDataset(Features) : new TensorDataset(Features, Labels);
}
