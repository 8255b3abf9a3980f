using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Nabla.Data;

/// <summary>Reads numeric CSV files into tensors: feature columns as Float32 and an optional label column.
/// PyTorch: no counterpart (the role of <c>numpy.loadtxt(path, delimiter=",")</c> or <c>pandas.read_csv</c>).</summary>
/// <remarks>
/// <para>Format: one row a line; fields separated by <c>delimiter</c>; a field may be wrapped in double quotes
/// (<c>""</c> inside quotes is one quote; quoted fields cannot span lines); empty and blank lines are skipped; every row has
/// the column count of the first (header or data) row. Numbers use the invariant culture (<c>1.5</c>,
/// <c>-2e-3</c>, <c>NaN</c>). A file starting with the gzip signature 1f 8b is decompressed while read.</para>
/// <para>Errors name the file, the 1-based line and column, and the offending text.</para>
/// </remarks>
public static class Csv
{
    /// <summary>Reads a CSV file. PyTorch: no counterpart (see the class remarks).</summary>
    /// <param name="path">The file, plain or gzipped.</param>
    /// <param name="hasHeader">The first non-empty line holds column names.</param>
    /// <param name="labelColumn">The 0-based column of the label (negative counts from the end: −1 is the last);
    /// null for no label column, all columns being features.</param>
    /// <param name="labelDType">Int64 (class indices; each cell must be an integer) or Float32 (regression targets).</param>
    /// <param name="delimiter">The field separator.</param>
    /// <returns>Features (N, F) Float32 and labels (N).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A cell is not a number (or not an integer label), a row has another
    /// column count, a quote is not closed, or the file has no data rows.</exception>
    /// <exception cref="ArgumentException">The label column is outside the table, or the label dtype is neither Int64
    /// nor Float32.</exception>
    public static CsvTable Read(string path, bool hasHeader = false, int? labelColumn = null, DType labelDType = DType.Int64,
                                char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Csv.Read: file not found: {path}", path);
        using FileStream file = File.OpenRead(path);
        return Read(file, path, hasHeader, labelColumn, labelDType, delimiter);
    }

    /// <summary>Reads CSV text from a stream (plain or gzipped), e.g. an embedded resource. PyTorch: no counterpart.</summary>
    /// <param name="stream">The bytes, UTF-8; read to the end, not closed.</param>
    /// <param name="sourceName">The name errors give for the source (a path or resource name).</param>
    /// <param name="hasHeader">The first non-empty line holds column names.</param>
    /// <param name="labelColumn">The 0-based label column (negative from the end), or null for none.</param>
    /// <param name="labelDType">Int64 or Float32.</param>
    /// <param name="delimiter">The field separator.</param>
    /// <returns>Features (N, F) Float32 and labels (N).</returns>
    /// <exception cref="InvalidDataException">As for <see cref="Read(string, bool, int?, DType, char)"/>.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Read(string, bool, int?, DType, char)"/>.</exception>
    public static CsvTable Read(Stream stream, string sourceName, bool hasHeader = false, int? labelColumn = null,
                                DType labelDType = DType.Int64, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (labelDType is not (DType.Int64 or DType.Float32))
            throw new ArgumentException($"Csv.Read: {sourceName}: labelDType must be Int64 or Float32, got {labelDType}.", nameof(labelDType));
        using StreamReader reader = OpenText(stream);

        string[]? header = null;
        int columns = -1, label = -1, lineNumber = 0;
        var features = new List<float>();
        var floatLabels = new List<float>();
        var longLabels = new List<long>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string[] fields = Split(line, delimiter, sourceName, lineNumber);
            if (columns < 0)
            {
                columns = fields.Length;
                label = ResolveLabel(labelColumn, columns, sourceName);
                if (hasHeader)
                {
                    header = fields;
                    continue;
                }
            }
            if (fields.Length != columns)
                throw new InvalidDataException(
                    $"Csv.Read: {sourceName}: line {lineNumber} has {fields.Length} columns, expected {columns} as on the first {(hasHeader ? "(header) " : "")}line.");
            for (int c = 0; c < columns; c++)
            {
                string cell = fields[c];
                if (c != label)
                {
                    features.Add((float)ParseNumber(cell, sourceName, lineNumber, c));
                }
                else if (labelDType == DType.Float32)
                {
                    floatLabels.Add((float)ParseNumber(cell, sourceName, lineNumber, c));
                }
                else
                {
                    longLabels.Add(ParseInteger(cell, sourceName, lineNumber, c));
                }
            }
        }
        if (columns < 0 || (features.Count == 0 && floatLabels.Count == 0 && longLabels.Count == 0))
            throw new InvalidDataException($"Csv.Read: {sourceName}: no data rows ({lineNumber} lines{(hasHeader ? ", header included" : "")}).");

