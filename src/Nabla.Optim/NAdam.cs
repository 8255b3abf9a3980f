using System.Numerics;

namespace Nabla.Optim;

/// <summary>NAdam: Adam with Nesterov momentum and a momentum schedule. PyTorch: <c>torch.optim.NAdam</c>.</summary>
/// <remarks>
/// Dozat, "Incorporating Nesterov Momentum into Adam" (ICLR 2016 workshop). With step t (from 1) and momentum decay
/// ψ, one step is (PyTorch's <c>_single_tensor_nadam</c>):
/// <code>
/// g ← g + λθ if λ ≠ 0
/// μₜ ← β₁(1 − ½·0.96^(tψ));   μₜ₊₁ ← β₁(1 − ½·0.96^((t+1)ψ))
/// Πₜ ← Πₜ₋₁·μₜ  (the state "mu_product", Π₀ = 1)
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
/// d ← √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − γ(1 − μₜ)/(1 − Πₜ) · g/d
/// θ ← θ − γμₜ₊₁/(1 − Πₜ·μₜ·μₜ₊₁) · m/d
/// </code>
/// The last denominator is PyTorch 1.13's: Dozat's paper (and PyTorch ≥ 2.0) use 1 − Πₜ·μₜ₊₁; 1.13 multiplies by μₜ
/// once more, and Nabla reproduces 1.13.
/// The constant 0.96 and ψ = 0.004 come from Dozat's paper. PyTorch 1.13's NAdam has no <c>maximize</c>. State:
/// <c>"step"</c>, <c>"mu_product"</c> (0-d float64), <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>. Defaults: lr 2e-3,
/// betas (0.9, 0.999), eps 1e-8, weight_decay 0, momentum_decay 4e-3.
/// </remarks>
public sealed class NAdam : Optimizer
{
    /// <summary>NAdam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="momentumDecay">ψ ≥ 0 of the momentum schedule.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "NAdam: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, momentumDecay)
    {
    }

    /// <summary>NAdam over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="momentumDecay">ψ ≥ 0 of the momentum schedule.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "NAdam: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : base(nameof(NAdam), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["momentum_decay"] = momentumDecay,
        }, Validate)
    {
    }

    private static void Validate(ParamGroup g)
    {
        Check.AdamFamily(nameof(NAdam), g);
        Check.NonNegative(nameof(NAdam), "momentum_decay value", g.GetDouble("momentum_decay"), "momentumDecay");
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, eps = g.GetDouble("eps"), weightDecay = g.GetDouble("weight_decay");
            double momentumDecay = g.GetDouble("momentum_decay");
            (double beta1, double beta2) = g.GetBetas();
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    if (!s.TryGetValue("exp_avg", out Tensor? m))
                    {
                        s["mu_product"] = Tensor.Scalar(1.0, DType.Float64);
                        s["exp_avg"] = m = Tensor.ZerosLike(w);
                        s["exp_avg_sq"] = Tensor.ZerosLike(w);
                    }
                    Tensor v = s["exp_avg_sq"];
                    double step = IncrementStep(s);
                    Span<double> muProduct = s["mu_product"].AsSpan<double>();
                    if (w.DType == DType.Float32)
                        muProduct[0] = Update(w.AsSpan<float>(), grad.AsSpan<float>(), m.AsSpan<float>(), v.AsSpan<float>(),
                                              muProduct[0], step, lr, beta1, beta2, eps, weightDecay, momentumDecay);
                    else
                        muProduct[0] = Update(w.AsSpan<double>(), grad.AsSpan<double>(), m.AsSpan<double>(), v.AsSpan<double>(),
                                              muProduct[0], step, lr, beta1, beta2, eps, weightDecay, momentumDecay);
                });
            }
        }
    }

    /// <summary>One NAdam step on raw storage, outside autograd. PyTorch: <c>torch.optim.nadam._single_tensor_nadam</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="expAvg">m, updated in place.</param>
    /// <param name="expAvgSq">v, updated in place.</param>
    /// <param name="muProduct">Πₜ₋₁, the product of the momentum schedule so far (1 before the first step).</param>
    /// <param name="step">t, including this step (≥ 1).</param>
    /// <param name="lr">γ.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="momentumDecay">ψ.</param>
    /// <returns>Πₜ, to store for the next step.</returns>
    /// <remarks>See <see cref="NAdam"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static double Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq,
                                   double muProduct, double step, double lr, double beta1, double beta2, double eps,
                                   double weightDecay, double momentumDecay)
        where T : IFloatingPointIeee754<T>
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expAvgSq.Length != n)
            throw new ArgumentException("NAdam.Update: param, grad and state spans must have the same length.", nameof(grad));
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        // Dozat's momentum schedule: μₜ rises from β₁/2 towards β₁ as 0.96^(tψ) decays.
        double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));
        double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
        muProduct *= mu;
        // NOTE: PyTorch 1.13 multiplies by μₜ twice here (Πₜ·μₜ·μₜ₊₁, not the paper's Πₜ·μₜ₊₁); later releases fixed
        // it. Nabla keeps 1.13's arithmetic so that trajectories match the reference version bit for bit.
        double muProductNext = muProduct * mu * muNext;
        T gradCoef = T.CreateChecked(-lr * (1.0 - mu) / (1.0 - muProduct));
        T momentumCoef = T.CreateChecked(-lr * muNext / (1.0 - muProductNext));
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2);
        T oneMinusB1 = T.CreateChecked(1 - beta1), oneMinusB2 = T.CreateChecked(1 - beta2);
        T bc2 = T.CreateChecked(biasCorrection2), e = T.CreateChecked(eps), wd = T.CreateChecked(weightDecay);
        for (int i = 0; i < n; i++)
        {
            T g = grad[i];
            if (weightDecay != 0) g += wd * param[i];
            T m = expAvg[i] = expAvg[i] * b1 + oneMinusB1 * g;
            T v = expAvgSq[i] = expAvgSq[i] * b2 + oneMinusB2 * g * g;
            T d = T.Sqrt(v / bc2) + e;
            // Two separate updates, in PyTorch's order: the current gradient's share, then the momentum's.
            param[i] += gradCoef * (g / d);
            param[i] += momentumCoef * (m / d);
        }
        return muProduct;
    }
}
