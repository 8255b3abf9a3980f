namespace Nabla.Optim;

/// <summary>Base of the optimizers: parameter groups with their hyper-parameters, per-parameter state, gradient
/// reset, and state dictionaries in PyTorch's layout. PyTorch: <c>torch.optim.Optimizer</c>.</summary>
/// <remarks>
/// An optimizer works on <see cref="Parameter"/>s, never on modules, so Nabla.Optim depends on Nabla.Core only.
/// The update math of each algorithm is a public static span method (the counterpart of PyTorch's
/// <c>_single_tensor_*</c> functions): it runs outside the autograd graph, on float or double storage, and can be
/// replaced by a fused or SIMD version in one place. A parameter without a gradient (<see cref="Tensor.Grad"/> null)
/// is skipped and its state is not touched, as in PyTorch.
/// </remarks>
public abstract class Optimizer
{
    private readonly string _name;
    private readonly Action<ParamGroup> _validate;
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Parameter, Dictionary<string, Tensor>> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, object> _defaults;

    /// <summary>Builds the optimizer from parameter groups, after validating the defaults and every group.</summary>
    /// <param name="name">The optimizer's name for error messages, e.g. "Adam".</param>
    /// <param name="groups">The parameter groups; options they lack are taken from <paramref name="defaults"/>.</param>
    /// <param name="defaults">The default hyper-parameters under PyTorch's names. PyTorch: <c>optimizer.defaults</c>.</param>
    /// <param name="validate">Checks one group's hyper-parameters and throws <see cref="ArgumentOutOfRangeException"/>.</param>
    /// <exception cref="ArgumentException">No parameters, or a parameter appears in more than one group.</exception>
    protected Optimizer(string name, IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, object> defaults,
                        Action<ParamGroup> validate)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(validate);
        _name = name;
        _validate = validate;
        _defaults = new Dictionary<string, object>(defaults, StringComparer.Ordinal);
        var check = new ParamGroup([]);
        foreach ((string key, object value) in _defaults) check[key] = value;
        validate(check);

