using Nabla.Models.Text;

namespace Nabla.Models;

/// <summary>A character-level BERT vocabulary: the four special tokens [PAD] = 0, [CLS] = 1, [SEP] = 2, [MASK] = 3,
/// then the characters of a text (ids 4…). Hugging Face: <c>BertTokenizer</c>'s special tokens (with characters
/// instead of WordPieces).</summary>
public sealed class BertTokenizer
{
    /// <summary>Padding, ignored by attention.</summary>
    public const int Pad = 0;

    /// <summary>Classification token at the start; its output feeds sentence-level heads.</summary>
    public const int Cls = 1;

    /// <summary>Separator after each sentence.</summary>
    public const int Sep = 2;

    /// <summary>Replaces a token whose identity the masked-LM objective must predict.</summary>
    public const int Mask = 3;

    /// <summary>Number of special tokens before the first character.</summary>
    public const int SpecialCount = 4;

    /// <summary>A vocabulary over the characters of a text.</summary>
    /// <param name="chars">The character tokenizer.</param>
    public BertTokenizer(CharTokenizer chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        Chars = chars;
    }

    /// <summary>The characters (id c of Chars is token c + SpecialCount).</summary>
    public CharTokenizer Chars { get; }

    /// <summary>Specials plus characters.</summary>
    public int VocabSize => Chars.VocabSize + SpecialCount;

    /// <summary>Token ids of a text (no special tokens).</summary>
    /// <param name="text">Text made of the vocabulary's characters.</param>
    public int[] Encode(string text) => Chars.Encode(text).Select(i => i + SpecialCount).ToArray();

    /// <summary>The text of token ids; specials are written as [PAD], [CLS], [SEP], [MASK].</summary>
    /// <param name="ids">Token ids.</param>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return string.Concat(ids.Select(i => i switch
        {
            Pad => "[PAD]", Cls => "[CLS]", Sep => "[SEP]", Mask => "[MASK]",
            _ => Chars.Decode([i - SpecialCount]),
        }));
    }
}
