using System.Globalization;

namespace Nabla.Optim;

/// <summary>A set of parameters that share hyper-parameters (learning rate, momentum, betas, …), stored under
/// PyTorch's names (<c>"lr"</c>, <c>"momentum"</c>, <c>"weight_decay"</c>, <c>"betas"</c>, …). PyTorch: an entry of
/// <c>optimizer.param_groups</c>.</summary>
/// <remarks>
/// Options not set on the group are filled from the optimizer's defaults when the group is added (PyTorch's
/// <c>setdefault</c>), so <c>new ParamGroup(head) { ["lr"] = 1e-2 }</c> overrides only the learning rate.
/// Values are <see cref="double"/>, <see cref="bool"/>, or <c>(double, double)</c> for <c>"betas"</c>.
/// Schedulers write <see cref="Lr"/> and may add keys such as <c>"initial_lr"</c>.
/// </remarks>
public sealed class ParamGroup
{
    private readonly Dictionary<string, object> _options = new(StringComparer.Ordinal);

    /// <summary>A group holding <paramref name="parameters"/>, in order.</summary>
    /// <param name="parameters">The parameters; each appears in at most one group of an optimizer.</param>
    /// <exception cref="ArgumentNullException">A parameter is null.</exception>
    public ParamGroup(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = [.. parameters];
        foreach (Parameter p in Params) ArgumentNullException.ThrowIfNull(p, nameof(parameters));
    }

    /// <summary>The group's parameters, in order. PyTorch: <c>group["params"]</c>.</summary>
    public IReadOnlyList<Parameter> Params { get; }

    /// <summary>The hyper-parameters by PyTorch name (everything of the PyTorch group except <c>"params"</c>).</summary>
    public IReadOnlyDictionary<string, object> Options => _options;

    /// <summary>A hyper-parameter by its PyTorch name. PyTorch: <c>group[name]</c>.</summary>
    /// <param name="name">The PyTorch key, e.g. <c>"momentum"</c>.</param>
    /// <exception cref="KeyNotFoundException">The group has no such option.</exception>
    public object this[string name]
    {
        get => _options.TryGetValue(name, out object? v)
            ? v
            : throw new KeyNotFoundException($"ParamGroup: no option \"{name}\"; it has {string.Join(", ", _options.Keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _options[name] = value;
        }
    }

    /// <summary>The learning rate. PyTorch: <c>group["lr"]</c>.</summary>
    public double Lr
    {
        get => GetDouble("lr");
        set => _options["lr"] = value;
    }

    /// <summary>Whether the group has an option. PyTorch: <c>name in group</c>.</summary>
    /// <param name="name">The PyTorch key.</param>
    public bool Contains(string name) => _options.ContainsKey(name);

    /// <summary>A numeric option as a double (an int or float set by the user is converted).</summary>
    /// <param name="name">The PyTorch key.</param>
    /// <exception cref="KeyNotFoundException">The group has no such option.</exception>
    public double GetDouble(string name) => Convert.ToDouble(this[name], CultureInfo.InvariantCulture);

    /// <summary>A boolean option such as <c>"nesterov"</c> or <c>"amsgrad"</c>.</summary>
    /// <param name="name">The PyTorch key.</param>
    /// <exception cref="KeyNotFoundException">The group has no such option.</exception>
    public bool GetBool(string name) => Convert.ToBoolean(this[name], CultureInfo.InvariantCulture);

    /// <summary>The <c>"betas"</c> pair (β₁, β₂) of the Adam family.</summary>
    /// <exception cref="KeyNotFoundException">The group has no betas.</exception>
    /// <exception cref="InvalidCastException">The value is not a <c>(double, double)</c>.</exception>
    public (double Beta1, double Beta2) GetBetas() => ((double, double))this["betas"];

    /// <summary>Sets an option unless the group already has it. PyTorch: <c>group.setdefault</c>.</summary>
    internal void SetDefault(string name, object value) => _options.TryAdd(name, value);
}
