using Nabla;

namespace Nabla.Core.Tests.Ops;

/// <summary>One row per differentiable op (or op variant).</summary>
/// <param name="Name">Unique row name, "Method/variant".</param>
/// <param name="Methods">The public API members this row covers (Tensor method or operator names).</param>
/// <param name="Call">The op applied to the inputs.</param>
/// <param name="Shapes">Shapes of the float inputs; every input is differentiated.</param>
/// <param name="Low">Lower end of the input range (inputs are drawn uniformly from [Low, High]).</param>
/// <param name="High">Upper end of the input range.</param>
/// <param name="Scalar">Element-wise reference in double precision, applied with broadcasting.</param>
/// <param name="Reference">Reference built another way (naive loops or a composite formula) in float64.</param>
/// <param name="Golden">Whether tests/golden/ops.json holds PyTorch's values for this row.</param>
/// <param name="GradEps">Central-difference step (1e-6, PyTorch gradcheck's; larger only where the op itself
/// rounds to float32, whose rounding error would swamp a 1e-6 step).</param>
public sealed record OpCase(
    string Name,
    string[] Methods,
    Func<Tensor[], Tensor> Call,
    int[][] Shapes,
    double Low = -2,
    double High = 2,
    Func<double[], double>? Scalar = null,
    Func<Tensor[], Tensor>? Reference = null,
    bool Golden = true,
    double GradEps = 1e-6)
{
    public override string ToString() => Name;
}

/// <summary>The op catalog: it drives the forward checks (against a scalar reference, a naive/composite
/// reference, and PyTorch goldens), the float64 finite-difference gradient check, and the coverage test that
/// fails when a public differentiable op has no row. Input ranges keep each op inside its domain and away from
/// kinks (|x| ≥ 0.1 for Abs, Relu, Step, Sign…), where a central difference would straddle the corner.</summary>
public static partial class OpCatalog
{
    private static readonly Tensor Idx3 = Tensor.FromArray(new long[] { 2, 0, 2 });
    private static readonly Tensor GatherIdx = Tensor.FromArray(new long[,] { { 0, 2, 1, 2 }, { 3, 3, 0, 1 }, { 1, 0, 0, 2 } });
    private static readonly Tensor ScatterIdx = Tensor.FromArray(new long[,] { { 0, 2 }, { 3, 1 }, { 1, 0 } });
    private static readonly Tensor Mask34 = Tensor.FromArray(new bool[,] { { true, false, false, true }, { false, true, false, false }, { true, true, false, true } });

    private static int[] S(params int[] s) => s;

    /// <summary>Keeps |x| ≥ 0.1 away from a kink at 0 by pushing small values outward.</summary>
    private static Tensor AwayFromZero(Tensor x) => x + x.Sign() * 0.1;

    /// <summary>Every row: the core ops here, and each area's rows from its own file (OpCatalog.*.cs).</summary>
    /// <remarks>Built on first use: static fields of the partial files initialise in an unspecified order.</remarks>
    public static OpCase[] All => all ??= [.. Core, .. Convolution, .. Recurrent, .. Attention];

    private static OpCase[]? all;

