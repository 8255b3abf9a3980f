using System.Numerics;

namespace Nabla.Optim;

/// <summary>Adagrad: per-coordinate learning rates from the accumulated squared gradients. PyTorch:
/// <c>torch.optim.Adagrad</c>.</summary>
/// <remarks>
/// Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 12
/// (2011). With step t (from 1), one step is (PyTorch's <c>_single_tensor_adagrad</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// γₜ ← γ / (1 + (t − 1)·lr_decay)
/// s ← s + g²            (s starts at initial_accumulator_value)
/// θ ← θ − γₜ · g / (√s + ε)
/// </code>
/// State: <c>"step"</c>, <c>"sum"</c> (s). Defaults: lr 1e-2, lr_decay 0, weight_decay 0,
/// initial_accumulator_value 0, eps 1e-10, maximize false.
/// </remarks>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="lrDecay">Learning-rate decay ≥ 0 (per step, hyperbolic).</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value ≥ 0 of the sum of squares.</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adagrad: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    {
    }

    /// <summary>Adagrad over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="lrDecay">Learning-rate decay ≥ 0 (per step, hyperbolic).</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value ≥ 0 of the sum of squares.</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adagrad: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(nameof(Adagrad), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps, ["maximize"] = maximize,
        }, Validate)
    {
    }

    private static void Validate(ParamGroup g)
    {
        Check.NonNegative(nameof(Adagrad), "learning rate", g.Lr, "lr");
        Check.NonNegative(nameof(Adagrad), "lr_decay value", g.GetDouble("lr_decay"), "lrDecay");
        Check.NonNegative(nameof(Adagrad), "weight_decay value", g.GetDouble("weight_decay"), "weightDecay");
        Check.NonNegative(nameof(Adagrad), "initial_accumulator_value value", g.GetDouble("initial_accumulator_value"), "initialAccumulatorValue");
        Check.NonNegative(nameof(Adagrad), "epsilon value", g.GetDouble("eps"), "eps");
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, lrDecay = g.GetDouble("lr_decay"), weightDecay = g.GetDouble("weight_decay");
            double init = g.GetDouble("initial_accumulator_value"), eps = g.GetDouble("eps");
            bool maximize = g.GetBool("maximize");
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    if (!s.TryGetValue("sum", out Tensor? sum)) s["sum"] = sum = Tensor.FullLike(w, init);
                    double step = IncrementStep(s);
                    if (w.DType == DType.Float32)
                        Update(w.AsSpan<float>(), grad.AsSpan<float>(), sum.AsSpan<float>(), step, lr, lrDecay, weightDecay, eps, maximize);
                    else
                        Update(w.AsSpan<double>(), grad.AsSpan<double>(), sum.AsSpan<double>(), step, lr, lrDecay, weightDecay, eps, maximize);
                });
            }
        }
    }

    /// <summary>One Adagrad step on raw storage, outside autograd. PyTorch: <c>torch.optim.adagrad._single_tensor_adagrad</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="stateSum">s, updated in place.</param>
    /// <param name="step">t, including this step (≥ 1).</param>
    /// <param name="lr">γ.</param>
    /// <param name="lrDecay">Learning-rate decay.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="eps">ε.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <remarks>See <see cref="Adagrad"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> stateSum, double step, double lr,
                                 double lrDecay, double weightDecay, double eps, bool maximize)
        where T : IFloatingPointIeee754<T>
    {
        if (grad.Length != param.Length || stateSum.Length != param.Length)
            throw new ArgumentException("Adagrad.Update: param, grad and stateSum must have the same length.", nameof(grad));
        T negClr = T.CreateChecked(-(lr / (1 + (step - 1) * lrDecay)));
        T wd = T.CreateChecked(weightDecay), e = T.CreateChecked(eps);
        for (int i = 0; i < param.Length; i++)
        {
            T g = maximize ? -grad[i] : grad[i];
            if (weightDecay != 0) g += wd * param[i];
            T s = stateSum[i] += g * g;
            param[i] += negClr * (g / (T.Sqrt(s) + e));
        }
    }
}
