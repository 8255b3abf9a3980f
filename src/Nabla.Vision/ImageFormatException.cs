namespace Nabla.Vision;

/// <summary>Thrown when an image file is malformed, truncated or uses a feature Nabla does not read: names the file,
/// the byte offset where the problem was found, and what was wrong. PyTorch/PIL: <c>PIL.UnidentifiedImageError</c>
/// or <c>OSError</c> from <c>PIL.Image.open</c>.</summary>
/// <remarks>It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so callers that
/// handle file errors catch it too. Decoders never let an <see cref="IndexOutOfRangeException"/> or similar escape: every read is bounds-checked
/// against the file length first.</remarks>
public sealed class ImageFormatException : IOException
{
    /// <summary>Creates the exception for a problem at <paramref name="offset"/> of <paramref name="file"/>.</summary>
    /// <param name="file">The file name (or a description such as "PNG data" for in-memory bytes).</param>
    /// <param name="offset">The byte offset (from the start of the file) where the problem was found.</param>
    /// <param name="problem">What was wrong, e.g. "CRC mismatch in chunk IDAT".</param>
    /// <param name="innerException">The underlying error (e.g. from the zlib decoder), or null.</param>
    public ImageFormatException(string file, long offset, string problem, Exception? innerException = null)
        : base($"{file}: byte {offset}: {problem}", innerException)
    {
        File = file;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message. Prefer the (file, offset, problem) constructor.</summary>
    public ImageFormatException() : this("image", 0, "malformed image") { }

    /// <summary>Creates the exception with a message. Prefer the (file, offset, problem) constructor.</summary>
    public ImageFormatException(string message) : base(message) { File = ""; Problem = message; }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ImageFormatException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
        Problem = message;
    }

    /// <summary>The file (or in-memory source) that is malformed.</summary>
    public string File { get; }

    /// <summary>The byte offset where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What was wrong, without the file name and offset.</summary>
    public string Problem { get; }
}
