#!/usr/bin/env python3
"""Golden learning-rate schedules from torch.optim.lr_scheduler (PyTorch 1.13).

Each case builds one scheduler on an optimizer with a single dummy parameter and records
get_last_lr()[0] right after construction (PyTorch's constructor already steps once, so
last_epoch is 0) and after each scheduler.step(); one-cycle cases also record the momentum
it writes into the param group ('momentum' for SGD and RMSprop, betas[0] for Adam), as
cyclic cases do. Configs are written
in descent's camelCase form so the TS test can pass them to createScheduler unchanged.

  /usr/bin/python3 test/golden/make_schedules.py     # rewrites test/golden/schedules.json

Deterministic: no randomness, the plateau metrics come from a fixed formula.
"""
import json
import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "schedules.json")

# lambdaLR functions are referenced by name; the TS test holds the same expressions.
LAMBDAS = {
    "exp95": ("0.95 ** epoch", lambda epoch: 0.95 ** epoch),
    "inverse": ("1 / (1 + epoch)", lambda epoch: 1 / (1 + epoch)),
    "warmup5": ("min(1, (epoch + 1) / 5)", lambda epoch: min(1, (epoch + 1) / 5)),
    # multiplicativeLR factors
    "times95": ("0.95", lambda epoch: 0.95),
    "zigzag": ("1.1 if epoch % 2 else 0.8", lambda epoch: 1.1 if epoch % 2 else 0.8),
    # cyclicLR scaleFn (x is the cycle, from 1, or the step count)
    "inverse-cycle": ("1 / x", lambda x: 1 / x),
    "decay-iterations": ("0.99 ** x", lambda x: 0.99 ** x),
}

SNAKE = {
    "stepSize": "step_size", "tMax": "T_max", "etaMin": "eta_min", "t0": "T_0", "tMult": "T_mult",
    "lrLambda": "lr_lambda", "startFactor": "start_factor", "endFactor": "end_factor",
    "totalIters": "total_iters", "maxLr": "max_lr", "totalSteps": "total_steps",
    "stepsPerEpoch": "steps_per_epoch", "pctStart": "pct_start", "annealStrategy": "anneal_strategy",
    "cycleMomentum": "cycle_momentum", "baseMomentum": "base_momentum", "maxMomentum": "max_momentum",
    "divFactor": "div_factor", "finalDivFactor": "final_div_factor", "threePhase": "three_phase",
    "thresholdMode": "threshold_mode", "minLr": "min_lr",
    "baseLr": "base_lr", "stepSizeUp": "step_size_up", "stepSizeDown": "step_size_down",
    "scaleFn": "scale_fn", "scaleMode": "scale_mode",
}
CLASSES = {
    "stepLR": S.StepLR, "multiStepLR": S.MultiStepLR, "exponentialLR": S.ExponentialLR,
    "cosineAnnealingLR": S.CosineAnnealingLR, "cosineAnnealingWarmRestarts": S.CosineAnnealingWarmRestarts,
    "lambdaLR": S.LambdaLR, "linearLR": S.LinearLR, "oneCycleLR": S.OneCycleLR,
    "reduceLROnPlateau": S.ReduceLROnPlateau, "constantLR": S.ConstantLR, "polynomialLR": S.PolynomialLR,
    "multiplicativeLR": S.MultiplicativeLR, "cyclicLR": S.CyclicLR,
}


def build(opt, config):
    """The torch scheduler for a camelCase config (sequentialLR builds its children first, as users do)."""
    kind = config["type"]
    if kind == "sequentialLR":
        children = [build(opt, c) for c in config["schedulers"]]
        return S.SequentialLR(opt, children, milestones=config["milestones"])
    if kind == "chainedScheduler":
        return S.ChainedScheduler([build(opt, c) for c in config["schedulers"]])
    kwargs = {SNAKE.get(k, k): v for k, v in config.items() if k != "type"}
    for key in ("lr_lambda", "scale_fn"):
        if key in kwargs:
            kwargs[key] = LAMBDAS[kwargs[key]][1]
    if kind == "oneCycleLR" and "pct_start" in kwargs:
        kwargs["pct_start"] = float(kwargs["pct_start"])  # torch insists on a float
    return CLASSES[kind](opt, **kwargs)


