using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>Scheduler behaviour beyond the golden sequences: state dictionaries, resuming, chaining, closed forms.</summary>
public sealed class SchedulerTests
{
    private static Sgd NewSgd(double lr = 0.1) => new([new Parameter(Tensor.Zeros(2))], lr: lr, momentum: 0.9);

    [Fact]
    public void StateDict_round_trip_continues_the_same_schedule()
    {
        Sgd a = NewSgd();
        var s = new CosineAnnealingLr(a, tMax: 10, etaMin: 0.001);
        var expected = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            s.Step();
            expected.Add(s.GetLastLr()[0]);
        }

        Sgd b = NewSgd();
        var first = new CosineAnnealingLr(b, tMax: 10, etaMin: 0.001);
        for (int i = 0; i < 7; i++) first.Step();
        Dictionary<string, object> saved = first.StateDict();
        OptimizerStateDict savedOpt = b.StateDict();
        Assert.Equal(7, saved["last_epoch"]);

        Sgd c = NewSgd();
        var second = new CosineAnnealingLr(c, tMax: 10, etaMin: 0.001);
        c.LoadStateDict(savedOpt);
        second.LoadStateDict(saved);
        Assert.Equal(expected[6], second.GetLastLr()[0]);
        for (int i = 7; i < 20; i++)
        {
            second.Step();
            Assert.Equal(expected[i], second.GetLastLr()[0]);
        }
    }

    [Fact]
    public void ReduceLrOnPlateau_state_round_trips()
    {
        Sgd a = NewSgd();
        var s = new ReduceLrOnPlateau(a, patience: 1);
        s.Step(1.0);
        s.Step(2.0);
        Dictionary<string, object> saved = s.StateDict();
        var t = new ReduceLrOnPlateau(NewSgd(), patience: 1);
        t.LoadStateDict(saved);
        Assert.Equal(1.0, t.Best);
        Assert.Equal(1, t.NumBadEpochs);
        t.Step(2.0);                       // second bad epoch > patience 1: reduce
        Assert.Equal(0.01, t.Optimizer.ParamGroups[0].Lr, 1e-17);
    }

    [Fact]
    public void Step_lr_matches_its_closed_form()
    {
        Sgd a = NewSgd(0.2);
        var s = new StepLr(a, stepSize: 4, gamma: 0.5);
        for (int e = 1; e <= 20; e++)
        {
            s.Step();
            Assert.Equal(0.2 * Math.Pow(0.5, e / 4), a.ParamGroups[0].Lr, 1e-15);
        }
    }

    [Fact]
    public void Schedulers_chain_on_one_optimizer()
    {
        // Warm-up and exponential decay together: lr_e = 0.1·γᵉ·factor_e, factor from 1/3 to 1 over 5 epochs.
        Sgd a = NewSgd();
        var warm = new LinearLr(a);
        var decay = new ExponentialLr(a, gamma: 0.9);
        for (int e = 1; e <= 10; e++)
        {
            warm.Step();
            decay.Step();
            double factor = 1.0 / 3 + (1 - 1.0 / 3) * Math.Min(e, 5) / 5;
            Assert.Equal(0.1 * Math.Pow(0.9, e) * factor, a.ParamGroups[0].Lr, 1e-15);
        }
    }

    [Fact]
    public void Scheduler_records_initial_lr_and_resumes_from_it()
    {
        Sgd a = NewSgd(0.4);
        var s = new ExponentialLr(a, gamma: 0.5);
        Assert.Equal(0.4, a.ParamGroups[0].GetDouble("initial_lr"));
        Assert.Equal([0.4], s.BaseLrs);
        s.Step();
        var resumed = new ExponentialLr(a, gamma: 0.5, lastEpoch: 1);
        Assert.Equal(2, resumed.LastEpoch);
        Assert.Equal(0.1, a.ParamGroups[0].Lr, 1e-16);
    }
}
