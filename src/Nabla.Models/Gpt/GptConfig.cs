namespace Nabla.Models;

/// <summary>The size of a <see cref="Gpt"/>. The defaults are the W4 char-GPT (4 layers, 4 heads, 128-d, block
/// 128). nanoGPT: <c>GPTConfig</c>.</summary>
/// <param name="VocabSize">Number of token ids.</param>
/// <param name="BlockSize">Longest context (number of learned positions).</param>
/// <param name="NLayer">Transformer blocks.</param>
/// <param name="NHead">Attention heads per block; must divide NEmbd.</param>
/// <param name="NEmbd">Width of the residual stream.</param>
public sealed record GptConfig(int VocabSize, int BlockSize = 128, int NLayer = 4, int NHead = 4, int NEmbd = 128)
{
    /// <summary>Throws when a size is not positive or the heads do not divide the width.</summary>
    /// <exception cref="ArgumentException">A size is invalid; the message names it.</exception>
    public void Validate()
    {
        if (VocabSize < 1 || BlockSize < 1 || NLayer < 1 || NHead < 1 || NEmbd < 1)
            throw new ArgumentException($"GptConfig: every size must be positive, got {this}.");
        if (NEmbd % NHead != 0) throw new ArgumentException($"GptConfig: NHead {NHead} does not divide NEmbd {NEmbd}.");
    }
}
