namespace Nabla;

/// <summary>A recorded op in the graph: its name, where each input's gradient goes, and the backward function
/// that maps dL/d(output) to dL/d(input) for every input. PyTorch: the object behind <c>tensor.grad_fn</c>.</summary>
/// <remarks>A node holds the op's saved tensors only through its backward closure, which is dropped after
/// backward unless the graph is retained; the inputs themselves are referenced only as edges (their node, or
/// the leaf tensor), so intermediate results can be collected as soon as nothing else needs them.</remarks>
public sealed class Node
{
    internal readonly Edge[] Edges;
    internal readonly int[][] InputShapes;
    internal Func<Tensor, Tensor?[]>? BackwardFunction;

    /// <summary>Storage of this node's output declared dead after its backward (<see cref="Tensor.ReleaseAfterBackward"/>).</summary>
    internal List<Array>? Released;

    internal Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Edges = new Edge[inputs.Length];
        InputShapes = new int[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            Tensor t = inputs[i];
            InputShapes[i] = t.ShapeArray;
            if (t.GradFn is not null) Edges[i] = new Edge(t.GradFn, null);
            else if (t.RequiresGrad) Edges[i] = new Edge(null, t);
        }
        BackwardFunction = backward;
    }

    internal void Release(Array data)
    {
        Released ??= [];
        if (!Released.Contains(data)) Released.Add(data);
    }

    /// <summary>The op's name, e.g. "MatMul" (used in error messages and graph dumps).</summary>
    public string Name { get; }

    /// <summary>The nodes this node's gradient flows into (null for inputs that are leaves or need no gradient).</summary>
    public IEnumerable<Node?> NextFunctions => Edges.Select(e => e.Node);

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}Backward>";

    internal readonly record struct Edge(Node? Node, Tensor? Leaf)
    {
        public bool IsEmpty => Node is null && Leaf is null;
    }
}
