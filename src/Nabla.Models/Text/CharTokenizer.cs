using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nabla.Models.Text;

/// <summary>A character-level tokenizer: the vocabulary is the sorted set of the characters of a text (ordinal
/// order, as Python's <c>sorted(set(text))</c> for the BMP), and token i is the i-th character.
/// PyTorch has no class for it; nanoGPT's <c>stoi</c>/<c>itos</c>.</summary>
public sealed class CharTokenizer : ITokenizer
{
    private readonly char[] _chars;
    private readonly Dictionary<char, int> _index;

    /// <summary>A tokenizer over the given characters (duplicates removed, sorted ordinally).</summary>
    /// <param name="characters">The alphabet.</param>
    /// <exception cref="ArgumentException">The alphabet is empty.</exception>
    public CharTokenizer(IEnumerable<char> characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        _chars = characters.Distinct().Order().ToArray();
        if (_chars.Length == 0) throw new ArgumentException("CharTokenizer: the alphabet is empty.", nameof(characters));
        _index = new Dictionary<char, int>(_chars.Length);
        for (int i = 0; i < _chars.Length; i++) _index[_chars[i]] = i;
    }

    /// <summary>The tokenizer of a text: its distinct characters, sorted.</summary>
    /// <param name="text">The corpus.</param>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static CharTokenizer FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("CharTokenizer.FromText: the text is empty.", nameof(text));
        return new CharTokenizer(text);
    }

    /// <inheritdoc/>
    public int VocabSize => _chars.Length;

    /// <summary>The alphabet, in token-id order.</summary>
    public IReadOnlyList<char> Characters => _chars;

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!_index.TryGetValue(text[i], out ids[i]))
                throw new ArgumentException($"CharTokenizer.Encode: character U+{(int)text[i]:X4} at index {i} is not in the vocabulary of {VocabSize} characters.", nameof(text));
        }
        return ids;
    }

    /// <inheritdoc/>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)_chars.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), $"CharTokenizer.Decode: id {ids[i]} at index {i} is outside [0, {VocabSize}).");
            chars[i] = _chars[ids[i]];
        }
        return new string(chars);
    }

    /// <inheritdoc/>
    public void Save(string path) => AtomicText.Write(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    internal JsonObject ToJson() => new() { ["type"] = "char", ["chars"] = new string(_chars) };

    internal static CharTokenizer FromJson(JsonObject json, string source)
    {
        string chars = json["chars"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: char tokenizer without \"chars\".");
        if (chars.Length != chars.Distinct().Count()) throw new InvalidDataException($"{source}: \"chars\" repeats a character.");
        return new CharTokenizer(chars);
    }
}
