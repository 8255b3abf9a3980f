using System.Globalization;
using System.Text;
using Nabla.IO;
using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Base class of every layer and model. Parameters, buffers and sub-modules are registered explicitly, in
/// declaration order, under the names PyTorch uses, so that state-dict keys ("layers.0.weight") map one to one
/// onto PyTorch checkpoints. PyTorch: <c>torch.nn.Module</c>.</summary>
/// <remarks>Registration replaces PyTorch's attribute magic (<c>self.fc = nn.Linear(…)</c>): a module calls
/// <see cref="RegisterParameter(string, Tensor)"/>, <see cref="RegisterBuffer"/> and
/// <see cref="RegisterModule{TModule}"/> in its constructor, keeps the returned objects in fields, and uses them in
/// its forward pass. Nothing is discovered by reflection, so trimming and NativeAOT keep working.</remarks>
public abstract class Module
{
    private readonly List<(string Name, Parameter Value)> _parameters = [];
    private readonly List<(string Name, Tensor Value, bool Persistent)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>. Layers such as
    /// <see cref="Dropout"/> behave differently in the two modes. PyTorch: <c>module.training</c>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The type name shown by <see cref="ToString"/>, PyTorch's class name (e.g. "ReLU" for
    /// <see cref="Relu"/>). PyTorch: <c>module._get_name()</c>.</summary>
    protected virtual string TypeName => GetType().Name;

    /// <summary>The layer's own settings for <see cref="ToString"/>, e.g. "in_features=2, out_features=4,
    /// bias=True"; empty by default. PyTorch: <c>module.extra_repr()</c>.</summary>
    protected virtual string ExtraRepr() => string.Empty;

    // ---- registration --------------------------------------------------------------------------------------

    /// <summary>Registers a learnable parameter under <paramref name="name"/>. A <see cref="Parameter"/> is kept as
    /// it is (so it can be shared between modules); any other tensor is wrapped, sharing its storage. PyTorch:
    /// <c>module.register_parameter(name, param)</c>.</summary>
    /// <param name="name">The key in the state dict, e.g. "weight"; no dots.</param>
    /// <param name="value">The initial values; a floating-point tensor.</param>
    /// <returns>The registered parameter.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used by a parameter,
    /// buffer or sub-module of this module; or the tensor is not floating-point.</exception>
    public Parameter RegisterParameter(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(nameof(RegisterParameter), name);
        Parameter parameter = value as Parameter ?? new Parameter(value.Detach());
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers a tensor that is part of the module's state but not trained, such as a running mean or a
    /// class weight. PyTorch: <c>module.register_buffer(name, tensor, persistent)</c>.</summary>
    /// <param name="name">The key in the state dict; no dots.</param>
    /// <param name="value">The buffer (kept by reference).</param>
    /// <param name="persistent">Whether <see cref="StateDict"/> includes it (PyTorch's default: true).</param>
    /// <returns>The buffer.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used.</exception>
    public Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(nameof(RegisterBuffer), name);
        _buffers.Add((name, value.DetachFromScope(), persistent));
        return value;
    }

