using System.Globalization;

namespace Nabla.Nn;

/// <summary>Applies its modules one after the other, each to the previous one's output. The children are named
/// "0", "1", … so that state-dict keys read "0.weight", "2.bias", as in PyTorch. PyTorch:
/// <c>torch.nn.Sequential</c>.</summary>
/// <remarks>Shapes: whatever the first module accepts → whatever the last one returns; an empty Sequential is the
/// identity.</remarks>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>True when the module and all its submodules are Nabla.Nn's own types.</summary>
    private static bool OwnModules(Module m) => m.Modules().All(x => x.GetType().Assembly == typeof(Sequential).Assembly);

    /// <summary>A sequence of the given modules, named "0", "1", …. PyTorch: <c>nn.Sequential(*modules)</c>.</summary>
    /// <param name="modules">The layers, in order.</param>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (Module<Tensor, Tensor> m in modules) Add(m);
    }

    /// <summary>A sequence of named modules. PyTorch: <c>nn.Sequential(OrderedDict([(name, module), …]))</c>.</summary>
    /// <param name="modules">The layers with their names, in order.</param>
    public Sequential(IEnumerable<(string Name, Module<Tensor, Tensor> Module)> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach ((string name, Module<Tensor, Tensor> m) in modules)
        {
            RegisterModule(name, m);
            _layers.Add(m);
        }
    }

    /// <summary>The number of layers. PyTorch: <c>len(sequential)</c>.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at a position (negative counts from the end). PyTorch: <c>sequential[index]</c>.</summary>
    /// <param name="index">The position.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [−Count, Count).</exception>
    public Module<Tensor, Tensor> this[int index]
    {
        get
        {
            if (index < -Count || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {Count} layers.");
            return _layers[index < 0 ? index + Count : index];
        }
    }

    /// <summary>Appends a layer, named by its position. PyTorch: <c>sequential.append(module)</c>.</summary>
    /// <param name="module">The layer.</param>
    /// <returns>This sequence.</returns>
    public Sequential Add(Module<Tensor, Tensor> module)
    {
        RegisterModule(_layers.Count.ToString(CultureInfo.InvariantCulture), module);
        _layers.Add(module);
        return this;
    }

    /// <summary>Runs the layers in order. PyTorch: <c>sequential(input)</c>.</summary>
    /// <param name="input">The first layer's input.</param>
    public override Tensor Forward(Tensor input)
    {
        // The outputs between layers are intermediates nothing outside reads, when every module involved is one of
        // Nabla's own (none keeps its output; a module of the user's might, e.g. to plot activations). A layer that
        // returns its input, as Identity or Dropout in eval mode do, hands back the caller's tensor: left alone.
        Tensor x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].Forward(x);
            bool intermediate = i < _layers.Count - 1 && x.GradFn is not null && !ReferenceEquals(x, input);
            if (intermediate && OwnModules(_layers[i]) && OwnModules(_layers[i + 1])) x.ReleaseAfterBackward();
        }
        return x;
    }
}