def metric(t):
    """Falls, levels off, rises and falls again (period ~14 steps); small ripple breaks ties."""
    return 0.5 + 0.3 * math.cos(t * 0.45) + 0.002 * (t % 3)


def run(config, base_lr=0.1, optimizer="sgd", momentum=0.0, steps=40, metrics=None):
    p = torch.nn.Parameter(torch.zeros(1))
    if optimizer == "sgd":
        opt = torch.optim.SGD([p], lr=base_lr, momentum=momentum)
    elif optimizer == "rmsprop":
        opt = torch.optim.RMSprop([p], lr=base_lr, momentum=momentum)
    else:
        opt = torch.optim.Adam([p], lr=base_lr, betas=(momentum, 0.999))
    sched = build(opt, config)
    group = opt.param_groups[0]

    def read_momentum():
        return group["betas"][0] if optimizer == "adam" else group["momentum"]

    plateau = config["type"] == "reduceLROnPlateau"
    lrs = [group["lr"] if plateau else sched.get_last_lr()[0]]  # plateau has no _last_lr before a step
    moms = [read_momentum()]
    for t in range(steps):
        opt.step()  # the order PyTorch wants; the dummy parameter has no grad, so nothing moves
        if plateau:
            sched.step(metrics[t])
        else:
            sched.step()
        lrs.append(sched._last_lr[0] if plateau else sched.get_last_lr()[0])  # 1.13's plateau has no get_last_lr
        moms.append(read_momentum())
        assert lrs[-1] == group["lr"]
    extra_throws = False
    try:
        sched.step(metrics[steps]) if plateau else sched.step()
    except ValueError:
        extra_throws = True  # one-cycle past total_steps
    return lrs, moms, extra_throws


CASES = []


def add(name, description, config, steps=40, base_lr=0.1, optimizer="sgd", momentum=0.0):
    CASES.append(dict(name=name, description=description, config=config, steps=steps,
                      baseLr=base_lr, optimizer=optimizer, momentum=momentum))


# stepLR / multiStepLR / exponentialLR: recursive products (lr * gamma), not gamma ** k.
add("step", "stepSize 3, gamma 0.5", {"type": "stepLR", "stepSize": 3, "gamma": 0.5})
add("step-default-gamma", "stepSize 7, default gamma 0.1", {"type": "stepLR", "stepSize": 7})
add("step-every-step", "stepSize 1, gamma 0.9, lr 1", {"type": "stepLR", "stepSize": 1, "gamma": 0.9}, base_lr=1.0)
add("multistep", "milestones [5, 12, 30], default gamma", {"type": "multiStepLR", "milestones": [5, 12, 30]})
add("multistep-repeated", "a repeated milestone decays twice; unsorted is fine (a Counter)",
    {"type": "multiStepLR", "milestones": [10, 4, 4], "gamma": 0.5})
add("multistep-zero", "milestone 0 decays in the constructor's step", {"type": "multiStepLR", "milestones": [0, 6], "gamma": 0.5})
add("exponential", "gamma 0.9", {"type": "exponentialLR", "gamma": 0.9})
add("exponential-lr", "gamma 0.99, lr 0.05", {"type": "exponentialLR", "gamma": 0.99}, base_lr=0.05)

# cosineAnnealingLR: the recursive form, which keeps going past tMax (periodic, period 2 tMax).
add("cosine", "tMax 10, 40 steps: two full periods", {"type": "cosineAnnealingLR", "tMax": 10})
add("cosine-eta-min", "tMax 7, etaMin 0.001", {"type": "cosineAnnealingLR", "tMax": 7, "etaMin": 0.001})
add("cosine-tmax-1", "tMax 1, etaMin 0.01: alternates, every other step the additive branch",
    {"type": "cosineAnnealingLR", "tMax": 1, "etaMin": 0.01}, steps=12)
add("cosine-lr-1", "tMax 25, lr 1", {"type": "cosineAnnealingLR", "tMax": 25}, base_lr=1.0)

add("warm-restarts", "t0 10", {"type": "cosineAnnealingWarmRestarts", "t0": 10})
add("warm-restarts-mult", "t0 3, tMult 2, etaMin 0.001", {"type": "cosineAnnealingWarmRestarts", "t0": 3, "tMult": 2, "etaMin": 0.001})
add("warm-restarts-t0-1", "t0 1, tMult 3", {"type": "cosineAnnealingWarmRestarts", "t0": 1, "tMult": 3})

