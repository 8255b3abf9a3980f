using System.Numerics;

namespace Nabla.Optim;

/// <summary>Adamax: Adam with the infinity norm in place of the second moment. PyTorch: <c>torch.optim.Adamax</c>.</summary>
/// <remarks>
/// Kingma and Ba, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980, section 7.1. With step t (from 1),
/// one step is (PyTorch's <c>_single_tensor_adamax</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// m ← β₁m + (1 − β₁)g
/// u ← max(β₂u, |g| + ε)
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / u
/// </code>
/// ε sits inside the max, so u never reaches zero. State: <c>"step"</c>, <c>"exp_avg"</c> (m), <c>"exp_inf"</c> (u).
/// Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, maximize false.
/// </remarks>
public sealed class Adamax : Optimizer
{
    /// <summary>Adamax over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to |g| inside the max.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adamax: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, maximize)
    {
    }

    /// <summary>Adamax over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to |g| inside the max.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adamax: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : base(nameof(Adamax), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["maximize"] = maximize,
        }, g => Check.AdamFamily(nameof(Adamax), g))
    {
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, eps = g.GetDouble("eps"), weightDecay = g.GetDouble("weight_decay");
            (double beta1, double beta2) = g.GetBetas();
            bool maximize = g.GetBool("maximize");
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    if (!s.TryGetValue("exp_avg", out Tensor? m))
                    {
                        s["exp_avg"] = m = Tensor.ZerosLike(w);
                        s["exp_inf"] = Tensor.ZerosLike(w);
                    }
                    Tensor u = s["exp_inf"];
                    double step = IncrementStep(s);
                    if (w.DType == DType.Float32)
                        Update(w.AsSpan<float>(), grad.AsSpan<float>(), m.AsSpan<float>(), u.AsSpan<float>(), step, lr, beta1, beta2, eps, weightDecay, maximize);
                    else
                        Update(w.AsSpan<double>(), grad.AsSpan<double>(), m.AsSpan<double>(), u.AsSpan<double>(), step, lr, beta1, beta2, eps, weightDecay, maximize);
                });
            }
        }
    }

    /// <summary>One Adamax step on raw storage, outside autograd. PyTorch: <c>torch.optim.adamax._single_tensor_adamax</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="expAvg">m, updated in place.</param>
    /// <param name="expInf">u, updated in place.</param>
    /// <param name="step">t, including this step (≥ 1).</param>
    /// <param name="lr">γ.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <remarks>See <see cref="Adamax"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expInf, double step,
                                 double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize)
        where T : IFloatingPointIeee754<T>
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expInf.Length != n)
            throw new ArgumentException("Adamax.Update: param, grad and state spans must have the same length.", nameof(grad));
        T negClr = T.CreateChecked(-(lr / (1 - Math.Pow(beta1, step))));
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2), oneMinusB1 = T.CreateChecked(1 - beta1);
        T e = T.CreateChecked(eps), wd = T.CreateChecked(weightDecay);
        for (int i = 0; i < n; i++)
        {
            T g = maximize ? -grad[i] : grad[i];
            if (weightDecay != 0) g += wd * param[i];
            T m = expAvg[i] = expAvg[i] * b1 + oneMinusB1 * g;
            T u = expInf[i] = T.Max(expInf[i] * b2, T.Abs(g) + e);
            param[i] += negClr * (m / u);
        }
    }
}
