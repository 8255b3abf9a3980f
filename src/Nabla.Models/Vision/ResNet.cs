using Nabla.Nn;

namespace Nabla.Models.Vision;

/// <summary>The basic residual block of ResNet (He et al. 2015): two 3 × 3 convolutions with batch norm, and the
/// input added back before the last ReLU, Output = F(x) + x. When the block changes the resolution (stride 2) or the
/// width, the shortcut is a projection, a 1 × 1 strided convolution with batch norm. With
/// <c>residual: false</c> the addition is left out, giving the equally deep "plain" block used to show the
/// degradation problem. PyTorch: <c>torchvision.models.resnet.BasicBlock</c>.</summary>
/// <remarks>Shapes: (N, InChannels, H, W) → (N, OutChannels, ⌈H/stride⌉, ⌈W/stride⌉). State-dict keys as
/// torchvision: conv1, bn1, conv2, bn2, downsample.0 (conv), downsample.1 (batch norm).</remarks>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _downsample;

    /// <summary>A block. PyTorch: <c>BasicBlock(inplanes, planes, stride, downsample)</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">Stride of the first convolution (2 halves the resolution).</param>
    /// <param name="residual">Add the shortcut (a ResNet block) or not (a plain block).</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public BasicBlock(int inChannels, int outChannels, int stride = 1, bool residual = true, Generator? generator = null)
    {
        Residual = residual;
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, [3], [stride], [1], [1], bias: false, generator: generator));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, generator: generator));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (residual && (stride != 1 || inChannels != outChannels))
        {
            // Projection shortcut: the identity cannot be added when the shapes differ.
            _downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inChannels, outChannels, [1], [stride], [0], [1], bias: false, generator: generator), new BatchNorm2d(outChannels)));
        }
    }

    /// <summary>Whether the block adds its input back (F(x) + x).</summary>
    public bool Residual { get; }

    internal static Tensor R(Tensor t) => t.ReleaseAfterBackward();

    /// <summary>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). PyTorch: <c>block(x)</c>.</summary>
    /// <param name="input">(N, InChannels, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Everything but the returned activation is an intermediate the backward may recycle
        // (Tensor.ReleaseAfterBackward); input is the caller's.
        Tensor h = R(R(_bn1.Forward(R(_conv1.Forward(input)))).Relu());
        h = R(_bn2.Forward(R(_conv2.Forward(h))));
        if (Residual) h = R(h + (_downsample is null ? input : R(_downsample.Forward(input))));
        return h.Relu();
    }
}

/// <summary>A small ResNet for 28 × 28 grey images (Fashion-MNIST): a 3 × 3 stem convolution with batch norm, three
/// stages of <see cref="BasicBlock"/>s (the second and third halve the resolution and double the width), global
/// average pooling and a linear classifier (He et al. 2015, the CIFAR variant). PyTorch: a
/// <c>torchvision.models.ResNet</c> with <c>BasicBlock</c> and a 3 × 3 stem.</summary>
/// <remarks>Shapes: (N, 1, 28, 28) → (N, classes); feature maps width × 28 × 28 → 2·width × 14 × 14 →
/// 4·width × 7 × 7 → 4·width. State-dict keys as torchvision: conv1, bn1, layer1.0.conv1 …, fc.</remarks>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential[] _layers;
    private readonly Linear _fc;

    /// <summary>Builds the network with PyTorch's default initialisation.</summary>
    /// <param name="blocksPerStage">Blocks in each of the three stages (1, 1, 1 gives 8 weighted layers; 3, 3, 3 is
    /// ResNet-20).</param>
    /// <param name="width">Channels of the first stage.</param>
    /// <param name="numClasses">Output logits.</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="residual">Residual blocks (true) or the plain network of the same depth (false).</param>
    /// <param name="generator">The random source of the initialisation (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentException">A stage has no block, or a size is not positive.</exception>
    public ResNet(int[]? blocksPerStage = null, int width = 16, int numClasses = 10, int inChannels = 1, bool residual = true,
                  Generator? generator = null)
    {
        int[] blocks = blocksPerStage ?? [1, 1, 1];
        if (blocks.Length == 0 || blocks.Any(b => b < 1) || width < 1 || numClasses < 1)
            throw new ArgumentException($"ResNet: every stage needs at least one block and sizes must be positive, got blocks ({string.Join(", ", blocks)}), width {width}, classes {numClasses}.");
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, width, 3, padding: 1, bias: false, generator: generator));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(width));
        _layers = new Sequential[blocks.Length];
        int channels = width;
        for (int s = 0; s < blocks.Length; s++)
        {
            int outChannels = width << s;
            var stage = new Sequential();
            for (int b = 0; b < blocks[s]; b++)
            {
                stage.Add(new BasicBlock(channels, outChannels, s > 0 && b == 0 ? 2 : 1, residual, generator));
                channels = outChannels;
            }
            _layers[s] = RegisterModule($"layer{s + 1}", stage);
        }
        _fc = RegisterModule("fc", new Linear(channels, numClasses, generator: generator));
    }

    /// <summary>Stem, stages, global average pooling, classifier. PyTorch: <c>model(x)</c>.</summary>
    /// <param name="input">(N, inChannels, H, W).</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The stem's and every block's outputs are intermediates: only the logits leave the model. The stages'
        // blocks are run here one by one (what Sequential.Forward does) so their outputs can be declared so.
        Tensor h = BasicBlock.R(BasicBlock.R(_bn1.Forward(BasicBlock.R(_conv1.Forward(input)))).Relu());
        foreach (Sequential stage in _layers)
        {
            foreach (Module block in stage.Children()) h = BasicBlock.R(((BasicBlock)block).Forward(h));
        }
        return _fc.Forward(BasicBlock.R(h.AdaptiveAvgPool2d([1])).Flatten(1));
    }
}
