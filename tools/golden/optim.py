"""PyTorch golden values for Nabla.Optim.

Writes tests/golden/optim.json with:

* "trajectories": for every optimizer setting in OPTIMIZERS, the value of each parameter after each of
  STEPS steps on the fixed problem below (float64). OptimizerGoldenTests replays the same problem with
  Nabla's optimizer and compares to 1e-10 relative.
* "schedulers": for every scheduler setting in SCHEDULERS, get_last_lr() right after construction and
  after each of 30 scheduler steps (the groups' lr for ReduceLROnPlateau, which has no get_last_lr in
  1.13), and the momentum or beta1 of group 0 (cycled by OneCycleLR).
* "clip": clip_grad_norm_ total norms and clipped gradients for a few norm types and max norms.

The problem: W (3, 2) and b (2,), data x (4, 3) and y (4, 2) fixed below, and the loss

    L(W, b) = sum((x @ W + b - y) ** 2) + sum(sin(W))

Run from the repository root with Debian's interpreter (needs python3-torch):

    /usr/bin/python3 tools/golden/optim.py

The C# tests hold the same tables (names and settings); they fail when the names differ.
"""

import json
import math
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "optim.json"
STEPS = 15
SCHEDULER_STEPS = 30

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

W0 = [[0.5, -0.3], [0.8, 0.1], [-0.6, 0.4]]
B0 = [0.2, -0.1]
X = [[1.0, 0.5, -1.0], [0.3, -0.8, 0.6], [-0.5, 1.2, 0.9], [0.7, 0.2, -0.4]]
Y = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.1]]


def loss_fn(w, b):
    x = torch.tensor(X)
    y = torch.tensor(Y)
    return ((x @ w + b - y) ** 2).sum() + torch.sin(w).sum()


O = torch.optim
# name: (class, kwargs, per-group overrides or None). Groups: group 0 holds W, group 1 holds b.
OPTIMIZERS = {
    "Sgd": (O.SGD, dict(lr=0.01), None),
    "Sgd/momentum": (O.SGD, dict(lr=0.01, momentum=0.9), None),
    "Sgd/dampening": (O.SGD, dict(lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.1), None),
    "Sgd/nesterov": (O.SGD, dict(lr=0.01, momentum=0.8, nesterov=True, weight_decay=0.05), None),
    "Sgd/maximize": (O.SGD, dict(lr=0.005, momentum=0.5, maximize=True), None),
    "Sgd/groups": (O.SGD, dict(lr=0.01, momentum=0.9), [dict(), dict(lr=0.03, momentum=0.5)]),
    "Adagrad": (O.Adagrad, dict(), None),
    "Adagrad/decay": (O.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6), None),
    "Adagrad/maximize": (O.Adagrad, dict(lr=0.05, maximize=True), None),
    "RmsProp": (O.RMSprop, dict(), None),
    "RmsProp/centered": (O.RMSprop, dict(lr=0.01, centered=True), None),
    "RmsProp/momentum": (O.RMSprop, dict(lr=0.01, momentum=0.9, weight_decay=0.1, alpha=0.9), None),
    "RmsProp/centered-momentum": (O.RMSprop, dict(lr=0.005, momentum=0.7, centered=True, eps=1e-6), None),
    "Adadelta": (O.Adadelta, dict(), None),
    "Adadelta/settings": (O.Adadelta, dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), None),
    "Adadelta/maximize": (O.Adadelta, dict(maximize=True), None),
    "Adam": (O.Adam, dict(), None),
    "Adam/lr": (O.Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), None),
    "Adam/amsgrad": (O.Adam, dict(lr=0.05, amsgrad=True, weight_decay=0.1), None),
    "Adam/maximize": (O.Adam, dict(lr=0.01, maximize=True), None),
    "Adam/groups": (O.Adam, dict(lr=0.02), [dict(), dict(lr=0.1, betas=(0.5, 0.9))]),
    "AdamW": (O.AdamW, dict(), None),
    "AdamW/decay": (O.AdamW, dict(lr=0.05, weight_decay=0.5), None),
    "AdamW/amsgrad": (O.AdamW, dict(lr=0.05, weight_decay=0.1, amsgrad=True, betas=(0.7, 0.95)), None),
    "Adamax": (O.Adamax, dict(), None),
    "Adamax/settings": (O.Adamax, dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4, weight_decay=0.1), None),
    "Adamax/maximize": (O.Adamax, dict(lr=0.01, maximize=True), None),
    "NAdam": (O.NAdam, dict(), None),
    "NAdam/settings": (O.NAdam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01), None),
}


def trajectory(cls, kwargs, groups):
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    if groups is None:
        opt = cls([w, b], foreach=False, **kwargs)
    else:
        opt = cls([dict(params=[w], **groups[0]), dict(params=[b], **groups[1])], foreach=False, **kwargs)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_fn(w, b).backward()
        opt.step()
        steps.append([w.detach().flatten().tolist(), b.detach().flatten().tolist()])
    return steps


