namespace Nabla.Nn;

/// <summary>One time step of each recurrence, composed from autograd ops; shared by the cells and the RNN layer (and
/// the reference the fused LSTM and GRU layers are tested against through the cells). PyTorch's equations, gate order
/// and bias placement.</summary>
internal static class RecurrentSteps
{
    /// <summary>h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), given gx = x·W_ihᵀ + b_ih.</summary>
    public static Tensor Rnn(Tensor gx, Tensor h, Tensor whh, Tensor? bhh, Nonlinearity nonlinearity)
    {
        Tensor pre = gx + Tensor.Linear(h, whh, bhh);
        return nonlinearity == Nonlinearity.Relu ? pre.Relu() : pre.Tanh();
    }

    /// <summary>PyTorch's GRU, given gx = x·W_ihᵀ + b_ih split (r, z, n) and gh = h·W_hhᵀ + b_hh likewise:
    /// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r⊙gh_n), h' = (1 − z)⊙n + z⊙h = n + z⊙(h − n).
    /// b_hn stays inside r⊙(·), which is why the two biases are not merged.</summary>
    public static Tensor Gru(Tensor gx, Tensor h, Tensor whh, Tensor? bhh)
    {
        Tensor[] x = gx.Chunk(3, -1), g = Tensor.Linear(h, whh, bhh).Chunk(3, -1);
        Tensor r = (x[0] + g[0]).Sigmoid(), z = (x[1] + g[1]).Sigmoid();
        Tensor n = (x[2] + r * g[2]).Tanh();
        return n + z * (h - n);
    }

    /// <summary>PyTorch's LSTM, given gx = x·W_ihᵀ + b_ih split (i, f, g, o): gates = gx + h·W_hhᵀ + b_hh;
    /// i, f, o = σ, g = tanh; c' = f⊙c + i⊙g; h' = o⊙tanh(c').</summary>
    public static (Tensor H, Tensor C) Lstm(Tensor gx, Tensor h, Tensor c, Tensor whh, Tensor? bhh)
    {
        Tensor[] g = (gx + Tensor.Linear(h, whh, bhh)).Chunk(4, -1);
        Tensor cNew = g[1].Sigmoid() * c + g[0].Sigmoid() * g[2].Tanh();
        return (g[3].Sigmoid() * cNew.Tanh(), cNew);
    }
}
