using Nabla.Nn.Internal;

namespace Nabla.Nn;

public static partial class Functional
{
    /// <summary>PyTorch's default <c>ignore_index</c>: targets equal to it contribute nothing.</summary>
    public const long DefaultIgnoreIndex = -100;

    // PyTorch clamps log(x) at −100 in binary cross-entropy, so x = 0 gives a finite loss of 100.
    private const double LogClamp = -100;

    /// <summary>Mean squared error, (x − y)² per element. PyTorch: <c>F.mse_loss(input, target, reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input and target of the same shape; the output is 0-d, or that shape for
    /// <see cref="Reduction.None"/>.</remarks>
    /// <param name="input">Predictions x.</param>
    /// <param name="target">Targets y.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("MseLoss", input, target);
        Tensor d = input - target;
        return Reduce(d * d, reduction);
    }

    /// <summary>Mean absolute error, |x − y| per element. PyTorch: <c>F.l1_loss</c>.</summary>
    /// <remarks>Shapes: as <see cref="MseLoss"/>. The gradient at x = y is 0 (the subgradient sign(0)).</remarks>
    /// <param name="input">Predictions x.</param>
    /// <param name="target">Targets y.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("L1Loss", input, target);
        return Reduce((input - target).Abs(), reduction);
    }

    /// <summary>Huber loss: ½d² where |d| &lt; δ and δ(|d| − ½δ) elsewhere, with d = x − y: quadratic near 0,
    /// linear in the tails, so outliers pull with a bounded gradient (Huber 1964). PyTorch: <c>F.huber_loss(input,
    /// target, reduction='mean', delta=1.0)</c>.</summary>
    /// <remarks>Shapes: as <see cref="MseLoss"/>.</remarks>
    /// <param name="input">Predictions x.</param>
    /// <param name="target">Targets y.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <param name="delta">δ &gt; 0, where the quadratic part meets the linear one.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">δ is not positive.</exception>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        SameShape("HuberLoss", input, target);
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"HuberLoss: delta must be positive, got {Py.Float(delta)}.");
        Tensor d = input - target;
        Tensor ad = d.Abs();
        // Both pieces meet at |d| = δ with value ½δ² and slope δ, so the loss is C¹.
        return Reduce(Tensor.Where(ad.Lt(delta), 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction);
    }

    /// <summary>Binary cross-entropy between probabilities x and targets y:
    /// −w·[y·log x + (1 − y)·log(1 − x)], each log clamped at −100 as PyTorch does. PyTorch:
    /// <c>F.binary_cross_entropy(input, target, weight=None, reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input and target of the same shape; weight broadcastable to it. For logits, prefer the
    /// stabler <see cref="BinaryCrossEntropyWithLogits"/>. Where a log is clamped the gradient is 0.</remarks>
    /// <param name="input">Probabilities in [0, 1].</param>
    /// <param name="target">Targets in [0, 1].</param>
    /// <param name="weight">Per-element rescaling weight, or null.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <exception cref="ArgumentException">The shapes differ, the weight does not broadcast, or an input is
    /// outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string Op = "BceLoss";
        SameShape(Op, input, target);
        bool outside;
        using (GradMode.Disable()) outside = input.Lt(0).LogicalOr(input.Gt(1)).Any();
        if (outside) throw new ArgumentException($"{Op}: all elements of input should be between 0 and 1.", nameof(input));
        Tensor loss = -(target * ClampedLog(input) + (1.0 - target) * ClampedLog(1.0 - input));
        return Reduce(ApplyWeight(Op, loss, weight), reduction);
    }

    /// <summary>log x clamped below at −100, with a zero gradient (not 0·∞ = NaN) where it is clamped.</summary>
    private static Tensor ClampedLog(Tensor x)
    {
        Tensor valid;
        using (GradMode.Disable()) valid = x.Log().Ge(LogClamp);
        // Where x is too small, log sees 1 instead, so neither the value nor the gradient can become infinite.
        return Tensor.Where(valid, Tensor.Where(valid, x, 1.0).Log(), LogClamp);
    }

    /// <summary>Binary cross-entropy on logits, computed stably: with s = softplus,
    /// ℓ = (1 − y)·x + (1 + (p − 1)·y)·s(−x), which for p = 1 is max(x, 0) − x·y + log(1 + e^(−|x|)). PyTorch:
    /// <c>F.binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input and target of the same shape; weight broadcastable to it; posWeight broadcastable
    /// along the last dim (one weight per class, e.g. (C) for (N, C)). The gradient is
    /// w·[(1 + (p − 1)y)·σ(x) − p·y], exact at every x including 0.</remarks>
    /// <param name="input">Logits x (any real values).</param>
    /// <param name="target">Targets y in [0, 1].</param>
    /// <param name="weight">Per-element rescaling weight, or null.</param>
    /// <param name="posWeight">Weight p of the positive term, to trade recall against precision, or null.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <exception cref="ArgumentException">The shapes differ or a weight does not broadcast.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null,
                                                      Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        const string Op = "BceWithLogitsLoss";
        SameShape(Op, input, target);
        Tensor positive = StableSoftplus(-input);   // −log σ(x), the loss of a positive target
        if (posWeight is not null)
        {
            if (!BroadcastsTo(posWeight.Shape, input.Shape))
                throw new ArgumentException($"{Op}: pos_weight {Py.Shape(posWeight.Shape)} does not broadcast to input {Py.Shape(input.Shape)}.", nameof(posWeight));
            // The positive term is scaled by p, the negative one is not: log weight 1 + (p − 1)·y.
            positive = positive * (1.0 + (posWeight.To(input.DType) - 1.0) * target);
        }
        return Reduce(ApplyWeight(Op, (1.0 - target) * input + positive, weight), reduction);
    }

    /// <summary>softplus(z) = log(1 + eᶻ) without overflow, as z + log1p(e⁻ᶻ) for z ≥ 0 and log1p(eᶻ) for z &lt; 0.</summary>
    /// <remarks>Each branch sees only the values it is used for (0 elsewhere), so the branch not taken can neither
    /// overflow nor send 0·∞ = NaN into the gradient; the derivative σ(z) is exact at every z, including 0.</remarks>
    private static Tensor StableSoftplus(Tensor z)
    {
        Tensor nonNegative = z.Ge(0);
        Tensor high = Tensor.Where(nonNegative, z, 0.0);
        Tensor low = Tensor.Where(nonNegative.LogicalNot(), z, 0.0);
        return Tensor.Where(nonNegative, high + (-high).Exp().Log1p(), low.Exp().Log1p());
    }

    /// <summary>Cross-entropy between logits and class indices or class probabilities, with log-sum-exp inside
    /// (log-softmax, then the negative log-likelihood). PyTorch: <c>F.cross_entropy(input, target, weight=None,
    /// ignore_index=-100, reduction='mean', label_smoothing=0.0)</c>.</summary>
    /// <remarks>
    /// <para>Shapes: input (N, C), (N, C, d₁, …) or unbatched (C). Target either Int64 class indices of shape (N),
    /// (N, d₁, …) or (), or floating-point class probabilities of the input's shape. Output: 0-d, or (N, d₁, …)
    /// for <see cref="Reduction.None"/>.</para>
    /// <para>With indices: ℓₙ = −w[yₙ]·log softmax(xₙ)[yₙ]; targets equal to <paramref name="ignoreIndex"/>
    /// contribute 0, and the mean divides by Σ w[yₙ] over the targets not ignored (so it is NaN when all are).
    /// Label smoothing ε mixes in the uniform distribution: (1 − ε)·nll + (ε/C)·Σ_c −w[c]·log pₙ[c], the smoothing
    /// term also 0 at ignored targets and, for the mean, divided by the same Σ w[yₙ] (the count of kept targets
    /// without weights), as PyTorch 1.13 does.</para>
    /// <para>With probabilities: ℓₙ = −Σ_c w[c]·yₙ[c]·log softmax(xₙ)[c], targets smoothed as (1 − ε)·y + ε/C; the
    /// mean divides by N·d₁·… regardless of weights; ignoreIndex does not apply.</para>
    /// </remarks>
    /// <param name="input">Logits (unnormalised scores).</param>
    /// <param name="target">Class indices (Int64) or class probabilities (floating-point).</param>
    /// <param name="weight">A (C) rescaling weight per class, or null.</param>
    /// <param name="ignoreIndex">An index target value to skip (default −100).</param>
    /// <param name="reduction">How to combine the samples.</param>
    /// <param name="labelSmoothing">ε in [0, 1] (default 0).</param>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, e.g. "CrossEntropyLoss: input (5, 4)
    /// expects target (5) of class indices or (5, 4) of probabilities, but got (4)", or an index is outside
    /// [0, C).</exception>
    /// <exception cref="ArgumentOutOfRangeException">labelSmoothing is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = DefaultIgnoreIndex,
                                      Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        const string Op = "CrossEntropyLoss";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{Op}: label_smoothing must be between 0.0 and 1.0, got {Py.Float(labelSmoothing)}.");
        int classDim = CheckClassInput(Op, input, weight);
        int classes = input.Size(classDim);
        Tensor logp = input.LogSoftmax(classDim);
        Tensor? classWeight = weight is null ? null : ClassWeight(weight, input.Dim, classDim, input.DType);

        if (target.DType.IsFloatingPoint())
        {
            if (!target.Shape.SequenceEqual(input.Shape))
                throw TargetShapeError(Op, input, target, classDim);
            // Smoothing moves ε of the probability mass to the uniform distribution over the C classes.
            Tensor t = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / classes : target;
            Tensor product = logp * t;
            if (classWeight is not null) product = product * classWeight;
            return reduction switch
            {
                Reduction.None => -product.Sum(classDim),
                Reduction.Sum => -product.Sum(),
                _ => -product.Sum() / ((double)input.NumEl / classes),
            };
        }

        (Tensor nll, Tensor kept, Tensor ignored) = NllTerms(Op, logp, target, weight, ignoreIndex, classDim);
        Tensor loss = Reduce(nll, kept, reduction);
        if (labelSmoothing == 0) return loss;
        // The smoothing term −Σ_c w[c]·log p[c], zero at ignored targets.
        Tensor smooth = -(classWeight is null ? logp : logp * classWeight).Sum(classDim);
        smooth = Tensor.Where(ignored.LogicalNot(), smooth, 0.0);
        Tensor smoothReduced = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => smooth.Sum(),
            _ => smooth.Sum() / kept.Sum(),     // the same normaliser as the nll term: Σ w[yₙ] (or the count) over kept targets
        };
        return (1 - labelSmoothing) * loss + smoothReduced * (labelSmoothing / classes);
    }

    /// <summary>Negative log-likelihood of class indices under log-probabilities: ℓₙ = −w[yₙ]·xₙ[yₙ]. PyTorch:
    /// <c>F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input (N, C), (N, C, d₁, …) or (C) of log-probabilities (e.g. from
    /// <see cref="LogSoftmax"/>); target Int64 (N), (N, d₁, …) or (). The mean divides by Σ w[yₙ] over the targets
    /// not ignored.</remarks>
    /// <param name="input">Log-probabilities.</param>
    /// <param name="target">Class indices.</param>
    /// <param name="weight">A (C) rescaling weight per class, or null.</param>
    /// <param name="ignoreIndex">A target value to skip.</param>
    /// <param name="reduction">How to combine the samples.</param>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or an index is outside [0, C).</exception>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = DefaultIgnoreIndex,
                                 Reduction reduction = Reduction.Mean)
    {
        const string Op = "NllLoss";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        int classDim = CheckClassInput(Op, input, weight);
        (Tensor nll, Tensor kept, _) = NllTerms(Op, input, target, weight, ignoreIndex, classDim);
        return Reduce(nll, kept, reduction);
    }

    /// <summary>Per-target −w[y]·logp[y] (0 where ignored), the weights actually applied, and the ignore mask.</summary>
    private static (Tensor Nll, Tensor Kept, Tensor Ignored) NllTerms(string op, Tensor logp, Tensor target, Tensor? weight,
                                                                    long ignoreIndex, int classDim)
    {
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: target must hold Int64 class indices, got {target.DType}.", nameof(target));
        int[] expected = [.. logp.Shape.Where((_, i) => i != classDim)];
        if (!target.Shape.SequenceEqual(expected)) throw TargetShapeError(op, logp, target, classDim);
        int classes = logp.Size(classDim);
        Tensor ignored = target.Eq(ignoreIndex);
        foreach (long t in target.ToArray<long>())
        {
            if (t != ignoreIndex && (t < 0 || t >= classes))
                throw new ArgumentException($"{op}: target {t} is out of bounds for {classes} classes.", nameof(target));
        }
        // Ignored positions index class 0 (any valid class) and are then zeroed by their weight.
        Tensor safe = Tensor.Where(ignored.LogicalNot(), target, 0.0);
        Tensor picked = classDim == 0 ? logp.Gather(0, safe.Reshape(1)).Reshape([]) : logp.Gather(1, safe.Unsqueeze(1)).Squeeze(1);
        Tensor keep = ignored.LogicalNot().To(logp.DType);
        Tensor kept = weight is null ? keep : weight.To(logp.DType).IndexSelect(0, safe.Reshape(-1)).Reshape(target.Shape) * keep;
        return (-picked * kept, kept, ignored);
    }

    /// <summary>Hinge embedding loss for targets ±1: x where y = 1 and max(0, margin − x) where y = −1 (a target
    /// that is neither gets both terms, as in PyTorch). With x a distance, similar pairs are pulled together and
    /// dissimilar ones pushed beyond the margin. PyTorch: <c>F.hinge_embedding_loss(input, target, margin=1.0,
    /// reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input and target of the same shape.</remarks>
    /// <param name="input">Scores x.</param>
    /// <param name="target">Targets, 1 or −1.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor HingeEmbeddingLoss(Tensor input, Tensor target, double margin = 1.0, Reduction reduction = Reduction.Mean)
    {
        SameShape("HingeEmbeddingLoss", input, target);
        Tensor marginTerm = Tensor.Where(target.Ne(1), (margin - input).Clamp(min: 0), 0.0);
        Tensor selfTerm = Tensor.Where(target.Ne(-1), input, 0.0);
        return Reduce(marginTerm + selfTerm, reduction);
    }

    /// <summary>Multi-class hinge (margin) loss: ℓₙ = w[yₙ]·Σ_{c≠yₙ} max(0, margin − x[yₙ] + x[c])ᵖ / C, zero once
    /// the true class beats every other by the margin (Weston and Watkins 1999; Crammer–Singer style). PyTorch:
    /// <c>F.multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction='mean')</c>.</summary>
    /// <remarks>Shapes: input (N, C) or (C); target Int64 (N) or (); output 0-d or (N). The gradient is 0 where
    /// the hinge is exactly 0, as in PyTorch's kernel.</remarks>
    /// <param name="input">Scores.</param>
    /// <param name="target">Class indices.</param>
    /// <param name="p">1 or 2.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="weight">A (C) weight per class, or null.</param>
    /// <param name="reduction">How to combine the samples.</param>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or an index is outside [0, C).</exception>
    /// <exception cref="ArgumentOutOfRangeException">p is not 1 or 2.</exception>
    public static Tensor MultiMarginLoss(Tensor input, Tensor target, int p = 1, double margin = 1, Tensor? weight = null,
                                         Reduction reduction = Reduction.Mean)
    {
        const string Op = "MultiMarginLoss";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (p is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(p), p, $"{Op}: only p == 1 and p == 2 are supported, got {p}.");
        if (input.Dim is not (1 or 2)) throw new ArgumentException($"{Op}: input must be (N, C) or (C), got {Py.Shape(input.Shape)}.", nameof(input));
        int classDim = CheckClassInput(Op, input, weight);
        bool unbatched = input.Dim == 1;
        Tensor x = unbatched ? input.Unsqueeze(0) : input;
        if (target.DType != DType.Int64) throw new ArgumentException($"{Op}: target must hold Int64 class indices, got {target.DType}.", nameof(target));
        int[] expected = unbatched ? [] : [input.Size(0)];
        if (!target.Shape.SequenceEqual(expected)) throw TargetShapeError(Op, input, target, classDim);
        int classes = x.Size(1);
        Tensor t = target.Reshape(-1);
        foreach (long v in t.ToArray<long>())
        {
            if (v < 0 || v >= classes) throw new ArgumentException($"{Op}: target {v} is out of bounds for {classes} classes.", nameof(target));
        }
        Tensor trueScore = x.Gather(1, t.Unsqueeze(1));                      // (N, 1)
        Tensor hinge = (x - trueScore + margin).Relu();                     // max(0, margin − x[y] + x[c]), (N, C)
        if (p == 2) hinge = hinge * hinge;
        if (weight is not null) hinge = hinge * weight.To(x.DType).IndexSelect(0, t).Unsqueeze(1);
        Tensor otherClass = t.Unsqueeze(1).Ne(Tensor.Arange(classes).Unsqueeze(0)).To(x.DType);   // c ≠ yₙ
        Tensor loss = (hinge * otherClass).Sum(1) / classes;
        if (unbatched) loss = loss.Reshape([]);
        return Reduce(loss, reduction);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => loss.Sum(),
        Reduction.Mean => loss.Mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    /// <summary>The weighted mean divides by the total weight of the targets that count.</summary>
    private static Tensor Reduce(Tensor loss, Tensor kept, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Sum() / kept.Sum(),
        _ => Reduce(loss, reduction),
    };

    private static void SameShape(string op, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{op}: input {Py.Shape(input.Shape)} and target {Py.Shape(target.Shape)} must have the same shape.", nameof(target));
    }

    private static Tensor ApplyWeight(string op, Tensor loss, Tensor? weight)
    {
        if (weight is null) return loss;
        if (!BroadcastsTo(weight.Shape, loss.Shape))
            throw new ArgumentException($"{op}: weight {Py.Shape(weight.Shape)} does not broadcast to input {Py.Shape(loss.Shape)}.", nameof(weight));
        return loss * weight.To(loss.DType);     // a Float64 weight must not turn a Float32 loss into Float64
    }

    /// <summary>NumPy's rule, one way: aligned from the right, each dim of <paramref name="from"/> is 1 or equal.</summary>
    private static bool BroadcastsTo(int[] from, int[] to)
    {
        if (from.Length > to.Length) return false;
        for (int i = 1; i <= from.Length; i++)
        {
            if (from[^i] != 1 && from[^i] != to[^i]) return false;
        }
        return true;
    }

    /// <summary>Checks a (N, C, …) or (C) floating-point input and a (C) weight; returns the class dim.</summary>
    private static int CheckClassInput(string op, Tensor input, Tensor? weight)
    {
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: input must be floating-point, got {input.DType}.", nameof(input));
        if (input.Dim == 0)
            throw new ArgumentException($"{op}: input must be (N, C, …) or (C), got a 0-d tensor.", nameof(input));
        int classDim = input.Dim == 1 ? 0 : 1;
        if (weight is not null && (weight.Dim != 1 || weight.Size(0) != input.Size(classDim)))
            throw new ArgumentException($"{op}: weight {Py.Shape(weight.Shape)} must be ({input.Size(classDim)}), one weight per class of input {Py.Shape(input.Shape)}.", nameof(weight));
        return classDim;
    }

    /// <summary>A (C) class weight shaped to broadcast along the class dim: (1, C, 1, …), or (C) unbatched.</summary>
    private static Tensor ClassWeight(Tensor weight, int rank, int classDim, DType dtype)
    {
        if (classDim == 0) return weight.To(dtype);
        int[] shape = Enumerable.Repeat(1, rank).ToArray();
        shape[1] = weight.Size(0);
        return weight.To(dtype).Reshape(shape);
    }

    private static ArgumentException TargetShapeError(string op, Tensor input, Tensor target, int classDim)
    {
        int[] indices = [.. input.Shape.Where((_, i) => i != classDim)];
        string probabilities = op == "CrossEntropyLoss" ? $" or {Py.Shape(input.Shape)} of probabilities" : string.Empty;
        return new ArgumentException($"{op}: input {Py.Shape(input.Shape)} expects target {Py.Shape(indices)} of class indices{probabilities}, but got {Py.Shape(target.Shape)}.", nameof(target));
    }
}
