using System.Numerics;

namespace Nabla.Optim;

/// <summary>Adadelta: step sizes from the ratio of running RMS of updates to running RMS of gradients. PyTorch:
/// <c>torch.optim.Adadelta</c>.</summary>
/// <remarks>
/// Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701. One step is (PyTorch's
/// <c>_single_tensor_adadelta</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// v ← ρv + (1 − ρ)g²
/// Δ ← √(u + ε) / √(v + ε) · g
/// u ← ρu + (1 − ρ)Δ²
/// θ ← θ − γΔ
/// </code>
/// State: <c>"step"</c>, <c>"square_avg"</c> (v), <c>"acc_delta"</c> (u). Defaults: lr 1.0, rho 0.9, eps 1e-6,
/// weight_decay 0, maximize false.
/// </remarks>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Coefficient γ ≥ 0 that scales Δ.</param>
    /// <param name="rho">Decay ρ ∈ [0, 1] of the running averages.</param>
    /// <param name="eps">ε ≥ 0, added inside both square roots.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adadelta: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
                    double weightDecay = 0, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, rho, eps, weightDecay, maximize)
    {
    }

    /// <summary>Adadelta over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Coefficient γ ≥ 0 that scales Δ.</param>
    /// <param name="rho">Decay ρ ∈ [0, 1] of the running averages.</param>
    /// <param name="eps">ε ≥ 0, added inside both square roots.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adadelta: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
                    double weightDecay = 0, bool maximize = false)
        : base(nameof(Adadelta), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        }, Validate)
    {
    }

    private static void Validate(ParamGroup g)
    {
        Check.NonNegative(nameof(Adadelta), "learning rate", g.Lr, "lr");
        Check.InRange(nameof(Adadelta), "rho value", g.GetDouble("rho"), 0, 1, highInclusive: true, "rho");
        Check.NonNegative(nameof(Adadelta), "epsilon value", g.GetDouble("eps"), "eps");
        Check.NonNegative(nameof(Adadelta), "weight_decay value", g.GetDouble("weight_decay"), "weightDecay");
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, rho = g.GetDouble("rho"), eps = g.GetDouble("eps"), weightDecay = g.GetDouble("weight_decay");
            bool maximize = g.GetBool("maximize");
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    if (!s.TryGetValue("square_avg", out Tensor? v))
                    {
                        s["square_avg"] = v = Tensor.ZerosLike(w);
                        s["acc_delta"] = Tensor.ZerosLike(w);
                    }
                    Tensor u = s["acc_delta"];
                    IncrementStep(s);
                    if (w.DType == DType.Float32)
                        Update(w.AsSpan<float>(), grad.AsSpan<float>(), v.AsSpan<float>(), u.AsSpan<float>(), lr, rho, eps, weightDecay, maximize);
                    else
                        Update(w.AsSpan<double>(), grad.AsSpan<double>(), v.AsSpan<double>(), u.AsSpan<double>(), lr, rho, eps, weightDecay, maximize);
                });
            }
        }
    }

    /// <summary>One Adadelta step on raw storage, outside autograd. PyTorch: <c>torch.optim.adadelta._single_tensor_adadelta</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="squareAvg">v, updated in place.</param>
    /// <param name="accDelta">u, updated in place.</param>
    /// <param name="lr">γ.</param>
    /// <param name="rho">ρ.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <remarks>See <see cref="Adadelta"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> squareAvg, Span<T> accDelta, double lr,
                                 double rho, double eps, double weightDecay, bool maximize)
        where T : IFloatingPointIeee754<T>
    {
        int n = param.Length;
        if (grad.Length != n || squareAvg.Length != n || accDelta.Length != n)
            throw new ArgumentException("Adadelta.Update: param, grad and state spans must have the same length.", nameof(grad));
        T negLr = T.CreateChecked(-lr), r = T.CreateChecked(rho), oneMinusR = T.CreateChecked(1 - rho);
        T e = T.CreateChecked(eps), wd = T.CreateChecked(weightDecay);
        for (int i = 0; i < n; i++)
        {
            T g = maximize ? -grad[i] : grad[i];
            if (weightDecay != 0) g += wd * param[i];
            T v = squareAvg[i] = squareAvg[i] * r + oneMinusR * g * g;
            T delta = T.Sqrt(accDelta[i] + e) / T.Sqrt(v + e) * g;
            accDelta[i] = accDelta[i] * r + oneMinusR * delta * delta;
            param[i] += negLr * delta;
        }
    }
}
