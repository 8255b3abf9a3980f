namespace Nabla.Nn;

/// <summary>Holds sub-modules by name, in insertion order, without defining a forward pass. PyTorch:
/// <c>torch.nn.ModuleDict</c>.</summary>
public sealed class ModuleDict : Module
{
    private readonly Dictionary<string, Module> _items = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    /// <summary>A dictionary of the given named modules. PyTorch: <c>nn.ModuleDict({name: module, …})</c>.</summary>
    /// <param name="modules">The modules with their names, in order.</param>
    public ModuleDict(params (string Name, Module Module)[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach ((string name, Module m) in modules) Add(name, m);
    }

    /// <summary>The number of modules. PyTorch: <c>len(module_dict)</c>.</summary>
    public int Count => _items.Count;

    /// <summary>The names, in insertion order. PyTorch: <c>module_dict.keys()</c>.</summary>
    public IReadOnlyList<string> Keys => _keys.AsReadOnly();

    /// <summary>The module registered under a name. PyTorch: <c>module_dict[key]</c>.</summary>
    /// <param name="key">The name.</param>
    /// <exception cref="KeyNotFoundException">No module has that name.</exception>
    public Module this[string key]
        => _items.TryGetValue(key, out Module? m) ? m
           : throw new KeyNotFoundException($"ModuleDict: no module named '{key}' (have: {string.Join(", ", _keys)}).");

    /// <summary>Whether a module is registered under the name. PyTorch: <c>key in module_dict</c>.</summary>
    /// <param name="key">The name.</param>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>Adds a module under a new name. PyTorch: <c>module_dict[key] = module</c> for a new key.</summary>
    /// <param name="key">The name; no dots.</param>
    /// <param name="module">The module.</param>
    /// <returns>This dictionary.</returns>
    /// <exception cref="ArgumentException">The name is already used or contains a dot.</exception>
    public ModuleDict Add(string key, Module module)
    {
        RegisterModule(key, module);
        _items.Add(key, module);
        _keys.Add(key);
        return this;
    }
}
