using System.Text.Json;
using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Every scheduler setting reproduces PyTorch 1.13's learning rates (<c>get_last_lr()</c> after
/// construction and after each of 30 steps) and, for OneCycleLR, the cycled momentum or β₁ of group 0.</summary>
public sealed class SchedulerGoldenTests
{
    private static readonly double[] PlateauMetrics =
        [1.0, 0.9, 0.8, 0.8, 0.8, 0.79999, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6,
         0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];

    private static readonly double[] PlateauMaxMetrics =
        [0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4,
         0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4];

    /// <summary>tools/golden/optim.py's sgd_two_groups: SGD(momentum 0.9), group 0 lr 0.1, group 1 lr 0.05.</summary>
    private static Sgd SgdTwoGroups() =>
        new([new ParamGroup([new Parameter(Tensor.Zeros([2], DType.Float64))]),
             new ParamGroup([new Parameter(Tensor.Zeros([1], DType.Float64))]) { ["lr"] = 0.05 }], lr: 0.1, momentum: 0.9);

    /// <summary>The SCHEDULERS table of tools/golden/optim.py: (optimizer, a step function, the lrs after the step).</summary>
    private static readonly Dictionary<string, Func<(Optimizer Opt, Action<int> Step, Func<double[]> LastLr)>> Cases = new()
    {
        ["StepLr"] = () => Epoch(SgdTwoGroups(), o => new StepLr(o, stepSize: 7)),
        ["StepLr/gamma"] = () => Epoch(SgdTwoGroups(), o => new StepLr(o, stepSize: 3, gamma: 0.5)),
        ["MultiStepLr"] = () => Epoch(SgdTwoGroups(), o => new MultiStepLr(o, [4, 10, 10, 22], gamma: 0.3)),
        ["ExponentialLr"] = () => Epoch(SgdTwoGroups(), o => new ExponentialLr(o, gamma: 0.9)),
        ["CosineAnnealingLr"] = () => Epoch(SgdTwoGroups(), o => new CosineAnnealingLr(o, tMax: 10)),
        ["CosineAnnealingLr/eta-min"] = () => Epoch(SgdTwoGroups(), o => new CosineAnnealingLr(o, tMax: 7, etaMin: 0.01)),
        ["LinearLr"] = () => Epoch(SgdTwoGroups(), o => new LinearLr(o)),
        ["LinearLr/settings"] = () => Epoch(SgdTwoGroups(), o => new LinearLr(o, startFactor: 0.1, endFactor: 0.5, totalIters: 12)),
        ["OneCycleLr"] = () => Epoch(SgdTwoGroups(), o => new OneCycleLr(o, maxLr: 1.0, totalSteps: 30)),
        ["OneCycleLr/linear"] = () => Epoch(SgdTwoGroups(), o => new OneCycleLr(o, [0.5, 0.2], totalSteps: 31, pctStart: 0.25,
                                                                     annealStrategy: AnnealStrategy.Linear, divFactor: 10.0, finalDivFactor: 100.0)),
        ["OneCycleLr/adam"] = () => Epoch(new Adam([new Parameter(Tensor.Zeros([2], DType.Float64))], lr: 0.1),
                                          o => new OneCycleLr(o, maxLr: 0.3, epochs: 6, stepsPerEpoch: 5)),
        ["OneCycleLr/three-phase"] = () => Epoch(SgdTwoGroups(), o => new OneCycleLr(o, maxLr: 1.0, totalSteps: 30, threePhase: true)),
        ["ReduceLrOnPlateau"] = () => Plateau(SgdTwoGroups(), o => new ReduceLrOnPlateau(o, patience: 2), PlateauMetrics),
        ["ReduceLrOnPlateau/cooldown"] = () => Plateau(SgdTwoGroups(), o => new ReduceLrOnPlateau(o, [0.01, 0.02], factor: 0.5,
                                                        patience: 1, cooldown: 2, threshold: 0.01, thresholdMode: ThresholdMode.Abs), PlateauMetrics),
        ["ReduceLrOnPlateau/max"] = () => Plateau(SgdTwoGroups(), o => new ReduceLrOnPlateau(o, mode: MetricMode.Max, factor: 0.5, patience: 3),
                                                  PlateauMaxMetrics),
    };

    private static (Optimizer, Action<int>, Func<double[]>) Epoch(Optimizer opt, Func<Optimizer, LrScheduler> make)
    {
        LrScheduler s = make(opt);
        return (opt, _ => s.Step(), s.GetLastLr);
    }

    private static (Optimizer, Action<int>, Func<double[]>) Plateau(Optimizer opt, Func<Optimizer, ReduceLrOnPlateau> make, double[] metrics)
    {
        ReduceLrOnPlateau s = make(opt);
        return (opt, i => s.Step(metrics[i]), s.GetLastLr);
    }

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Fact]
    public void The_csharp_table_and_the_golden_file_list_the_same_settings()
    {
        string[] golden = [.. Golden.Root.GetProperty("schedulers").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        string[] table = [.. Cases.Keys.Order(StringComparer.Ordinal)];
        Assert.Equal(golden, table);
    }

    private static double Momentum(Optimizer opt)
    {
        ParamGroup g = opt.ParamGroups[0];
        return g.Contains("betas") ? g.GetBetas().Beta1 : g.GetDouble("momentum");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Learning_rates_and_momenta_match_pytorch(string name)
    {
        JsonElement golden = Golden.Root.GetProperty("schedulers").GetProperty(name);
        JsonElement[] lrs = [.. golden.GetProperty("lrs").EnumerateArray()];
        double[] momenta = Golden.Flat(golden.GetProperty("momenta"));
        (Optimizer opt, Action<int> step, Func<double[]> lastLr) = Cases[name]();
        for (int i = 0; i < lrs.Length; i++)
        {
            if (i > 0)
            {
                opt.Step();
                step(i - 1);
            }
            Golden.AssertClose($"{name} lr after {i} steps", Golden.Flat(lrs[i]), lastLr(), rtol: 1e-13, atol: 1e-16);
            Golden.AssertClose($"{name} group lrs after {i} steps", Golden.Flat(lrs[i]), [.. opt.ParamGroups.Select(g => g.Lr)], rtol: 1e-13, atol: 1e-16);
            Golden.AssertClose($"{name} momentum after {i} steps", [momenta[i]], [Momentum(opt)], rtol: 1e-13);
        }
    }
}
