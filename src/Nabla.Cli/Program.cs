using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nabla;

namespace Nabla.Cli;

/// <summary>The <c>nabla</c> command line. Composition only: no math lives here.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string command = args.Length == 0 ? "help" : args[0];
        switch (command)
        {
            case "info":
                Info();
                return 0;
            case "help" or "--help" or "-h":
                Help();
                return 0;
            default:
                Console.Error.WriteLine($"nabla: unknown command '{command}'. Run 'nabla help'.");
                return 2;
        }
    }

    private static void Help()
    {
        Console.WriteLine("nabla — deep learning and machine learning in pure C#");
        Console.WriteLine();
        Console.WriteLine("Commands:");
        Console.WriteLine("  info    the runtime, SIMD support, thread count, and a tensor/autograd smoke check");
        Console.WriteLine("  help    this text");
    }

    private static void Info()
    {
        Console.WriteLine($"Nabla {typeof(Tensor).Assembly.GetName().Version} on .NET {Environment.Version}, {Environment.OSVersion}");
        Console.WriteLine($"Threads: {Threading.NumThreads} (set with {Threading.EnvironmentVariable})");
        Console.WriteLine($"SIMD: AVX-512F {Avx512F.IsSupported}, AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported}, Vector512 accelerated {Vector512.IsHardwareAccelerated}");
        // d/dx Σ x² = 2x: a one-line check that tensors and autograd work on this machine.
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 3 }).RequireGrad();
        (x * x).Sum().Backward();
        Console.WriteLine($"Autograd check: d/dx sum(x^2) at x = {x.Detach()} is {x.Grad}");
    }
}