        int featureCount = label >= 0 ? columns - 1 : columns;
        int rows = label < 0 ? features.Count / columns : Math.Max(floatLabels.Count, longLabels.Count);
        Tensor x = Tensor.FromArray(features.ToArray(), rows, featureCount);
        Tensor? y = label < 0 ? null
            : labelDType == DType.Int64 ? Tensor.FromArray(longLabels.ToArray()) : Tensor.FromArray(floatLabels.ToArray());
        string[]? names = header?.Where((_, c) => c != label).ToArray();
        return new CsvTable(x, y, names, header is not null && label >= 0 ? header[label] : null);
    }

    private static StreamReader OpenText(Stream stream)
    {
        // Peek at two bytes for the gzip signature; a buffered copy keeps non-seekable streams readable.
        var buffered = new BufferedStream(stream);
        Span<byte> signature = stackalloc byte[2];
        int read = buffered.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        bool gzipped = read == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        Stream source = new PrefixedStream(signature[..read].ToArray(), buffered);
        if (gzipped) source = new GZipStream(source, CompressionMode.Decompress);
        return new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    private static int ResolveLabel(int? labelColumn, int columns, string sourceName)
    {
        if (labelColumn is not int c) return -1;
        int resolved = c < 0 ? c + columns : c;
        if (resolved < 0 || resolved >= columns)
            throw new ArgumentException(
                $"Csv.Read: {sourceName}: label column {c} is outside the {columns} columns (0..{columns - 1}, or −1..−{columns} from the end).",
                nameof(labelColumn));
        return resolved;
    }

    private static double ParseNumber(string cell, string sourceName, int line, int column)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        throw new InvalidDataException(
            $"Csv.Read: {sourceName}: line {line}, column {column + 1}: expected a number, found {Describe(cell)}.");
    }

    private static long ParseInteger(string cell, string sourceName, int line, int column)
    {
        if (long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)) return value;
        // "3.0" or "3e0" is the integer 3, as written by tools that store every column as float; below 2^53 a
        // double holds integers exactly, so the conversion loses nothing.
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) < (1L << 53))
            return (long)d;
        throw new InvalidDataException(
            $"Csv.Read: {sourceName}: line {line}, column {column + 1}: expected an integer label (Int64), found {Describe(cell)}.");
    }

    private static string Describe(string cell) => cell.Trim().Length == 0 ? "an empty cell" : $"\"{cell}\"";

    /// <summary>Splits one line into fields, removing the quotes of quoted fields.</summary>
    private static string[] Split(string line, char delimiter, string sourceName, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            // A quoted field (after optional blanks): everything up to the closing quote, "" standing for one quote.
            int quote = i;
            while (quote < line.Length && line[quote] != delimiter && char.IsWhiteSpace(line[quote])) quote++;
            if (quote < line.Length && line[quote] == '"')
            {
                i = quote + 1;
                while (true)
                {
                    if (i >= line.Length)
                        throw new InvalidDataException(
                            $"Csv.Read: {sourceName}: line {lineNumber}, column {fields.Count + 1}: the quote opened at character {quote + 1} is not closed.");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] != delimiter)
                {
                    if (!char.IsWhiteSpace(line[i]))
                        throw new InvalidDataException(
                            $"Csv.Read: {sourceName}: line {lineNumber}, column {fields.Count + 1}: unexpected '{line[i]}' after a closing quote at character {i + 1}.");
                    i++;
                }
            }
            else
            {
                int end = line.IndexOf(delimiter, i);
                if (end < 0) end = line.Length;
                field.Append(line, i, end - i);
                i = end;
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return [.. fields];
            i++;                                            // past the delimiter
        }
    }

    /// <summary>A read-only stream that yields a few already-read bytes, then the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return rest.Read(buffer);
        }
    }
}
