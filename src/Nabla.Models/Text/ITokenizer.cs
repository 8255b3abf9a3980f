namespace Nabla.Models.Text;

/// <summary>Turns text into token ids and back. Implemented by <see cref="CharTokenizer"/> and
/// <see cref="BpeTokenizer"/>; <see cref="Tokenizers.Load"/> reads either from its JSON file.</summary>
public interface ITokenizer
{
    /// <summary>Number of distinct token ids; every id is in [0, VocabSize).</summary>
    int VocabSize { get; }

    /// <summary>Encodes a text into token ids.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentException">The text holds a character the tokenizer cannot represent.</exception>
    int[] Encode(string text);

    /// <summary>Decodes token ids into text; <c>Decode(Encode(s)) == s</c> for every encodable text.</summary>
    /// <param name="ids">Token ids in [0, VocabSize).</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, VocabSize).</exception>
    string Decode(ReadOnlySpan<int> ids);

    /// <summary>Writes the tokenizer as JSON, atomically (temporary file + rename).</summary>
    /// <param name="path">The file to write.</param>
    void Save(string path);
}
