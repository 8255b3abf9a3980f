namespace Nabla.Nn;

/// <summary>A module with a typed forward pass, <typeparamref name="TIn"/> → <typeparamref name="TOut"/>.
/// PyTorch: <c>torch.nn.Module.forward</c>.</summary>
/// <remarks>C# has no call operator, so <c>model(x)</c> is written <c>model.Forward(x)</c>; a module also converts
/// implicitly to a <see cref="Func{T, TResult}"/>, so it can be passed wherever a function is expected
/// (<c>Func&lt;Tensor, Tensor&gt; f = new Relu();</c>).</remarks>
/// <typeparam name="TIn">The input, e.g. <see cref="Tensor"/>.</typeparam>
/// <typeparam name="TOut">The output.</typeparam>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the module's output. PyTorch: <c>module(input)</c> / <c>module.forward(input)</c>.</summary>
    /// <param name="input">The input.</param>
    public abstract TOut Forward(TIn input);

    /// <summary>The forward pass as a delegate, e.g. for LINQ's <c>Select</c>. PyTorch: a module is callable,
    /// <c>module(x)</c>.</summary>
    public Func<TIn, TOut> AsFunc() => Forward;

    /// <summary>The module's forward pass as a delegate, so that a module can be used as a function. PyTorch: a module
    /// is callable, <c>module(x)</c>.</summary>
    /// <param name="module">The module.</param>
    public static implicit operator Func<TIn, TOut>(Module<TIn, TOut> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.Forward;
    }
}