def sgd_two_groups(lr0=0.1, lr1=0.05):
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    return O.SGD([dict(params=[p]), dict(params=[q], lr=lr1)], lr=lr0, momentum=0.9)


S = O.lr_scheduler
PLATEAU_METRICS = [1.0, 0.9, 0.8, 0.8, 0.8, 0.79999, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6,
                   0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
PLATEAU_MAX_METRICS = [0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4,
                       0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]

# name: (optimizer factory, scheduler factory, metric sequence or None)
SCHEDULERS = {
    "StepLr": (sgd_two_groups, lambda o: S.StepLR(o, step_size=7), None),
    "StepLr/gamma": (sgd_two_groups, lambda o: S.StepLR(o, step_size=3, gamma=0.5), None),
    "MultiStepLr": (sgd_two_groups, lambda o: S.MultiStepLR(o, milestones=[4, 10, 10, 22], gamma=0.3), None),
    "ExponentialLr": (sgd_two_groups, lambda o: S.ExponentialLR(o, gamma=0.9), None),
    "CosineAnnealingLr": (sgd_two_groups, lambda o: S.CosineAnnealingLR(o, T_max=10), None),
    "CosineAnnealingLr/eta-min": (sgd_two_groups, lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01), None),
    "LinearLr": (sgd_two_groups, lambda o: S.LinearLR(o), None),
    "LinearLr/settings": (sgd_two_groups, lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.5, total_iters=12), None),
    "OneCycleLr": (sgd_two_groups, lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30), None),
    "OneCycleLr/linear": (sgd_two_groups, lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=31, pct_start=0.25,
                                                                  anneal_strategy="linear", div_factor=10.0,
                                                                  final_div_factor=100.0), None),
    "OneCycleLr/adam": (lambda: O.Adam([torch.zeros(2, requires_grad=True)], lr=0.1),
                        lambda o: S.OneCycleLR(o, max_lr=0.3, epochs=6, steps_per_epoch=5), None),
    "OneCycleLr/three-phase": (sgd_two_groups, lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, three_phase=True), None),
    "ReduceLrOnPlateau": (sgd_two_groups, lambda o: S.ReduceLROnPlateau(o, patience=2), PLATEAU_METRICS),
    "ReduceLrOnPlateau/cooldown": (sgd_two_groups, lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=1, cooldown=2,
                                                                                 min_lr=[0.01, 0.02], threshold=0.01,
                                                                                 threshold_mode="abs"), PLATEAU_METRICS),
    "ReduceLrOnPlateau/max": (sgd_two_groups, lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=3),
                              PLATEAU_MAX_METRICS),
}


def momentum_of(opt):
    g = opt.param_groups[0]
    return g["betas"][0] if "betas" in g else g["momentum"]


def schedule(make_opt, make_sched, metrics):
    opt = make_opt()
    sched = make_sched(opt)
    plateau = metrics is not None
    lrs = [[g["lr"] for g in opt.param_groups]] if plateau else [sched.get_last_lr()]
    momenta = [momentum_of(opt)]
    for i in range(SCHEDULER_STEPS):
        opt.step()
        if plateau:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups] if plateau else list(sched.get_last_lr()))
        momenta.append(momentum_of(opt))
    return {"lrs": lrs, "momenta": momenta}


CLIP_GRADS = [[[0.3, -1.2], [2.5, 0.7], [-0.4, 0.9]], [1.5, -2.0]]
# name: (max_norm, norm_type)
CLIPS = {"l2": (1.0, 2.0), "l1": (2.0, 1.0), "inf": (0.5, math.inf), "p3": (1.5, 3.0), "no-clip": (100.0, 2.0)}


def clip(max_norm, norm_type):
    ps = [torch.zeros(3, 2, requires_grad=True), torch.zeros(2, requires_grad=True)]
    for p, g in zip(ps, CLIP_GRADS):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    return {"total_norm": total.item(), "grads": [p.grad.flatten().tolist() for p in ps]}


def main():
    out = {
        "generator": "tools/golden/optim.py",
        "torch": torch.__version__,
        "problem": {"w0": W0, "b0": B0, "x": X, "y": Y, "steps": STEPS},
        "trajectories": {name: trajectory(*spec) for name, spec in OPTIMIZERS.items()},
        "schedulers": {name: schedule(*spec) for name, spec in SCHEDULERS.items()},
        "clip": {"grads": CLIP_GRADS,
                 "cases": {name: dict(max_norm=m, norm_type=("inf" if math.isinf(t) else t), **clip(m, t))
                           for name, (m, t) in CLIPS.items()}},
    }
    OUTPUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