add("lambda-exp", "lrLambda 0.95 ** epoch", {"type": "lambdaLR", "lrLambda": "exp95"})
add("lambda-inverse", "lrLambda 1 / (1 + epoch), lr 0.5", {"type": "lambdaLR", "lrLambda": "inverse"}, base_lr=0.5)

add("linear", "defaults (1/3 -> 1 over 5)", {"type": "linearLR"})
add("linear-warmup", "0.1 -> 1 over 10", {"type": "linearLR", "startFactor": 0.1, "totalIters": 10})
add("linear-decay", "1 -> 0.1 over 8", {"type": "linearLR", "startFactor": 1.0, "endFactor": 0.1, "totalIters": 8})

# sequentialLR: children are built first (each steps once), then the lr is reset to initial_lr,
# their last_epoch is decremented, the first one re-steps, and a later one starts with step(0)
# (its closed form at 0 where it has one).
add("seq-warmup-cosine", "linear warm-up 0.1 -> 1 over 5, then cosine tMax 35",
    {"type": "sequentialLR", "milestones": [5], "schedulers": [
        {"type": "linearLR", "startFactor": 0.1, "totalIters": 5}, {"type": "cosineAnnealingLR", "tMax": 35}]})
add("seq-early-milestone", "warm-up over 10 cut at milestone 4: the lr jumps to the cosine's base",
    {"type": "sequentialLR", "milestones": [4], "schedulers": [
        {"type": "linearLR", "startFactor": 0.1, "totalIters": 10}, {"type": "cosineAnnealingLR", "tMax": 20, "etaMin": 0.001}]})
add("seq-three", "linear, exponential, step; milestones 4, 12",
    {"type": "sequentialLR", "milestones": [4, 12], "schedulers": [
        {"type": "linearLR", "startFactor": 0.5, "totalIters": 4}, {"type": "exponentialLR", "gamma": 0.9},
        {"type": "stepLR", "stepSize": 3, "gamma": 0.5}]})
add("seq-linear-second", "exponential then linear: linear starts at base * startFactor (closed form)",
    {"type": "sequentialLR", "milestones": [6], "schedulers": [
        {"type": "exponentialLR", "gamma": 0.8}, {"type": "linearLR", "startFactor": 0.2, "totalIters": 5}]})
add("seq-multistep-zero", "multistep with milestone 0 second: its closed form at 0 applies gamma",
    {"type": "sequentialLR", "milestones": [5], "schedulers": [
        {"type": "linearLR"}, {"type": "multiStepLR", "milestones": [0, 5], "gamma": 0.5}]})
add("seq-lambda-restarts", "lambda warm-up then warm restarts t0 4 tMult 2",
    {"type": "sequentialLR", "milestones": [5], "schedulers": [
        {"type": "lambdaLR", "lrLambda": "warmup5"}, {"type": "cosineAnnealingWarmRestarts", "t0": 4, "tMult": 2}]})
add("seq-linear-onecycle", "one-cycle second: its constructor overwrites initial_lr, so the warm-up ramps to maxLr/25",
    {"type": "sequentialLR", "milestones": [5], "schedulers": [
        {"type": "linearLR", "startFactor": 0.25, "totalIters": 4}, {"type": "oneCycleLR", "maxLr": 0.5, "totalSteps": 30}]},
    steps=35, momentum=0.9)

# oneCycleLR: steps = totalSteps, because torch allows one step more than total_steps
# (last_epoch == total_steps), and raises on the next.
add("onecycle", "defaults, maxLr 0.1, totalSteps 40, SGD momentum",
    {"type": "oneCycleLR", "maxLr": 0.1, "totalSteps": 40}, momentum=0.9)
add("onecycle-adam-linear", "epochs 4 x stepsPerEpoch 10, linear anneal, Adam beta1",
    {"type": "oneCycleLR", "maxLr": 0.01, "epochs": 4, "stepsPerEpoch": 10, "annealStrategy": "linear"},
    optimizer="adam", momentum=0.9, base_lr=0.001)
add("onecycle-three-phase", "threePhase, pctStart 0.25, maxLr 1",
    {"type": "oneCycleLR", "maxLr": 1.0, "totalSteps": 40, "pctStart": 0.25, "threePhase": True}, momentum=0.9)
