namespace Nabla.Nn;

public static partial class Functional
{
    // ---- embeddings and recurrent layers -------------------------------------------------------------------

    /// <summary>Looks up rows of an embedding table. PyTorch: <c>F.embedding(input, weight, padding_idx)</c>.</summary>
    /// <remarks>Shapes: input (*) of Int64 indices, weight (V, D) → (*, D). The row <paramref name="paddingIdx"/>
    /// receives no gradient.</remarks>
    /// <param name="input">Int64 indices in [−V, V).</param>
    /// <param name="weight">The table (V, D).</param>
    /// <param name="paddingIdx">The row that receives no gradient (negative counts from the end), or null.</param>
    /// <exception cref="ArgumentException">The input is not Int64 or the weight not 2-D floating point.</exception>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null) => Tensor.Embedding(weight, NotNull(input), paddingIdx);
}