    /// <summary>Registers a sub-module; its parameters appear under "name.…". PyTorch:
    /// <c>module.register_module(name, module)</c> / <c>add_module</c>.</summary>
    /// <typeparam name="TModule">The child's type, returned unchanged so it can be stored in a typed field.</typeparam>
    /// <param name="name">The child's name, e.g. "fc1" or "0"; no dots.</param>
    /// <param name="module">The child.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used; or the child is
    /// this module or contains it.</exception>
    public TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(nameof(RegisterModule), name);
        // A cycle would make StateDict, ToString and the traversals recurse forever.
        if (module.Modules().Any(m => ReferenceEquals(m, this)))
            throw new ArgumentException($"{TypeName}.{nameof(RegisterModule)}: '{name}' would contain this module itself (a cycle).", nameof(module));
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string op, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"{TypeName}.{op}: name '{name}' must not contain '.' (dots separate the levels of state-dict keys).", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _buffers.Exists(b => b.Name == name) || _children.Exists(c => c.Name == name))
            throw new ArgumentException($"{TypeName}.{op}: '{name}' is already registered in this module.", nameof(name));
    }

    // ---- traversal -----------------------------------------------------------------------------------------

    /// <summary>Every parameter of this module and its descendants with its dotted name, in registration order
    /// (own parameters first, then each child's), each shared parameter once. PyTorch:
    /// <c>module.named_parameters()</c>.</summary>
    /// <param name="prefix">Prepended to every name.</param>
    /// <param name="recurse">Include the descendants' parameters (true) or only this module's.</param>
    public IEnumerable<(string Name, Parameter Value)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach ((string name, Module module) in recurse ? NamedModules(prefix) : [(prefix, this)])
        {
            foreach ((string pname, Parameter p) in module._parameters)
            {
                if (seen.Add(p)) yield return (Join(name, pname), p);
            }
        }
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>; what an optimizer takes. PyTorch:
    /// <c>module.parameters()</c>.</summary>
    /// <param name="recurse">Include the descendants' parameters.</param>
    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Value);

    /// <summary>Every buffer (persistent or not) with its dotted name, each shared buffer once. PyTorch:
    /// <c>module.named_buffers()</c>.</summary>
    /// <param name="prefix">Prepended to every name.</param>
    /// <param name="recurse">Include the descendants' buffers.</param>
    public IEnumerable<(string Name, Tensor Value)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach ((string name, Module module) in recurse ? NamedModules(prefix) : [(prefix, this)])
        {
            foreach ((string bname, Tensor b, _) in module._buffers)
            {
                if (seen.Add(b)) yield return (Join(name, bname), b);
            }
        }
    }

    /// <summary>Every buffer. PyTorch: <c>module.buffers()</c>.</summary>
    /// <param name="recurse">Include the descendants' buffers.</param>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Value);

    /// <summary>The direct sub-modules with their names. PyTorch: <c>module.named_children()</c>.</summary>
    public IEnumerable<(string Name, Module Value)> NamedChildren() => _children.AsReadOnly();

    /// <summary>The direct sub-modules. PyTorch: <c>module.children()</c>.</summary>
    public IEnumerable<Module> Children() => _children.Select(c => c.Value);

    /// <summary>This module and all its descendants, depth first, with dotted names ("" for this one), each
    /// shared module once. PyTorch: <c>module.named_modules()</c>.</summary>
    /// <param name="prefix">The name given to this module.</param>
    public IEnumerable<(string Name, Module Value)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push((prefix, this));
        while (stack.Count > 0)
        {
            (string name, Module module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (name, module);
            for (int i = module._children.Count - 1; i >= 0; i--)
                stack.Push((Join(name, module._children[i].Name), module._children[i].Value));
        }
    }

    /// <summary>This module and all its descendants, depth first. PyTorch: <c>module.modules()</c>.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Value);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- modes and gradients -------------------------------------------------------------------------------

    /// <summary>Sets training mode on this module and every descendant. PyTorch: <c>module.train(mode)</c>.</summary>
    /// <param name="mode">True for training, false for evaluation.</param>
    /// <returns>This module.</returns>
    public Module Train(bool mode = true)
    {
        foreach (Module m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>): dropout stops dropping. PyTorch: <c>module.eval()</c>.</summary>
    /// <returns>This module.</returns>
    public Module Eval() => Train(false);

    /// <summary>Drops the accumulated gradient of every parameter (PyTorch's default <c>set_to_none=True</c>).
    /// PyTorch: <c>module.zero_grad()</c>.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter p in Parameters()) p.ZeroGrad();
    }

    // ---- state dict ----------------------------------------------------------------------------------------

    /// <summary>The module's state: every parameter and persistent buffer under its dotted name, in PyTorch's
    /// order (each module's own parameters, then its buffers, then its children's entries). The values share
    /// storage with the module and are detached from the graph. PyTorch: <c>module.state_dict()</c>.</summary>
    /// <returns>An ordered map from key to tensor; shared tensors appear under every key, as in PyTorch.</returns>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        AddState(state, string.Empty);
        return state;
    }

    private void AddState(OrderedDictionary<string, Tensor> state, string prefix)
    {
        foreach ((string name, Parameter p) in _parameters) state[prefix + name] = p.Detach();
        foreach ((string name, Tensor b, bool persistent) in _buffers)
        {
            if (persistent) state[prefix + name] = b.Detach();
        }
        foreach ((string name, Module child) in _children) child.AddState(state, prefix + name + ".");
    }

    /// <summary>Copies values from <paramref name="stateDict"/> into this module's parameters and persistent
    /// buffers, in place and without recording gradients (converting the dtype if needed). Nothing is copied if
    /// any shape differs, or if keys are missing or unexpected in strict mode. PyTorch:
    /// <c>module.load_state_dict(state_dict, strict)</c>.</summary>
    /// <param name="stateDict">Key → tensor, e.g. from <see cref="StateDict"/> or <see cref="SafeTensors.Load"/>.</param>
    /// <param name="strict">Require the keys to match exactly (PyTorch's default). When false, missing and
    /// unexpected keys are reported in the result instead of thrown.</param>
    /// <returns>The missing and unexpected keys (both empty in strict mode).</returns>
    /// <exception cref="InvalidOperationException">Listing, like PyTorch, the missing keys and unexpected keys (in
    /// strict mode) and every shape mismatch with the key and both shapes.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        OrderedDictionary<string, Tensor> own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        if (strict && unexpected.Count > 0)
            errors.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        if (strict && missing.Count > 0)
            errors.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        foreach ((string key, Tensor target) in own)
        {
            if (!stateDict.TryGetValue(key, out Tensor? source)) continue;
            ArgumentNullException.ThrowIfNull(source, key);
            if (!source.Shape.SequenceEqual(target.Shape))
                errors.Add($"size mismatch for {key}: copying a param with shape {Py.Shape(source.Shape)} from checkpoint, the shape in current model is {Py.Shape(target.Shape)}.");
        }
        if (errors.Count > 0)
            throw new InvalidOperationException($"Error(s) in loading state_dict for {TypeName}:\n\t" + string.Join("\n\t", errors));
        using (GradMode.Disable())
        {
            foreach ((string key, Tensor target) in own)
            {
                if (stateDict.TryGetValue(key, out Tensor? source)) target.CopyInPlace(source);
            }
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>Writes <see cref="StateDict"/> to a safetensors file (atomically). PyTorch with the safetensors
    /// package: <c>safetensors.torch.save_model(model, path, metadata)</c>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Optional string pairs stored under "__metadata__".</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
        => SafeTensors.Save(path, StateDict(), metadata);

    /// <summary>Reads a safetensors file into this module through <see cref="LoadStateDict"/>. PyTorch with the
    /// safetensors package: <c>safetensors.torch.load_model(model, path, strict)</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="strict">Require the keys to match exactly.</param>
    /// <returns>The missing and unexpected keys.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    /// <exception cref="InvalidOperationException">Keys or shapes do not match (see <see cref="LoadStateDict"/>).</exception>
    public LoadStateDictResult Load(string path, bool strict = true) => LoadStateDict(SafeTensors.Load(path), strict);

    // ---- printing ------------------------------------------------------------------------------------------

    /// <summary>The module tree as PyTorch prints it: one line per leaf module with its settings, children
    /// indented by two spaces and named, e.g. <c>(0): Linear(in_features=784, out_features=256, bias=True)</c>.
    /// PyTorch: <c>repr(module)</c>.</summary>
    public override string ToString()
    {
        string extra = ExtraRepr();
        string[] extraLines = extra.Length == 0 ? [] : extra.Split('\n');
        var childLines = _children.Select(c => $"({c.Name}): " + c.Value.ToString().Replace("\n", "\n  ", StringComparison.Ordinal)).ToList();
        var sb = new StringBuilder(TypeName).Append('(');
        if (extraLines.Length == 1 && childLines.Count == 0) sb.Append(extraLines[0]);
        else if (extraLines.Length + childLines.Count > 0)
            sb.Append("\n  ").AppendJoin("\n  ", extraLines.Concat(childLines)).Append('\n');
        return sb.Append(')').ToString();
    }

    /// <summary>A table of every parameter's dotted name, shape and element count, then the total (and how many
    /// are trainable), in the spirit of Keras's <c>model.summary()</c> and Flux's <c>show</c>; PyTorch has no
    /// built-in equivalent (torchinfo: <c>summary(model)</c>).</summary>
    public string Summary()
    {
        var rows = NamedParameters().Select(p => (p.Name, Shape: Py.Shape(p.Value.Shape), Count: p.Value.NumEl, p.Value.RequiresGrad)).ToList();
        const string NameHeader = "Parameter", ShapeHeader = "Shape", CountHeader = "Count";
        int nameWidth = rows.Select(r => r.Name.Length).Append(NameHeader.Length).Max();
        int shapeWidth = rows.Select(r => r.Shape.Length).Append(ShapeHeader.Length).Max();
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        int countWidth = rows.Select(r => N(r.Count).Length).Append(CountHeader.Length).Max();
        long total = rows.Sum(r => (long)r.Count), trainable = rows.Where(r => r.RequiresGrad).Sum(r => (long)r.Count);
        var sb = new StringBuilder();
        sb.Append(TypeName).Append('\n');
        sb.Append(NameHeader.PadRight(nameWidth)).Append("  ").Append(ShapeHeader.PadRight(shapeWidth)).Append("  ")
          .Append(CountHeader.PadLeft(countWidth)).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Name.PadRight(nameWidth)).Append("  ").Append(r.Shape.PadRight(shapeWidth)).Append("  ")
              .Append(N(r.Count).PadLeft(countWidth)).Append('\n');
        }
        sb.Append($"Total parameters: {N(total)} (trainable: {N(trainable)})");
        return sb.ToString();
    }
}
