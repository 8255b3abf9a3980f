using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nabla.Models.Text;

/// <summary>What a <see cref="BpeTokenizer"/>'s first tokens are.</summary>
public enum BpeBase
{
    /// <summary>The 256 byte values of the UTF-8 encoding (GPT-2's byte-level BPE): any text can be encoded.</summary>
    Byte,

    /// <summary>The distinct characters of the training text, sorted ordinally: smaller, but only those characters
    /// can be encoded.</summary>
    Char,
}

/// <summary>A byte-pair-encoding tokenizer (Sennrich et al. 2016; GPT-2's variant). Training starts from the base
/// units (bytes or characters) and repeatedly merges the most frequent adjacent pair of tokens into a new token,
/// until the vocabulary has the requested size. Hugging Face: <c>tokenizers.models.BPE</c>.</summary>
/// <remarks>
/// <para>The text is first cut into chunks with GPT-2's pattern (contractions, letter runs, digit runs, punctuation
/// runs, each with one optional leading space; whitespace runs), so merges never cross a chunk boundary and
/// "the" and " the" are different tokens.</para>
/// <para>Training counts every adjacent pair in every chunk, weighted by the chunk's frequency; the pair with the
/// highest count becomes token <c>baseSize + m</c> for the m-th merge (a tie goes to the pair with the smaller
/// (left id, right id)); its occurrences are replaced left to right without overlap. Training stops early when
/// no pair is left.</para>
/// <para>Encoding a chunk repeatedly merges the adjacent pair with the lowest merge index until no learned pair is
/// left (GPT-2's <c>bpe()</c>), which reproduces the training segmentation.</para>
/// </remarks>
public sealed partial class BpeTokenizer : ITokenizer
{
    private readonly char[] _alphabet;                      // Char base: unit i is _alphabet[i]; empty for Byte.
    private readonly Dictionary<char, int> _charIndex = [];
    private readonly (int Left, int Right)[] _merges;
    private readonly Dictionary<(int, int), int> _rank = [];
    private readonly int[][] _units;                        // token id → its base units
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    private BpeTokenizer(BpeBase baseKind, char[] alphabet, (int Left, int Right)[] merges, string source)
    {
        Base = baseKind;
        _alphabet = alphabet;
        for (int i = 0; i < alphabet.Length; i++) _charIndex[alphabet[i]] = i;
        BaseSize = baseKind == BpeBase.Byte ? 256 : alphabet.Length;
        _merges = merges;
        _units = new int[BaseSize + merges.Length][];
        for (int i = 0; i < BaseSize; i++) _units[i] = [i];
        for (int m = 0; m < merges.Length; m++)
        {
            (int l, int r) = merges[m];
            int id = BaseSize + m;
            if ((uint)l >= (uint)id || (uint)r >= (uint)id)
                throw new InvalidDataException($"{source}: merge {m} ({l}, {r}) refers to a token that does not exist yet (ids must be < {id}).");
            if (!_rank.TryAdd((l, r), m)) throw new InvalidDataException($"{source}: merge {m} ({l}, {r}) repeats an earlier merge.");
            _units[id] = [.. _units[l], .. _units[r]];
        }
    }

    /// <summary>Whether the base units are bytes or characters.</summary>
    public BpeBase Base { get; }

    /// <summary>Number of base tokens (256 for bytes, the alphabet size for characters); merged tokens follow.</summary>
    public int BaseSize { get; }

    /// <inheritdoc/>
    public int VocabSize => _units.Length;

    /// <summary>The learned merges in order: merge m made token <c>BaseSize + m</c> from (Left, Right).</summary>
    public IReadOnlyList<(int Left, int Right)> Merges => _merges;