    private static readonly OpCase[] Core =
    [
        // ---- arithmetic with broadcasting
        new("Add", ["op_Addition", "Add"], x => x[0] + x[1], [S(3, 4), S(3, 4)], Scalar: v => v[0] + v[1]),
        new("Add/broadcast", ["op_Addition"], x => x[0] + x[1], [S(3, 1), S(1, 4)], Scalar: v => v[0] + v[1]),
        new("Add/rank", ["op_Addition"], x => x[0].Add(x[1]), [S(2, 3, 4), S(4)], Scalar: v => v[0] + v[1]),
        new("Add/scalar", ["op_Addition"], x => x[0] + 1.5, [S(5)], Scalar: v => v[0] + 1.5),
        new("Sub", ["op_Subtraction", "Sub"], x => x[0].Sub(x[1]), [S(3, 4), S(4)], Scalar: v => v[0] - v[1]),
        new("Sub/scalar-left", ["op_Subtraction"], x => 2.0 - x[0], [S(5)], Scalar: v => 2 - v[0]),
        new("Mul", ["op_Multiply", "Mul"], x => x[0].Mul(x[1]), [S(3, 4), S(3, 4)], Scalar: v => v[0] * v[1]),
        new("Mul/broadcast", ["op_Multiply"], x => x[0] * x[1], [S(2, 1, 4), S(3, 1)], Scalar: v => v[0] * v[1]),
        new("Mul/0-d", ["op_Multiply"], x => x[0] * x[1], [S(), S(3)], Scalar: v => v[0] * v[1]),
        new("Div", ["op_Division", "Div"], x => x[0].Div(x[1]), [S(3, 4), S(4)], 0.5, 2, Scalar: v => v[0] / v[1]),
        new("Div/scalar-left", ["op_Division"], x => 3.0 / x[0], [S(5)], 0.5, 2, Scalar: v => 3 / v[0]),
        new("Neg", ["op_UnaryNegation", "Neg"], x => -x[0].Neg(), [S(3, 4)], Scalar: v => v[0]),
        new("Pow/scalar", ["Pow"], x => x[0].Pow(2.5), [S(3, 4)], 0.2, 2, Scalar: v => Math.Pow(v[0], 2.5)),
        new("Pow/tensor", ["Pow"], x => x[0].Pow(x[1]), [S(3, 4), S(4)], 0.2, 2, Scalar: v => Math.Pow(v[0], v[1])),
        new("Square", ["Square"], x => x[0].Square(), [S(3, 4)], Scalar: v => v[0] * v[0]),
        new("Reciprocal", ["Reciprocal"], x => x[0].Reciprocal(), [S(3, 4)], 0.3, 2, Scalar: v => 1 / v[0]),
        new("Maximum", ["Maximum"], x => x[0].Maximum(x[1]), [S(3, 4), S(4)], Scalar: v => Math.Max(v[0], v[1])),
        new("Minimum", ["Minimum"], x => x[0].Minimum(x[1]), [S(3, 1), S(4)], Scalar: v => Math.Min(v[0], v[1])),

        // ---- unary math
        new("Exp", ["Exp"], x => x[0].Exp(), [S(3, 4)], Scalar: v => Math.Exp(v[0])),
        new("Log", ["Log"], x => x[0].Log(), [S(3, 4)], 0.1, 3, Scalar: v => Math.Log(v[0])),
        new("Log1p", ["Log1p"], x => x[0].Log1p(), [S(3, 4)], -0.5, 3, Scalar: v => Math.Log(1 + v[0])),
        new("Sqrt", ["Sqrt"], x => x[0].Sqrt(), [S(3, 4)], 0.1, 3, Scalar: v => Math.Sqrt(v[0])),
        new("Rsqrt", ["Rsqrt"], x => x[0].Rsqrt(), [S(3, 4)], 0.2, 3, Scalar: v => 1 / Math.Sqrt(v[0])),
        new("Abs", ["Abs"], x => AwayFromZero(x[0]).Abs(), [S(3, 4)], Scalar: v => Math.Abs(v[0] + Math.Sign(v[0]) * 0.1)),
        new("Sign", ["Sign"], x => AwayFromZero(x[0]).Sign(), [S(3, 4)], Scalar: v => Math.Sign(v[0])),
        new("Sin", ["Sin"], x => x[0].Sin(), [S(3, 4)], -4, 4, Scalar: v => Math.Sin(v[0])),
        new("Cos", ["Cos"], x => x[0].Cos(), [S(3, 4)], -4, 4, Scalar: v => Math.Cos(v[0])),
        new("Clamp", ["Clamp"], x => x[0].Clamp(-0.95, 1.05), [S(4, 5)], Scalar: v => Math.Clamp(v[0], -0.95, 1.05)),
        new("Clamp/min", ["Clamp"], x => x[0].Clamp(min: 0.05), [S(4, 5)], Scalar: v => Math.Max(v[0], 0.05)),

        // ---- activations
        new("Sigmoid/empty", ["Sigmoid"], x => x[0].Sigmoid(), [S(0, 3)], Scalar: v => 1 / (1 + Math.Exp(-v[0])), Golden: false),
        new("Exp/0-d", ["Exp"], x => x[0].Exp(), [S()], Scalar: v => Math.Exp(v[0]), Golden: false),
        new("Sigmoid", ["Sigmoid"], x => x[0].Sigmoid(), [S(3, 4)], -6, 6, Scalar: v => 1 / (1 + Math.Exp(-v[0]))),
        new("Tanh", ["Tanh"], x => x[0].Tanh(), [S(3, 4)], -3, 3, Scalar: v => Math.Tanh(v[0])),
        new("Relu", ["Relu"], x => AwayFromZero(x[0]).Relu(), [S(3, 4)], Scalar: v => Math.Max(v[0] + Math.Sign(v[0]) * 0.1, 0)),
        new("Step", ["Step"], x => AwayFromZero(x[0]).Step(), [S(3, 4)], Scalar: v => v[0] > 0 ? 1 : 0),
        new("LeakyRelu", ["LeakyRelu"], x => AwayFromZero(x[0]).LeakyRelu(0.2), [S(3, 4)],
            Scalar: v => { double y = v[0] + Math.Sign(v[0]) * 0.1; return y > 0 ? y : 0.2 * y; }),
        new("Elu", ["Elu"], x => AwayFromZero(x[0]).Elu(1.5), [S(3, 4)],
            Scalar: v => { double y = v[0] + Math.Sign(v[0]) * 0.1; return y > 0 ? y : 1.5 * (Math.Exp(y) - 1); }),
        new("Softplus", ["Softplus"], x => x[0].Softplus(), [S(3, 4)], -5, 5, Scalar: v => Math.Log(1 + Math.Exp(v[0]))),
        new("Softplus/beta", ["Softplus"], x => x[0].Softplus(beta: 2, threshold: 3), [S(3, 4)], -3, 3,
            Scalar: v => 2 * v[0] > 3 ? v[0] : Math.Log(1 + Math.Exp(2 * v[0])) / 2),
        new("Silu", ["Silu"], x => x[0].Silu(), [S(3, 4)], -4, 4, Scalar: v => v[0] / (1 + Math.Exp(-v[0]))),
        new("Gelu", ["Gelu"], x => x[0].Gelu(), [S(3, 4)], -4, 4,
            Scalar: v => 0.5 * v[0] * (1 + Nabla.Kernels.SpecialFunctions.Erf(v[0] / Math.Sqrt(2)))),
        new("Gelu/tanh", ["Gelu"], x => x[0].Gelu(GeluApproximation.Tanh), [S(3, 4)], -4, 4,
            Scalar: v => 0.5 * v[0] * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v[0] + 0.044715 * v[0] * v[0] * v[0])))),

        // ---- selection
        new("Where", ["Where"], x => Tensor.Where(Mask34, x[0], x[1]), [S(3, 4), S(4)], Golden: false,
            Reference: x => x[0] * Mask34.To(DType.Float64) + x[1] * (1.0 - Mask34.To(DType.Float64))),
        new("MaskedFill", ["MaskedFill"], x => x[0].MaskedFill(Mask34, -1.5), [S(3, 4)], Golden: false,
            Reference: x => x[0] * (1.0 - Mask34.To(DType.Float64)) + Mask34.To(DType.Float64) * -1.5),

        // ---- movement
        new("Contiguous", ["Contiguous"], x => x[0].T.Contiguous(), [S(3, 4)], Reference: x => Naive.Transpose2(x[0])),
        new("Clone", ["Clone"], x => x[0].Clone() * 1.0, [S(3, 4)], Scalar: v => v[0]),
        new("To", ["To"], x => x[0].To(DType.Float32).To(DType.Float64), [S(3, 4)], Scalar: v => (float)v[0], Golden: false, GradEps: 1e-2),
        new("Reshape", ["Reshape"], x => x[0].Reshape(4, -1), [S(2, 3, 2)], Reference: x => Naive.Same(x[0], 4, 3)),
        new("Reshape/copy", ["Reshape"], x => x[0].T.Reshape(-1), [S(3, 4)], Reference: x => Naive.Transpose2(x[0]).Reshape(12)),
        new("View", ["View"], x => x[0].View(3, 2, 2), [S(3, 4)], Reference: x => Naive.Same(x[0], 3, 2, 2)),
        new("Flatten", ["Flatten"], x => x[0].Flatten(1), [S(2, 3, 2)], Reference: x => Naive.Same(x[0], 2, 6)),
        new("Squeeze", ["Squeeze"], x => x[0].Squeeze(), [S(3, 1, 4)], Reference: x => Naive.Same(x[0], 3, 4)),
        new("Squeeze/dim", ["Squeeze"], x => x[0].Squeeze(1), [S(3, 1, 1)], Reference: x => Naive.Same(x[0], 3, 1)),
        new("Unsqueeze", ["Unsqueeze"], x => x[0].Unsqueeze(-1), [S(3, 4)], Reference: x => Naive.Same(x[0], 3, 4, 1)),
        new("Permute", ["Permute"], x => x[0].Permute(2, 0, 1), [S(2, 3, 4)], Reference: x => Naive.Permute(x[0], 2, 0, 1)),
        new("Transpose", ["Transpose"], x => x[0].Transpose(0, 2), [S(2, 3, 4)], Reference: x => Naive.Permute(x[0], 2, 1, 0)),
        new("T", ["get_T"], x => x[0].T, [S(3, 4)], Reference: x => Naive.Transpose2(x[0])),
        new("Narrow", ["Narrow"], x => x[0].Narrow(1, 1, 2), [S(3, 4)], Reference: x => Naive.Columns(x[0], 1, 2)),
        new("Slice", ["Slice"], x => x[0].Slice(1, 0, 4, 2), [S(3, 5)], Reference: x => Naive.Columns(x[0], 0, 2, 2)),
        new("Select", ["Select"], x => x[0].Select(1, -1), [S(3, 4)], Reference: x => Naive.Columns(x[0], 3, 1).Reshape(3)),
        new("Expand", ["Expand"], x => x[0].Expand(2, 3, 4), [S(3, 1)], Scalar: v => v[0]),
        new("BroadcastTo", ["BroadcastTo"], x => x[0].BroadcastTo(3, 4), [S(4)], Scalar: v => v[0]),
        new("SumTo", ["SumTo"], x => x[0].SumTo([3, 1]), [S(2, 3, 4)], Reference: x => Naive.Reduce(x[0], [0, 2], true, (a, b) => a + b, 0).Reshape(3, 1)),
        new("Cat", ["Cat"], x => Tensor.Cat([x[0], x[1]], 1), [S(3, 2), S(3, 3)], Reference: x => Naive.Cat2(x[0], x[1])),
        new("Stack", ["Stack"], x => Tensor.Stack([x[0], x[1]], 2), [S(3, 2), S(3, 2)], Reference: x => Naive.Cat2(x[0].Reshape(6, 1), x[1].Reshape(6, 1)).Reshape(3, 2, 2)),
        new("Split", ["Split"], x => x[0].Split(2, 1)[1], [S(3, 5)], Reference: x => Naive.Columns(x[0], 2, 2)),
        new("Split/sizes", ["Split"], x => x[0].Split([1, 4], 1)[1], [S(3, 5)], Reference: x => Naive.Columns(x[0], 1, 4)),
        new("Chunk", ["Chunk"], x => x[0].Chunk(2, 1)[1], [S(3, 5)], Reference: x => Naive.Columns(x[0], 3, 2)),
        new("Pad", ["Pad"], x => x[0].Pad([1, 2, 0, 1], 0.5), [S(2, 3)], Reference: x => Naive.Pad(x[0], 1, 2, 0, 1, 0.5)),
        new("Repeat", ["Repeat"], x => x[0].Repeat(2, 1, 3), [S(2, 2)], Reference: x => Naive.Repeat(x[0], 2, 1, 3)),

        // ---- reductions
        new("Sum", ["Sum"], x => x[0].Sum(), [S(3, 4)], Reference: x => Naive.Reduce(x[0], [0, 1], false, (a, b) => a + b, 0)),
        new("Sum/dim", ["Sum"], x => x[0].Sum(1), [S(3, 4, 2)], Reference: x => Naive.Reduce(x[0], [1], false, (a, b) => a + b, 0)),
        new("Sum/dims-keep", ["Sum"], x => x[0].Sum([0, 2], keepDim: true), [S(3, 4, 2)], Reference: x => Naive.Reduce(x[0], [0, 2], true, (a, b) => a + b, 0)),
        new("Sum/0-d", ["Sum"], x => x[0].Sum(), [S()], Scalar: v => v[0]),
        new("Sum/empty", ["Sum"], x => x[0].Sum(0), [S(0, 3)], Reference: x => Tensor.Zeros([3], DType.Float64), Golden: false),
        new("Mean", ["Mean"], x => x[0].Mean(0), [S(3, 4)], Reference: x => Naive.Reduce(x[0], [0], false, (a, b) => a + b, 0) / 3.0),
        new("Var", ["Var"], x => x[0].Var(1), [S(3, 4)], Reference: x => Naive.Var(x[0], 1)),
        new("Var/population", ["Var"], x => x[0].Var([0, 1], correction: 0), [S(3, 4)], Golden: true),
        new("Std", ["Std"], x => x[0].Std(1, keepDim: true), [S(3, 4)], Reference: x => Naive.Var(x[0], 1).Sqrt().Reshape(3, 1)),
        new("Max", ["Max"], x => x[0].Max(1), [S(3, 4)], Reference: x => Naive.Reduce(x[0], [1], false, Math.Max, double.NegativeInfinity)),
        new("Max/all", ["Max"], x => x[0].Max(), [S(3, 4)], Reference: x => Naive.Reduce(x[0], [0, 1], false, Math.Max, double.NegativeInfinity)),
        new("Min", ["Min"], x => x[0].Min([0, 2]), [S(3, 4, 2)], Reference: x => Naive.Reduce(x[0], [0, 2], false, Math.Min, double.PositiveInfinity)),
        new("Prod", ["Prod"], x => x[0].Prod(1), [S(3, 4)], 0.5, 1.5, Reference: x => Naive.Reduce(x[0], [1], false, (a, b) => a * b, 1)),
        new("Prod/all", ["Prod"], x => x[0].Prod(), [S(2, 3)], -1.5, 1.5, Reference: x => Naive.Reduce(x[0], [0, 1], false, (a, b) => a * b, 1)),
        new("Norm", ["Norm"], x => x[0].Norm(), [S(3, 4)], Reference: x => Naive.Reduce(x[0] * x[0], [0, 1], false, (a, b) => a + b, 0).Sqrt()),
        new("Norm/p3-dim", ["Norm"], x => x[0].Norm(3, [1]), [S(3, 4)], Golden: true),
        new("Norm/p1", ["Norm"], x => AwayFromZero(x[0]).Norm(1, [0]), [S(3, 4)], Golden: false,
            Reference: x => Naive.Reduce(AwayFromZero(x[0]).Abs(), [0], false, (a, b) => a + b, 0)),
        new("LogSumExp", ["LogSumExp"], x => x[0].LogSumExp(1), [S(3, 4)], -5, 5, Reference: x => x[0].Exp().Sum(1).Log()),
        new("LogSumExp/dims", ["LogSumExp"], x => x[0].LogSumExp([0, 2], keepDim: true), [S(3, 4, 2)], -5, 5, Reference: x => x[0].Exp().Sum([0, 2], true).Log()),
        new("Softmax", ["Softmax"], x => x[0].Softmax(-1), [S(3, 5)], -5, 5, Reference: x => x[0].Exp() / x[0].Exp().Sum(-1, true)),
        new("Softmax/dim0", ["Softmax"], x => x[0].Softmax(0), [S(3, 4, 2)], -5, 5, Reference: x => x[0].Exp() / x[0].Exp().Sum(0, true)),
        new("LogSoftmax", ["LogSoftmax"], x => x[0].LogSoftmax(1), [S(3, 5)], -5, 5, Reference: x => x[0] - x[0].Exp().Sum(1, true).Log()),

        // ---- indexing
        new("IndexSelect", ["IndexSelect"], x => x[0].IndexSelect(1, Idx3), [S(2, 3, 2)], Reference: x => Naive.IndexSelect1(x[0], [2, 0, 2])),
        new("Gather", ["Gather"], x => x[0].Gather(1, GatherIdx), [S(3, 4)], Reference: x => Naive.Gather1(x[0], GatherIdx)),
        new("Scatter", ["Scatter"], x => x[0].Scatter(1, ScatterIdx, x[1]), [S(3, 4), S(3, 2)], Reference: x => Naive.Scatter1(x[0], ScatterIdx, x[1], add: false)),
        new("ScatterAdd", ["ScatterAdd"], x => x[0].ScatterAdd(1, ScatterIdx, x[1]), [S(3, 4), S(3, 2)], Reference: x => Naive.Scatter1(x[0], ScatterIdx, x[1], add: true)),
        new("Sort", ["Sort"], x => x[0].Sort(1, descending: true).Values, [S(3, 5)], Reference: x => Naive.SortRows(x[0], descending: true)),
        new("TopK", ["TopK"], x => x[0].TopK(2, 1).Values, [S(3, 5)], Reference: x => Naive.SortRows(x[0], descending: true).Narrow(1, 0, 2)),

        // ---- linear algebra
        new("MatMul", ["MatMul"], x => x[0].MatMul(x[1]), [S(3, 4), S(4, 5)], Reference: x => Naive.MatMul(x[0], x[1])),
        new("MatMul/transposed", ["MatMul"], x => x[0].T.MatMul(x[1].T), [S(4, 3), S(5, 4)], Reference: x => Naive.MatMul(Naive.Transpose2(x[0]), Naive.Transpose2(x[1]))),
        new("MatMul/batched-broadcast", ["MatMul"], x => x[0].MatMul(x[1]), [S(2, 1, 3, 4), S(3, 4, 2)], Golden: true),
        new("MatMul/vector-matrix", ["MatMul"], x => x[0].MatMul(x[1]), [S(4), S(4, 3)], Reference: x => Naive.MatMul(x[0].Reshape(1, 4), x[1]).Reshape(3)),
        new("MatMul/matrix-vector", ["MatMul"], x => x[0].MatMul(x[1]), [S(3, 4), S(4)], Reference: x => Naive.MatMul(x[0], x[1].Reshape(4, 1)).Reshape(3)),
        new("MatMul/dot", ["MatMul"], x => x[0].MatMul(x[1]), [S(4), S(4)], Reference: x => (x[0] * x[1]).Sum()),
        new("Linear", ["Linear"], x => Tensor.Linear(x[0], x[1], x[2]), [S(2, 3, 4), S(5, 4), S(5)],
            Reference: x => x[0].MatMul(x[1].T) + x[2]),
        new("Linear/no-bias", ["Linear"], x => Tensor.Linear(x[0], x[1]), [S(6, 4), S(3, 4)], Golden: false,
            Reference: x => Naive.MatMul(x[0], Naive.Transpose2(x[1]))),
        new("Linear/strided", ["Linear"], x => Tensor.Linear(x[0].T, x[1], x[2]), [S(4, 6), S(3, 4), S(3)], Golden: false,
            Reference: x => Naive.MatMul(Naive.Transpose2(x[0]), Naive.Transpose2(x[1])) + x[2]),
        new("Dot", ["Dot"], x => x[0].Dot(x[1]), [S(5), S(5)], Reference: x => Naive.Reduce(x[0] * x[1], [0], false, (a, b) => a + b, 0)),
        // ---- normalisation (fused kernel vs the composite formula)
        new("LayerNorm", ["LayerNorm"], x => x[0].LayerNorm([4], x[1], x[2]), [S(2, 3, 4), S(4), S(4)],
            Reference: x => (x[0] - x[0].Mean(-1, true)) * (x[0].Var(-1, correction: 0, keepDim: true) + 1e-5).Rsqrt() * x[1] + x[2]),
        new("LayerNorm/no-affine", ["LayerNorm"], x => x[0].LayerNorm([3, 4]), [S(2, 3, 4)],
            Reference: x => (x[0] - x[0].Mean([1, 2], true)) * (x[0].Var([1, 2], correction: 0, keepDim: true) + 1e-5).Rsqrt()),
        new("Outer", ["Outer"], x => x[0].Outer(x[1]), [S(3), S(4)], Reference: x => Naive.MatMul(x[0].Reshape(3, 1), x[1].Reshape(1, 4))),
    ];

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static OpCase Get(string name) => All.Single(c => c.Name == name);
}
