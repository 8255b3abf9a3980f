using Nabla.Learn.Training;
using Nabla.Models.Vision;
using Nabla.Nn;
using Nabla.Optim;
using F = Nabla.Nn.Functional;

namespace Nabla.Cli.Runs;

/// <summary>Builds a run's model, loss, optimizer and schedulers from its configuration.</summary>
internal static class RunModel
{
    public static readonly string[] Models = ["mlp", "logreg", "perceptron", "lenet", "resnet"];
    public static readonly string[] Activations = ["relu", "tanh", "sigmoid", "gelu", "elu", "leaky_relu", "silu", "softplus"];
    public static readonly string[] Optimizers = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam"];
    public static readonly string[] Schedulers = ["none", "step", "cosine", "onecycle", "plateau"];

    /// <summary>mlp: Linear → activation per hidden size → Linear to the classes. logreg: one Linear layer
    /// (multinomial logistic regression) with cross-entropy. perceptron: one Linear layer trained with the
    /// multi-class hinge loss (Crammer–Singer margin), the perceptron's large-margin form. lenet and resnet: the
    /// convolutional networks of Nabla.Models.Vision (LeNet-5 needs 28 × 28 images; the small ResNet any square grey
    /// image), after an Unflatten of the flat pixel rows to (1, side, side).</summary>
    public static Sequential Build(RunConfig c)
    {
        var init = new Generator(c.Seed);
        if (c.Model is "lenet" or "resnet")
        {
            int side = (int)Math.Round(Math.Sqrt(c.Features));
            if (side * side != c.Features || (c.Model == "lenet" && side != 28))
                throw new ArgumentException($"--model {c.Model}: needs {(c.Model == "lenet" ? "28 × 28 (784-pixel)" : "square grey")} images, but the dataset has {c.Features} features.");
            Module<Tensor, Tensor> net = c.Model == "lenet" ? LeNet5.Create(c.Classes, init) : new ResNet(numClasses: c.Classes, generator: init);
            return new Sequential(new Unflatten(1, [1, side, side]), net);
        }
        var layers = new List<Module<Tensor, Tensor>>();
        int width = c.Features;
        if (c.Model == "mlp")
        {
            foreach (int h in c.Hidden)
            {
                layers.Add(new Linear(width, h, generator: init));
                layers.Add(Activation(c.Activation));
                width = h;
            }
        }
        layers.Add(new Linear(width, c.Classes, generator: init));
        return new Sequential([.. layers]);
    }

    public static Func<Tensor, Tensor, Tensor> Loss(RunConfig c)
        => c.Model == "perceptron" ? (o, y) => F.MultiMarginLoss(o, y) : (o, y) => F.CrossEntropy(o, y);

    private static Module<Tensor, Tensor> Activation(string name) => name switch
    {
        "relu" => new Relu(),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "gelu" => new Gelu(),
        "elu" => new Elu(),
        "leaky_relu" => new LeakyRelu(),
        "silu" => new Silu(),
        "softplus" => new Softplus(),
        _ => throw new ArgumentException($"--activation: unknown activation '{name}' ({string.Join(", ", Activations)})."),
    };

    public static Optimizer Optimizer(RunConfig c, IEnumerable<Parameter> parameters) => c.Optimizer switch
    {
        "sgd" => new Sgd(parameters, c.Lr, momentum: c.Momentum, weightDecay: c.WeightDecay),
        "adam" => new Adam(parameters, c.Lr, weightDecay: c.WeightDecay),
        "adamw" => new AdamW(parameters, c.Lr, weightDecay: c.WeightDecay == 0 ? 1e-2 : c.WeightDecay),
        "rmsprop" => new RmsProp(parameters, c.Lr, momentum: c.Momentum, weightDecay: c.WeightDecay),
        "adagrad" => new Adagrad(parameters, c.Lr, weightDecay: c.WeightDecay),
        "nadam" => new NAdam(parameters, c.Lr, weightDecay: c.WeightDecay),
        _ => throw new ArgumentException($"--optimizer: unknown optimizer '{c.Optimizer}' ({string.Join(", ", Optimizers)})."),
    };

    /// <summary>A trainer with the configured scheduler: step (×0.1 every third of the run), cosine (annealed to 0
    /// over the run), onecycle (per batch, peaking at the learning rate), plateau (×0.1 after 2 epochs without a
    /// better validation loss).</summary>
    public static Trainer Trainer(RunConfig c, Sequential model, int batchesPerEpoch)
    {
        Optimizer opt = Optimizer(c, model.Parameters());
        var g = new Generator(c.Seed + 1);
        return c.Scheduler switch
        {
            "none" => new Trainer(model, opt, Loss(c), g),
            "step" => new Trainer(model, opt, Loss(c), g) { EpochScheduler = new StepLr(opt, Math.Max(1, c.ScheduleEpochs / 3), 0.1) },
            "cosine" => new Trainer(model, opt, Loss(c), g) { EpochScheduler = new CosineAnnealingLr(opt, Math.Max(1, c.ScheduleEpochs)) },
            "onecycle" => new Trainer(model, opt, Loss(c), g)
            {
                BatchScheduler = new OneCycleLr(opt, c.Lr, totalSteps: Math.Max(1, c.ScheduleEpochs * batchesPerEpoch)),
            },
            "plateau" => new Trainer(model, opt, Loss(c), g) { Plateau = new ReduceLrOnPlateau(opt, patience: 2) },
            _ => throw new ArgumentException($"--scheduler: unknown scheduler '{c.Scheduler}' ({string.Join(", ", Schedulers)})."),
        };
    }
}
