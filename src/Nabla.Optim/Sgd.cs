using System.Numerics;

namespace Nabla.Optim;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay and
/// maximisation. PyTorch: <c>torch.optim.SGD</c>.</summary>
/// <remarks>
/// With gradient g, parameter θ, learning rate γ, momentum μ, dampening τ and weight decay λ, one step is
/// (PyTorch's <c>_single_tensor_sgd</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// if μ ≠ 0:  b ← g on the first step, else b ← μb + (1 − τ)g
///            g ← g + μb if nesterov, else g ← b
/// θ ← θ − γg
/// </code>
/// Nesterov momentum follows Sutskever et al., "On the importance of initialization and momentum in deep learning"
/// (ICML 2013). The state of each parameter is <c>"momentum_buffer"</c> (only when μ ≠ 0).
/// The learning rate is required, as in PyTorch 1.13; the other defaults are momentum 0, dampening 0,
/// weight_decay 0, nesterov false, maximize false.
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="momentum">Momentum factor μ ≥ 0.</param>
    /// <param name="dampening">Dampening τ for momentum.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Sgd: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening; no parameters.</exception>
    public Sgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <summary>SGD over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="momentum">Momentum factor μ ≥ 0.</param>
    /// <param name="dampening">Dampening τ for momentum.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Sgd: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening; no parameters.</exception>
    public Sgd(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(nameof(Sgd), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov, ["maximize"] = maximize,
        }, Validate)
    {
    }

    private static void Validate(ParamGroup g)
    {
        Check.NonNegative(nameof(Sgd), "learning rate", g.Lr, "lr");
        Check.NonNegative(nameof(Sgd), "momentum value", g.GetDouble("momentum"), "momentum");
        Check.NonNegative(nameof(Sgd), "weight_decay value", g.GetDouble("weight_decay"), "weightDecay");
        if (g.GetBool("nesterov") && (g.GetDouble("momentum") <= 0 || g.GetDouble("dampening") != 0))
            throw new ArgumentException($"{nameof(Sgd)}: Nesterov momentum requires a momentum and zero dampening (momentum {g.GetDouble("momentum")}, dampening {g.GetDouble("dampening")}).");
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, momentum = g.GetDouble("momentum"), dampening = g.GetDouble("dampening");
            double weightDecay = g.GetDouble("weight_decay");
            bool nesterov = g.GetBool("nesterov"), maximize = g.GetBool("maximize");
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    Tensor? buf = null;
                    bool first = momentum != 0 && !s.TryGetValue("momentum_buffer", out buf);
                    if (first) s["momentum_buffer"] = buf = Tensor.ZerosLike(w);
                    if (w.DType == DType.Float32)
                        Update(w.AsSpan<float>(), grad.AsSpan<float>(), buf is null ? default : buf.AsSpan<float>(), first,
                               lr, momentum, dampening, weightDecay, nesterov, maximize);
                    else
                        Update(w.AsSpan<double>(), grad.AsSpan<double>(), buf is null ? default : buf.AsSpan<double>(), first,
                               lr, momentum, dampening, weightDecay, nesterov, maximize);
                });
            }
        }
    }

    /// <summary>One SGD step on raw storage, outside autograd. PyTorch: <c>torch.optim.sgd._single_tensor_sgd</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">The gradient g (not modified).</param>
    /// <param name="momentumBuffer">b, updated in place; may be empty when <paramref name="momentum"/> is 0.</param>
    /// <param name="firstStep">Initialise b to the (decayed) gradient instead of accumulating.</param>
    /// <param name="lr">γ.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="dampening">τ.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <remarks>See <see cref="Sgd"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> momentumBuffer, bool firstStep, double lr,
                                 double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
        where T : IFloatingPointIeee754<T>
    {
        if (grad.Length != param.Length || (momentum != 0 && momentumBuffer.Length != param.Length))
            throw new ArgumentException("Sgd.Update: param, grad and momentumBuffer must have the same length.", nameof(grad));
        if (momentum == 0 && weightDecay == 0)
        {
            // Plain descent θ ← θ + (∓γ)·g is one fused multiply-add over the whole span.
            Kernels.Elementwise.MultiplyAdd(grad, T.CreateChecked(maximize ? lr : -lr), param, param);
            return;
        }
        T negLr = T.CreateChecked(-lr), mu = T.CreateChecked(momentum), keep = T.CreateChecked(1 - dampening);
        T wd = T.CreateChecked(weightDecay);
        for (int i = 0; i < param.Length; i++)
        {
            T d = maximize ? -grad[i] : grad[i];
            if (weightDecay != 0) d += wd * param[i];
            if (momentum != 0)
            {
                T b = firstStep ? d : momentumBuffer[i] * mu + keep * d;
                momentumBuffer[i] = b;
                d = nesterov ? d + mu * b : b;
            }
            param[i] += negLr * d;
        }
    }
}
