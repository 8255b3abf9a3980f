using System.Numerics;

namespace Nabla.Optim;

/// <summary>RMSprop: gradients divided by a running root mean square, optionally centered and with momentum.
/// PyTorch: <c>torch.optim.RMSprop</c>.</summary>
/// <remarks>
/// Hinton, Srivastava and Swersky, Lecture 6e of "Neural Networks for Machine Learning" (2012); the centered form is
/// from Graves, "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850. One step is (PyTorch's
/// <c>_single_tensor_rmsprop</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// v ← αv + (1 − α)g²
/// centered: ḡ ← αḡ + (1 − α)g;   d ← √(v − ḡ²) + ε      otherwise d ← √v + ε
/// momentum μ &gt; 0: b ← μb + g/d;  θ ← θ − γb           otherwise θ ← θ − γ·g/d
/// </code>
/// ε is added outside the square root. State: <c>"step"</c>, <c>"square_avg"</c> (v), <c>"momentum_buffer"</c>
/// (μ &gt; 0), <c>"grad_avg"</c> (ḡ, centered). Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0,
/// centered false, maximize false.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <summary>RMSprop over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="alpha">Smoothing constant α ≥ 0 of the running averages.</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="momentum">Momentum factor μ ≥ 0.</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "RmsProp: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public RmsProp(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered, maximize)
    {
    }

    /// <summary>RMSprop over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="alpha">Smoothing constant α ≥ 0 of the running averages.</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient.</param>
    /// <param name="momentum">Momentum factor μ ≥ 0.</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "RmsProp: invalid
    /// learning rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public RmsProp(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(nameof(RmsProp), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum,
            ["centered"] = centered, ["maximize"] = maximize,
        }, Validate)
    {
    }

    private static void Validate(ParamGroup g)
    {
        Check.NonNegative(nameof(RmsProp), "learning rate", g.Lr, "lr");
        Check.NonNegative(nameof(RmsProp), "epsilon value", g.GetDouble("eps"), "eps");
        Check.NonNegative(nameof(RmsProp), "momentum value", g.GetDouble("momentum"), "momentum");
        Check.NonNegative(nameof(RmsProp), "weight_decay value", g.GetDouble("weight_decay"), "weightDecay");
        Check.NonNegative(nameof(RmsProp), "alpha value", g.GetDouble("alpha"), "alpha");
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
        {
            double lr = g.Lr, alpha = g.GetDouble("alpha"), eps = g.GetDouble("eps");
            double weightDecay = g.GetDouble("weight_decay"), momentum = g.GetDouble("momentum");
            bool centered = g.GetBool("centered"), maximize = g.GetBool("maximize");
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                Dictionary<string, Tensor> s = StateOf(p);
                Apply(p, (w, grad) =>
                {
                    if (!s.TryGetValue("square_avg", out Tensor? sq)) s["square_avg"] = sq = Tensor.ZerosLike(w);
                    Tensor? buf = null, avg = null;
                    if (momentum > 0 && !s.TryGetValue("momentum_buffer", out buf)) s["momentum_buffer"] = buf = Tensor.ZerosLike(w);
                    if (centered && !s.TryGetValue("grad_avg", out avg)) s["grad_avg"] = avg = Tensor.ZerosLike(w);
                    IncrementStep(s);
                    if (w.DType == DType.Float32)
                        Update(w.AsSpan<float>(), grad.AsSpan<float>(), sq.AsSpan<float>(),
                               avg is null ? default : avg.AsSpan<float>(), buf is null ? default : buf.AsSpan<float>(),
                               lr, alpha, eps, weightDecay, momentum, centered, maximize);
                    else
                        Update(w.AsSpan<double>(), grad.AsSpan<double>(), sq.AsSpan<double>(),
                               avg is null ? default : avg.AsSpan<double>(), buf is null ? default : buf.AsSpan<double>(),
                               lr, alpha, eps, weightDecay, momentum, centered, maximize);
                });
            }
        }
    }

    /// <summary>One RMSprop step on raw storage, outside autograd. PyTorch: <c>torch.optim.rmsprop._single_tensor_rmsprop</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="squareAvg">v, updated in place.</param>
    /// <param name="gradAvg">ḡ, updated in place when <paramref name="centered"/>; otherwise may be empty.</param>
    /// <param name="momentumBuffer">b, updated in place when μ &gt; 0; otherwise may be empty.</param>
    /// <param name="lr">γ.</param>
    /// <param name="alpha">α.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="centered">Centered variant.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <remarks>See <see cref="RmsProp"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> squareAvg, Span<T> gradAvg,
                                 Span<T> momentumBuffer, double lr, double alpha, double eps, double weightDecay,
                                 double momentum, bool centered, bool maximize)
        where T : IFloatingPointIeee754<T>
    {
        int n = param.Length;
        if (grad.Length != n || squareAvg.Length != n || (centered && gradAvg.Length != n) || (momentum > 0 && momentumBuffer.Length != n))
            throw new ArgumentException("RmsProp.Update: param, grad and state spans must have the same length.", nameof(grad));
        T negLr = T.CreateChecked(-lr), a = T.CreateChecked(alpha), oneMinusA = T.CreateChecked(1 - alpha);
        T e = T.CreateChecked(eps), wd = T.CreateChecked(weightDecay), mu = T.CreateChecked(momentum);
        for (int i = 0; i < n; i++)
        {
            T g = maximize ? -grad[i] : grad[i];
            if (weightDecay != 0) g += wd * param[i];
            T v = squareAvg[i] = squareAvg[i] * a + oneMinusA * g * g;
            T d;
            if (centered)
            {
                T m = gradAvg[i] = gradAvg[i] * a + oneMinusA * g;
                d = T.Sqrt(v - m * m) + e;   // √Var[g] = √(E[g²] − E[g]²)
            }
            else
            {
                d = T.Sqrt(v) + e;
            }
            if (momentum > 0)
            {
                T b = momentumBuffer[i] = momentumBuffer[i] * mu + g / d;
                param[i] += negLr * b;
            }
            else
            {
                param[i] += negLr * (g / d);
            }
        }
    }
}