        ParamGroup[] list = [.. groups];
        if (list.Sum(g => g.Params.Count) == 0)
            throw new ArgumentException($"{name}: optimizer got an empty parameter list.", nameof(groups));
        foreach (ParamGroup g in list) AddParamGroup(g);
    }

    /// <summary>The default hyper-parameters under PyTorch's names. PyTorch: <c>optimizer.defaults</c>.</summary>
    public IReadOnlyDictionary<string, object> Defaults => _defaults;

    /// <summary>The parameter groups, in order. PyTorch: <c>optimizer.param_groups</c>.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Adds a group, e.g. layers unfrozen during fine-tuning; missing options come from
    /// <see cref="Defaults"/>. PyTorch: <c>optimizer.add_param_group</c>.</summary>
    /// <param name="group">The group to add.</param>
    /// <exception cref="ArgumentException">A parameter is already in another group, appears twice, or does not
    /// require a gradient while being a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter of the group is invalid.</exception>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (ParamGroup g in _groups)
            foreach (Parameter p in g.Params) seen.Add(p);
        foreach (Parameter p in group.Params)
        {
            if (!seen.Add(p))
                throw new ArgumentException($"{_name}: some parameters appear in more than one parameter group (or twice in one).", nameof(group));
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"{_name}: can only optimize floating-point parameters, got {p.DType}.", nameof(group));
        }
        foreach ((string key, object value) in _defaults) group.SetDefault(key, value);
        _validate(group);
        _groups.Add(group);
    }

    /// <summary>Resets the gradients of every parameter. PyTorch: <c>optimizer.zero_grad(set_to_none=…)</c>.</summary>
    /// <param name="setToNone">True (the default, as in PyTorch ≥ 2.0) drops the gradients, so the next
    /// <see cref="Step()"/> skips parameters that receive none; false fills them with zeros (1.13's default).</param>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (ParamGroup g in _groups)
            foreach (Parameter p in g.Params)
            {
                if (p.Grad is null) continue;
                if (setToNone) p.Grad = null;
                else if (p.Grad.GradFn is not null || p.Grad.RequiresGrad)
                {
                    // A gradient recorded in a graph (double backward) is replaced, as PyTorch detaches it first.
                    p.Grad = Tensor.ZerosLike(p.Grad);
                }
                else
                {
                    using (GradMode.Disable()) p.Grad.ZeroInPlace();
                }
            }
    }

    /// <summary>Applies one update to every parameter that has a gradient. PyTorch: <c>optimizer.step()</c>.</summary>
    public abstract void Step();

    /// <summary>Re-evaluates the loss with <paramref name="closure"/> (which should zero the gradients, compute the
    /// loss and call <see cref="Tensor.Backward"/>), then steps. PyTorch: <c>optimizer.step(closure)</c>.</summary>
    /// <param name="closure">Computes the loss and its gradients; runs with grad mode on.</param>
    /// <returns>The loss the closure returned.</returns>
    public virtual Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (GradMode.Enable()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>The state of a parameter (step count, moment buffers, …) by PyTorch key, created empty on first use.
    /// PyTorch: <c>optimizer.state[p]</c>.</summary>
    /// <param name="parameter">A parameter of this optimizer.</param>
    protected internal Dictionary<string, Tensor> StateOf(Parameter parameter)
    {
        if (!_state.TryGetValue(parameter, out Dictionary<string, Tensor>? s))
            _state[parameter] = s = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        return s;
    }

    /// <summary>The optimizer's state as PyTorch lays it out: per-parameter state keyed by the parameter's index
    /// across all groups in order, and each group's hyper-parameters with <c>"params"</c> as those indices.
    /// Tensors are copies. PyTorch: <c>optimizer.state_dict()</c>.</summary>
    public OptimizerStateDict StateDict()
    {
        var result = new OptimizerStateDict();
        int index = 0;
        var indexOf = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        foreach (ParamGroup g in _groups)
        {
            var packed = new Dictionary<string, object>(g.Options, StringComparer.Ordinal);
            var ids = new int[g.Params.Count];
            for (int i = 0; i < ids.Length; i++)
            {
                indexOf[g.Params[i]] = index;
                ids[i] = index++;
            }
            packed["params"] = ids;
            result.ParamGroups.Add(packed);
        }
        foreach ((Parameter p, Dictionary<string, Tensor> s) in _state)
            result.State[indexOf[p]] = s.ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone(), StringComparer.Ordinal);
        return result;
    }

    /// <summary>Restores state and hyper-parameters saved by <see cref="StateDict"/> (of an optimizer of the same type
    /// with groups of the same sizes); later steps are identical to those the saved optimizer would take.
    /// Buffers are copied and converted to each parameter's dtype (except <c>"step"</c>). PyTorch:
    /// <c>optimizer.load_state_dict</c>.</summary>
    /// <param name="stateDict">The saved state.</param>
    /// <exception cref="ArgumentException">The number of groups or a group's size differs, or a buffer's shape does
    /// not match its parameter.</exception>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"{_name}: loaded state dict has {stateDict.ParamGroups.Count} parameter groups, the optimizer has {_groups.Count}.", nameof(stateDict));
        var byIndex = new Dictionary<int, Parameter>();
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            int[] ids = stateDict.ParamGroups[gi].TryGetValue("params", out object? v) && v is int[] a ? a : [];
            if (ids.Length != _groups[gi].Params.Count)
                throw new ArgumentException($"{_name}: loaded state dict contains a parameter group of {ids.Length} parameters that doesn't match the size of optimizer's group {gi} ({_groups[gi].Params.Count}).", nameof(stateDict));
            for (int i = 0; i < ids.Length; i++) byIndex[ids[i]] = _groups[gi].Params[i];
        }

        _state.Clear();
        foreach ((int id, Dictionary<string, Tensor> saved) in stateDict.State)
        {
            if (!byIndex.TryGetValue(id, out Parameter? p))
                throw new ArgumentException($"{_name}: loaded state dict has state for parameter {id}, which no group lists.", nameof(stateDict));
            Dictionary<string, Tensor> s = StateOf(p);
            foreach ((string key, Tensor t) in saved)
            {
                if (key != "step" && t.Dim > 0 && !t.Shape.SequenceEqual(p.Shape))
                    throw new ArgumentException($"{_name}: state \"{key}\" of parameter {id} has shape ({string.Join(", ", t.Shape)}), the parameter ({string.Join(", ", p.Shape)}).", nameof(stateDict));
                Tensor copy = t.Detach().Clone();
                s[key] = key == "step" || !t.DType.IsFloatingPoint() || t.Dim == 0 ? copy : copy.To(p.DType);
            }
            DetachStateFromScope(p);
        }
        for (int gi = 0; gi < _groups.Count; gi++)
            foreach ((string key, object value) in stateDict.ParamGroups[gi])
                if (key != "params") _groups[gi][key] = value;
    }

    /// <summary>Increments the 0-d float64 step counter <c>state["step"]</c> (created at 0) and returns the new
    /// count, as PyTorch's <c>step_t += 1</c>.</summary>
    /// <param name="state">The parameter's state.</param>
    protected static double IncrementStep(Dictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out Tensor? step)) state["step"] = step = Tensor.Scalar(0.0, DType.Float64);
        return ++step.AsSpan<double>()[0];
    }

    /// <summary>Runs <paramref name="update"/> on a contiguous view of the parameter's storage and a contiguous
    /// gradient of the same dtype; a strided parameter is updated in a copy that is written back.</summary>
    /// <param name="parameter">The parameter, with a non-null gradient.</param>
    /// <param name="update">Receives (parameter data, gradient data).</param>
    /// <exception cref="InvalidOperationException">The gradient's shape differs from the parameter's.</exception>
    protected internal void Apply(Parameter parameter, Action<Tensor, Tensor> update)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(update);
        Tensor grad = parameter.Grad ?? throw new InvalidOperationException($"{_name}: the parameter has no gradient.");
        if (!grad.Shape.SequenceEqual(parameter.Shape))
            throw new InvalidOperationException($"{_name}: gradient of shape ({string.Join(", ", grad.Shape)}) for a parameter of shape ({string.Join(", ", parameter.Shape)}).");
        using var noGrad = GradMode.Disable();
        grad = grad.Detach();
        if (grad.DType != parameter.DType) grad = grad.To(parameter.DType);
        grad = grad.Contiguous();
        if (parameter.IsContiguous)
        {
            update(parameter.Detach(), grad);
        }
        else
        {
            Tensor work = parameter.Detach().Clone();
            update(work, grad);
            parameter.CopyInPlace(work);
        }
        DetachStateFromScope(parameter);
    }

    /// <summary>State made by an update inside a <see cref="TensorScope"/> (moment buffers created on the first
    /// step) lives as long as the optimizer, not the scope.</summary>
    private void DetachStateFromScope(Parameter parameter)
    {
        if (TensorScope.Current is null || !_state.TryGetValue(parameter, out Dictionary<string, Tensor>? s)) return;
        foreach (Tensor t in s.Values) t.DetachFromScope();
    }
}
