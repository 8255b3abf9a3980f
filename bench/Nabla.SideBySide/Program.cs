using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Kernels;

namespace Nabla.SideBySide;

/// <summary>
/// Runs each workload in Nabla and in PyTorch (CPU, OpenBLAS) on this machine, alternating, and prints
/// workload, threads, Nabla, PyTorch and their ratio; the table is also written to
/// bench/results/side-by-side.json. Usage:
/// <c>dotnet run -c Release --project bench/Nabla.SideBySide -- [w1] [elementwise] [overhead] [w2] [w6] [wN…] [--threads 1,2] [--rounds 2]</c>.
/// </summary>
/// <remarks>Besides the built-in workloads, a workload is a pair of files: a static class marked
/// <see cref="WorkloadAttribute"/> with <c>public static JsonObject Run(string[] args)</c> (run in a child process)
/// and <c>bench/pytorch/&lt;name&gt;.py</c>; both print <c>{"metrics": {"metric": {"unit", "higher", "value"}}}</c>
/// (the Python side adds <c>"blas"</c>). <c>all</c> runs the built-ins and every registered workload. Options other
/// than <c>--threads</c> and <c>--rounds</c> are passed on to both sides of registered workloads.</remarks>
internal static class Program
{
    private const string Python = "/usr/bin/python3";
    private const string OpenBlasDir = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
    private static readonly int[] W1Sizes = [128, 256, 512, 1024, 2048];

