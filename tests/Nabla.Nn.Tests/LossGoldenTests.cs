using System.Text.Json;
using Xunit;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn.Tests;

/// <summary>Every loss case of tools/golden/nn.py, every reduction: forward value and input (and float target)
/// gradient against PyTorch 1.13 in float64, to 1e-12.</summary>
public sealed class LossGoldenTests
{
    private const double Tol = 1e-12;

    private delegate Tensor LossCall(Tensor x, Tensor t, IReadOnlyDictionary<string, Tensor> e, Reduction r);

    /// <summary>The C# twin of each Python case (same options, same argument order).</summary>
    private static readonly Dictionary<string, LossCall> Cases = new()
    {
        ["mse"] = (x, t, e, r) => F.MseLoss(x, t, r),
        ["l1"] = (x, t, e, r) => F.L1Loss(x, t, r),
        ["huber"] = (x, t, e, r) => F.HuberLoss(x, t, r),
        ["huber_delta0.5"] = (x, t, e, r) => F.HuberLoss(x, t, r, delta: 0.5),
        ["bce"] = (x, t, e, r) => F.BinaryCrossEntropy(x, t, reduction: r),
        ["bce_weight"] = (x, t, e, r) => F.BinaryCrossEntropy(x, t, e["weight"], r),
        ["bce_logits"] = (x, t, e, r) => F.BinaryCrossEntropyWithLogits(x, t, reduction: r),
        ["bce_logits_pos_weight"] = (x, t, e, r) => F.BinaryCrossEntropyWithLogits(x, t, e["weight"], e["pos_weight"], r),
        ["cross_entropy"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r),
        ["cross_entropy_weight"] = (x, t, e, r) => F.CrossEntropy(x, t, e["weight"], reduction: r),
        ["cross_entropy_ignore"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r),
        ["cross_entropy_smoothing"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r, labelSmoothing: 0.1),
        ["cross_entropy_all_options"] = (x, t, e, r) => F.CrossEntropy(x, t, e["weight"], ignoreIndex: 2, reduction: r, labelSmoothing: 0.2),
        ["cross_entropy_smoothing_ignore"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r, labelSmoothing: 0.3),
        ["cross_entropy_kdim"] = (x, t, e, r) => F.CrossEntropy(x, t, e["weight"], reduction: r, labelSmoothing: 0.1),
        ["cross_entropy_unbatched"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r),
        ["cross_entropy_probs"] = (x, t, e, r) => F.CrossEntropy(x, t, reduction: r),
        ["cross_entropy_probs_all_options"] = (x, t, e, r) => F.CrossEntropy(x, t, e["weight"], reduction: r, labelSmoothing: 0.25),
        ["nll"] = (x, t, e, r) => F.NllLoss(x, t, e["weight"], ignoreIndex: 1, reduction: r),
        ["hinge_embedding"] = (x, t, e, r) => F.HingeEmbeddingLoss(x, t, reduction: r),
        ["hinge_embedding_margin"] = (x, t, e, r) => F.HingeEmbeddingLoss(x, t, margin: 0.5, reduction: r),
        ["multi_margin"] = (x, t, e, r) => F.MultiMarginLoss(x, t, reduction: r),
        ["multi_margin_p2_weight"] = (x, t, e, r) => F.MultiMarginLoss(x, t, p: 2, margin: 0.7, weight: e["weight"], reduction: r),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Order().Select(k => new object[] { k });

    [Fact]
    public void Every_golden_case_has_a_twin()
    {
        var golden = NnGolden.Root.GetProperty("losses").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(golden, Cases.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_matches_pytorch(string name)
    {
        JsonElement c = NnGolden.Root.GetProperty("losses").GetProperty(name);
        var extra = c.GetProperty("extra").EnumerateObject().ToDictionary(p => p.Name, p => NnGolden.Tensor(p.Value));
        foreach ((string reductionName, Reduction reduction) in new[] { ("none", Reduction.None), ("mean", Reduction.Mean), ("sum", Reduction.Sum) })
        {
            JsonElement r = c.GetProperty("reductions").GetProperty(reductionName);
            Tensor x = NnGolden.Tensor(c.GetProperty("input")).RequireGrad();
            Tensor t = NnGolden.Tensor(c.GetProperty("target"));
            bool floatTarget = r.GetProperty("grad_target").ValueKind != JsonValueKind.Null;
            if (floatTarget) t.RequireGrad();
            Tensor y = Cases[name](x, t, extra, reduction);
            string what = $"{name} ({reductionName})";
            TestUtil.AssertClose(what + " output", NnGolden.Tensor(r.GetProperty("output")), y, Tol, Tol);
            (y * NnGolden.Tensor(r.GetProperty("projection"))).Sum().Backward();
            TestUtil.AssertClose(what + " input gradient", NnGolden.Tensor(r.GetProperty("grad_input")), x.Grad!, Tol, Tol);
            if (floatTarget)
                TestUtil.AssertClose(what + " target gradient", NnGolden.Tensor(r.GetProperty("grad_target")), t.Grad!, Tol, Tol);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_gradient_matches_central_differences(string name)
    {
        JsonElement c = NnGolden.Root.GetProperty("losses").GetProperty(name);
        var extra = c.GetProperty("extra").EnumerateObject().ToDictionary(p => p.Name, p => NnGolden.Tensor(p.Value));
        Tensor x = NnGolden.Tensor(c.GetProperty("input"));
        Tensor t = NnGolden.Tensor(c.GetProperty("target"));
        foreach (Reduction reduction in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
        {
            TestUtil.GradCheck($"{name} ({reduction}) wrt input", xi => Cases[name](xi, t, extra, reduction), x);
            if (t.DType == DType.Float64 && !name.StartsWith("hinge", StringComparison.Ordinal))
                TestUtil.GradCheck($"{name} ({reduction}) wrt target", ti => Cases[name](x, ti, extra, reduction), t);
        }
    }
}
