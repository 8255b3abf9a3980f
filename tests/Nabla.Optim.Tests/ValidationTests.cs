using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Invalid hyper-parameters fail at construction (or when a group is added) with a message naming the
/// optimizer and the value, following PyTorch's rules.</summary>
public sealed class ValidationTests
{
    private static Parameter[] P() => [new Parameter(Tensor.Zeros(2))];

    public static IEnumerable<object[]> NegativeLr =>
    [
        ["Sgd", (Func<object>)(() => new Sgd(P(), lr: -1))],
        ["Adagrad", (Func<object>)(() => new Adagrad(P(), lr: -1))],
        ["RmsProp", (Func<object>)(() => new RmsProp(P(), lr: -1))],
        ["Adadelta", (Func<object>)(() => new Adadelta(P(), lr: -1))],
        ["Adam", (Func<object>)(() => new Adam(P(), lr: -1))],
        ["AdamW", (Func<object>)(() => new AdamW(P(), lr: -1))],
        ["Adamax", (Func<object>)(() => new Adamax(P(), lr: -1))],
        ["NAdam", (Func<object>)(() => new NAdam(P(), lr: -1))],
    ];

    [Theory]
    [MemberData(nameof(NegativeLr))]
    public void Negative_learning_rates_are_rejected(string name, Func<object> create)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.StartsWith($"{name}: invalid learning rate -1", e.Message);
        Assert.Equal("lr", e.ParamName);
    }

    [Fact]
    public void Each_hyper_parameter_is_checked()
    {
        Assert.Contains("Adam: invalid beta parameter at index 0 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(P(), betas: (1.0, 0.999))).Message);
        Assert.Contains("AdamW: invalid beta parameter at index 1 -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(P(), betas: (0.9, -0.5))).Message);
        Assert.Contains("Adam: invalid epsilon value -1E-08", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(P(), eps: -1e-8)).Message);
        Assert.Contains("Adamax: invalid weight_decay value -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(P(), weightDecay: -0.1)).Message);
        Assert.Contains("NAdam: invalid momentum_decay value -1", Assert.Throws<ArgumentOutOfRangeException>(() => new NAdam(P(), momentumDecay: -1)).Message);
        Assert.Contains("Sgd: invalid momentum value -0.9", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), lr: 0.1, momentum: -0.9)).Message);
        Assert.Contains("Sgd: Nesterov momentum requires a momentum and zero dampening", Assert.Throws<ArgumentException>(() => new Sgd(P(), lr: 0.1, nesterov: true)).Message);
        Assert.Throws<ArgumentException>(() => new Sgd(P(), lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.Contains("Adagrad: invalid lr_decay value -1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(P(), lrDecay: -1)).Message);
        Assert.Contains("Adagrad: invalid initial_accumulator_value value -1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(P(), initialAccumulatorValue: -1)).Message);
        Assert.Contains("RmsProp: invalid alpha value -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(P(), alpha: -0.5)).Message);
        Assert.Contains("RmsProp: invalid momentum value -1", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(P(), momentum: -1)).Message);
        Assert.Contains("Adadelta: invalid rho value 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta(P(), rho: 1.5)).Message);
        Assert.Contains("Sgd: invalid learning rate NaN", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), lr: double.NaN)).Message);
    }

    [Fact]
    public void Added_groups_are_validated_too()
    {
        var adam = new Adam(P());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => adam.AddParamGroup(new ParamGroup(P()) { ["lr"] = -2.0 }));
        Assert.StartsWith("Adam: invalid learning rate -2", e.Message);
        Assert.Single(adam.ParamGroups);
    }

    [Fact]
    public void Scheduler_arguments_are_checked()
    {
        var sgd = new Sgd(P(), lr: 0.1, momentum: 0.9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(sgd, stepSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(sgd, tMax: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLr(sgd, startFactor: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLrOnPlateau(sgd, factor: 1.0));
        Assert.Contains("total_steps", Assert.Throws<ArgumentException>(() => new OneCycleLr(sgd, maxLr: 1)).Message);
        Assert.Contains("pct_start", Assert.Throws<ArgumentException>(() => new OneCycleLr(sgd, maxLr: 1, totalSteps: 10, pctStart: 1.5)).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => new OneCycleLr(new Adagrad(P()), maxLr: 1, totalSteps: 10)).Message);
        Assert.Contains("expected 1 values for max_lr", Assert.Throws<ArgumentException>(() => new OneCycleLr(sgd, [1.0, 2.0], totalSteps: 10)).Message);
        Assert.Contains("initial_lr", Assert.Throws<ArgumentException>(() => new ExponentialLr(new Sgd(P(), lr: 0.1), gamma: 0.9, lastEpoch: 3)).Message);
    }

    [Fact]
    public void OneCycleLr_refuses_to_step_past_the_end()
    {
        var sgd = new Sgd(P(), lr: 0.1, momentum: 0.9);
        var s = new OneCycleLr(sgd, maxLr: 1, totalSteps: 4);
        for (int i = 0; i < 4; i++) s.Step();
        Assert.Contains("tried to step 6 times", Assert.Throws<InvalidOperationException>(s.Step).Message);
    }
}