add("onecycle-three-phase-linear", "threePhase, linear, Adam, divFactor 10, finalDivFactor 100, momentum 0.8-0.9",
    {"type": "oneCycleLR", "maxLr": 0.05, "totalSteps": 30, "threePhase": True, "annealStrategy": "linear",
     "divFactor": 10, "finalDivFactor": 100, "baseMomentum": 0.8, "maxMomentum": 0.9},
    steps=30, optimizer="adam", momentum=0.9, base_lr=0.001)
add("onecycle-fractional", "totalSteps 21, pctStart 0.5: phase ends at 9.5",
    {"type": "oneCycleLR", "maxLr": 0.2, "totalSteps": 21, "pctStart": 0.5}, steps=21, momentum=0.9)
add("onecycle-pct-zero", "pctStart 0: no warm-up phase is ever used",
    {"type": "oneCycleLR", "maxLr": 0.2, "totalSteps": 10, "pctStart": 0.0}, steps=10, momentum=0.9)
add("onecycle-no-momentum", "cycleMomentum false: momentum untouched (recorded as null)",
    {"type": "oneCycleLR", "maxLr": 0.1, "totalSteps": 25, "cycleMomentum": False}, steps=25, momentum=0.9)

# reduceLROnPlateau: metric(t) is fed at step t + 1.
add("plateau", "defaults (patience 10)", {"type": "reduceLROnPlateau"})
add("plateau-patience", "patience 2, factor 0.5", {"type": "reduceLROnPlateau", "patience": 2, "factor": 0.5})
add("plateau-max", "mode max, patience 1, factor 0.5", {"type": "reduceLROnPlateau", "mode": "max", "patience": 1, "factor": 0.5})
add("plateau-abs", "thresholdMode abs, threshold 0.05, patience 2",
    {"type": "reduceLROnPlateau", "thresholdMode": "abs", "threshold": 0.05, "patience": 2, "factor": 0.5})
add("plateau-max-abs", "mode max, thresholdMode abs, threshold 0.001, patience 3",
    {"type": "reduceLROnPlateau", "mode": "max", "thresholdMode": "abs", "threshold": 0.001, "patience": 3, "factor": 0.7})
add("plateau-patience-zero", "patience 0, cooldown 2: reduce, skip two steps, reduce",
    {"type": "reduceLROnPlateau", "patience": 0, "cooldown": 2, "factor": 0.8})
add("plateau-cooldown", "cooldown 3, patience 1, factor 0.5",
    {"type": "reduceLROnPlateau", "cooldown": 3, "patience": 1, "factor": 0.5})
add("plateau-min-lr", "minLr 0.02, patience 1, factor 0.3: clamps, then stays",
    {"type": "reduceLROnPlateau", "minLr": 0.02, "patience": 1, "factor": 0.3})
add("plateau-eps", "eps 0.01: a reduction smaller than eps is skipped",
    {"type": "reduceLROnPlateau", "eps": 0.01, "patience": 1, "factor": 0.5})


# constantLR: lr * factor until totalIters, then lr * (1 / factor) once.
add("constant", "defaults (1/3 for 5 steps)", {"type": "constantLR"})
add("constant-half", "factor 0.5, totalIters 3, lr 0.3", {"type": "constantLR", "factor": 0.5, "totalIters": 3}, base_lr=0.3)
add("constant-zero-iters", "totalIters 0: the factor is applied and never undone", {"type": "constantLR", "factor": 0.25, "totalIters": 0}, steps=10)
add("constant-one", "factor 1: constant", {"type": "constantLR", "factor": 1.0}, steps=10)

# polynomialLR: the recursive ratio ((1 - t/n) / (1 - (t-1)/n)) ** power, then constant (0) past n.
add("polynomial", "defaults (totalIters 5, power 1)", {"type": "polynomialLR"}, steps=12)
add("polynomial-square", "totalIters 10, power 2", {"type": "polynomialLR", "totalIters": 10, "power": 2.0}, steps=15)
add("polynomial-root", "totalIters 7, power 0.5, lr 1", {"type": "polynomialLR", "totalIters": 7, "power": 0.5}, steps=10, base_lr=1.0)
add("polynomial-long", "totalIters 40, power 0.9 (the usual poly schedule)", {"type": "polynomialLR", "totalIters": 40, "power": 0.9})

