using Nabla.Internal;

namespace Nabla;

/// <summary>Records ops into the dynamic graph and runs the backward pass over it.</summary>
internal static class Graph
{
    [ThreadStatic] private static bool t_inBackward;
    [ThreadStatic] private static bool t_retainGraph;
    [ThreadStatic] private static HashSet<Array>? t_fresh;

    /// <summary>True while a backward pass that keeps the graph runs: a backward function may then run again, so it
    /// must not release what it saved (see <see cref="Internal.SavedBuffers"/>).</summary>
    public static bool RetainingGraph => t_retainGraph;

    /// <summary>Called by tensor allocation for every array big enough to be pooled: while a backward function
    /// runs on this thread, the engine learns which of the gradients it returns are in storage it just made.</summary>
    public static void NoteAllocation(Array data) => t_fresh?.Add(data);

    /// <summary>Attaches <paramref name="backward"/> to <paramref name="output"/> when grad mode is on and any
    /// input requires a gradient; checks the output for NaN/∞ in anomaly mode.</summary>
    /// <param name="output">The op's freshly made result.</param>
    /// <param name="op">The op's name, for errors and <see cref="Node.Name"/>.</param>
    /// <param name="inputs">The op's tensor inputs, in the order the backward returns their gradients.</param>
    /// <param name="backward">dL/d(output) → dL/d(input) for each input (null where none is needed).</param>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        // Ops run by a backward function are checked as that node's gradients, not as forwards of their own.
        foreach (Tensor t in inputs) t.ThrowIfReleased(op);
        if (Anomaly.IsEnabled && !t_inBackward) Anomaly.Check(output, op, "forward");
        if (!GradMode.IsEnabled) return output;
        foreach (Tensor t in inputs)
        {
            if (!t.RequiresGrad) continue;
            output.GradFn = new Node(op, inputs, backward);
            output.RequiresGradFromGraph();
            TensorScope.NoteGraph();
            return output;
        }
        return output;
    }

    /// <summary>True when an op on these inputs will be recorded.</summary>
    public static bool Needed(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    /// <summary>Accumulates gradients into the leaves' <see cref="Tensor.Grad"/>.</summary>
    public static void Backward(Tensor[] roots, Tensor[]? gradients, bool retainGraph)
        => Run(roots, gradients, retainGraph, capture: null);

    /// <summary>Computes gradients of <paramref name="roots"/> for <paramref name="inputs"/> without touching
    /// any <see cref="Tensor.Grad"/>.</summary>
    public static Tensor?[] Grad(Tensor[] roots, Tensor[] inputs, Tensor[]? gradients, bool retainGraph, bool allowUnused)
    {
        var capture = new Dictionary<object, Tensor?>(ReferenceEqualityComparer.Instance);
        foreach (Tensor x in inputs)
        {
            if (!x.RequiresGrad)
                throw new InvalidOperationException($"Autograd.Grad: an input of shape {x.ShapeString} does not require grad.");
            capture[Key(x)] = null;
        }
        Run(roots, gradients, retainGraph, capture);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            result[i] = capture[Key(inputs[i])];
            if (result[i] is null && !allowUnused)
                throw new InvalidOperationException(
                    $"Autograd.Grad: input {i} of shape {inputs[i].ShapeString} was not used to compute the outputs; pass allowUnused: true to get null for it.");
        }
        return result;
    }

    private static object Key(Tensor t) => (object?)t.GradFn ?? t;

    private static void Run(Tensor[] roots, Tensor[]? gradients, bool retainGraph, Dictionary<object, Tensor?>? capture)
    {
        if (gradients is not null && gradients.Length != roots.Length)
            throw new ArgumentException($"Backward: {roots.Length} outputs but {gradients.Length} gradients.");
        foreach (Tensor root in roots) root.ThrowIfReleased("Backward");
        TensorScope.NoteGraph();
        using var noGrad = GradMode.Disable();
        bool wasInBackward = t_inBackward, wasRetaining = t_retainGraph;
        t_inBackward = true;
        t_retainGraph = retainGraph;
        try
        {
            RunGraph(roots, gradients, retainGraph, capture);
        }
        finally
        {
            t_inBackward = wasInBackward;
            t_retainGraph = wasRetaining;
        }
    }

    /// <remarks>Gradient ownership: a gradient a backward function returns is owned by the engine when it is in
    /// storage that function allocated (or the owned incoming gradient's storage, for views such as a reshape's
    /// backward), covers that storage whole (contiguous, or a dense permuted view that owns it, as attention's
    /// heads-interleaved gradients) and shares it with no other returned gradient. Nothing outside the
    /// engine can reach an owned gradient, so the engine (1) accumulates into it in place instead of allocating
    /// old + g for every second path into a node (a residual stream's gradients), (2) hands it over as a leaf's
    /// first <see cref="Tensor.Grad"/> without a copy, and (3) gives its storage to <see cref="StoragePool"/> once
    /// the node's backward has consumed it, so the next op reuses warm memory instead of making garbage. Gradients
    /// captured for <c>Autograd.Grad</c> or given by the caller are never owned.</remarks>
    private static void RunGraph(Tensor[] roots, Tensor[]? gradients, bool retainGraph, Dictionary<object, Tensor?>? capture)
    {
        var pending = new Dictionary<Node, Pending>(ReferenceEqualityComparer.Instance);
        var rootNodes = new List<Node>();
        for (int i = 0; i < roots.Length; i++)
        {
            Tensor root = roots[i];
            Tensor g = RootGradient(root, gradients?[i], i);
            if (root.GradFn is null)
            {
                if (!root.RequiresGrad)
                    throw new InvalidOperationException(
                        $"Backward: output {i} of shape {root.ShapeString} does not require grad and has no GradFn.");
                Deliver(root, g, capture, owned: false);
                continue;
            }
            Accumulate(pending, root.GradFn, g, owned: false);
            rootNodes.Add(root.GradFn);
        }

        // Count, for every reachable node, how many edges point at it; a node runs once all of them delivered.
        // The walk is iterative (an explicit stack), so graphs 100,000 ops deep do not overflow the call stack.
        var dependencies = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (Node n in rootNodes)
        {
            if (dependencies.TryAdd(n, 0)) stack.Push(n);
        }
        while (stack.Count > 0)
        {
            Node n = stack.Pop();
            foreach (Node.Edge e in n.Edges)
            {
                if (e.Node is null) continue;
                if (dependencies.TryGetValue(e.Node, out int c)) dependencies[e.Node] = c + 1;
                else
                {
                    dependencies[e.Node] = 1;
                    stack.Push(e.Node);
                }
            }
        }

        var ready = new Stack<Node>();
        foreach (Node n in rootNodes)
        {
            if (dependencies[n] == 0 && !ready.Contains(n)) ready.Push(n);
        }
        var fresh = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        while (ready.Count > 0)
        {
            Node node = ready.Pop();
            pending.Remove(node, out Pending incoming);
            Tensor? g = incoming.Grad;
            Tensor?[]? inputGrads = null;
            bool[]? owned = null;
            if (g is not null)
            {
                bool gOwned = incoming.Owned;
                if (capture is not null && capture.ContainsKey(node))
                {
                    capture[node] = Sum(capture[node], g);
                    gOwned = false;
                }
                Func<Tensor, Tensor?[]> backward = node.BackwardFunction ?? throw new InvalidOperationException(
                    $"Backward: trying to backward through {node.Name} a second time; its saved tensors were freed. Pass retainGraph: true to the first Backward.");
                HashSet<Array>? outer = t_fresh;
                fresh.Clear();
                t_fresh = fresh;
                try
                {
                    inputGrads = backward(g);
                }
                finally
                {
                    t_fresh = outer;
                }
                if (!retainGraph) node.BackwardFunction = null;
                Check(node, inputGrads);
                owned = Ownership(inputGrads, g, gOwned, fresh);
                if (gOwned && !Shares(inputGrads, g.Data)) StoragePool.Return(g.Data);
                // The node's own output, when its maker declared it an intermediate: every consumer in the graph
                // has an edge to this node, so all of them have run their backward by now.
                if (!retainGraph && node.Released is { } released)
                {
                    node.Released = null;
                    foreach (Array a in released)
                    {
                        if (!ReferenceEquals(a, g.Data) && !Shares(inputGrads, a)) StoragePool.Return(a);
                    }
                }
            }
            for (int i = 0; i < node.Edges.Length; i++)
            {
                Node.Edge e = node.Edges[i];
                Tensor? gi = inputGrads?[i];
                if (e.Node is not null)
                {
                    if (gi is not null) Accumulate(pending, e.Node, gi, owned![i]);
                    int left = dependencies[e.Node] - 1;
                    dependencies[e.Node] = left;
                    if (left == 0) ready.Push(e.Node);
                }
                else if (e.Leaf is not null && gi is not null) Deliver(e.Leaf, gi, capture, owned![i]);
            }
        }
    }

    /// <summary>A gradient waiting for its node to run, and whether the engine owns its storage.</summary>
    private readonly record struct Pending(Tensor? Grad, bool Owned);

    /// <summary>Which returned gradients the engine owns (see <see cref="RunGraph"/>): storage made during the
    /// backward call (<paramref name="fresh"/>) or the owned incoming gradient's, covered whole, by no other
    /// returned gradient.</summary>
    private static bool[] Ownership(Tensor?[] grads, Tensor g, bool gOwned, HashSet<Array> fresh)
    {
        var owned = new bool[grads.Length];
        for (int i = 0; i < grads.Length; i++)
        {
            Tensor? gi = grads[i];
            if (gi is null || gi.GradFn is not null || gi.RequiresGrad || !(Whole(gi) || (gi.OwnsStorage && gi.NumEl == gi.Data.Length))) continue;
            if (!fresh.Contains(gi.Data) && !(gOwned && ReferenceEquals(gi.Data, g.Data))) continue;
            bool alone = true;
            for (int j = 0; j < grads.Length && alone; j++) alone = j == i || grads[j] is null || !ReferenceEquals(grads[j]!.Data, gi.Data);
            owned[i] = alone;
        }
        return owned;
    }

    /// <summary>True when the tensor is its storage: contiguous from element 0 to the last.</summary>
    private static bool Whole(Tensor t) => t.IsContiguous && t.Offset == 0 && t.NumEl == t.Data.Length;

    private static bool Shares(Tensor?[] grads, Array data)
    {
        foreach (Tensor? gi in grads)
        {
            if (gi is not null && ReferenceEquals(gi.Data, data)) return true;
        }
        return false;
    }

    private static Tensor RootGradient(Tensor root, Tensor? given, int index)
    {
        if (given is null)
        {
            if (root.NumEl != 1)
                throw new InvalidOperationException(
                    $"Backward: a gradient can be created implicitly only for one-element outputs; output {index} has shape {root.ShapeString}. Pass a gradient of the same shape.");
            return Tensor.Ones(root.ShapeArray, root.DType);
        }
        if (!given.ShapeArray.AsSpan().SequenceEqual(root.ShapeArray))
            throw new ArgumentException($"Backward: gradient of shape {given.ShapeString} does not match output {index} of shape {root.ShapeString}.");
        return given.DType == root.DType ? given : given.To(root.DType);
    }

    private static void Check(Node node, Tensor?[] grads)
    {
        if (grads.Length != node.Edges.Length)
            throw new InvalidOperationException($"Backward of {node.Name} returned {grads.Length} gradients for {node.Edges.Length} inputs.");
        for (int i = 0; i < grads.Length; i++)
        {
            Tensor? g = grads[i];
            if (g is null) continue;
            if (!g.ShapeArray.AsSpan().SequenceEqual(node.InputShapes[i]))
                throw new InvalidOperationException(
                    $"Backward of {node.Name} returned a gradient of shape {g.ShapeString} for input {i} of shape {Layout.Format(node.InputShapes[i])}.");
            if (Anomaly.IsEnabled) Anomaly.Check(g, node.Name, $"backward (gradient for input {i})");
        }
    }

    /// <summary>Adds a gradient arriving at a node to what is pending there. Float addition is commutative, so
    /// adding in place into whichever operand the engine owns gives the same bits as allocating old + g.</summary>
    private static void Accumulate(Dictionary<Node, Pending> pending, Node node, Tensor g, bool owned)
    {
        if (!pending.TryGetValue(node, out Pending old))
        {
            pending[node] = new Pending(g, owned);
            return;
        }
        Tensor o = old.Grad!;
        if (o.DType == g.DType && old.Owned)
        {
            o.AddInPlace(g);
            if (owned) StoragePool.Return(g.Data);
        }
        else if (o.DType == g.DType && owned) pending[node] = new Pending(g.AddInPlace(o), true);
        else
        {
            Tensor sum = o + g;
            pending[node] = new Pending(sum, Whole(sum) && !ReferenceEquals(sum.Data, o.Data) && !ReferenceEquals(sum.Data, g.Data));
            if (old.Owned) StoragePool.Return(o.Data);
            if (owned) StoragePool.Return(g.Data);
        }
    }

    private static Tensor Sum(Tensor? a, Tensor b) => a is null ? b : a + b;

    /// <summary>Adds a gradient into a leaf's <see cref="Tensor.Grad"/> (or into <paramref name="capture"/>). An owned
    /// gradient becomes the leaf's first gradient as is; otherwise the leaf gets a copy.</summary>
    private static void Deliver(Tensor leaf, Tensor g, Dictionary<object, Tensor?>? capture, bool owned)
    {
        if (capture is not null)
        {
            if (capture.TryGetValue(leaf, out Tensor? old)) capture[leaf] = Sum(old, g);
            return;
        }
        if (g.DType != leaf.DType)
        {
            g = g.To(leaf.DType);
            owned = false;
        }
        if (leaf.Grad is null)
        {
            // A leaf's gradient is contiguous (optimizers read it as one span): an owned permuted view is copied.
            leaf.Grad = owned && g.IsContiguous ? g : g.Clone();
            if (owned && !g.IsContiguous) StoragePool.Return(g.Data);
        }
        else
        {
            leaf.Grad.AddInPlace(g);
            if (owned) StoragePool.Return(g.Data);
        }
    }
}
