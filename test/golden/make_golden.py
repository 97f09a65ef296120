#!/usr/bin/env python3
"""Golden training trajectories from PyTorch 1.13 for the descent conformance tests.

Each case is a small MLP + loss + optimizer + data + batching schedule. We replay it
in torch (float32, CPU) and record per-step losses, the step-0 gradients and the
final parameters. The JSON format is described in test/golden/README.md.

  /usr/bin/python3 test/golden/make_golden.py                 # fixed suite -> test/golden/cases/
  /usr/bin/python3 test/golden/make_golden.py --random 50 --seed 7 --out /tmp/rnd

Both modes are deterministic: all randomness comes from explicitly seeded generators.
"""
import argparse
import json
import math
import os
import random
import sys

import warnings

import torch
import torch.nn.functional as F

from make_schedules import build as build_scheduler, cycles_momentum  # noqa: E402 (same directory)

warnings.filterwarnings("ignore", module="torch.optim.lr_scheduler")  # step(0) inside SequentialLR warns
torch.set_num_threads(1)  # one thread: no run-to-run variation from parallel reductions

HERE = os.path.dirname(os.path.abspath(__file__))
ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu"]
LOSSES = ["softmax_cross_entropy", "sigmoid_bce", "mse", "mae", "huber"]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam", "adadelta"]


# ----------------------------------------------------------------------------- replay

def activate(name, z):
    if name == "linear":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return F.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, negative_slope=0.01)
    if name == "elu":
        return F.elu(z, alpha=1.0)
    if name == "softplus":
        return F.softplus(z, beta=1.0, threshold=20.0)
    if name == "gelu":
        return F.gelu(z, approximate="none")
    raise ValueError(name)


def loss_fn(name, out, y):
    if name == "softmax_cross_entropy":
        return F.cross_entropy(out, y, reduction="mean")
    if name == "sigmoid_bce":
        return F.binary_cross_entropy_with_logits(out, y, reduction="mean")
    if name == "mse":
        return F.mse_loss(out, y, reduction="mean")
    if name == "mae":
        return F.l1_loss(out, y, reduction="mean")
    if name == "huber":
        return F.huber_loss(out, y, reduction="mean", delta=1.0)
    raise ValueError(name)


# camelCase (JSON) -> torch keyword. clipGrad* are handled outside the optimizer.
OPT_KWARGS = {
    "lr": "lr", "momentum": "momentum", "dampening": "dampening", "nesterov": "nesterov",
    "weightDecay": "weight_decay", "lrDecay": "lr_decay",
    "initialAccumulatorValue": "initial_accumulator_value", "eps": "eps", "alpha": "alpha",
    "centered": "centered", "betas": "betas", "amsgrad": "amsgrad",
    "momentumDecay": "momentum_decay", "rho": "rho",
}
OPT_CLASSES = {
    "sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam, "adadelta": torch.optim.Adadelta,
}


def make_optimizer(params, spec):
    kw = {}
    for k, v in spec.items():
        if k in ("type", "clipGradValue", "clipGradNorm"):
            continue
        kw[OPT_KWARGS[k]] = tuple(v) if k == "betas" else v
    if spec["type"] == "nadam":
        # torch 1.13's single-tensor NAdam computes mu_product_next = mu_product*mu*mu_next
        # (mu counted twice; fixed in 2.0). The foreach path has the correct formula.
        kw["foreach"] = True
    return OPT_CLASSES[spec["type"]](params, **kw)