    private static int Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length > 0 && args[0] == "--child") return Child(args);
        string[] forwarded = Forwarded(args);
        var workloads = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
                            .DefaultIfEmpty("all").ToList();
        if (workloads.Contains("all")) workloads = ["w1", "elementwise", "overhead", "w2", "w6", .. Registered.Keys.Order(StringComparer.Ordinal)];
        int[] threads = Option(args, "--threads", "1,2").Split(',').Select(int.Parse).ToArray();
        int rounds = int.Parse(Option(args, "--rounds", "2"), CultureInfo.InvariantCulture);
        string root = FindRoot();
        string script = Path.Combine(root, "bench", "pytorch", "workloads.py");
        if (!File.Exists(Python) || !Directory.Exists(OpenBlasDir))
        {
            Console.Error.WriteLine($"side-by-side: needs {Python} with PyTorch and OpenBLAS in {OpenBlasDir}: " +
                                    "apt-get install python3-torch python3-numpy libopenblas0-openmp");
            return 2;
        }

        // rows[(workload, metric, threads)] = (best Nabla, best PyTorch); "best" = highest throughput over rounds.
        var rows = new SortedDictionary<string, (string Unit, bool HigherIsBetter, double Nabla, double Torch)>(StringComparer.Ordinal);
        for (int round = 0; round < rounds; round++)
        {
            foreach (string w in workloads)
            {
                foreach (int t in threads)
                {
                    Threading.NumThreads = t;
                    bool registered = Registered.ContainsKey(w);
                    Dictionary<string, (string, bool, double)> mine = registered ? Metrics(RunProcess(ChildStart(w, t, forwarded), $"Nabla workload {w}"))
                        : w is "w2" or "w6" ? RunChild(w, t) : RunNabla(w);
                    Dictionary<string, (string, bool, double)> theirs = registered ? RunTorchModule(root, w, t, forwarded) : RunTorch(script, w, t);
                    foreach ((string metric, (string unit, bool higher, double value)) in mine)
                    {
                        if (!theirs.TryGetValue(metric, out var other)) continue;
                        string key = $"{w}|{metric}|{t}";
                        double n = value, p = other.Item3;
                        if (rows.TryGetValue(key, out var old))
                        {
                            n = higher ? Math.Max(n, old.Nabla) : Math.Min(n, old.Nabla);
                            p = higher ? Math.Max(p, old.Torch) : Math.Min(p, old.Torch);
                        }
                        rows[key] = (unit, higher, n, p);
                    }
                    Console.Error.Write('.');
                }
            }
        }
        Console.Error.WriteLine();

        string machine = CpuModel();
        Console.WriteLine($"Side by side on {machine}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}; best of {rounds} alternating rounds.");
        Console.WriteLine("ratio = Nabla throughput / PyTorch throughput (> 1: Nabla faster).");
        Console.WriteLine($"{"workload",-12} {"metric",-18} {"threads",7} {"Nabla",12} {"PyTorch",12} {"unit",-8} {"ratio",6}");
        var json = new JsonArray();
        foreach ((string key, var r) in rows.OrderBy(k => k.Key.Split('|')[0]).ThenBy(k => SizeOf(k.Key)).ThenBy(k => k.Key.Split('|')[2]))
        {
            string[] parts = key.Split('|');
            double ratio = r.HigherIsBetter ? r.Nabla / r.Torch : r.Torch / r.Nabla;
            Console.WriteLine($"{parts[0],-12} {parts[1],-18} {parts[2],7} {r.Nabla,12:G4} {r.Torch,12:G4} {r.Unit,-8} {ratio,6:F2}");
            json.Add(new JsonObject
            {
                ["workload"] = parts[0], ["metric"] = parts[1], ["threads"] = int.Parse(parts[2], CultureInfo.InvariantCulture),
                ["nabla"] = r.Nabla, ["pytorch"] = r.Torch, ["unit"] = r.Unit, ["ratio"] = ratio,
            });
        }
        var doc = new JsonObject
        {
            ["machine"] = machine, ["cores"] = Environment.ProcessorCount, ["date_utc"] = DateTime.UtcNow.ToString("o"),
            ["dotnet"] = Environment.Version.ToString(), ["rounds"] = rounds, ["rows"] = json,
        };
        string outPath = Path.Combine(root, "bench", "results", "side-by-side.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        string tmp = outPath + ".tmp";
        File.WriteAllText(tmp, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, outPath, overwrite: true);
        Console.WriteLine($"wrote {Path.GetRelativePath(root, outPath)}");
        return 0;
    }

    /// <summary>Workloads registered with <see cref="WorkloadAttribute"/>, by name.</summary>
    private static readonly Dictionary<string, Func<string[], JsonObject>> Registered = typeof(Program).Assembly.GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttributes(typeof(WorkloadAttribute), false).OfType<WorkloadAttribute>().FirstOrDefault()))
        .Where(p => p.Attribute is not null)
        .ToDictionary(p => p.Attribute!.Name, p => (Func<string[], JsonObject>)Delegate.CreateDelegate(typeof(Func<string[], JsonObject>),
            p.Type.GetMethod("Run", [typeof(string[])]) ?? throw new InvalidOperationException($"side-by-side: {p.Type.Name} has no static Run(string[])")));

    /// <summary>Child-process mode: <c>--child w2|w6|wN --threads N</c> runs one model workload and prints JSON.</summary>
    private static int Child(string[] args)
    {
        Threading.NumThreads = int.Parse(Option(args, "--threads", "1"), CultureInfo.InvariantCulture);
        JsonObject result = Registered.TryGetValue(args[1], out Func<string[], JsonObject>? run) ? run(args) : args[1] switch
        {
            "w2" => Workloads.W2(int.Parse(Option(args, "--epochs", "5"), CultureInfo.InvariantCulture),
                                 int.Parse(Option(args, "--seeds", "3"), CultureInfo.InvariantCulture)),
            "w6" => Workloads.W6(),
            _ => throw new ArgumentException($"side-by-side: unknown child workload '{args[1]}'."),
        };
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>Options other than the runner's own (<c>--threads</c>, <c>--rounds</c>), with their values, passed on
    /// to both sides of registered workloads (e.g. <c>w4 --steps 100</c>, <c>w7svm --skip-hgb</c>).</summary>
    private static string[] Forwarded(string[] args)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (args[i] is not ("--threads" or "--rounds"))
            {
                list.Add(args[i]);
                if (hasValue) list.Add(args[i + 1]);
            }
            if (hasValue) i++;
        }
        return [.. list];
    }

    private static ProcessStartInfo ChildStart(string workload, int threads, string[]? forwarded = null)
    {
        string host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string a in new[] { "--child", workload, "--threads", threads.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        foreach (string a in forwarded ?? []) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs a process to completion and parses the JSON object it printed last on stdout.</summary>
    private static JsonNode RunProcess(ProcessStartInfo psi, string what)
    {
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"side-by-side: cannot start {what}.");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"side-by-side: {what} failed ({p.ExitCode}): {stderr.Result.Trim()}");
        string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                      ?? throw new InvalidOperationException($"side-by-side: {what} printed nothing.");
        return JsonNode.Parse(last) ?? throw new InvalidOperationException($"side-by-side: {what} printed no JSON.");
    }

    /// <summary>Reads <c>{"metrics": {"name": {"unit": "s", "higher": false, "value": 1.0}}}</c>.</summary>
    private static Dictionary<string, (string, bool, double)> Metrics(JsonNode doc) =>
        doc["metrics"]!.AsObject().ToDictionary(
            kv => kv.Key,
            kv => (kv.Value!["unit"]!.GetValue<string>(), kv.Value!["higher"]!.GetValue<bool>(), kv.Value!["value"]!.GetValue<double>()));

    /// <summary>The PyTorch side of a registered workload: <c>bench/pytorch/&lt;name&gt;.py --threads N</c>.</summary>
    private static Dictionary<string, (string, bool, double)> RunTorchModule(string root, string workload, int threads, string[] forwarded)
    {
        string module = Path.Combine(root, "bench", "pytorch", workload + ".py");
        if (!File.Exists(module)) throw new InvalidOperationException($"side-by-side: workload {workload} has no PyTorch side ({module}).");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[module, "--threads", threads.ToString(CultureInfo.InvariantCulture), .. forwarded]) psi.ArgumentList.Add(a);
        psi.Environment["LD_LIBRARY_PATH"] = OpenBlasDir;
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        JsonNode doc = RunProcess(psi, $"PyTorch workload {workload}");
        string blas = doc["blas"]!.GetValue<string>();
        if (!blas.StartsWith("openblas", StringComparison.Ordinal))
            throw new InvalidOperationException($"side-by-side: PyTorch loaded BLAS '{blas}', not OpenBLAS; refusing to compare against it.");
        return Metrics(doc);
    }

    private static Dictionary<string, (string, bool, double)> RunChild(string workload, int threads)
    {
        JsonNode r = RunProcess(ChildStart(workload, threads), $"Nabla workload {workload}");
        return workload == "w2"
            ? new()
            {
                ["epoch time"] = ("s", false, r["epoch_s"]!.GetValue<double>()),
                ["test accuracy (mean of 3 seeds)"] = ("%", true, 100 * r["accuracy"]!.GetValue<double>()),
                ["peak memory"] = ("MB", false, r["peak_rss_mb"]!.GetValue<double>()),
            }
            : new()
            {
                ["latency batch 1"] = ("µs", false, r["batch1_us"]!.GetValue<double>()),
                ["latency batch 64"] = ("µs", false, r["batch64_us"]!.GetValue<double>()),
            };
    }

    private static int SizeOf(string key)
    {
        string metric = key.Split('|')[1];
        return metric.StartsWith("gemm n=", StringComparison.Ordinal) ? int.Parse(metric[7..], CultureInfo.InvariantCulture) : 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Nabla.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("side-by-side: cannot find the repository root (Nabla.slnx).");
    }

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return "unknown CPU";
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    // ---- Nabla side ------------------------------------------------------------------------------------

    private static Dictionary<string, (string, bool, double)> RunNabla(string workload) => workload switch
    {
        "w1" => W1Sizes.ToDictionary(n => $"gemm n={n}", n => ("GFLOP/s", true, 2.0 * n * n * n / Gemm(n) / 1e9)),
        "elementwise" => new()
        {
            ["add 1M float"] = ("GB/s", true, 12.0 * (1 << 20) / AddMillion() / 1e9),
            ["add 1M float in a TensorScope"] = ("GB/s", true, 12.0 * (1 << 20) / AddMillionScoped() / 1e9),
            ["add 1M into out"] = ("GB/s", true, 12.0 * (1 << 20) / AddMillionInto() / 1e9),
        },
        "overhead" => new() { ["add 64 + autograd"] = ("µs/op", false, Overhead() * 1e6) },
        _ => throw new ArgumentException($"side-by-side: unknown workload '{workload}' (w1, elementwise, overhead)."),
    };

    private static double Gemm(int n)
    {
        var g = new Generator(0);
        float[] a = Tensor.Randn([n, n], g).ToArray<float>(), b = Tensor.Randn([n, n], g).ToArray<float>();
        var c = new float[n * n];
        return Timed(() => Kernels.Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n));
    }

    private static double AddMillion()
    {
        Tensor a = Tensor.Rand([1 << 20], new Generator(1)), b = Tensor.Rand([1 << 20], new Generator(2));
        return Timed(() => _ = a + b, maxReps: 2000);
    }

    /// <summary><c>a + b</c> with each result dying at the end of its scope, as PyTorch's does when the next result
    /// replaces it: the next result reuses its warm storage.</summary>
    private static double AddMillionScoped()
    {
        Tensor a = Tensor.Rand([1 << 20], new Generator(1)), b = Tensor.Rand([1 << 20], new Generator(2));
        return Timed(() =>
        {
            using (TensorScope.Begin()) _ = a + b;
        }, maxReps: 2000);
    }

    /// <summary>The kernel alone, into a preallocated output (PyTorch side: <c>torch.add(a, b, out=c)</c>).</summary>
    private static double AddMillionInto()
    {
        float[] a = Tensor.Rand([1 << 20], new Generator(1)).ToArray<float>(), b = Tensor.Rand([1 << 20], new Generator(2)).ToArray<float>();
        var c = new float[1 << 20];
        // Split across threads the way Tensor's element-wise ops split (ForBlocks by grain size).
        return Timed(() => Threading.ForBlocks(a.Length, 1, (start, n) =>
            AddOperator<float>.Invoke(a.AsSpan(start, n), b.AsSpan(start, n), c.AsSpan(start, n))), maxReps: 2000);
    }

    private static double Overhead()
    {
        Tensor a = Tensor.Rand([64], new Generator(1)).RequireGrad(), b = Tensor.Rand([64], new Generator(2)).RequireGrad();
        const int calls = 20000;
        for (int i = 0; i < 2000; i++) _ = a + b;
        double best = double.MaxValue;
        for (int k = 0; k < 5; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) _ = a + b;
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds / calls);
        }
        return best;
    }

    /// <summary>Median seconds per call, with enough repetitions for ~1.5 s (5..maxReps) as the PyTorch side does,
    /// after a warm-up of at least one second: .NET first runs precompiled or quickly-jitted code and swaps in fully
    /// optimised code (tier 1) within about a second of steady calling, the regime every training run lives in.</summary>
    private static double Timed(Action body, int maxReps = 200)
    {
        long warm = Stopwatch.GetTimestamp();
        do body();
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 1.0);
        long t0 = Stopwatch.GetTimestamp();
        body();
        double once = Math.Max(Stopwatch.GetElapsedTime(t0).TotalSeconds, 1e-9);
        int reps = (int)Math.Min(maxReps, Math.Max(5, 1.5 / once));
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            t0 = Stopwatch.GetTimestamp();
            body();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(times);
        return reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
    }

    // ---- PyTorch side ----------------------------------------------------------------------------------

    private static Dictionary<string, (string, bool, double)> RunTorch(string script, string workload, int threads)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--workload", workload, "--threads", threads.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        psi.Environment["LD_LIBRARY_PATH"] = OpenBlasDir;
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"side-by-side: cannot start {Python}.");
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"side-by-side: PyTorch workload {workload} failed ({p.ExitCode}): {stderr.Trim()}");
        JsonNode doc = JsonNode.Parse(stdout) ?? throw new InvalidOperationException("side-by-side: no JSON from PyTorch.");
        string blas = doc["blas"]!.GetValue<string>();
        if (!blas.StartsWith("openblas", StringComparison.Ordinal))
            throw new InvalidOperationException($"side-by-side: PyTorch loaded BLAS '{blas}', not OpenBLAS; refusing to compare against it.");
        JsonNode results = doc["results"]!;
        return workload switch
        {
            "w1" => W1Sizes.ToDictionary(n => $"gemm n={n}", n => ("GFLOP/s", true, results[$"n{n}"]!["gflops"]!.GetValue<double>())),
            "w2" => new()
            {
                ["epoch time"] = ("s", false, results["epoch"]!["median_s"]!.GetValue<double>()),
                ["test accuracy (mean of 3 seeds)"] = ("%", true, 100 * results["accuracy"]!["test"]!.GetValue<double>()),
                ["peak memory"] = ("MB", false, results["memory"]!["peak_rss_mb"]!.GetValue<double>()),
            },
            "w6" => new()
            {
                ["latency batch 1"] = ("µs", false, results["batch1"]!["median_us"]!.GetValue<double>()),
                ["latency batch 64"] = ("µs", false, results["batch64"]!["median_us"]!.GetValue<double>()),
            },
            "elementwise" => new()
            {
                ["add 1M float"] = ("GB/s", true, results["add_1m"]!["gb_per_s"]!.GetValue<double>()),
                // PyTorch's plain a + b: reference counting gives it what a scope gives Nabla.
                ["add 1M float in a TensorScope"] = ("GB/s", true, results["add_1m"]!["gb_per_s"]!.GetValue<double>()),
                ["add 1M into out"] = ("GB/s", true, results["add_1m_out"]!["gb_per_s"]!.GetValue<double>()),
            },
            _ => new() { ["add 64 + autograd"] = ("µs/op", false, results["add_64_autograd"]!["us_per_op"]!.GetValue<double>()) },
        };
    }
}
