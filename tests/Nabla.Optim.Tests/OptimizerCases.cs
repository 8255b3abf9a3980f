namespace Nabla.Optim.Tests;

/// <summary>The optimizer settings of tools/golden/optim.py (OPTIMIZERS), row for row: each builds the optimizer
/// for parameters W and b (group 0 holds W, group 1 holds b where the row has groups).</summary>
internal static class OptimizerCases
{
    public static readonly Dictionary<string, Func<Parameter, Parameter, Optimizer>> All = new()
    {
        ["Sgd"] = (w, b) => new Sgd([w, b], lr: 0.01),
        ["Sgd/momentum"] = (w, b) => new Sgd([w, b], lr: 0.01, momentum: 0.9),
        ["Sgd/dampening"] = (w, b) => new Sgd([w, b], lr: 0.01, momentum: 0.9, dampening: 0.3, weightDecay: 0.1),
        ["Sgd/nesterov"] = (w, b) => new Sgd([w, b], lr: 0.01, momentum: 0.8, nesterov: true, weightDecay: 0.05),
        ["Sgd/maximize"] = (w, b) => new Sgd([w, b], lr: 0.005, momentum: 0.5, maximize: true),
        ["Sgd/groups"] = (w, b) => new Sgd([new ParamGroup([w]), new ParamGroup([b]) { ["lr"] = 0.03, ["momentum"] = 0.5 }],
                                            lr: 0.01, momentum: 0.9),
        ["Adagrad"] = (w, b) => new Adagrad([w, b]),
        ["Adagrad/decay"] = (w, b) => new Adagrad([w, b], lr: 0.1, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6),
        ["Adagrad/maximize"] = (w, b) => new Adagrad([w, b], lr: 0.05, maximize: true),
        ["RmsProp"] = (w, b) => new RmsProp([w, b]),
        ["RmsProp/centered"] = (w, b) => new RmsProp([w, b], lr: 0.01, centered: true),
        ["RmsProp/momentum"] = (w, b) => new RmsProp([w, b], lr: 0.01, momentum: 0.9, weightDecay: 0.1, alpha: 0.9),
        ["RmsProp/centered-momentum"] = (w, b) => new RmsProp([w, b], lr: 0.005, momentum: 0.7, centered: true, eps: 1e-6),
        ["Adadelta"] = (w, b) => new Adadelta([w, b]),
        ["Adadelta/settings"] = (w, b) => new Adadelta([w, b], lr: 0.5, rho: 0.8, eps: 1e-5, weightDecay: 0.1),
        ["Adadelta/maximize"] = (w, b) => new Adadelta([w, b], maximize: true),
        ["Adam"] = (w, b) => new Adam([w, b]),
        ["Adam/lr"] = (w, b) => new Adam([w, b], lr: 0.05, betas: (0.8, 0.99), eps: 1e-6),
        ["Adam/amsgrad"] = (w, b) => new Adam([w, b], lr: 0.05, amsgrad: true, weightDecay: 0.1),
        ["Adam/maximize"] = (w, b) => new Adam([w, b], lr: 0.01, maximize: true),
        ["Adam/groups"] = (w, b) => new Adam([new ParamGroup([w]), new ParamGroup([b]) { ["lr"] = 0.1, ["betas"] = (0.5, 0.9) }], lr: 0.02),
        ["AdamW"] = (w, b) => new AdamW([w, b]),
        ["AdamW/decay"] = (w, b) => new AdamW([w, b], lr: 0.05, weightDecay: 0.5),
        ["AdamW/amsgrad"] = (w, b) => new AdamW([w, b], lr: 0.05, weightDecay: 0.1, amsgrad: true, betas: (0.7, 0.95)),
        ["Adamax"] = (w, b) => new Adamax([w, b]),
        ["Adamax/settings"] = (w, b) => new Adamax([w, b], lr: 0.05, betas: (0.8, 0.9), eps: 1e-4, weightDecay: 0.1),
        ["Adamax/maximize"] = (w, b) => new Adamax([w, b], lr: 0.01, maximize: true),
        ["NAdam"] = (w, b) => new NAdam([w, b]),
        ["NAdam/settings"] = (w, b) => new NAdam([w, b], lr: 0.05, betas: (0.8, 0.99), weightDecay: 0.1, momentumDecay: 0.01),
    };

    public static IEnumerable<object[]> Names => All.Keys.Select(k => new object[] { k });
}