def replay(case, dtype=torch.float32):
    """Run a case; returns {"losses", "grads0", "final"} as tensors/floats (not yet JSON)."""
    spec = case["spec"]
    n, nin = case["n"], spec["inputs"]
    X = torch.tensor(case["x"], dtype=dtype).reshape(n, nin)
    if spec["loss"] == "softmax_cross_entropy":
        Y = torch.tensor(case["y"], dtype=torch.long)
    else:
        Y = torch.tensor(case["y"], dtype=dtype)
    params = []  # [W0, b0, W1, b1, ...] in layer order
    fan_in = nin
    for layer, init in zip(spec["layers"], case["init"]):
        W = torch.tensor(init["weight"], dtype=dtype).reshape(layer["units"], fan_in)
        b = torch.tensor(init["bias"], dtype=dtype)
        params += [W.requires_grad_(), b.requires_grad_()]
        fan_in = layer["units"]
    opt_spec = case["optimizer"]
    opt = make_optimizer(params, opt_spec)
    sched, interval = None, None
    if "schedule" in case:  # docs/replay.md: stepped per step, or per epoch = one pass over batches
        config = {k: v for k, v in case["schedule"].items() if k != "interval"}
        interval = case["schedule"].get("interval", "step" if config["type"] in ("oneCycleLR", "cyclicLR") else "epoch")
        sched = build_scheduler(opt, config)
    group = opt.param_groups[0]
    lrs, moms = [], []
    loss_sum, loss_rows = 0.0, 0

    def forward_loss(batch):
        idx = torch.tensor(batch, dtype=torch.long)
        h = X[idx]
        for i, layer in enumerate(spec["layers"]):
            h = activate(layer["activation"], F.linear(h, params[2 * i], params[2 * i + 1]))
        return loss_fn(spec["loss"], h, Y[idx])

    batches = case["batches"]
    losses, grads0 = [], None
    if case["steps"] == 0:
        loss = forward_loss(batches[0])
        loss.backward()
        grads0 = [p.grad.detach().clone() for p in params]
    for s in range(case["steps"]):
        if sched is not None:
            lrs.append(group["lr"])
            moms.append(group["betas"][0] if "betas" in group else group.get("momentum"))
        loss = forward_loss(batches[s % len(batches)])
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        if s == 0:  # raw gradient: before clipping and before the optimizer adds weight decay
            grads0 = [p.grad.detach().clone() for p in params]
        if "clipGradValue" in opt_spec:
            torch.nn.utils.clip_grad_value_(params, opt_spec["clipGradValue"])
        if "clipGradNorm" in opt_spec:
            torch.nn.utils.clip_grad_norm_(params, opt_spec["clipGradNorm"])
        opt.step()
        if sched is not None:
            n_rows = len(batches[s % len(batches)])
            loss_sum += losses[-1] * n_rows
            loss_rows += n_rows
            if interval == "step" or (s + 1) % len(batches) == 0:
                # reduceLROnPlateau watches the mean loss (by rows) since its last step
                if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                    sched.step(loss_sum / loss_rows)
                else:
                    sched.step()
                loss_sum, loss_rows = 0.0, 0
    final = [p.detach().clone() for p in params]
    out = {"losses": losses, "grads0": grads0, "final": final}
    if sched is not None:
        out["lrs"] = lrs
        if cycles_momentum(case["schedule"]):
            out["momentum"] = moms
    return out


# ----------------------------------------------------------------------------- JSON helpers

def jfloat(v):
    v = float(v)  # a float32 value is exactly representable as a Python float
    return v if math.isfinite(v) else None


