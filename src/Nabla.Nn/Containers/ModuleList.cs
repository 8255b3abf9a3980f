using System.Globalization;

namespace Nabla.Nn;

/// <summary>Holds sub-modules in a list, registered as "0", "1", …, without defining a forward pass: the owning
/// module decides how to call them. PyTorch: <c>torch.nn.ModuleList</c>.</summary>
public sealed class ModuleList : Module
{
    private readonly List<Module> _items = [];

    /// <summary>A list of the given modules. PyTorch: <c>nn.ModuleList(modules)</c>.</summary>
    /// <param name="modules">The modules, in order.</param>
    public ModuleList(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (Module m in modules) Add(m);
    }

    /// <summary>The number of modules. PyTorch: <c>len(module_list)</c>.</summary>
    public int Count => _items.Count;

    /// <summary>The module at a position (negative counts from the end). PyTorch: <c>module_list[index]</c>.</summary>
    /// <param name="index">The position.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [−Count, Count).</exception>
    public Module this[int index]
    {
        get
        {
            if (index < -Count || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"ModuleList: index {index} is out of range for {Count} modules.");
            return _items[index < 0 ? index + Count : index];
        }
    }

    /// <summary>Appends a module, named by its position. PyTorch: <c>module_list.append(module)</c>.</summary>
    /// <param name="module">The module.</param>
    /// <returns>This list.</returns>
    public ModuleList Add(Module module)
    {
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }
}
