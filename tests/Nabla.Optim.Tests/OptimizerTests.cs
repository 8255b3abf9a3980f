using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>The Optimizer base: state dictionaries, parameter groups, ZeroGrad, closures, validation.</summary>
public sealed class OptimizerTests
{
    public static IEnumerable<object[]> Names => OptimizerCases.Names;

    /// <summary>Runs <paramref name="steps"/> training steps and returns W and b flattened after each.</summary>
    private static List<double[]> Run(Optimizer opt, Parameter w, Parameter b, int steps)
    {
        var values = new List<double[]>();
        for (int i = 0; i < steps; i++)
        {
            Golden.TrainStep(opt, w, b);
            values.Add([.. w.ToArray<double>(), .. b.ToArray<double>()]);
        }
        return values;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StateDict_round_trip_continues_the_identical_trajectory(string name)
    {
        const int Before = 5, After = 10;
        (Parameter w, Parameter b) = Golden.InitialParameters();
        Optimizer reference = OptimizerCases.All[name](w, b);
        List<double[]> expected = Run(reference, w, b, Before + After);

        (Parameter w1, Parameter b1) = Golden.InitialParameters();
        Optimizer first = OptimizerCases.All[name](w1, b1);
        Run(first, w1, b1, Before);
        OptimizerStateDict saved = first.StateDict();

        // A fresh optimizer built with other hyper-parameters: the loaded param_groups must overwrite them.
        var w2 = new Parameter(w1.Detach().Clone());
        var b2 = new Parameter(b1.Detach().Clone());
        Optimizer second = OptimizerCases.All[name](w2, b2);
        foreach (ParamGroup g in second.ParamGroups) g.Lr = 123.0;
        second.LoadStateDict(saved);
        List<double[]> actual = Run(second, w2, b2, After);

        for (int i = 0; i < After; i++)
            Assert.Equal(expected[Before + i], actual[i]);
    }

    [Fact]
    public void StateDict_uses_pytorch_keys_and_parameter_indices()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var adam = new Adam([new ParamGroup([w]), new ParamGroup([b]) { ["lr"] = 0.1 }], amsgrad: true);
        Golden.TrainStep(adam, w, b);
        Golden.TrainStep(adam, w, b);
        OptimizerStateDict sd = adam.StateDict();

        Assert.Equal([0, 1], sd.State.Keys);
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"], sd.State[0].Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2.0, sd.State[1]["step"].Item<double>());
        Assert.Equal([3, 2], sd.State[0]["exp_avg"].Shape);
        Assert.Equal([0], (int[])sd.ParamGroups[0]["params"]);
        Assert.Equal([1], (int[])sd.ParamGroups[1]["params"]);
        Assert.Equal(1e-3, sd.ParamGroups[0]["lr"]);
        Assert.Equal(0.1, sd.ParamGroups[1]["lr"]);
        Assert.Equal((0.9, 0.999), sd.ParamGroups[1]["betas"]);
        Assert.Equal(["amsgrad", "betas", "eps", "lr", "maximize", "params", "weight_decay"], sd.ParamGroups[0].Keys.Order(StringComparer.Ordinal));

        // The saved tensors are copies: further steps do not change them.
        double before = sd.State[0]["exp_avg"].ToArray<double>()[0];
        Golden.TrainStep(adam, w, b);
        Assert.Equal(before, sd.State[0]["exp_avg"].ToArray<double>()[0]);
    }

