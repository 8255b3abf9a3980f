#:project ../../src/Nabla.Vision/Nabla.Vision.csproj
#:property PublishAot=false
// Writes Nabla-encoded JPEG goldens for tools/golden/jpeg.py, which runs it and then decodes the files with PIL:
//   dotnet run tools/golden/JpegEncode.cs -- <directory> <name>:<source png>:<quality>:<420|444> ...
// tests/Nabla.Vision.Tests/JpegTests.cs repeats the same encodings and checks the bytes are unchanged.
using System.Globalization;
using Nabla.Vision;

string dir = args[0];
foreach (string spec in args.Skip(1))
{
    string[] p = spec.Split(':');
    var subsampling = p[3] == "444" ? ChromaSubsampling.Chroma444 : ChromaSubsampling.Chroma420;
    byte[] bytes = Jpeg.Encode(Image.Read(Path.Combine(dir, p[1])), int.Parse(p[2], CultureInfo.InvariantCulture), subsampling);
    File.WriteAllBytes(Path.Combine(dir, p[0]), bytes);
    Console.WriteLine($"{p[0]}: {bytes.Length} bytes");
}