# multiplicativeLR: lr * lrLambda(epoch) from the second step on.
add("multiplicative", "lrLambda 0.95", {"type": "multiplicativeLR", "lrLambda": "times95"})
add("multiplicative-zigzag", "lrLambda 1.1 on odd epochs, 0.8 on even ones", {"type": "multiplicativeLR", "lrLambda": "zigzag"}, steps=20)

# cyclicLR: the lr from lastEpoch alone; momentum the other way (SGD / RMSprop only).
add("cyclic", "triangular, 0.01 -> 0.1 over 4 steps up, 4 down, SGD momentum",
    {"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4}, momentum=0.9)
add("cyclic-triangular2", "triangular2, up 3, down 5: the amplitude halves every cycle",
    {"type": "cyclicLR", "baseLr": 0.001, "maxLr": 0.05, "stepSizeUp": 3, "stepSizeDown": 5, "mode": "triangular2"}, momentum=0.9)
add("cyclic-exp-range", "exp_range, gamma 0.97, up 5, momentum 0.85-0.95",
    {"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.2, "stepSizeUp": 5, "mode": "exp_range", "gamma": 0.97,
     "baseMomentum": 0.85, "maxMomentum": 0.95}, momentum=0.5)
add("cyclic-scale-cycle", "scaleFn 1 / cycle (scaleMode cycle), fractional stepSizeUp 2.5",
    {"type": "cyclicLR", "baseLr": 0.02, "maxLr": 0.12, "stepSizeUp": 2.5, "stepSizeDown": 3.5, "scaleFn": "inverse-cycle"}, momentum=0.9)
add("cyclic-scale-iterations", "scaleFn 0.99 ** step (scaleMode iterations), RMSprop momentum",
    {"type": "cyclicLR", "baseLr": 0.001, "maxLr": 0.01, "stepSizeUp": 6, "scaleFn": "decay-iterations", "scaleMode": "iterations"},
    optimizer="rmsprop", momentum=0.9)
add("cyclic-no-momentum", "cycleMomentum false on Adam (whose betas CyclicLR cannot cycle); default step sizes",
    {"type": "cyclicLR", "baseLr": 0.001, "maxLr": 0.006, "cycleMomentum": False}, optimizer="adam", momentum=0.9, base_lr=0.5)
add("cyclic-down-zero", "stepSizeDown 0: a sawtooth", {"type": "cyclicLR", "baseLr": 0.0, "maxLr": 1.0, "stepSizeUp": 5,
    "stepSizeDown": 0}, momentum=0.0, steps=20)

# chainedScheduler: every child steps, in order, on the same lr.
add("chained", "constantLR 0.5 for 4 steps, chained with exponential 0.9",
    {"type": "chainedScheduler", "schedulers": [{"type": "constantLR", "factor": 0.5, "totalIters": 4}, {"type": "exponentialLR", "gamma": 0.9}]})
add("chained-three", "linear warm-up, cosine tMax 20, multiplicative 0.95",
    {"type": "chainedScheduler", "schedulers": [{"type": "linearLR", "startFactor": 0.2, "totalIters": 6},
                                                {"type": "cosineAnnealingLR", "tMax": 20, "etaMin": 0.001},
                                                {"type": "multiplicativeLR", "lrLambda": "times95"}]})
add("chained-cyclic", "cyclic (absolute) then exponential (multiplies what cyclic wrote), momentum cycled",
    {"type": "chainedScheduler", "schedulers": [{"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 3},
                                                {"type": "exponentialLR", "gamma": 0.95}]}, momentum=0.9)
add("chained-sequential", "a sequentialLR (constant, then polynomial) chained with step",
    {"type": "chainedScheduler", "schedulers": [
        {"type": "sequentialLR", "milestones": [4], "schedulers": [{"type": "constantLR", "factor": 0.5, "totalIters": 10},
                                                                  {"type": "polynomialLR", "totalIters": 20, "power": 2.0}]},
        {"type": "stepLR", "stepSize": 7, "gamma": 0.5}]})
add("chained-onecycle", "oneCycle chained with constantLR: the constant factor scales the one-cycle's lr for 5 steps",
    {"type": "chainedScheduler", "schedulers": [{"type": "oneCycleLR", "maxLr": 0.1, "totalSteps": 40},
                                                {"type": "constantLR", "factor": 0.5, "totalIters": 5}]}, momentum=0.9)

# the new schedules inside sequentialLR: step(0) at a milestone takes their closed form (constant,
# polynomial) or get_lr at 0 (multiplicative keeps the lr; cyclic restarts at baseLr).
add("seq-constant-polynomial", "constantLR cut at milestone 3, then polynomial",
    {"type": "sequentialLR", "milestones": [3], "schedulers": [
        {"type": "constantLR", "factor": 0.1, "totalIters": 5}, {"type": "polynomialLR", "totalIters": 30, "power": 1.5}]})
add("seq-exp-multiplicative", "exponential then multiplicative (no closed form: the lr carries over)",
    {"type": "sequentialLR", "milestones": [6], "schedulers": [
        {"type": "exponentialLR", "gamma": 0.8}, {"type": "multiplicativeLR", "lrLambda": "zigzag"}]})
add("seq-linear-cyclic", "linear warm-up then cyclic: cyclic's constructor wrote the lr to its baseLr",
    {"type": "sequentialLR", "milestones": [5], "schedulers": [
        {"type": "linearLR", "startFactor": 0.2, "totalIters": 5}, {"type": "cyclicLR", "baseLr": 0.02, "maxLr": 0.2, "stepSizeUp": 4}]},
    momentum=0.9)
add("seq-cyclic-first", "cyclic first (its initial step from initial_lr = its baseLr), then constant",
    {"type": "sequentialLR", "milestones": [10], "schedulers": [
        {"type": "cyclicLR", "baseLr": 0.05, "maxLr": 0.5, "stepSizeUp": 2, "cycleMomentum": False}, {"type": "constantLR", "factor": 0.5}]})
add("chained-step-cyclic", "step first sets initial_lr 0.1, so cyclic's constructor step computes from 0.1, later ones from its baseLr",
    {"type": "chainedScheduler", "schedulers": [
        {"type": "stepLR", "stepSize": 2, "gamma": 0.5}, {"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.03, "stepSizeUp": 2}]},
    steps=12, momentum=0.9)
add("seq-step-cyclic", "step then cyclic at milestone 3: step(0) restarts cyclic at its baseLr",
    {"type": "sequentialLR", "milestones": [3], "schedulers": [
        {"type": "stepLR", "stepSize": 2, "gamma": 0.5}, {"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.03, "stepSizeUp": 2,
                                                           "cycleMomentum": False}]}, steps=20)


def cycles_momentum(config):
    """Whether a one-cycle or cyclic schedule writes the optimizer's momentum (else momentum is recorded as null)."""
    if config["type"] in ("sequentialLR", "chainedScheduler"):
        return any(cycles_momentum(c) for c in config["schedulers"])
    return config["type"] in ("oneCycleLR", "cyclicLR") and config.get("cycleMomentum", True)


def main():
    warnings.simplefilter("ignore")  # torch warns about stepping a scheduler with no real training
    out = []
    for case in CASES:
        plateau = case["config"]["type"] == "reduceLROnPlateau"
        metrics = [metric(t) for t in range(case["steps"] + 1)] if plateau else None
        lrs, moms, extra = run(case["config"], case["baseLr"], case["optimizer"], case["momentum"], case["steps"], metrics)
        cycles = cycles_momentum(case["config"])
        entry = dict(case)
        entry["optimizerMomentum"] = entry.pop("momentum")
        if plateau:
            entry["metrics"] = metrics[:case["steps"]]
        entry["lrs"] = lrs
        entry["momentum"] = moms if cycles else None
        entry["extraStepThrows"] = extra
        out.append(entry)
    # One case per line: diffs of a regenerated file stay readable.
    head = {"torch": torch.__version__, "lambdas": {k: v[0] for k, v in LAMBDAS.items()}}
    lines = ["    " + json.dumps(c, allow_nan=False, separators=(",", ":")) for c in out]
    text = json.dumps(head, indent=2)[:-2] + ',\n  "cases": [\n' + ",\n".join(lines) + "\n  ]\n}\n"
    json.loads(text)  # the hand-joined layout must still be valid JSON
    with open(OUT, "w") as f:
        f.write(text)
    print("wrote %d cases to %s" % (len(out), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
