using Xunit;
using Nabla.Models.Text;

namespace Nabla.Models.Tests;

public sealed class TokenizerTests
{
    [Fact]
    public void CharTokenizerSortsTheAlphabetAndRoundTrips()
    {
        var tok = CharTokenizer.FromText("hello world\n");
        // sorted(set("hello world\n")) = ['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'].
        Assert.Equal("\n dehlorw", new string([.. tok.Characters]));
        Assert.Equal([4, 3, 5, 5, 6], tok.Encode("hello"));
        Assert.Equal("world\n", tok.Decode(tok.Encode("world\n")));
        var e = Assert.Throws<ArgumentException>(() => tok.Encode("hex"));
        Assert.Contains("U+0078 at index 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.Decode([9]));
    }

    [Fact]
    public void CharTokenizerSavesAndLoads()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nabla-char-{Guid.NewGuid():N}.json");
        try
        {
            var tok = CharTokenizer.FromText("abcab\n");
            tok.Save(path);
            var back = Assert.IsType<CharTokenizer>(Tokenizers.Load(path));
            Assert.Equal(tok.Characters, back.Characters);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".tmp-*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BpeLearnsTheTextbookMergeSequence()
    {
        // "aaabdaaabac" (Wikipedia's example), char base: a=0 b=1 c=2 d=3.
        // Pair counts: aa 4 (overlapping: aaa counts twice, as in every BPE trainer), ab 2, bd 1, da 1, ba 1, ac 1
        // → merge (a,a) = 4; left to right without overlap: "Z a b d Z a b a c".
        // Counts: Za 2, ab 2, bd, dZ, ba, ac 1 → tie between (4,0) and (0,1): the smaller pair (0,1) wins → 5 = ab;
        // "Z Y d Z Y a c". Counts: ZY 2, others 1 → (4,5) = 6; "X d X a c" = [6, 3, 6, 0, 2].
        var bpe = BpeTokenizer.Train("aaabdaaabac", vocabSize: 7, BpeBase.Char);
        Assert.Equal([(0, 0), (0, 1), (4, 5)], bpe.Merges);
        Assert.Equal([6, 3, 6, 0, 2], bpe.Encode("aaabdaaabac"));
        Assert.Equal("aaabdaaabac", bpe.Decode([6, 3, 6, 0, 2]));
        // Encoding new text applies the merges by rank: "aaab" → (a,a) first: Z a b → (a,b): Z Y → X.
        Assert.Equal([6], bpe.Encode("aaab"));
        // "aab": (a,a) has rank 0, so Z b, not a Y.
        Assert.Equal([4, 1], bpe.Encode("aab"));
    }

    [Fact]
    public void BpeStopsWhenNoPairIsLeft()
    {
        // "ab ab": chunks "ab" and " ab"; byte base. Merges: (a,b) count 2 → 256; then (' ', 256) count 1 → 257;
        // then no pair is left, so the vocabulary stops at 258 although 300 were asked for.
        var bpe = BpeTokenizer.Train("ab ab", vocabSize: 300);
        Assert.Equal([((int)'a', (int)'b'), ((int)' ', 256)], bpe.Merges);
        Assert.Equal(258, bpe.VocabSize);
        Assert.Equal([256, 257], bpe.Encode("ab ab"));
    }

    [Fact]
    public void ByteBpeRoundTripsAnyTextAndSavesAtomically()
    {
        const string corpus = "In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.\n";
        var bpe = BpeTokenizer.Train(corpus, 300);
        Assert.Equal(300, bpe.VocabSize);
        int[] ids = bpe.Encode(corpus);
        Assert.True(ids.Length < corpus.Length / 2, $"{ids.Length} tokens for {corpus.Length} characters");
        Assert.Equal(corpus, bpe.Decode(ids));
        const string unseen = "Ünïcode — 42 things!\tOK";
        Assert.Equal(unseen, bpe.Decode(bpe.Encode(unseen)));

        string path = Path.Combine(Path.GetTempPath(), $"nabla-bpe-{Guid.NewGuid():N}.json");
        try
        {
            bpe.Save(path);
            var back = Assert.IsType<BpeTokenizer>(Tokenizers.Load(path));
            Assert.Equal(bpe.Merges, back.Merges);
            Assert.Equal(ids, back.Encode(corpus));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CharBpeRejectsUnknownCharactersAndBadFiles()
    {
        var bpe = BpeTokenizer.Train("abab", 5, BpeBase.Char);
        Assert.Equal("abab", bpe.Decode(bpe.Encode("abab")));
        Assert.Contains("U+0063", Assert.Throws<ArgumentException>(() => bpe.Encode("abc")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BpeTokenizer.Train("abab", 1, BpeBase.Char));

        string path = Path.Combine(Path.GetTempPath(), $"nabla-bad-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{"type":"bpe","base":"byte","merges":[[97,300]]}""");
            var e = Assert.Throws<InvalidDataException>(() => Tokenizers.Load(path));
            Assert.Contains("merge 0 (97, 300)", e.Message, StringComparison.Ordinal);
            File.WriteAllText(path, """{"type":"wordpiece"}""");
            Assert.Contains("unknown tokenizer type", Assert.Throws<InvalidDataException>(() => Tokenizers.Load(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
