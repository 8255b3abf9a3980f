using Xunit;

namespace Nabla.Core.Tests;

/// <summary>Checks shared by the fused recurrent layers, whose saved state lives in pooled buffers.</summary>
internal static class SavedBufferChecks
{
    /// <summary>A's graph stays alive while B runs forward and backward (giving its buffer back), C runs forward
    /// (taking a buffer of the same size from the pool) and a no-grad forward of B gives its buffer back at once:
    /// the gradients of A and C must equal those computed alone, bit for bit (the kernels are deterministic).</summary>
    /// <param name="a">Inputs of the graph kept alive.</param>
    /// <param name="b">Inputs of the sequence run in between.</param>
    /// <param name="c">Inputs of the sequence run after.</param>
    /// <param name="loss">Forward to a scalar.</param>
    /// <param name="grads">Backward of a loss, returning the inputs' gradients.</param>
    public static void KeptGraphIsNotOverwritten(Tensor[] a, Tensor[] b, Tensor[] c, Func<Tensor[], Tensor> loss, Func<Tensor, Tensor[], float[][]> grads)
    {
        float[][] expectedA = grads(loss(a), a);
        float[][] expectedC = grads(loss(c), c);
        Tensor lossA = loss(a);
        Tensor lossB = loss(b);
        grads(lossB, b);
        Tensor lossC = loss(c);
        using (GradMode.Disable()) loss(b);
        float[][] gotA = grads(lossA, a), gotC = grads(lossC, c);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(expectedA[i], gotA[i]);
            Assert.Equal(expectedC[i], gotC[i]);
        }
    }
}
