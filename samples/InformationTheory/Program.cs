using System.Globalization;
using Nabla;
using Nabla.Learn;

// Entropy, conditional entropy and mutual information measured on a text (default: the King James Bible of
// ../shared/data, one verse per line):
//   dotnet run -c Release --project samples/InformationTheory [-- file.txt]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string path = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "kjv.txt");
if (!File.Exists(path))
{
    Console.Error.WriteLine($"{path}: no such file; pass a UTF-8 text file as the first argument.");
    return 2;
}
string text = File.ReadAllText(path);
long[] codes = text.Select(c => (long)c).ToArray();
Tensor chars = Tensor.FromArray(codes);
int alphabet = codes.Distinct().Count();

// High vs. low entropy: a letter drawn from the whole text against the letter that follows a given one.
double h = InformationTheory.LabelEntropy(chars, 2);
Console.WriteLine($"{codes.Length:N0} characters, {alphabet} distinct.");
Console.WriteLine($"Entropy of a character: {h:F3} bits (uniform over {alphabet} would be {Math.Log2(alphabet):F3}): English letters are far from equally likely.");
foreach (char after in new[] { ' ', 't', 'q' })
{
    Tensor next = Tensor.FromArray(Enumerable.Range(0, codes.Length - 1).Where(i => codes[i] == after).Select(i => codes[i + 1]).ToArray());
    Console.WriteLine($"  after '{after}': H(next) = {InformationTheory.LabelEntropy(next, 2):F3} bits over {next.NumEl:N0} cases");
}

// Conditional entropy and mutual information between a character and the one d places later.
Console.WriteLine("\nA character X and the character Y that comes d places later:");
Console.WriteLine($"  {"d",4} {"H(Y|X) bits",12} {"I(X;Y) bits",12} {"I(Y;X) bits",12}");
foreach (int d in new[] { 1, 2, 4, 16, 64 })
{
    Tensor x = Tensor.FromArray(codes[..^d]), y = Tensor.FromArray(codes[d..]);
    Console.WriteLine($"  {d,4} {InformationTheory.ConditionalEntropy(y, x, 2),12:F3} {InformationTheory.MutualInfoScore(x, y, 2),12:F3} {InformationTheory.MutualInfoScore(y, x, 2),12:F3}");
}
Console.WriteLine("  I(X;Y) = H(Y) − H(Y|X): neighbours share much (strong association), characters far apart almost nothing; I is symmetric.");

// Syntagmatic association: words that occur together in a line have high mutual information between their presence.
string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
HashSet<string>[] words = lines.Select(l => l.ToLowerInvariant().Split([' ', ',', '.', ';', ':', '?', '!', '(', ')'], StringSplitOptions.RemoveEmptyEntries).ToHashSet()).ToArray();
Tensor Has(string w) => Tensor.FromArray(words.Select(s => s.Contains(w) ? 1L : 0L).ToArray());
Console.WriteLine($"\nWords that co-occur in the same line ({lines.Length:N0} lines): mutual information of their presence, in millibits");
foreach ((string a, string b) in new[] { ("eat", "bread"), ("eat", "drink"), ("bread", "wine"), ("eat", "spirit"), ("bread", "heaven") })
    Console.WriteLine($"  {a,-6} / {b,-7} {1000 * InformationTheory.MutualInfoScore(Has(a), Has(b), 2),8:F2}");
return 0;
