using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nabla.Models.Text;

/// <summary>Reads a tokenizer saved by <see cref="ITokenizer.Save"/>.</summary>
public static class Tokenizers
{
    /// <summary>Loads a <see cref="CharTokenizer"/> or <see cref="BpeTokenizer"/> from its JSON file.</summary>
    /// <param name="path">The file written by <see cref="ITokenizer.Save"/>.</param>
    /// <exception cref="InvalidDataException">The file is not a tokenizer file; the message names the file.</exception>
    public static ITokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
        return json["type"]?.GetValue<string>() switch
        {
            "char" => CharTokenizer.FromJson(json, path),
            "bpe" => BpeTokenizer.FromJson(json, path),
            var t => throw new InvalidDataException($"{path}: unknown tokenizer type '{t}' (expected \"char\" or \"bpe\")."),
        };
    }
}
