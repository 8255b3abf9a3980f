using Nabla.Nn;

namespace Nabla.Models.Vision;

/// <summary>A Vision Transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words"): the image is cut into
/// non-overlapping P×P patches, each flattened and linearly embedded; a learned [CLS] token is prepended, learned
/// position embeddings are added, a pre-norm TransformerEncoder mixes the tokens, and an MLP head (LayerNorm →
/// Linear) classifies the [CLS] output. timm: <c>VisionTransformer</c> (without dropout).</summary>
/// <remarks>
/// <para>Shapes: images (B, C, H, W) or (B, H·W) for C = 1 → logits (B, NumClasses). Tokens: (B, 1 + (H/P)(W/P), Dim).</para>
/// <para>Parameters: <c>patch_embed</c> (Linear C·P² → Dim), <c>cls_token</c> (1, 1, Dim), <c>pos_embed</c>
/// (1, 1 + N, Dim), <c>encoder.layers.i.*</c> (PyTorch's TransformerEncoderLayer names), <c>norm</c>, <c>head</c>.
/// The [CLS] token and the position embeddings start at N(0, 0.02) (timm's std, untruncated); the linear layers
/// keep PyTorch's defaults.</para>
/// </remarks>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    /// <summary>Builds the model. The defaults are the Fashion-MNIST ViT of the side-by-side <c>vit</c> workload:
    /// 28×28 grey images, 7×7 patches (16 tokens + [CLS]), width 64, 2 layers, 4 heads, feed-forward 128, GELU.</summary>
    /// <param name="imageSize">Height and width of the (square) images.</param>
    /// <param name="patchSize">Side of a patch; must divide imageSize.</param>
    /// <param name="inChannels">Channels of the images.</param>
    /// <param name="numClasses">Classes.</param>
    /// <param name="dim">Token width.</param>
    /// <param name="depth">Encoder layers.</param>
    /// <param name="heads">Attention heads; must divide dim.</param>
    /// <param name="mlpDim">Hidden width of each layer's feed-forward network.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    /// <exception cref="ArgumentException">The patch does not divide the image, or the heads do not divide dim.</exception>
    public VisionTransformer(int imageSize = 28, int patchSize = 7, int inChannels = 1, int numClasses = 10, int dim = 64,
                             int depth = 2, int heads = 4, int mlpDim = 128, Generator? generator = null)
    {
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0)
            throw new ArgumentException($"VisionTransformer: patch size {patchSize} must divide image size {imageSize}.", nameof(patchSize));
        ImageSize = imageSize;
        PatchSize = patchSize;
        InChannels = inChannels;
        NumPatches = (imageSize / patchSize) * (imageSize / patchSize);
        PatchEmbed = RegisterModule("patch_embed", new Linear(inChannels * patchSize * patchSize, dim, generator: generator));
        ClsToken = RegisterParameter("cls_token", Tensor.Empty([1, 1, dim]));
        PosEmbed = RegisterParameter("pos_embed", Tensor.Empty([1, NumPatches + 1, dim]));
        Init.Normal(ClsToken, 0, 0.02, generator);
        Init.Normal(PosEmbed, 0, 0.02, generator);
        var layer = new TransformerEncoderLayer(dim, heads, mlpDim, dropout: 0.0, activation: TransformerActivation.Gelu,
                                                batchFirst: true, normFirst: true, generator: generator);
        Encoder = RegisterModule("encoder", new TransformerEncoder(layer, depth));
        Norm = RegisterModule("norm", new LayerNorm(dim));
        Head = RegisterModule("head", new Linear(dim, numClasses, generator: generator));
    }

    /// <summary>Side of the input images.</summary>
    public int ImageSize { get; }

    /// <summary>Side of a patch.</summary>
    public int PatchSize { get; }

    /// <summary>Channels of the input images.</summary>
    public int InChannels { get; }

    /// <summary>Patches per image, (ImageSize / PatchSize)².</summary>
    public int NumPatches { get; }

    /// <summary>The linear patch embedding C·P² → Dim.</summary>
    public Linear PatchEmbed { get; }

    /// <summary>The learned [CLS] token, (1, 1, Dim).</summary>
    public Parameter ClsToken { get; }

    /// <summary>Learned position embeddings, (1, 1 + NumPatches, Dim); row 0 is the [CLS] position.</summary>
    public Parameter PosEmbed { get; }

    /// <summary>The pre-norm encoder stack.</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>LayerNorm of the [CLS] output before the head.</summary>
    public LayerNorm Norm { get; }

    /// <summary>The classifier Dim → NumClasses.</summary>
    public Linear Head { get; }

    /// <summary>Cuts images into flattened patches, row-major over patches and, within a patch, channel-major then
    /// row-major over pixels. Shapes: (B, C, H, W) → (B, (H/P)(W/P), C·P²).</summary>
    /// <param name="images">(B, C, H, W).</param>
    /// <param name="patchSize">P, dividing H and W.</param>
    /// <exception cref="ArgumentException">The shape is not (B, C, H, W) with P dividing H and W.</exception>
    public static Tensor Patchify(Tensor images, int patchSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Dim != 4 || images.Size(2) % patchSize != 0 || images.Size(3) % patchSize != 0)
            throw new ArgumentException($"Patchify: expects (B, C, H, W) with H and W divisible by {patchSize}, got ({string.Join(", ", images.Shape)}).", nameof(images));
        int b = images.Size(0), c = images.Size(1), gh = images.Size(2) / patchSize, gw = images.Size(3) / patchSize;
        // (B, C, gh, P, gw, P) → (B, gh, gw, C, P, P) → (B, gh·gw, C·P·P).
        return images.Reshape(b, c, gh, patchSize, gw, patchSize).Permute(0, 2, 4, 1, 3, 5).Reshape(b, gh * gw, c * patchSize * patchSize);
    }

    /// <summary>Class logits. Shapes: (B, C, H, W), or (B, H·W) when C = 1 → (B, NumClasses).</summary>
    /// <param name="input">Images.</param>
    /// <exception cref="ArgumentException">The images do not have the configured size.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor images = input.Dim == 2 && InChannels == 1 ? input.Reshape(input.Size(0), 1, ImageSize, ImageSize) : input;
        if (images.Dim != 4 || images.Size(1) != InChannels || images.Size(2) != ImageSize || images.Size(3) != ImageSize)
            throw new ArgumentException($"VisionTransformer: expects images (B, {InChannels}, {ImageSize}, {ImageSize}), got ({string.Join(", ", input.Shape)}).", nameof(input));
        int b = images.Size(0);
        Tensor tokens = PatchEmbed.Forward(Patchify(images, PatchSize));                 // (B, N, D)
        Tensor cls = ClsToken.Expand(b, 1, ClsToken.Size(2));                           // (B, 1, D)
        Tensor x = Tensor.Cat([cls, tokens], 1) + PosEmbed;                              // (B, 1 + N, D)
        x = Encoder.Forward(x);
        return Head.Forward(Norm.Forward(x.Select(1, 0)));                               // [CLS] → (B, classes)
    }
}