    [Fact]
    public void Sgd_state_holds_the_momentum_buffer()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var sgd = new Sgd([w, b], lr: 0.1, momentum: 0.9);
        Golden.TrainStep(sgd, w, b);
        Assert.Equal(["momentum_buffer"], sgd.StateDict().State[0].Keys);
        var plain = new Sgd([w, b], lr: 0.1);
        Golden.TrainStep(plain, w, b);
        Assert.Empty(plain.StateDict().State[0]);
    }

    [Fact]
    public void LoadStateDict_rejects_mismatched_groups()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var two = new Adam([new ParamGroup([w]), new ParamGroup([b])]);
        var one = new Adam([w, b]);
        Assert.Contains("parameter groups", Assert.Throws<ArgumentException>(() => one.LoadStateDict(two.StateDict())).Message);
        var other = new Adam([new ParamGroup([w, b]), new ParamGroup([new Parameter(Tensor.Zeros(1))])]);
        Assert.Contains("doesn't match the size", Assert.Throws<ArgumentException>(() => two.LoadStateDict(other.StateDict())).Message);
    }

    [Fact]
    public void Parameter_groups_take_missing_options_from_the_defaults()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var sgd = new Sgd([new ParamGroup([w]) { ["lr"] = 0.5 }], lr: 0.1, momentum: 0.9);
        Assert.Equal(0.5, sgd.ParamGroups[0].Lr);
        Assert.Equal(0.9, sgd.ParamGroups[0].GetDouble("momentum"));
        sgd.AddParamGroup(new ParamGroup([b]) { ["momentum"] = 0.0 });
        Assert.Equal(0.1, sgd.ParamGroups[1].Lr);
        Assert.Equal(0.0, sgd.ParamGroups[1].GetDouble("momentum"));

        // One step with gradient g: W moves by −0.5·g, b by −0.1·g.
        Tensor loss = Golden.Loss(w, b);
        double[] w0 = w.ToArray<double>(), b0 = b.ToArray<double>();
        loss.Backward();
        double[] gw = w.Grad!.ToArray<double>(), gb = b.Grad!.ToArray<double>();
        sgd.Step();
        Golden.AssertClose("W", [.. w0.Select((x, i) => x - 0.5 * gw[i])], w.ToArray<double>(), 1e-15);
        Golden.AssertClose("b", [.. b0.Select((x, i) => x - 0.1 * gb[i])], b.ToArray<double>(), 1e-15);
    }

    [Fact]
    public void A_parameter_may_not_appear_in_two_groups()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var sgd = new Sgd([w], lr: 0.1);
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([b, w]))).Message);
        Assert.Single(sgd.ParamGroups);
        Assert.Throws<ArgumentException>(() => new Sgd([w, w], lr: 0.1));
    }

    [Fact]
    public void Empty_parameter_lists_are_rejected()
    {
        Assert.Contains("Adam: optimizer got an empty parameter list", Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<Parameter>())).Message);
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_none_or_zero()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var sgd = new Sgd([w, b], lr: 0.1);
        Golden.Loss(w, b).Backward();
        Tensor grad = w.Grad!;
        sgd.ZeroGrad(setToNone: false);
        Assert.Same(grad, w.Grad);
        Assert.All(w.Grad!.ToArray<double>(), v => Assert.Equal(0.0, v));
        sgd.ZeroGrad();
        Assert.Null(w.Grad);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void Parameters_without_gradients_are_skipped()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var adam = new Adam([w, b], lr: 0.1);
        double[] b0 = b.ToArray<double>();
        w.Grad = Tensor.OnesLike(w);
        adam.Step();
        Assert.Equal(b0, b.ToArray<double>());
        Assert.Equal([0], adam.StateDict().State.Keys);
    }

    [Fact]
    public void Step_with_closure_returns_the_loss_and_steps()
    {
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var sgd = new Sgd([w, b], lr: 0.01);
        double before = Golden.Loss(w, b).Item<double>();
        Tensor loss = sgd.Step(() =>
        {
            sgd.ZeroGrad();
            Tensor l = Golden.Loss(w, b);
            l.Backward();
            return l;
        });
        Assert.Equal(before, loss.Item<double>());
        Assert.True(Golden.Loss(w, b).Item<double>() < before);
    }

    [Fact]
    public void Strided_parameters_are_updated_like_contiguous_ones()
    {
        // W stored transposed: a (3, 2) view of a (2, 3) buffer.
        (Parameter w, Parameter b) = Golden.InitialParameters();
        var strided = new Parameter(w.Detach().T.Contiguous().T);
        Assert.False(strided.IsContiguous);
        var b2 = new Parameter(b.Detach().Clone());
        var reference = new Adam([w, b], lr: 0.05);
        var viaView = new Adam([strided, b2], lr: 0.05);
        for (int i = 0; i < 3; i++)
        {
            Golden.TrainStep(reference, w, b);
            Golden.TrainStep(viaView, strided, b2);
        }
        Assert.Equal(w.ToArray<double>(), strided.ToArray<double>());
    }

    [Fact]
    public void The_static_update_matches_the_optimizer()
    {
        // Adam.Update on raw spans: one step from θ = 1, g = 0.5 gives θ − lr·m̂/(√v̂ + ε) = 1 − 0.1·0.5/(0.5 + 1e-8).
        double[] theta = [1.0], m = [0.0], v = [0.0];
        Adam.Update<double>(theta, [0.5], m, v, default, step: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                            weightDecay: 0, amsgrad: false, maximize: false, decoupled: false);
        Assert.Equal(1 - 0.1 * 0.5 / (0.5 + 1e-8), theta[0], 1e-15);
        Assert.Throws<ArgumentException>(() => Adam.Update<double>(theta, [0.5, 1], m, v, default, 1, 0.1, 0.9, 0.999, 1e-8, 0, false, false, false));
    }
}