    /// <summary>Learns merges on a text until the vocabulary has <paramref name="vocabSize"/> tokens (or no pair is
    /// left).</summary>
    /// <param name="text">The training corpus.</param>
    /// <param name="vocabSize">Target vocabulary size, base tokens included; at least the base size.</param>
    /// <param name="baseKind">Byte-level (256 base tokens) or character-level (the text's alphabet).</param>
    /// <exception cref="ArgumentException">The text is empty or the target is below the base size.</exception>
    public static BpeTokenizer Train(string text, int vocabSize, BpeBase baseKind = BpeBase.Byte)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("BpeTokenizer.Train: the text is empty.", nameof(text));
        char[] alphabet = baseKind == BpeBase.Char ? text.Distinct().Order().ToArray() : [];
        var start = new BpeTokenizer(baseKind, alphabet, [], "BpeTokenizer.Train");
        if (vocabSize < start.BaseSize)
            throw new ArgumentException($"BpeTokenizer.Train: vocabSize {vocabSize} is below the {start.BaseSize} base tokens.", nameof(vocabSize));

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in ChunkPattern().Matches(text)) counts[m.Value] = counts.GetValueOrDefault(m.Value) + 1;
        var words = counts.Select(kv => start.Units(kv.Key)).ToList();
        int[] freq = counts.Values.ToArray();

        var merges = new List<(int, int)>();
        var pairCounts = new Dictionary<(int, int), long>();
        while (start.BaseSize + merges.Count < vocabSize)
        {
            pairCounts.Clear();
            for (int w = 0; w < words.Count; w++)
            {
                List<int> s = words[w];
                for (int i = 0; i + 1 < s.Count; i++)
                {
                    var p = (s[i], s[i + 1]);
                    pairCounts[p] = pairCounts.GetValueOrDefault(p) + freq[w];
                }
            }
            if (pairCounts.Count == 0) break;
            (int, int) best = default;
            long bestCount = -1;
            foreach (((int, int) p, long c) in pairCounts)
            {
                if (c > bestCount || (c == bestCount && p.CompareTo(best) < 0)) (best, bestCount) = (p, c);
            }
            int id = start.BaseSize + merges.Count;
            merges.Add(best);
            foreach (List<int> s in words) Replace(s, best, id);
        }
        return new BpeTokenizer(baseKind, alphabet, [.. merges], "BpeTokenizer.Train");
    }

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        foreach (Match m in ChunkPattern().Matches(text))
        {
            if (!_cache.TryGetValue(m.Value, out int[]? chunk))
            {
                chunk = EncodeChunk(Units(m.Value, text, m.Index));
                _cache[m.Value] = chunk;
            }
            ids.AddRange(chunk);
        }
        return [.. ids];
    }

    /// <inheritdoc/>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var units = new List<int>(ids.Length * 2);
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)_units.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), $"BpeTokenizer.Decode: id {ids[i]} at index {i} is outside [0, {VocabSize}).");
            units.AddRange(_units[ids[i]]);
        }
        return Base == BpeBase.Byte
            ? Encoding.UTF8.GetString(units.Select(u => (byte)u).ToArray())
            : new string(units.Select(u => _alphabet[u]).ToArray());
    }

    /// <inheritdoc/>
    public void Save(string path)
    {
        var merges = new JsonArray();
        foreach ((int l, int r) in _merges) merges.Add(new JsonArray(l, r));
        var json = new JsonObject { ["type"] = "bpe", ["base"] = Base == BpeBase.Byte ? "byte" : "char" };
        if (Base == BpeBase.Char) json["alphabet"] = new string(_alphabet);
        json["merges"] = merges;
        AtomicText.Write(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    internal static BpeTokenizer FromJson(JsonObject json, string source)
    {
        BpeBase kind = json["base"]?.GetValue<string>() switch
        {
            "byte" => BpeBase.Byte,
            "char" => BpeBase.Char,
            var b => throw new InvalidDataException($"{source}: unknown BPE base '{b}' (expected \"byte\" or \"char\")."),
        };
        char[] alphabet = kind == BpeBase.Char
            ? (json["alphabet"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: char-level BPE without \"alphabet\".")).ToCharArray()
            : [];
        if (alphabet.Length != alphabet.Distinct().Count()) throw new InvalidDataException($"{source}: \"alphabet\" repeats a character.");
        JsonArray list = json["merges"] as JsonArray ?? throw new InvalidDataException($"{source}: BPE tokenizer without a \"merges\" array.");
        var merges = new (int, int)[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonArray { Count: 2 } pair) throw new InvalidDataException($"{source}: merge {i} is not a pair [left, right].");
            merges[i] = (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>());
        }
        return new BpeTokenizer(kind, alphabet, merges, source);
    }

    /// <summary>GPT-2's pre-tokenisation pattern.</summary>
    [GeneratedRegex(@"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex ChunkPattern();

    private List<int> Units(string chunk, string? text = null, int offset = 0)
    {
        if (Base == BpeBase.Byte) return [.. Encoding.UTF8.GetBytes(chunk).Select(b => (int)b)];
        var units = new List<int>(chunk.Length);
        for (int i = 0; i < chunk.Length; i++)
        {
            if (!_charIndex.TryGetValue(chunk[i], out int u))
                throw new ArgumentException($"BpeTokenizer.Encode: character U+{(int)chunk[i]:X4} at index {offset + i} is not in the character-level alphabet of {BaseSize} characters.", nameof(text));
            units.Add(u);
        }
        return units;
    }

    private int[] EncodeChunk(List<int> s)
    {
        while (s.Count > 1)
        {
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < s.Count; i++)
            {
                if (_rank.TryGetValue((s[i], s[i + 1]), out int r) && r < bestRank) bestRank = r;
            }
            if (bestRank == int.MaxValue) break;
            Replace(s, _merges[bestRank], BaseSize + bestRank);
        }
        return [.. s];
    }

    /// <summary>Replaces the occurrences of a pair in a token list, left to right without overlap.</summary>
    private static void Replace(List<int> s, (int Left, int Right) pair, int id)
    {
        int w = 0;
        for (int i = 0; i < s.Count; i++)
        {
            if (i + 1 < s.Count && s[i] == pair.Left && s[i + 1] == pair.Right)
            {
                s[w++] = id;
                i++;
            }
            else s[w++] = s[i];
        }
        s.RemoveRange(w, s.Count - w);
    }
}
