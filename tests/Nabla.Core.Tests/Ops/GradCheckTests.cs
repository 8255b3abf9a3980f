using System.Reflection;
using System.Text.Json;
using Nabla;
using Xunit;

namespace Nabla.Core.Tests.Ops;

/// <summary>Runs every catalog row through: forward against its reference (scalar formula, naive loops or
/// composite formula, and PyTorch's values where tests/golden/ops.json has them), and the float64
/// central-difference gradient check on contiguous and non-contiguous inputs.</summary>
public sealed class GradCheckTests
{
    // Gradient check tolerances (PyTorch gradcheck's defaults, in float64); the step is the row's GradEps.
    private const double Atol = 1e-5, Rtol = 1e-3;

    public static IEnumerable<object[]> Names => OpCatalog.Names;

    private static double[][] RandomInputs(OpCase op, int seed)
    {
        var g = new Generator(seed);
        return op.Shapes.Select(s => Enumerable.Range(0, s.Aggregate(1, (a, b) => a * b))
                                               .Select(_ => op.Low + (op.High - op.Low) * g.NextDouble()).ToArray()).ToArray();
    }

    /// <summary>Builds an input holding <paramref name="values"/>; the non-contiguous variant has the same
    /// logical values but reversed strides.</summary>
    private static Tensor Build(double[] values, int[] shape, bool contiguous)
    {
        Tensor t = Tensor.FromArray(values).Reshape(shape);
        if (contiguous || shape.Count(d => d > 1) < 2) return t;
        int[] rev = Enumerable.Range(0, shape.Length).Reverse().ToArray();
        Tensor nc = t.Permute(rev).Contiguous().Permute(rev).Detach();
        Assert.False(nc.IsContiguous);
        return nc;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_central_differences(string name)
    {
        OpCase op = OpCatalog.Get(name);
        CheckGradient(op, contiguous: true);
        if (op.Shapes.Any(s => s.Count(d => d > 1) >= 2)) CheckGradient(op, contiguous: false);
    }

    private static void CheckGradient(OpCase op, bool contiguous)
    {
        double[][] x = RandomInputs(op, seed: 1234);
        Tensor[] leaves = x.Select((v, i) => Build(v, op.Shapes[i], contiguous).RequireGrad()).ToArray();
        Tensor y = op.Call(leaves);
        // L = Σ v ⊙ f(x) with a fixed random v, so every output element's gradient counts.
        var g = new Generator(99);
        double[] vValues = Enumerable.Range(0, y.NumEl).Select(_ => g.NextDouble() * 2 - 1).ToArray();
        Tensor v = Tensor.FromArray(vValues, y.Shape);
        (y * v).Sum().Backward();

        double Loss()
        {
            using var _ = GradMode.Disable();
            Tensor[] inputs = x.Select((vals, i) => Build(vals, op.Shapes[i], contiguous)).ToArray();
            return (op.Call(inputs) * v).Sum().Item<double>();
        }

        for (int k = 0; k < x.Length; k++)
        {
            Tensor? grad = leaves[k].Grad;
            double[] analytic = grad is null ? new double[x[k].Length] : grad.ToArray<double>();
            Assert.True(grad is null || grad.Shape.SequenceEqual(op.Shapes[k]), $"{op.Name}: gradient shape of input {k}");
            for (int j = 0; j < x[k].Length; j++)
            {
                double x0 = x[k][j];
                x[k][j] = x0 + op.GradEps;
                double up = Loss();
                x[k][j] = x0 - op.GradEps;
                double down = Loss();
                x[k][j] = x0;
                double numeric = (up - down) / (2 * op.GradEps);
                Assert.True(Math.Abs(analytic[j] - numeric) <= Atol + Rtol * Math.Abs(numeric),
                    $"{op.Name} ({(contiguous ? "contiguous" : "strided")}): input {k}[{j}] analytic {analytic[j]:G8} vs numeric {numeric:G8}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_reference(string name)
    {
        OpCase op = OpCatalog.Get(name);
        double[][] x = RandomInputs(op, seed: 7);
        int checks = 0;
        foreach (bool contiguous in new[] { true, false })
        {
            Tensor[] inputs = x.Select((v, i) => Build(v, op.Shapes[i], contiguous)).ToArray();
            Tensor y = op.Call(inputs);
            Assert.Equal(DType.Float64, y.DType);
            if (op.Scalar is not null)
            {
                AssertClose(op.Name, ScalarReference(op, x, y.Shape), y, 1e-12, 1e-10);
                checks++;
            }
            if (op.Reference is not null)
            {
                Tensor expected;
                using (GradMode.Disable()) expected = op.Reference(inputs);
                AssertClose(op.Name, expected, y, 1e-12, 1e-10);
                checks++;
            }
        }
        if (op.Golden && Goldens.Rows.TryGetValue(op.Name, out GoldenRow? golden)) checks++;
        Assert.True(checks > 0, $"{op.Name}: the row has no forward reference (Scalar, Reference, or a PyTorch golden)");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Float32_forward_matches_float64(string name)
    {
        OpCase op = OpCatalog.Get(name);
        double[][] x = RandomInputs(op, seed: 11);
        Tensor y64 = op.Call(x.Select((v, i) => Build(v, op.Shapes[i], true)).ToArray());
        Tensor y32 = op.Call(x.Select((v, i) => Build(v, op.Shapes[i], true).To(DType.Float32)).ToArray());
        if (op.Name == "To") return;     // the row itself round-trips through Float32
        Assert.Equal(DType.Float32, y32.DType);
        // float32 rounding of inputs and arithmetic: a few ulps of 2^-24 relative, scaled by the values' size.
        AssertClose(op.Name + " (float32)", y64, y32.To(DType.Float64), 2e-5, 2e-5);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_pytorch_golden(string name)
    {
        OpCase op = OpCatalog.Get(name);
        if (!op.Golden) return;
        Assert.True(Goldens.Rows.TryGetValue(op.Name, out GoldenRow? golden),
            $"{op.Name}: no row in tests/golden/ops.json; rerun tools/golden/ops.py");
        Tensor[] inputs = golden!.Inputs.Select(t => t.ToTensor().RequireGrad()).ToArray();
        Tensor y = op.Call(inputs);
        AssertClose(op.Name + " vs PyTorch", golden.Output.ToTensor(), y, 1e-10, 1e-9);
        (y * golden.Projection.ToTensor()).Sum().Backward();
        for (int k = 0; k < inputs.Length; k++)
            AssertClose($"{op.Name} vs PyTorch, gradient {k}", golden.Grads[k].ToTensor(), inputs[k].Grad ?? Tensor.ZerosLike(inputs[k]), 1e-10, 1e-9);
    }

    private static Tensor ScalarReference(OpCase op, double[][] x, int[] outShape)
    {
        int n = outShape.Aggregate(1, (a, b) => a * b);
        var result = new double[n];
        var coord = new int[outShape.Length];
        for (int f = 0; f < n; f++)
        {
            var args = new double[x.Length];
            for (int k = 0; k < x.Length; k++)
            {
                int[] s = op.Shapes[k];
                int lead = outShape.Length - s.Length, flat = 0;
                for (int i = 0; i < s.Length; i++) flat = flat * s[i] + (s[i] == 1 ? 0 : coord[lead + i]);
                args[k] = x[k][flat];
            }
            result[f] = op.Scalar!(args);
            for (int i = outShape.Length - 1; i >= 0; i--)
            {
                if (++coord[i] < outShape[i]) break;
                coord[i] = 0;
            }
        }
        return Tensor.FromArray(result).Reshape(outShape);
    }

    internal static void AssertClose(string what, Tensor expected, Tensor actual, double atol, double rtol)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {Fmt(actual.Shape)}, expected {Fmt(expected.Shape)}");
        double[] e = expected.To(DType.Float64).ToArray<double>(), a = actual.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]);
            Assert.True(ok, $"{what}: element {i} is {a[i]:G17}, expected {e[i]:G17}");
        }
    }

    private static string Fmt(int[] s) => "(" + string.Join(", ", s) + ")";

    // ---- coverage -----------------------------------------------------------------------------------------

    /// <summary>Public Tensor members that return tensors but are not differentiable ops: creation, comparisons,
    /// integer results, in-place updates for optimizers, and graph plumbing.</summary>
    private static readonly HashSet<string> NotDifferentiable =
    [
        "Zeros", "Ones", "Empty", "Full", "ZerosLike", "OnesLike", "FullLike", "Scalar", "Arange", "Linspace", "Eye",
        "Rand", "Randn", "RandInt", "Bernoulli", "RandPerm", "FromArray", "FromBuffer",
        "Eq", "Ne", "Lt", "Le", "Gt", "Ge", "LogicalAnd", "LogicalOr", "LogicalNot", "Argmax", "Argmin", "OneHot",
        "AddInPlace", "SubInPlace", "MulInPlace", "DivInPlace", "ClampInPlace", "FillInPlace", "ZeroInPlace",
        "CopyInPlace", "UniformInPlace", "NormalInPlace",
        "Detach", "RequireGrad", "ReleaseAfterBackward", "DetachFromScope", "get_Grad", "get_GradFn",
    ];

    [Fact]
    public void Every_public_differentiable_op_has_a_catalog_row()
    {
        var covered = OpCatalog.All.SelectMany(c => c.Methods).ToHashSet();
        var ops = typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.ReturnType == typeof(Tensor) || m.ReturnType == typeof(Tensor[]) || m.ReturnType == typeof((Tensor, Tensor)) || m.ReturnType == typeof((Tensor, Tensor, Tensor)))
            .Select(m => m.Name)
            .Distinct()
            .Where(n => !NotDifferentiable.Contains(n))
            .ToList();
        var missing = ops.Where(n => !covered.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "Differentiable ops without a catalog row: " + string.Join(", ", missing));
        var unknown = covered.Where(n => !ops.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, "Catalog rows naming no public op: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Catalog_row_names_are_unique()
        => Assert.Equal(OpCatalog.All.Length, OpCatalog.All.Select(c => c.Name).Distinct().Count());
}

/// <summary>tests/golden/ops.json (written by tools/golden/ops.py with PyTorch in float64) and the ops_*.json files
/// of the catalog's other parts (tools/golden/ops_*.py), merged; a row name may appear in only one file.</summary>
public static class Goldens
{
    public static readonly Dictionary<string, GoldenRow> Rows = Load();

    private static Dictionary<string, GoldenRow> Load()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "golden");
        var rows = new Dictionary<string, GoldenRow>();
        if (!Directory.Exists(dir)) return rows;
        foreach (string path in Directory.GetFiles(dir, "ops*.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (JsonProperty p in doc.RootElement.GetProperty("rows").EnumerateObject())
            {
                JsonElement r = p.Value;
                if (!rows.TryAdd(p.Name, new GoldenRow(
                        r.GetProperty("inputs").EnumerateArray().Select(GoldenTensor.Parse).ToArray(),
                        GoldenTensor.Parse(r.GetProperty("output")),
                        GoldenTensor.Parse(r.GetProperty("projection")),
                        r.GetProperty("grads").EnumerateArray().Select(GoldenTensor.Parse).ToArray())))
                    throw new InvalidDataException($"golden row {p.Name} appears twice ({Path.GetFileName(path)})");
            }
        }
        return rows;
    }
}

public sealed record GoldenRow(GoldenTensor[] Inputs, GoldenTensor Output, GoldenTensor Projection, GoldenTensor[] Grads);

public sealed record GoldenTensor(int[] Shape, double[] Data)
{
    public static GoldenTensor Parse(JsonElement e) => new(
        e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
        e.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray());

    public Tensor ToTensor() => Tensor.FromArray(Data, Shape.Length == 0 ? [] : Shape).Reshape(Shape);
}
