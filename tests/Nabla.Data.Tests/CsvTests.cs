using System.IO.Compression;
using System.Text;
using Xunit;

namespace Nabla.Data.Tests;

public sealed class CsvTests
{
    private static string Write(TempDirectory dir, string name, string text)
    {
        string path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Header_names_and_a_last_label_column()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "iris.csv", "sepal length,sepal width,species\n5.1,3.5,0\n4.9,3.0,1\n\n  \n6.2,-2e-1,2\n");
        CsvTable t = Csv.Read(path, hasHeader: true, labelColumn: -1);
        Assert.Equal([3, 2], t.Features.Shape);
        Assert.Equal(DType.Float32, t.Features.DType);
        Assert.Equal([5.1f, 3.5f, 4.9f, 3.0f, 6.2f, -0.2f], t.Features.ToArray<float>());
        Assert.Equal(DType.Int64, t.Labels!.DType);
        Assert.Equal([0L, 1, 2], t.Labels.ToArray<long>());
        Assert.Equal(["sepal length", "sepal width"], t.FeatureNames!);
        Assert.Equal("species", t.LabelName);
        TensorDataset ds = t.ToDataset();
        Assert.Equal(3, ds.Count);
        Assert.Equal(2L, ds[2][1].Item<long>());
    }

    [Fact]
    public void A_label_column_in_the_middle_and_float_labels()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "m.csv", "1,0.5,2\r\n3,1.5,4\r\n");
        CsvTable t = Csv.Read(path, labelColumn: 1, labelDType: DType.Float32);
        Assert.Equal([1f, 2f, 3f, 4f], t.Features.ToArray<float>());
        Assert.Equal([0.5f, 1.5f], t.Labels!.ToArray<float>());
        Assert.Null(t.FeatureNames);
        Assert.Null(t.LabelName);
    }

    [Fact]
    public void Without_a_label_column_every_column_is_a_feature()
    {
        using var dir = new TempDirectory();
        CsvTable t = Csv.Read(Write(dir, "f.csv", "1;2;3\n4;5;6\n"), delimiter: ';');
        Assert.Equal([2, 3], t.Features.Shape);
        Assert.Null(t.Labels);
        Assert.Single(t.ToDataset()[0]);
    }

    [Fact]
    public void Quoted_fields_and_integral_float_labels_are_read()
    {
        using var dir = new TempDirectory();
        CsvTable t = Csv.Read(Write(dir, "q.csv", "\"a, \"\"x\"\"\",b\n\"1.25\", 3.0\n"), hasHeader: true, labelColumn: 1);
        Assert.Equal(["a, \"x\""], t.FeatureNames!);
        Assert.Equal([1.25f], t.Features.ToArray<float>());
        Assert.Equal([3L], t.Labels!.ToArray<long>());
    }

    [Fact]
    public void A_wide_file_in_MNIST_csv_layout_is_read()
    {
        // label first, then 784 pixels, as in the common mnist_train.csv.
        using var dir = new TempDirectory();
        var text = new StringBuilder("label," + string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}")) + "\n");
        for (int r = 0; r < 500; r++) text.Append(r % 10).Append(',').AppendJoin(',', Enumerable.Range(0, 784).Select(i => (r + i) % 256)).Append('\n');
        CsvTable t = Csv.Read(Write(dir, "mnist.csv", text.ToString()), hasHeader: true, labelColumn: 0);
        Assert.Equal([500, 784], t.Features.Shape);
        Assert.Equal("label", t.LabelName);
        Assert.Equal("p783", t.FeatureNames![^1]);
        Assert.Equal(((499 + 783) % 256), t.Features.Select(0, 499).ToArray<float>()[783]);
        Assert.Equal(9L, t.Labels!.ToArray<long>()[499]);
    }

    [Fact]
    public void Gzipped_files_are_decompressed()
    {
        using var dir = new TempDirectory();
        string path = dir.File("g.csv.gz");
        using (var zip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            zip.Write(Encoding.UTF8.GetBytes("1,2,0\n3,4,1\n"));
        CsvTable t = Csv.Read(path, labelColumn: 2);
        Assert.Equal([1f, 2f, 3f, 4f], t.Features.ToArray<float>());
        Assert.Equal([0L, 1], t.Labels!.ToArray<long>());
    }

    [Fact]
    public void A_non_numeric_cell_names_the_file_line_column_and_text()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "bad.csv", "a,b,label\n1,2,0\n3,abc,1\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path, hasHeader: true, labelColumn: -1));
        Assert.Equal($"Csv.Read: {path}: line 3, column 2: expected a number, found \"abc\".", e.Message);
        string empty = Write(dir, "empty.csv", "1,2,0\n3,,1\n");
        Assert.Equal($"Csv.Read: {empty}: line 2, column 2: expected a number, found an empty cell.",
            Assert.Throws<InvalidDataException>(() => Csv.Read(empty, labelColumn: 2)).Message);
        string label = Write(dir, "label.csv", "1,2,0\n3,4,cat\n");
        Assert.Equal($"Csv.Read: {label}: line 2, column 3: expected an integer label (Int64), found \"cat\".",
            Assert.Throws<InvalidDataException>(() => Csv.Read(label, labelColumn: -1)).Message);
        Assert.Contains("found \"2.5\"", Assert.Throws<InvalidDataException>(() => Csv.Read(Write(dir, "half.csv", "1,2.5\n"), labelColumn: 1)).Message);
    }

    [Fact]
    public void Ragged_rows_unclosed_quotes_and_empty_files_are_reported()
    {
        using var dir = new TempDirectory();
        string ragged = Write(dir, "r.csv", "x,y\n1,2\n3\n");
        Assert.Equal($"Csv.Read: {ragged}: line 3 has 1 columns, expected 2 as on the first (header) line.",
            Assert.Throws<InvalidDataException>(() => Csv.Read(ragged, hasHeader: true)).Message);
        string quote = Write(dir, "q.csv", "1,\"2\n");
        Assert.Equal($"Csv.Read: {quote}: line 1, column 2: the quote opened at character 3 is not closed.",
            Assert.Throws<InvalidDataException>(() => Csv.Read(quote)).Message);
        string header = Write(dir, "h.csv", "x,y\n");
        Assert.Equal($"Csv.Read: {header}: no data rows (1 lines, header included).",
            Assert.Throws<InvalidDataException>(() => Csv.Read(header, hasHeader: true)).Message);
        Assert.Equal($"Csv.Read: file not found: {dir.File("none.csv")}",
            Assert.Throws<FileNotFoundException>(() => Csv.Read(dir.File("none.csv"))).Message);
        Assert.StartsWith($"Csv.Read: {ragged}: label column 2 is outside the 2 columns",
            Assert.Throws<ArgumentException>(() => Csv.Read(ragged, hasHeader: true, labelColumn: 2)).Message);
    }
}
