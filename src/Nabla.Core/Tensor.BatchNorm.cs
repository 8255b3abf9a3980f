using Nabla.Internal;

namespace Nabla;

public partial class Tensor
{
    /// <summary>Batch normalisation over the channel dim 1: y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c (Ioffe and Szegedy
    /// 2015). In training μ, σ² are the batch's per-channel mean and biased variance over N and the spatial dims,
    /// and the running statistics (when given) are updated in place: r ← (1 − momentum)·r + momentum·s, with the
    /// unbiased variance σ²·M/(M − 1), M = N·L. In evaluation the running statistics are used. PyTorch:
    /// <c>F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)</c>.</summary>
    /// <remarks>Shapes: x (N, C, *) → same; runningMean, runningVar, weight, bias (C) or null. Fused kernel with
    /// its own backward (through the batch statistics in training, with constant statistics in evaluation); tested
    /// against the composite formula built from Mean/Var/Rsqrt.</remarks>
    /// <param name="runningMean">Running mean (C), updated in training; required in evaluation.</param>
    /// <param name="runningVar">Running variance (C), updated in training; required in evaluation.</param>
    /// <param name="weight">Scale γ (C), or null.</param>
    /// <param name="bias">Shift β (C), or null.</param>
    /// <param name="training">Use (and update with) the batch statistics.</param>
    /// <param name="momentum">Weight of the new batch in the running update.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <exception cref="ArgumentException">Shapes do not fit, running statistics are missing in evaluation, or a
    /// training batch has one value per channel.</exception>
    public Tensor BatchNorm(Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                            bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = nameof(BatchNorm);
        Tensor x = RequireFloat(this, op);
        if (x.Dim < 2) throw new ArgumentException($"{op}: expects input (N, C, *), got {x.ShapeString}.");
        int n = x.ShapeArray[0], c = x.ShapeArray[1], l = Layout.NumEl(x.ShapeArray.AsSpan(2));
        foreach ((Tensor? p, string name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
        {
            if (p is not null && (p.Dim != 1 || p.ShapeArray[0] != c))
                throw new ArgumentException($"{op}: {name} {p.ShapeString} must be ({c}) for input {x.ShapeString}.");
        }
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException($"{op}: evaluation mode needs running_mean and running_var.");
        long m = (long)n * l;
        if (training && m <= 1)
            throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input {x.ShapeString}.");
        Tensor? w = weight?.To(x.DType), b = bias?.To(x.DType);
        Tensor xc = x.ContiguousRaw();
        Tensor? wc = w?.ContiguousRaw(), bc = b?.ContiguousRaw();
        Tensor mean, rstd;
        if (training)
        {
            mean = AllocateUninitialized(x.DType, [c]);
            Tensor variance = AllocateUninitialized(x.DType, [c]);
            if (x.DType == DType.Float32) Kernels.BatchNorm.Statistics<float>(xc.AsSpan<float>(), n, c, l, mean.AsSpan<float>(), variance.AsSpan<float>());
            else Kernels.BatchNorm.Statistics<double>(xc.AsSpan<double>(), n, c, l, mean.AsSpan<double>(), variance.AsSpan<double>());
            using (GradMode.Disable())
            {
                rstd = (variance + eps).Rsqrt();
                if (runningMean is not null) runningMean.CopyInPlace(runningMean * (1 - momentum) + mean * momentum);
                if (runningVar is not null) runningVar.CopyInPlace(runningVar * (1 - momentum) + variance * (momentum * m / (m - 1)));
            }
        }
        else
        {
            using (GradMode.Disable())
            {
                mean = runningMean!.Detach().To(x.DType).ContiguousRaw();
                rstd = (runningVar!.Detach().To(x.DType) + eps).Rsqrt().ContiguousRaw();
            }
        }
        Tensor y = AllocateUninitialized(x.DType, x.ShapeArray);
        if (x.DType == DType.Float32)
            Kernels.BatchNorm.Normalize<float>(xc.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(),
                                               bc is null ? default : bc.AsSpan<float>(), y.AsSpan<float>(), n, c, l);
        else
            Kernels.BatchNorm.Normalize<double>(xc.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(),
                                                bc is null ? default : bc.AsSpan<double>(), y.AsSpan<double>(), n, c, l);
        Tensor[] inputs = w is null ? (b is null ? [x] : [x, b]) : (b is null ? [x, w] : [x, w, b]);
        return Graph.Record(y, op, inputs, g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor? dx = x.RequiresGrad ? AllocateUninitialized(x.DType, x.ShapeArray) : null;
            Tensor? dw = w is not null && w.RequiresGrad ? AllocateUninitialized(x.DType, [c]) : null;
            Tensor? db = b is not null && b.RequiresGrad ? AllocateUninitialized(x.DType, [c]) : null;
            if (x.DType == DType.Float32)
                Kernels.BatchNorm.Backward<float>(xc.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(),
                    gc.AsSpan<float>(), training, dx is null ? default : dx.AsSpan<float>(), dw is null ? default : dw.AsSpan<float>(),
                    db is null ? default : db.AsSpan<float>(), n, c, l);
            else
                Kernels.BatchNorm.Backward<double>(xc.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(),
                    gc.AsSpan<double>(), training, dx is null ? default : dx.AsSpan<double>(), dw is null ? default : dw.AsSpan<double>(),
                    db is null ? default : db.AsSpan<double>(), n, c, l);
            var grads = new List<Tensor?> { dx };
            if (w is not null) grads.Add(dw);
            if (b is not null) grads.Add(db);
            return [.. grads];
        });
    }

    /// <summary>Group normalisation: the C channels are split into <paramref name="numGroups"/> groups and each
    /// (sample, group) slice is normalised by its own mean and biased variance, then scaled by the per-channel γ and
    /// shifted by β (Wu and He 2018); independent of the batch size. PyTorch: <c>F.group_norm(input, num_groups,
    /// weight, bias, eps)</c>.</summary>
    /// <remarks>Shapes: x (N, C, *) → same; weight, bias (C) or null. Fused kernel with its own backward; tested
    /// against the composite formula built from Mean/Var/Rsqrt.</remarks>
    /// <param name="numGroups">G, dividing C.</param>
    /// <param name="weight">Scale γ (C), or null.</param>
    /// <param name="bias">Shift β (C), or null.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <exception cref="ArgumentException">G does not divide C or the parameter shapes do not fit.</exception>
    public Tensor GroupNorm(int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = nameof(GroupNorm);
        Tensor x = RequireFloat(this, op);
        if (x.Dim < 2) throw new ArgumentException($"{op}: expects input (N, C, *), got {x.ShapeString}.");
        int n = x.ShapeArray[0], c = x.ShapeArray[1], l = Layout.NumEl(x.ShapeArray.AsSpan(2));
        if (numGroups < 1 || c % numGroups != 0)
            throw new ArgumentException($"{op}: num_groups={numGroups} must divide the {c} channels of input {x.ShapeString}.");
        foreach ((Tensor? p, string name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (p is not null && (p.Dim != 1 || p.ShapeArray[0] != c))
                throw new ArgumentException($"{op}: {name} {p.ShapeString} must be ({c}).");
        }
        Tensor? w = weight?.To(x.DType), b = bias?.To(x.DType);
        Tensor xc = x.ContiguousRaw();
        Tensor? wc = w?.ContiguousRaw(), bc = b?.ContiguousRaw();
        Tensor y = AllocateUninitialized(x.DType, x.ShapeArray);
        Tensor mean = AllocateUninitialized(x.DType, [n * numGroups]), rstd = AllocateUninitialized(x.DType, [n * numGroups]);
        if (x.DType == DType.Float32)
            Kernels.BatchNorm.GroupForward<float>(xc.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(), bc is null ? default : bc.AsSpan<float>(),
                y.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(), n, c, l, numGroups, (float)eps);
        else
            Kernels.BatchNorm.GroupForward<double>(xc.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(), bc is null ? default : bc.AsSpan<double>(),
                y.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(), n, c, l, numGroups, eps);
        Tensor[] inputs = w is null ? (b is null ? [x] : [x, b]) : (b is null ? [x, w] : [x, w, b]);
        return Graph.Record(y, op, inputs, g =>
        {
            Tensor gc = g.ContiguousRaw();
            Tensor? dx = x.RequiresGrad ? AllocateUninitialized(x.DType, x.ShapeArray) : null;
            Tensor? dw = w is not null && w.RequiresGrad ? AllocateUninitialized(x.DType, [c]) : null;
            Tensor? db = b is not null && b.RequiresGrad ? AllocateUninitialized(x.DType, [c]) : null;
            if (x.DType == DType.Float32)
                Kernels.BatchNorm.GroupBackward<float>(xc.AsSpan<float>(), wc is null ? default : wc.AsSpan<float>(), mean.AsSpan<float>(), rstd.AsSpan<float>(),
                    gc.AsSpan<float>(), dx is null ? default : dx.AsSpan<float>(), dw is null ? default : dw.AsSpan<float>(),
                    db is null ? default : db.AsSpan<float>(), n, c, l, numGroups);
            else
                Kernels.BatchNorm.GroupBackward<double>(xc.AsSpan<double>(), wc is null ? default : wc.AsSpan<double>(), mean.AsSpan<double>(), rstd.AsSpan<double>(),
                    gc.AsSpan<double>(), dx is null ? default : dx.AsSpan<double>(), dw is null ? default : dw.AsSpan<double>(),
                    db is null ? default : db.AsSpan<double>(), n, c, l, numGroups);
            var grads = new List<Tensor?> { dx };
            if (w is not null) grads.Add(dw);
            if (b is not null) grads.Add(db);
            return [.. grads];
        });
    }
}
