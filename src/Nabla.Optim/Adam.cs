using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics;

namespace Nabla.Optim;

/// <summary>Adam: adaptive moment estimation, with optional L2 weight decay, AMSGrad and maximisation.
/// PyTorch: <c>torch.optim.Adam</c>.</summary>
/// <remarks>
/// Kingma and Ba, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980; AMSGrad from Reddi et al., "On the
/// Convergence of Adam and Beyond" (ICLR 2018). With step t (counted per parameter from 1), one step is
/// (PyTorch's <c>_single_tensor_adam</c>):
/// <code>
/// g ← −g if maximize;   g ← g + λθ if λ ≠ 0
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// v̂ ← max(v̂, v) if amsgrad (and v̂ replaces v below)
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// ε is added after the bias correction of √v, as in PyTorch. State: <c>"step"</c>, <c>"exp_avg"</c> (m),
/// <c>"exp_avg_sq"</c> (v), <c>"max_exp_avg_sq"</c> (v̂, amsgrad only). Defaults: lr 1e-3, betas (0.9, 0.999),
/// eps 1e-8, weight_decay 0, amsgrad false, maximize false.
/// </remarks>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient (see <see cref="AdamW"/> for the decoupled form).</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adam: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Adam over parameter groups; options a group lacks come from the arguments.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate γ ≥ 0.</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); null means (0.9, 0.999).</param>
    /// <param name="eps">ε ≥ 0, added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ ≥ 0 added to the gradient (see <see cref="AdamW"/> for the decoupled form).</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range, e.g. "Adam: invalid learning
    /// rate -1".</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(nameof(Adam), groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        }, g => Check.AdamFamily(nameof(Adam), g))
    {
    }

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (ParamGroup g in ParamGroups)
            StepGroup(this, g, decoupled: false);
    }

    /// <summary>Runs Adam (or AdamW when <paramref name="decoupled"/>) over one group; shared with <see cref="AdamW"/>.</summary>
    internal static void StepGroup(Optimizer optimizer, ParamGroup g, bool decoupled)
    {
        double lr = g.Lr, eps = g.GetDouble("eps"), weightDecay = g.GetDouble("weight_decay");
        (double beta1, double beta2) = g.GetBetas();
        bool amsgrad = g.GetBool("amsgrad"), maximize = g.GetBool("maximize");
        foreach (Parameter p in g.Params)
        {
            if (p.Grad is null) continue;
            Dictionary<string, Tensor> s = optimizer.StateOf(p);
            optimizer.Apply(p, (w, grad) =>
            {
                if (!s.TryGetValue("exp_avg", out Tensor? m))
                {
                    s["exp_avg"] = m = Tensor.ZerosLike(w);
                    s["exp_avg_sq"] = Tensor.ZerosLike(w);
                }
                Tensor v = s["exp_avg_sq"];
                Tensor? vMax = null;
                if (amsgrad && !s.TryGetValue("max_exp_avg_sq", out vMax)) s["max_exp_avg_sq"] = vMax = Tensor.ZerosLike(w);
                double step = IncrementStep(s);
                if (w.DType == DType.Float32)
                    Update(w.AsSpan<float>(), grad.AsSpan<float>(), m.AsSpan<float>(), v.AsSpan<float>(),
                           vMax is null ? default : vMax.AsSpan<float>(), step, lr, beta1, beta2, eps, weightDecay,
                           amsgrad, maximize, decoupled);
                else
                    Update(w.AsSpan<double>(), grad.AsSpan<double>(), m.AsSpan<double>(), v.AsSpan<double>(),
                           vMax is null ? default : vMax.AsSpan<double>(), step, lr, beta1, beta2, eps, weightDecay,
                           amsgrad, maximize, decoupled);
            });
        }
    }

    /// <summary>One Adam or AdamW step on raw storage, outside autograd. PyTorch:
    /// <c>torch.optim.adam._single_tensor_adam</c> and <c>adamw._single_tensor_adamw</c>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="param">θ, updated in place.</param>
    /// <param name="grad">g (not modified).</param>
    /// <param name="expAvg">m, updated in place.</param>
    /// <param name="expAvgSq">v, updated in place.</param>
    /// <param name="maxExpAvgSq">v̂, updated in place when <paramref name="amsgrad"/>; otherwise may be empty.</param>
    /// <param name="step">t, the step count including this step (≥ 1).</param>
    /// <param name="lr">γ.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">λ: an L2 term on g, or with <paramref name="decoupled"/> the factor of θ ← θ(1 − γλ).</param>
    /// <param name="amsgrad">AMSGrad.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <param name="decoupled">AdamW's decoupled weight decay (Loshchilov and Hutter, arXiv:1711.05101).</param>
    /// <remarks>See <see cref="Adam"/> and <see cref="AdamW"/> for the equations.</remarks>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq,
                                 Span<T> maxExpAvgSq, double step, double lr, double beta1, double beta2, double eps,
                                 double weightDecay, bool amsgrad, bool maximize, bool decoupled)
        where T : IFloatingPointIeee754<T>
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expAvgSq.Length != n || (amsgrad && maxExpAvgSq.Length != n))
            throw new ArgumentException("Adam.Update: param, grad and state spans must have the same length.", nameof(grad));
        // Bias corrections for the zero-initialised moments: E[m] = (1 − β₁ᵗ)E[g], E[v] = (1 − β₂ᵗ)E[g²].
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        T negStepSize = T.CreateChecked(-(lr / biasCorrection1));
        T bc2Sqrt = T.CreateChecked(Math.Sqrt(biasCorrection2));
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2);
        T oneMinusB1 = T.CreateChecked(1 - beta1), oneMinusB2 = T.CreateChecked(1 - beta2);
        T e = T.CreateChecked(eps), wd = T.CreateChecked(weightDecay);
        T decay = T.CreateChecked(1 - lr * weightDecay);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            // The same operations in the same order as the scalar loop below (no fused multiply-add), so every
            // element gets bit-identical results; eight floats at a time.
            Vector256<T> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), v1b1 = Vector256.Create(oneMinusB1);
            Vector256<T> v1b2 = Vector256.Create(oneMinusB2), ve = Vector256.Create(e), vwd = Vector256.Create(wd);
            Vector256<T> vdecay = Vector256.Create(decay), vstep = Vector256.Create(negStepSize), vbc2 = Vector256.Create(bc2Sqrt);
            ref T pr = ref MemoryMarshal.GetReference(param), mr = ref MemoryMarshal.GetReference(expAvg);
            ref T vr = ref MemoryMarshal.GetReference(expAvgSq), gr = ref MemoryMarshal.GetReference(grad);
            ref T xr = ref MemoryMarshal.GetReference(maxExpAvgSq);
            for (; i + Vector256<T>.Count <= n; i += Vector256<T>.Count)
            {
                nuint at = (nuint)i;
                Vector256<T> g = Vector256.LoadUnsafe(ref gr, at), p = Vector256.LoadUnsafe(ref pr, at);
                if (maximize) g = -g;
                if (decoupled) p *= vdecay;
                else if (weightDecay != 0) g += vwd * p;
                Vector256<T> m = Vector256.LoadUnsafe(ref mr, at) * vb1 + v1b1 * g;
                Vector256<T> v = Vector256.LoadUnsafe(ref vr, at) * vb2 + v1b2 * g * g;
                m.StoreUnsafe(ref mr, at);
                v.StoreUnsafe(ref vr, at);
                if (amsgrad)
                {
                    v = Vector256.Max(Vector256.LoadUnsafe(ref xr, at), v);
                    v.StoreUnsafe(ref xr, at);
                }
                Vector256<T> denom = Vector256.Sqrt(v) / vbc2 + ve;
                (p + vstep * (m / denom)).StoreUnsafe(ref pr, at);
            }
        }
        for (; i < n; i++)
        {
            T g = maximize ? -grad[i] : grad[i];
            if (decoupled) param[i] *= decay;
            else if (weightDecay != 0) g += wd * param[i];
            T m = expAvg[i] * b1 + oneMinusB1 * g;
            T v = expAvgSq[i] * b2 + oneMinusB2 * g * g;
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (amsgrad) v = maxExpAvgSq[i] = T.Max(maxExpAvgSq[i], v);
            T denom = T.Sqrt(v) / bc2Sqrt + e;
            param[i] += negStepSize * (m / denom);
        }
    }
}
