namespace Nabla.Optim;

/// <summary>AdamW: Adam with decoupled weight decay. PyTorch: <c>torch.optim.AdamW</c>.</summary>
/// <remarks>
/// Loshchilov and Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101. The decay shrinks the
/// parameter before the Adam step instead of entering the gradient, so it is not rescaled by the adaptive
/// denominator (PyTorch's <c>_single_tensor_adamw</c>):
/// <code>
/// g ← −g if maximize
/// θ ← θ(1 − γλ)
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²;   v̂ ← max(v̂, v) if amsgrad
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// State as <see cref="Adam"/>. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2 (not 0),
/// amsgrad false, maximize false.
/// </remarks>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">Decoupled decay λ ≥ 0: θ ← θ(1 − γλ) each step.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "AdamW: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>AdamW over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">Decoupled decay λ ≥ 0: θ ← θ(1 − γλ) each step.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "AdamW: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(nameof(AdamW), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        }, g => Check.AdamFamily(nameof(AdamW), g))
    {
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
            Adam.StepGroup(this, g, decoupled: true);
    }
}
