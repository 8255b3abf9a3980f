namespace Nabla;

/// <summary>Functional entry points of reverse-mode automatic differentiation. PyTorch: <c>torch.autograd</c>.</summary>
public static class Autograd
{
    /// <summary>The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, returned
    /// rather than accumulated into <see cref="Tensor.Grad"/>. PyTorch: <c>torch.autograd.grad</c>.</summary>
    /// <param name="outputs">Tensors to differentiate (one-element ones unless <paramref name="gradOutputs"/> is given).</param>
    /// <param name="inputs">Tensors that require grad (leaves or intermediate results).</param>
    /// <param name="gradOutputs">dL/d(output) for each output: with them the result is the vector–Jacobian product.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <param name="allowUnused">Return null for inputs the outputs do not depend on, instead of throwing.</param>
    /// <returns>One gradient per input, each of that input's shape.</returns>
    /// <exception cref="InvalidOperationException">An input does not require grad, or is unused and
    /// <paramref name="allowUnused"/> is false.</exception>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
                                 bool retainGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        return Graph.Grad(outputs, inputs, gradOutputs, retainGraph, allowUnused);
    }

    /// <summary>Shorthand for one scalar output and one input.</summary>
    /// <param name="output">A one-element tensor.</param>
    /// <param name="input">A tensor that requires grad.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    public static Tensor Grad(Tensor output, Tensor input, bool retainGraph = false)
        => Graph.Grad([output], [input], null, retainGraph, allowUnused: false)[0]!;

    /// <summary>Enables anomaly detection until the scope is disposed. PyTorch: <c>torch.autograd.detect_anomaly()</c>.</summary>
    public static Anomaly.Scope DetectAnomaly() => Anomaly.Detect();
}