def flat(t):
    """float32 tensor -> flat list of Python floats (full precision, non-finite -> None)."""
    return [jfloat(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def per_layer(tensors):
    return [{"weight": flat(tensors[i]), "bias": flat(tensors[i + 1])}
            for i in range(0, len(tensors), 2)]


def f32(v):
    """Round a Python number to the nearest float32 (data is float32 end to end)."""
    return float(torch.tensor(v, dtype=torch.float32))


def attach_expected(case):
    r = replay(case)
    case["expected"] = {
        "losses": [jfloat(f32(v)) for v in r["losses"]],
        "grads0": per_layer(r["grads0"]),
        "final": per_layer(r["final"]),
    }
    for key in ("lrs", "momentum"):  # scheduled cases: float64, as torch's param group holds them
        if key in r:
            case["expected"][key] = r[key]
    return case


def f64_drift(case):
    """How far a float64 replay of the same case ends up from the float32 one, relative to
    the parameter scale. Large values flag trajectories that are sensitive to rounding
    (kinks crossed, amsgrad max switching, ...), which a float32 reimplementation cannot
    match bit-for-bit."""
    r = replay(case, torch.float64)
    a = torch.cat([torch.tensor(l["weight"] + l["bias"], dtype=torch.float64)
                   for l in case["expected"]["final"]])
    b = torch.cat([t.reshape(-1) for t in r["final"]])
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        return float("inf")
    return float((a - b).abs().max() / (a.abs().max() + 1e-3))


def is_finite_case(case):
    e = case["expected"]
    vals = list(e["losses"])
    for group in (e["grads0"], e["final"]):
        for l in group:
            vals += l["weight"] + l["bias"]
    return all(v is not None for v in vals)


KEY_ORDER = ["name", "description", "spec", "optimizer", "n", "x", "y", "batches", "steps",
             "init", "expected"]


def dump(case, path):
    # One top-level key per line, each value compact: small files, readable diffs.
    order = KEY_ORDER if "schedule" not in case else KEY_ORDER[:-1] + ["schedule", "expected"]
    assert set(case) == set(order), sorted(case)
    lines = ["  %s: %s" % (json.dumps(k), json.dumps(case[k], allow_nan=False, separators=(",", ":")))
             for k in order]
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


# ----------------------------------------------------------------------------- case builder

BASE_OPT = {"type": "adam", "lr": 1e-2}


def build(name, description, inputs=4, layers=(("tanh", 8), ("linear", 3)),
          loss="softmax_cross_entropy", optimizer=None, n=12, batch_sizes=(5, 5, 2), steps=20,
          x_scale=1.0, y_scale=1.0, soft_targets=False, seed=0):
    """The base case with some factors overridden. Data, init and batches are drawn from
    generators seeded only by `seed` and the shapes, so cases sharing shapes with the base
    share its data: each case really differs in one factor only."""
    layers = [{"units": u, "activation": a} for a, u in layers]
    outputs = layers[-1]["units"]
    g_init = torch.Generator().manual_seed(1000 + seed)
    g_x = torch.Generator().manual_seed(2000 + seed)
    g_y = torch.Generator().manual_seed(3000 + seed)
    rng = random.Random(4000 + seed)

    init, fan_in = [], inputs
    for l in layers:
        # Same distribution as nn.Linear's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        # for both weight and bias (so biases are non-zero).
        bound = 1.0 / math.sqrt(fan_in)
        w = (torch.rand(l["units"], fan_in, generator=g_init) * 2 - 1) * bound
        b = (torch.rand(l["units"], generator=g_init) * 2 - 1) * bound
        init.append({"weight": flat(w), "bias": flat(b)})
        fan_in = l["units"]

    x = flat(torch.randn(n, inputs, generator=g_x) * x_scale)
    if loss == "softmax_cross_entropy":
        y = torch.randint(0, outputs, (n,), generator=g_y).tolist()
    elif loss == "sigmoid_bce":
        if soft_targets:  # multiples of 0.1 in [0, 1], incl. 0 and 1
            t = torch.randint(0, 11, (n, outputs), generator=g_y).float() / 10
        else:
            t = torch.randint(0, 2, (n, outputs), generator=g_y).float()
        y = [[f32(v) for v in row] for row in t.tolist()]
    elif layers[-1]["activation"] == "sigmoid":  # targets inside the sigmoid's range
        t = torch.rand(n, outputs, generator=g_y) * 0.8 + 0.1
        y = [[f32(v) for v in row] for row in t.tolist()]
    else:
        t = torch.randn(n, outputs, generator=g_y) * y_scale
        y = [[f32(v) for v in row] for row in t.tolist()]

    perm = list(range(n))
    rng.shuffle(perm)
    batches, i = [], 0
    for size in batch_sizes:
        batches.append(perm[i:i + size])
        i += size
    assert i == n and all(batches), (name, batch_sizes, n)

    return {
        "name": name, "description": description,
        "spec": {"inputs": inputs, "layers": layers, "loss": loss},
        "optimizer": dict(optimizer if optimizer is not None else BASE_OPT),
        "n": n, "x": x, "y": y, "batches": batches, "steps": steps, "init": init,
    }


def zero_kink(case, units=4, rows_per_batch=1):
    """Make some first-layer pre-activations exactly 0.0: zero the bias of the first
    `units` hidden units and zero one input row in each batch. 0*w sums to (+/-)0 exactly
    in any summation order, so every implementation evaluates the kink derivative."""
    b = case["init"][0]["bias"]
    for j in range(units):
        b[j] = 0.0
    nin = case["spec"]["inputs"]
    for batch in case["batches"]:
        for r in batch[:rows_per_batch]:
            case["x"][r * nin:(r + 1) * nin] = [0.0] * nin
    return case


def mae_exact_zero(case):
    """Force |output - target| == 0 exactly for one sample of batch 0 (pins sign(0) = 0 in
    the L1 gradient): zero input row + zero hidden bias gives tanh(0) = 0 hidden
    activations, so the output is exactly the output-layer bias; use it as the target."""
    case["init"][0]["bias"] = [0.0] * len(case["init"][0]["bias"])
    nin = case["spec"]["inputs"]
    r = case["batches"][0][0]
    case["x"][r * nin:(r + 1) * nin] = [0.0] * nin
    case["y"][r] = list(case["init"][-1]["bias"])
    return case


def fixed_cases():
    C = []  # (build kwargs..., optional tweak)

    def add(name, description, tweak=None, **kw):
        C.append((name, description, tweak, kw))

    add("base", "base case: tanh(8) -> linear(3), softmax CE, batches 5/5/2, 20 steps, adam lr 1e-2 "
        "(also the 'adam lr changed' case)")

    # 1. each optimizer with PyTorch defaults (sgd needs an lr)
    defaults = {"sgd": {"lr": 0.1}}
    for t in OPTIMIZERS:
        add(t, "optimizer %s with PyTorch defaults%s" % (t, " (lr 0.1, required)" if t == "sgd" else ""),
            optimizer=dict({"type": t}, **defaults.get(t, {})))

    # 2. one option changed from that optimizer's defaults
    options = [
        ("sgd-momentum", "sgd", {"momentum": 0.9}),
        ("sgd-dampening", "sgd", {"momentum": 0.9, "dampening": 0.5}),
        ("sgd-nesterov", "sgd", {"momentum": 0.9, "nesterov": True}),
        ("sgd-weight-decay", "sgd", {"weightDecay": 0.1}),
        ("adagrad-lr-decay", "adagrad", {"lrDecay": 0.1}),
        ("adagrad-weight-decay", "adagrad", {"weightDecay": 0.1}),
        ("adagrad-initial-accumulator", "adagrad", {"initialAccumulatorValue": 0.5}),
        ("adagrad-eps", "adagrad", {"eps": 1e-3}),
        ("rmsprop-alpha", "rmsprop", {"alpha": 0.9}),
        ("rmsprop-eps", "rmsprop", {"eps": 1e-3}),
        ("rmsprop-weight-decay", "rmsprop", {"weightDecay": 0.1}),
        ("rmsprop-momentum", "rmsprop", {"momentum": 0.9}),
        ("rmsprop-centered", "rmsprop", {"centered": True}),
        ("rmsprop-centered-momentum", "rmsprop", {"centered": True, "momentum": 0.9}),
        ("adam-betas", "adam", {"betas": [0.8, 0.99]}),
        ("adam-eps", "adam", {"eps": 1e-3}),
        ("adam-weight-decay", "adam", {"weightDecay": 0.1}),
        ("adam-amsgrad", "adam", {"amsgrad": True}),
        # with beta2 0.999 the running max almost never bites within 20 steps (v_t keeps
        # growing); with beta2 0.9 it does, often.
        ("adam-amsgrad-beta2", "adam", {"amsgrad": True, "betas": [0.9, 0.9]}),
        ("adamw-weight-decay", "adamw", {"weightDecay": 0.1}),
        ("adamw-amsgrad", "adamw", {"amsgrad": True}),
        ("adamw-amsgrad-beta2", "adamw", {"amsgrad": True, "betas": [0.9, 0.9]}),
        ("adamax-betas", "adamax", {"betas": [0.8, 0.99]}),
        ("adamax-eps", "adamax", {"eps": 1e-3}),
        ("adamax-weight-decay", "adamax", {"weightDecay": 0.1}),
        ("nadam-betas", "nadam", {"betas": [0.8, 0.99]}),
        ("nadam-weight-decay", "nadam", {"weightDecay": 0.1}),
        # 0.01 would change the trajectory by only ~1e-5 in 20 steps; 0.5 makes mu_t visibly grow
        ("nadam-momentum-decay", "nadam", {"momentumDecay": 0.5}),
        ("nadam-eps", "nadam", {"eps": 1e-3}),
        # beta2 0.8: rho_inf = 9, rho_t > 5 first at step 7 (default betas: step 6)
        ("radam-betas", "radam", {"betas": [0.8, 0.8]}),
        # beta2 0.6: rho_inf = 4 < 5, so the rectified branch is never taken
        ("radam-never-rectified", "radam", {"betas": [0.9, 0.6]}),
        ("radam-weight-decay", "radam", {"weightDecay": 0.1}),
        ("radam-eps", "radam", {"eps": 1e-3}),
        ("adadelta-lr", "adadelta", {"lr": 0.5}),
        ("adadelta-rho", "adadelta", {"rho": 0.5}),
        ("adadelta-eps", "adadelta", {"eps": 1e-3}),
        ("adadelta-weight-decay", "adadelta", {"weightDecay": 0.1}),
    ]
    for name, t, opts in options:
        o = dict({"type": t}, **defaults.get(t, {}))
        o.update(opts)
        add(name, "optimizer %s, defaults except %s" % (t, json.dumps(opts)), optimizer=o)

    # 3. hidden activation (tanh is the base). x ~ N(0, 1.5^2) so every kink/saturation side is hit.
    for a in ACTIVATIONS:
        if a != "tanh":
            add("act-" + a, "hidden activation %s instead of tanh; inputs scaled x1.5" % a,
                layers=((a, 8), ("linear", 3)), x_scale=1.5)
    add("act-softplus-threshold", "hidden softplus with inputs x30: many pre-activations > 20 "
        "(softplus is the identity there) and many < -20", layers=(("softplus", 8), ("linear", 3)),
        x_scale=30.0)
    for a in ("relu", "leaky_relu", "elu"):
        add("act-%s-kink" % a, "hidden %s with some pre-activations exactly 0.0 at step 0 "
            "(zero input rows, zero biases): pins the derivative at 0" % a,
            tweak=zero_kink, layers=((a, 8), ("linear", 3)))

    # 4. loss (softmax CE is the base)
    add("loss-sigmoid-bce", "loss sigmoid_bce with 3 outputs and 0/1 targets", loss="sigmoid_bce")
    add("loss-sigmoid-bce-soft", "loss sigmoid_bce with soft targets (multiples of 0.1)",
        loss="sigmoid_bce", soft_targets=True)
    add("loss-mse", "loss mse, linear(3) output, N(0,1) targets", loss="mse")
    add("loss-mae", "loss mae, linear(3) output, N(0,1) targets", loss="mae")
    add("loss-mae-zero-diff", "loss mae where one output equals its target exactly at step 0 "
        "(pins sign(0) = 0); hidden biases 0", tweak=mae_exact_zero, loss="mae")
    add("loss-huber", "loss huber (delta 1), targets N(0, 2^2) so |diff| is both < 1 and > 1",
        loss="huber", y_scale=2.0)
    add("loss-mse-sigmoid-output", "loss mse with a sigmoid output layer, targets in (0.1, 0.9)",
        loss="mse", layers=(("tanh", 8), ("sigmoid", 3)))
    add("loss-mse-1-output", "loss mse with a single output (y is n x 1)", loss="mse",
        layers=(("tanh", 8), ("linear", 1)))

    # 5. clipping. SGD, not Adam: Adam is nearly invariant to a global gradient scale, so
    # norm clipping would barely show in the trajectory.
    sgd = {"type": "sgd", "lr": 0.1}
    add("clip-value", "sgd lr 0.1 with clipGradValue 0.01 (bites)",
        optimizer=dict(sgd, clipGradValue=0.01))
    add("clip-norm", "sgd lr 0.1 with clipGradNorm 0.1 (bites)", optimizer=dict(sgd, clipGradNorm=0.1))
    add("clip-both", "sgd lr 0.1 with clipGradValue 0.05 then clipGradNorm 0.1",
        optimizer=dict(sgd, clipGradValue=0.05, clipGradNorm=0.1))
    add("clip-norm-noop", "sgd lr 0.1 with clipGradNorm 1000 (never bites)",
        optimizer=dict(sgd, clipGradNorm=1000.0))
    add("clip-value-adam", "adam lr 1e-2 with clipGradValue 0.01", optimizer=dict(BASE_OPT, clipGradValue=0.01))

    # 6. combinations
    add("combo-deep-relu-nesterov", "3 hidden relu(10) layers, sgd nesterov momentum 0.9 + "
        "weightDecay 1e-3 + clipGradNorm 1", layers=(("relu", 10), ("relu", 10), ("relu", 10), ("linear", 3)),
        optimizer={"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3,
                   "clipGradNorm": 1.0})
    add("combo-adamw-amsgrad-gelu-huber", "gelu hidden, huber loss (2 outputs), adamw amsgrad lr 1e-2 "
        "betas [0.9,0.95] weightDecay 0.05", layers=(("gelu", 8), ("linear", 2)), loss="huber", y_scale=2.0,
        optimizer={"type": "adamw", "lr": 1e-2, "betas": [0.9, 0.95], "weightDecay": 0.05, "amsgrad": True})
    add("combo-rmsprop-centered-elu-mse", "elu hidden, mse with 3 outputs, rmsprop centered "
        "momentum 0.9 lr 1e-3", layers=(("elu", 8), ("linear", 3)), loss="mse",
        optimizer={"type": "rmsprop", "lr": 1e-3, "centered": True, "momentum": 0.9})
    add("combo-radam-leaky-bce", "leaky_relu hidden(6,5), sigmoid_bce 2 outputs, radam lr 1e-2 "
        "weightDecay 0.01 + clipGradValue 0.5", layers=(("leaky_relu", 6), ("leaky_relu", 5), ("linear", 2)),
        loss="sigmoid_bce", optimizer={"type": "radam", "lr": 1e-2, "weightDecay": 0.01, "clipGradValue": 0.5})
    add("combo-nadam-softplus-mae", "softplus hidden, mae 2 outputs, nadam lr 1e-2 betas [0.85,0.995] "
        "weightDecay 0.01", layers=(("softplus", 7), ("linear", 2)), loss="mae",
        optimizer={"type": "nadam", "lr": 1e-2, "betas": [0.85, 0.995], "weightDecay": 0.01})
    add("combo-adamax-sigmoid-huber-wide", "sigmoid hidden(10), huber 1 output, adamax lr 2e-2, "
        "5 inputs, 16 samples in batches 6/6/4", inputs=5, layers=(("sigmoid", 10), ("linear", 1)),
        loss="huber", y_scale=2.0, n=16, batch_sizes=(6, 6, 4), optimizer={"type": "adamax", "lr": 2e-2})
    add("combo-no-hidden-bce", "no hidden layer (logistic regression): linear(1) + sigmoid_bce, "
        "adagrad lr 0.1", layers=(("linear", 1),), loss="sigmoid_bce",
        optimizer={"type": "adagrad", "lr": 0.1})
    add("deep-sigmoid", "6 hidden sigmoid(8) layers -> linear(3), sgd lr 0.1: vanishing gradients "
        "(first-layer grads0 tiny)", layers=tuple([("sigmoid", 8)] * 6 + [("linear", 3)]),
        optimizer={"type": "sgd", "lr": 0.1})

    # 7. batching
    add("steps-0", "steps 0: final = init, losses = [], grads0 from batches[0]", steps=0)
    add("batch-1", "stochastic: 12 batches of 1 sample, 24 steps", batch_sizes=(1,) * 12, steps=24)
    add("full-batch", "full batch: one batch of all 12 samples", batch_sizes=(12,))

    cases = []
    for name, description, tweak, kw in C:
        case = build(name, description, **kw)
        if tweak:
            tweak(case)
        cases.append(case)
    return cases


def scheduled_cases():
    """Cases with a learning-rate schedule (docs/replay.md): written to scheduled/, with
    expected.lrs (and expected.momentum when the schedule cycles it). Base data: 3 batches
    (5/5/2) per epoch."""
    S = []

    def add(name, description, schedule, optimizer, steps=30, **kw):
        case = build(name, description, optimizer=optimizer, steps=steps, **kw)
        case["schedule"] = schedule
        S.append(case)

    add("sched-step-sgd", "sgd momentum 0.9, stepLR stepSize 2 gamma 0.5 per epoch (3 steps)",
        {"type": "stepLR", "stepSize": 2, "gamma": 0.5}, {"type": "sgd", "lr": 0.2, "momentum": 0.9})
    add("sched-step-per-step", "adam, exponentialLR gamma 0.9 with interval step",
        {"type": "exponentialLR", "gamma": 0.9, "interval": "step"}, {"type": "adam", "lr": 0.02})
    add("sched-onecycle-adam", "adam, oneCycleLR maxLr 0.05 over 30 steps: lr and beta1 cycle per step",
        {"type": "oneCycleLR", "maxLr": 0.05, "totalSteps": 30}, {"type": "adam", "lr": 1e-3})
    add("sched-onecycle-sgd-nesterov", "sgd nesterov momentum 0.9, oneCycleLR three-phase linear, epochs x stepsPerEpoch",
        {"type": "oneCycleLR", "maxLr": 0.3, "epochs": 10, "stepsPerEpoch": 3, "threePhase": True, "annealStrategy": "linear"},
        {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True})
    add("sched-cyclic-sgd-no-momentum", "sgd built with momentum 0: cyclicLR cycles momentum 0.9 -> 0.8 from the first step",
        {"type": "cyclicLR", "baseLr": 0.01, "maxLr": 0.3, "stepSizeUp": 4}, {"type": "sgd", "lr": 0.1})
    add("sched-cyclic-rmsprop", "rmsprop momentum 0.5, cyclicLR triangular2 up 3 down 5",
        {"type": "cyclicLR", "baseLr": 1e-3, "maxLr": 1e-2, "stepSizeUp": 3, "stepSizeDown": 5, "mode": "triangular2"},
        {"type": "rmsprop", "lr": 1e-3, "momentum": 0.5})
    add("sched-cyclic-adam-epoch", "adam, cyclicLR exp_range without momentum cycling, stepped per epoch",
        {"type": "cyclicLR", "baseLr": 1e-3, "maxLr": 0.03, "stepSizeUp": 2, "mode": "exp_range", "gamma": 0.9,
         "cycleMomentum": False, "interval": "epoch"}, {"type": "adam", "lr": 1e-2})
    add("sched-warmup-cosine", "adamw, sequentialLR: linearLR warm-up over 2 epochs then cosineAnnealingLR tMax 8",
        {"type": "sequentialLR", "milestones": [2], "schedulers": [
            {"type": "linearLR", "startFactor": 0.1, "totalIters": 2}, {"type": "cosineAnnealingLR", "tMax": 8}]},
        {"type": "adamw", "lr": 0.02, "weightDecay": 0.01})
    add("sched-chained", "sgd, chainedScheduler constantLR 0.5 for 3 epochs with exponentialLR 0.8",
        {"type": "chainedScheduler", "schedulers": [{"type": "constantLR", "factor": 0.5, "totalIters": 3},
                                                    {"type": "exponentialLR", "gamma": 0.8}]}, {"type": "sgd", "lr": 0.3})
    add("sched-polynomial-nadam", "nadam, polynomialLR totalIters 8 power 2 per epoch",
        {"type": "polynomialLR", "totalIters": 8, "power": 2.0}, {"type": "nadam", "lr": 0.02})
    add("sched-warm-restarts-rmsprop", "rmsprop, cosineAnnealingWarmRestarts t0 2 tMult 2 per epoch",
        {"type": "cosineAnnealingWarmRestarts", "t0": 2, "tMult": 2, "etaMin": 1e-4}, {"type": "rmsprop", "lr": 0.01})
    add("sched-plateau", "sgd lr 0.5, reduceLROnPlateau on the epoch's mean loss, threshold 0.05 patience 0",
        {"type": "reduceLROnPlateau", "threshold": 0.05, "patience": 0, "factor": 0.5}, {"type": "sgd", "lr": 0.5})
    add("sched-multistep-clip", "sgd momentum + clipGradNorm 0.5, multiStepLR milestones [2, 5] gamma 0.3",
        {"type": "multiStepLR", "milestones": [2, 5], "gamma": 0.3}, {"type": "sgd", "lr": 0.3, "momentum": 0.8, "clipGradNorm": 0.5})
    return S


# ----------------------------------------------------------------------------- random cases

def rnd(r, lo, hi, log=False, digits=3):
    """Uniform (or log-uniform) sample rounded to `digits` significant digits."""
    v = math.exp(r.uniform(math.log(lo), math.log(hi))) if log else r.uniform(lo, hi)
    return float("%.*g" % (digits, v))


def random_optimizer(r):
    t = r.choice(OPTIMIZERS)
    o = {"type": t}
    p = 0.4  # each option is present with this probability

    def maybe(key, value_fn):
        if r.random() < p:
            o[key] = value_fn()

    betas = lambda: [rnd(r, 0.5, 0.95), float("%.4g" % (1 - rnd(r, 1e-4, 0.2, log=True)))]
    eps = lambda: rnd(r, 1e-10, 1e-3, log=True)
    wd = lambda: rnd(r, 1e-4, 0.1, log=True)
    if t == "sgd":
        o["lr"] = rnd(r, 0.01, 0.2, log=True)
        maybe("momentum", lambda: rnd(r, 0.5, 0.95))
        if "momentum" in o:
            if r.random() < 0.5:
                o["nesterov"] = True
            else:
                maybe("dampening", lambda: rnd(r, 0.1, 0.9))
        maybe("weightDecay", wd)
    elif t == "adagrad":
        maybe("lr", lambda: rnd(r, 0.01, 0.1, log=True))
        maybe("lrDecay", lambda: rnd(r, 0.01, 0.5, log=True))
        maybe("weightDecay", wd)
        maybe("initialAccumulatorValue", lambda: rnd(r, 0.01, 1.0, log=True))
        maybe("eps", eps)
    elif t == "rmsprop":
        maybe("lr", lambda: rnd(r, 1e-3, 1e-2, log=True))
        maybe("alpha", lambda: rnd(r, 0.8, 0.999))
        maybe("eps", eps)
        maybe("weightDecay", wd)
        maybe("momentum", lambda: rnd(r, 0.3, 0.9))
        maybe("centered", lambda: True)
    elif t in ("adam", "adamw", "adamax", "nadam", "radam"):
        maybe("lr", lambda: rnd(r, 1e-3, 3e-2, log=True))
        maybe("betas", betas)
        maybe("eps", eps)
        maybe("weightDecay", wd)
        if t in ("adam", "adamw"):
            maybe("amsgrad", lambda: True)
        if t == "nadam":
            maybe("momentumDecay", lambda: rnd(r, 1e-3, 1e-2, log=True))
    elif t == "adadelta":
        maybe("lr", lambda: rnd(r, 0.1, 1.0))
        maybe("rho", lambda: rnd(r, 0.5, 0.95))
        maybe("eps", lambda: rnd(r, 1e-6, 1e-3, log=True))
        maybe("weightDecay", wd)
    if r.random() < 0.25:
        o["clipGradValue"] = rnd(r, 0.01, 1.0, log=True)
    if r.random() < 0.25:
        o["clipGradNorm"] = rnd(r, 0.1, 5.0, log=True)
    return o


def random_case(name, r):
    inputs = r.randint(1, 6)
    loss = r.choice(LOSSES)
    nlayers = r.randint(1, 3)
    layers = [(r.choice(ACTIVATIONS), r.randint(1, 10)) for _ in range(nlayers - 1)]
    if loss == "softmax_cross_entropy":
        out = ("linear", r.randint(2, 5))
    elif loss == "sigmoid_bce":
        out = ("linear", r.randint(1, 4))
    else:  # regression: any output activation, mostly linear
        out = ("linear" if r.random() < 0.5 else r.choice(ACTIVATIONS), r.randint(1, 4))
    layers.append(out)
    n = r.randint(1, 16)
    sizes, left = [], n
    while left:
        s = r.randint(1, left)
        sizes.append(s)
        left -= s
    opt = random_optimizer(r)
    desc = "random: %d inputs, %s, %s, %s" % (
        inputs, " -> ".join("%s(%d)" % (a, u) for a, u in layers), loss, json.dumps(opt))
    return build(name, desc, inputs=inputs, layers=tuple(layers), loss=loss, optimizer=opt, n=n,
                 batch_sizes=tuple(sizes), steps=r.randint(1, 25),
                 x_scale=r.choice([0.5, 1.0, 2.0]), y_scale=r.choice([0.5, 1.0, 2.0]),
                 soft_targets=r.random() < 0.3, seed=r.randrange(1 << 30))


# Reject random cases whose float64 replay drifts further than this from float32:
# they are rounding-sensitive and would make a float32 reimplementation fail spuriously.
RANDOM_MAX_DRIFT = 1e-4


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--random", type=int, metavar="N", help="write N random valid cases instead of the suite")
    ap.add_argument("--seed", type=int, default=0, help="seed for --random")
    ap.add_argument("--out", help="output directory (default test/golden/cases; required with --random)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    if args.random is None:
        out = args.out or os.path.join(HERE, "cases")
        cases = [attach_expected(c) for c in fixed_cases()]
        scheduled = os.path.join(os.path.dirname(out), "scheduled") if args.out else os.path.join(HERE, "scheduled")
        os.makedirs(scheduled, exist_ok=True)
        for c in scheduled_cases():
            attach_expected(c)
            assert is_finite_case(c), c["name"]
            dump(c, os.path.join(scheduled, c["name"] + ".json"))
            if not args.quiet:
                print("%-34s drift(f64) %.1e  lr %s -> %s" % (c["name"], f64_drift(c), c["expected"]["lrs"][0], c["expected"]["lrs"][-1]))
    else:
        if not args.out:
            ap.error("--random needs --out DIR (random cases are not committed)")
        out = args.out
        r = random.Random(args.seed)
        cases, rejected = [], 0
        while len(cases) < args.random:
            c = attach_expected(random_case("random-s%d-%03d" % (args.seed, len(cases)), r))
            if not is_finite_case(c) or f64_drift(c) > RANDOM_MAX_DRIFT:
                rejected += 1
                continue
            cases.append(c)
        if not args.quiet:
            print("rejected %d ill-conditioned random cases" % rejected, file=sys.stderr)

    os.makedirs(out, exist_ok=True)
    names = set()
    for c in cases:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        assert len(c["x"]) == c["n"] * c["spec"]["inputs"]
        if c["spec"]["loss"] in ("softmax_cross_entropy", "sigmoid_bce"):
            assert c["spec"]["layers"][-1]["activation"] == "linear"
        dump(c, os.path.join(out, c["name"] + ".json"))
        if not args.quiet:
            print("%-34s drift(f64) %.1e  loss %s -> %s" % (
                c["name"], f64_drift(c),
                c["expected"]["losses"][0] if c["steps"] else "-",
                c["expected"]["losses"][-1] if c["steps"] else "-"))


if __name__ == "__main__":
    main()
