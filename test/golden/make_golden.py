#!/usr/bin/env python3
"""Golden training trajectories from PyTorch 1.13 for the descent conformance tests.

Each case is a small network of descent's layer kinds (golden_model.py builds it as torch.nn
modules) + loss + optimizer + data + batching schedule (+ dropout keep masks). We replay it in
torch (float32, CPU) and record per-step losses, the step-0 gradients and the final
parameters, and for networks beyond dense layers the evaluation-mode outputs after training
and batch norm's running statistics. The JSON format is described in test/golden/README.md.

  /usr/bin/python3 test/golden/make_golden.py                 # fixed suites -> test/golden/cases/, layers/, scheduled/
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
from golden_model import ACTIVATIONS, Model, check_dropout, kind  # noqa: E402 (same directory)

warnings.filterwarnings("ignore", module="torch.optim.lr_scheduler")  # step(0) inside SequentialLR warns
warnings.filterwarnings("ignore", message="Using padding='same'")  # an even 'same' kernel pads a copy: fine here
torch.set_num_threads(1)  # one thread: no run-to-run variation from parallel reductions

HERE = os.path.dirname(os.path.abspath(__file__))
LOSSES = ["softmax_cross_entropy", "sigmoid_bce", "mse", "mae", "huber"]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam", "adadelta"]


# ----------------------------------------------------------------------------- replay

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


def decode_mask(m):
    """A step's keep mask as the case stores it: a string of 0/1 characters (or a list of 0/1)."""
    return [1.0 if ch == "1" else 0.0 for ch in m] if isinstance(m, str) else [float(v) for v in m]


def encode_mask(t):
    return "".join("1" if v else "0" for v in t.reshape(-1).tolist())


def replay(case, dtype=torch.float32):
    """Run a case; returns {"losses", "grads0", "final", "evalOutputs", "state"} as tensors/floats
    (not yet JSON). grads0/final/state are per layer {torch name: tensor}."""
    spec = case["spec"]
    n = case["n"]
    model = Model(spec, dtype)
    model.load(case["init"])
    X = torch.tensor(case["x"], dtype=dtype).reshape(n, -1)
    if spec["loss"] == "softmax_cross_entropy":
        Y = torch.tensor(case["y"], dtype=torch.long)
    else:
        Y = torch.tensor(case["y"], dtype=dtype)
    params = model.parameters()  # in layer order, each layer's weight then bias: descent's order
    masks = {int(i): m for i, m in case.get("dropoutMasks", {}).items()}
    assert sorted(masks) == [i for i in model.dropout_layers() if model.layers[i][0].p > 0], (sorted(masks), model.dropout_layers())
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

    def forward_loss(s, batch):
        idx = torch.tensor(batch, dtype=torch.long)
        model.train(True)
        model.set_masks({i: torch.tensor(decode_mask(m[s]), dtype=dtype).reshape(len(batch), -1) for i, m in masks.items()})
        return loss_fn(spec["loss"], model(X[idx]), Y[idx])

    def layer_grads():
        # Raw gradient: before clipping and before the optimizer adds weight decay.
        return [{name: (p.grad if p.grad is not None else torch.zeros_like(p)).detach().clone()
                 for name, p in model.named_parameters(i)} for i in range(len(model.layers))]

    batches = case["batches"]
    losses, grads0 = [], None
    if case["steps"] == 0:
        loss = forward_loss(0, batches[0])
        loss.backward()
        grads0 = layer_grads()
    for s in range(case["steps"]):
        if sched is not None:
            lrs.append(group["lr"])
            moms.append(group["betas"][0] if "betas" in group else group.get("momentum"))
        loss = forward_loss(s, batches[s % len(batches)])
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        if s == 0:
            grads0 = layer_grads()
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
    final = [{name: p.detach().clone() for name, p in model.named_parameters(i)} for i in range(len(model.layers))]
    # Evaluation mode after training: dropout passes values through, batch norm uses its
    # running statistics (or, without them, the statistics of all n rows at once).
    model.train(False)
    with torch.no_grad():
        eval_outputs = model(X)
    state = [{name: b.detach().clone() for name, b in model.named_buffers(i)} for i in range(len(model.layers))]
    out = {"losses": losses, "grads0": grads0, "final": final, "evalOutputs": eval_outputs, "state": state}
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


def per_layer(layers):
    """Per layer {torch name: tensor} -> {torch name: flat list}."""
    return [{name: flat(t) for name, t in layer.items()} for layer in layers]


def is_legacy(case):
    """A network of dense layers only, as every case was before the other layer kinds: its files
    keep exactly the keys they always had (no evalOutputs: evaluation is the training forward
    there), and descent's replay prints no evalOutputs for it either."""
    return all(kind(l) == "dense" for l in case["spec"]["layers"])


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
    if not is_legacy(case):
        case["expected"]["evalOutputs"] = flat(r["evalOutputs"])
        if any(r["state"]):
            case["expected"]["state"] = per_layer(r["state"])
    for key in ("lrs", "momentum"):  # scheduled cases: float64, as torch's param group holds them
        if key in r:
            case["expected"][key] = r[key]
    return case


def compared(r, legacy):
    """The float tensors a replay is checked on after training: final parameters, and for layer
    cases the evaluation outputs and running statistics (num_batches_tracked is an exact count)."""
    ts = [t for layer in r["final"] for t in layer.values()]
    if legacy:  # the drift the MLP cases (and their random draws) were always selected by
        return torch.cat([t.detach().to(torch.float64).reshape(-1) for t in ts])
    ts.append(r["evalOutputs"])
    ts += [t for layer in r["state"] for name, t in layer.items() if name != "num_batches_tracked"]
    return torch.cat([t.detach().to(torch.float64).reshape(-1) for t in ts])


def f64_drift(case):
    """How far a float64 replay of the same case ends up from the float32 one, relative to
    the scale of the values (final parameters, and for layer cases the evaluation outputs and
    running statistics). Large values flag trajectories that are sensitive to rounding (kinks
    crossed, amsgrad max switching, max-pool windows with near ties, ...), which a float32
    reimplementation cannot match bit-for-bit."""
    a = compared(replay(case), is_legacy(case))
    b = compared(replay(case, torch.float64), is_legacy(case))
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        return float("inf")
    return float((a - b).abs().max() / (a.abs().max() + 1e-3))


def is_finite_case(case):
    e = case["expected"]
    vals = list(e["losses"]) + e.get("evalOutputs", [])
    for group in (e["grads0"], e["final"], e.get("state", [])):
        for l in group:
            for v in l.values():
                vals += v
    return all(v is not None for v in vals)


KEY_ORDER = ["name", "description", "spec", "optimizer", "n", "x", "y", "batches", "steps",
             "init", "dropoutMasks", "schedule", "expected"]


def dump(case, path):
    # One top-level key per line, each value compact: small files, readable diffs.
    order = [k for k in KEY_ORDER if k in case or k not in ("dropoutMasks", "schedule")]
    assert set(case) == set(order), sorted(case)
    lines = ["  %s: %s" % (json.dumps(k), json.dumps(case[k], allow_nan=False, separators=(",", ":")))
             for k in order]
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


# ----------------------------------------------------------------------------- case builder

BASE_OPT = {"type": "adam", "lr": 1e-2}


def build(name, description, inputs=4, layers=(("tanh", 8), ("linear", 3)),
          loss="softmax_cross_entropy", optimizer=None, n=12, batch_sizes=(5, 5, 2), steps=20,
          x_scale=1.0, y_scale=1.0, soft_targets=False, seed=0, buffers=None, x_step=None):
    """The base case with some factors overridden. Data, init and batches are drawn from
    generators seeded only by `seed` and the shapes, so cases sharing shapes with the base
    share its data: each case really differs in one factor only.

    `layers`: (activation, units) pairs for an MLP in the original format, or descent layer
    specs (dicts with `type`). `buffers`: {layer index: {running_mean, running_var,
    num_batches_tracked}} for batch norm layers that start from other statistics than torch's
    (0, 1, 0). `x_step`: round the inputs to multiples of it (short JSON for images)."""
    if layers and isinstance(layers[0], tuple):
        layers = [{"units": u, "activation": a} for a, u in layers]
    else:
        layers = [dict(l) for l in layers]
    spec = {"inputs": inputs, "layers": layers, "loss": loss}
    model = Model(spec)
    outputs = model.outputs
    features = 1
    for d in model.input_shape:
        features *= d
    g_init = torch.Generator().manual_seed(1000 + seed)
    g_x = torch.Generator().manual_seed(2000 + seed)
    g_y = torch.Generator().manual_seed(3000 + seed)
    rng = random.Random(4000 + seed)
    g_mask = torch.Generator().manual_seed(5000 + seed)

    init = []
    for i, l in enumerate(layers):
        values = {}
        weight_fan_in = None
        for tensor, p in model.named_parameters(i):
            if kind(l) in ("dense", "conv2d"):
                # nn.Linear's and nn.Conv2d's default distribution, U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
                # for the weight and the bias (so biases are non-zero).
                if tensor == "weight":
                    weight_fan_in = p[0].numel()
                bound = 1.0 / math.sqrt(weight_fan_in)
                t = (torch.rand(*p.shape, generator=g_init) * 2 - 1) * bound
            elif tensor == "weight":  # a normalisation's scale: around torch's 1, not 1 (a stronger test)
                t = torch.rand(*p.shape, generator=g_init) + 0.5
            else:  # its shift: around torch's 0
                t = torch.rand(*p.shape, generator=g_init) - 0.5
            values[tensor] = flat(t)
        values.update((buffers or {}).get(i, {}))
        init.append(values)

    x = torch.randn(n, features, generator=g_x) * x_scale
    if x_step:
        x = torch.round(x / x_step) * x_step
    x = flat(x)
    if loss == "softmax_cross_entropy":
        y = torch.randint(0, outputs, (n,), generator=g_y).tolist()
    elif loss == "sigmoid_bce":
        if soft_targets:  # multiples of 0.1 in [0, 1], incl. 0 and 1
            t = torch.randint(0, 11, (n, outputs), generator=g_y).float() / 10
        else:
            t = torch.randint(0, 2, (n, outputs), generator=g_y).float()
        y = [[f32(v) for v in row] for row in t.tolist()]
    elif layers[-1].get("activation") == "sigmoid":  # targets inside the sigmoid's range
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

    case = {
        "name": name, "description": description, "spec": spec,
        "optimizer": dict(optimizer if optimizer is not None else BASE_OPT),
        "n": n, "x": x, "y": y, "batches": batches, "steps": steps, "init": init,
    }
    # Each training pass's keep mask per dropout layer (p > 0): rows x features of its batch,
    # step 0 also when steps is 0 (the pass that gives grads0).
    drop = [j for j in model.dropout_layers() if model.layers[j][0].p > 0]
    if drop:
        case["dropoutMasks"] = {str(j): [] for j in drop}
        for s in range(max(steps, 1)):
            rows = len(batches[s % len(batches)])
            for j in drop:
                m = model.layers[j]
                keep = torch.empty(rows, features_of(m[2])).bernoulli_(1 - m[0].p, generator=g_mask)
                case["dropoutMasks"][str(j)].append(encode_mask(keep))
    return case


def features_of(shape):
    n = 1
    for d in shape:
        n *= d
    return n


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


def layer_cases():
    """layers/: the layer kinds of descent beyond dense (src/types.ts LayerSpec): each kind alone with its
    options varied, then three combinations with every optimizer. Each kind's cases share one
    network around it (`around`), data and init, so they differ from the first case of the kind
    in the kind's options only. Images are small (x rounded to 1/32: short JSON)."""
    C = []
    image = dict(inputs=[2, 6, 6], n=10, batch_sizes=(4, 4, 2), steps=12, x_step=1 / 32)
    flat = dict(inputs=5, n=10, batch_sizes=(4, 4, 2), steps=12)
    head = [{"type": "flatten"}, {"units": 3}]
    # A 1x1 convolution in front, so the kind's input gradient (dx) reaches a parameter.
    mix = {"type": "conv2d", "outChannels": 3, "kernelSize": 1, "activation": "tanh"}
    # ... without a bias before batch norm: a per-channel constant the normalisation removes has a
    # zero gradient, which Adam would turn into steps of rounding noise.
    mix_nobias = dict(mix, bias=False)

    def add(name, description, layers, base, **kw):
        C.append(build(name, description, layers=layers, **dict(base, **kw)))

    # conv2d: the variant second, after the 1x1 mix, then flatten and dense(3).
    for name, opts, note in [
        ("conv2d", {"kernelSize": 3}, "kernel 3, stride 1, no padding"),
        ("conv2d-stride-2", {"kernelSize": 3, "stride": 2}, "stride 2"),
        ("conv2d-padding-1", {"kernelSize": 3, "padding": 1}, "padding 1"),
        ("conv2d-padding-pair", {"kernelSize": 3, "padding": [1, 2]}, "padding [1, 2]"),
        ("conv2d-same-odd", {"kernelSize": 3, "padding": "same"}, "padding 'same' with an odd kernel (1 each side)"),
        ("conv2d-same-even", {"kernelSize": 4, "padding": "same"}, "padding 'same' with an even kernel 4 (1 before, 2 after)"),
        ("conv2d-same-nonsquare-dilated", {"kernelSize": [2, 3], "dilation": [3, 1], "padding": "same"},
         "padding 'same', kernel [2, 3], dilation [3, 1] (height 1 before, 2 after; width 1 each side)"),
        ("conv2d-valid", {"kernelSize": 2, "padding": "valid"}, "padding 'valid', kernel 2"),
        ("conv2d-dilation-2", {"kernelSize": 3, "dilation": 2}, "dilation 2"),
        ("conv2d-no-bias", {"kernelSize": 3, "bias": False}, "bias false"),
        ("conv2d-nonsquare", {"kernelSize": [2, 3], "stride": [1, 2], "padding": [0, 1]}, "kernel [2, 3], stride [1, 2], padding [0, 1]"),
        ("conv2d-relu", {"kernelSize": 3, "activation": "relu"}, "with its activation relu"),
        ("conv2d-first-layer", None, "the only conv is the first layer (no input gradient), stride 2 padding 1"),
    ]:
        if opts is None:
            layers = [{"type": "conv2d", "outChannels": 3, "kernelSize": 3, "stride": 2, "padding": 1, "activation": "tanh"}] + head
        else:
            layers = [mix, dict({"type": "conv2d", "outChannels": 3, "activation": "tanh"}, **opts)] + head
        add(name, "conv2d(3 channels, tanh) " + note + " over [2, 6, 6] after a 1x1 conv, then flatten, dense(3)", layers, image)
    add("conv2d-nonsquare-input", "conv2d over a [2, 5, 7] image: kernel 3, stride [2, 1], padding [0, 1]",
        [mix, {"type": "conv2d", "outChannels": 2, "kernelSize": 3, "stride": [2, 1], "padding": [0, 1], "activation": "tanh"}] + head,
        dict(image, inputs=[2, 5, 7]))

    # pooling: after the 1x1 mix (tanh: no exact ties), then flatten and dense(3).
    for name, layer, note in [
        ("maxpool2d", {"kernelSize": 2}, "kernel 2 (stride = kernel)"),
        ("maxpool2d-stride-1", {"kernelSize": 2, "stride": 1}, "kernel 2, stride 1 (overlapping windows)"),
        ("maxpool2d-k3-s2", {"kernelSize": 3, "stride": 2}, "kernel 3, stride 2"),
        ("maxpool2d-padding", {"kernelSize": 3, "stride": 2, "padding": 1}, "kernel 3, stride 2, padding 1"),
        ("maxpool2d-dilation", {"kernelSize": 2, "stride": 1, "dilation": 2}, "kernel 2, stride 1, dilation 2"),
        ("maxpool2d-ceil", {"kernelSize": 3, "stride": 2, "ceilMode": True}, "kernel 3, stride 2, ceilMode (a last window cut by the edge)"),
        ("maxpool2d-ceil-padding", {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}, "kernel 3, stride 2, padding 1, ceilMode"),
        ("maxpool2d-nonsquare", {"kernelSize": [2, 3], "stride": [2, 1], "padding": [1, 1]}, "kernel [2, 3], stride [2, 1], padding [1, 1]"),
        ("avgpool2d", {"kernelSize": 2}, "kernel 2"),
        ("avgpool2d-k3-s2-padding", {"kernelSize": 3, "stride": 2, "padding": 1}, "kernel 3, stride 2, padding 1 (zeros counted)"),
        ("avgpool2d-no-count-pad", {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False},
         "kernel 3, stride 2, padding 1, countIncludePad false"),
        ("avgpool2d-ceil", {"kernelSize": 3, "stride": 2, "ceilMode": True}, "kernel 3, stride 2, ceilMode (the cut window's divisor)"),
        ("avgpool2d-ceil-padding-no-count", {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False},
         "kernel 3, stride 2, padding 1, ceilMode, countIncludePad false"),
        ("avgpool2d-nonsquare", {"kernelSize": [3, 2], "stride": [1, 2]}, "kernel [3, 2], stride [1, 2]"),
    ]:
        t = name.split("-")[0]
        add(name, "%s %s over [3, 6, 6] after a 1x1 conv (tanh), then flatten, dense(3)" % (t, note),
            [mix, dict({"type": t}, **layer)] + head, image)
    add("maxpool2d-relu-ties", "maxpool2d kernel 2 after a 1x1 conv with relu: windows of exact zeros tie (the first index takes the gradient)",
        [dict(mix, activation="relu"), {"type": "maxpool2d", "kernelSize": 2}] + head, image)

    # flatten and activation layers
    add("flatten-image-mlp", "an image straight into an MLP: flatten [2, 4, 4], dense(8, tanh), dense(3)",
        [{"type": "flatten"}, {"units": 8, "activation": "tanh"}, {"units": 3}], dict(image, inputs=[2, 4, 4]))
    for a in ACTIVATIONS:
        add("activation-layer-" + a, "dense(8) then an activation layer %s, dense(3); inputs x1.5" % a,
            [{"units": 8}, {"type": "activation", "activation": a}, {"units": 3}], flat, x_scale=1.5)
    add("activation-layer-image", "1x1 conv (linear), activation layer gelu on [3, 6, 6], flatten, dense(3)",
        [dict(mix, activation="linear"), {"type": "activation", "activation": "gelu"}] + head, image)

    # dropout: masks recorded per step (dropoutMasks), evaluation passes values through
    mlp_drop = lambda d: [{"units": 8, "activation": "tanh"}, dict({"type": "dropout"}, **d), {"units": 3}]
    add("dropout", "dense(8, tanh), dropout (default p 0.5), dense(3)", mlp_drop({}), flat)
    add("dropout-p0.2", "dense(8, tanh), dropout p 0.2, dense(3)", mlp_drop({"p": 0.2}), flat)
    add("dropout-p0.5", "dense(8, tanh), dropout p 0.5 given, dense(3)", mlp_drop({"p": 0.5}), flat)
    add("dropout-p0", "dense(8, tanh), dropout p 0 (the identity; no masks), dense(3)", mlp_drop({"p": 0}), flat)
    add("dropout-two-layers", "dense(8, tanh), dropout 0.2, dense(6, relu), dropout 0.5, dense(3)",
        [{"units": 8, "activation": "tanh"}, {"type": "dropout", "p": 0.2}, {"units": 6, "activation": "relu"},
         {"type": "dropout", "p": 0.5}, {"units": 3}], flat)
    add("dropout-image", "1x1 conv (tanh), dropout p 0.3 on [3, 6, 6], flatten, dense(3)",
        [mix, {"type": "dropout", "p": 0.3}] + head, image)
    add("dropout-steps-0", "dense(8, tanh), dropout 0.5, dense(3), steps 0: grads0 through step 0's mask",
        mlp_drop({"p": 0.5}), flat, steps=0)

    # batch norm. Before it: an activation (a bias right before it would have a zero gradient).
    # Over [features], batches of 4/4/3 rows: with 2 rows every normalised value is about ±1 and
    # the input gradient is a cancellation (a float64 replay drifts 2e-5 from float32 with Adam,
    # which turns that rounding noise into full steps); the batch-2 case trains with SGD.
    bn_rows = dict(flat, n=11, batch_sizes=(4, 4, 3))
    bn_flat = lambda o: [{"units": 6, "activation": "tanh"}, dict({"type": "batchnorm1d", "activation": "relu"}, **o), {"units": 3}]
    nbt = lambda c: {"running_mean": [round(0.25 * (j - 1), 2) for j in range(c)],
                     "running_var": [0.5 + 0.25 * j for j in range(c)], "num_batches_tracked": [4]}
    for suffix, o, kw, note in [
        ("", {}, {}, "defaults (momentum 0.1, eps 1e-5, affine)"),
        ("-momentum-null", {"momentum": None}, {}, "momentum null (cumulative average)"),
        ("-momentum-0.5", {"momentum": 0.5}, {}, "momentum 0.5"),
        ("-eps", {"eps": 0.1}, {}, "eps 0.1"),
        ("-affine-false", {"affine": False}, {}, "affine false (no weight, bias)"),
        ("-no-running-stats", {"trackRunningStats": False}, {}, "trackRunningStats false (evaluation uses the batch's statistics)"),
        ("-buffers", {}, {"buffers": {1: nbt(6)}}, "running statistics starting at other values, num_batches_tracked 4"),
        ("-buffers-momentum-null", {"momentum": None}, {"buffers": {1: nbt(6)}},
         "momentum null from num_batches_tracked 4 (the average weighs the new batch 1/5, 1/6, ...)"),
        ("-batch-2", {}, {"n": 10, "batch_sizes": (2, 2, 2, 2, 2), "optimizer": {"type": "sgd", "lr": 0.1}},
         "10 samples in batches of 2 rows (the fewest batch norm over features takes), sgd lr 0.1"),
        ("-steps-0", {}, {"steps": 0}, "steps 0: grads0 and the running statistics of one training pass"),
    ]:
        add("batchnorm1d" + suffix, "dense(6, tanh), batchnorm1d(relu) " + note + ", dense(3)", bn_flat(o), bn_rows, **kw)
    add("batchnorm1d-cl", "batchnorm1d(tanh) over rows of [3, 5] (channels, length) as the first layer, flatten, dense(3)",
        [{"type": "batchnorm1d", "activation": "tanh"}] + head, dict(flat, inputs=[3, 5]))
    add("batchnorm1d-cl-after-layernorm", "layernorm over length 5 of [3, 5], batchnorm1d(relu) momentum null, flatten, dense(3)",
        [{"type": "layernorm", "normalizedShape": 5}, {"type": "batchnorm1d", "momentum": None, "activation": "relu"}] + head,
        dict(flat, inputs=[3, 5]))
    bn_img = lambda o: [mix_nobias, dict({"type": "batchnorm2d", "activation": "relu"}, **o)] + head
    for suffix, o, kw, note in [
        ("", {}, {}, "defaults"),
        ("-momentum-null", {"momentum": None}, {}, "momentum null"),
        ("-eps", {"eps": 0.1}, {}, "eps 0.1"),
        ("-affine-false", {"affine": False}, {}, "affine false"),
        ("-no-running-stats", {"trackRunningStats": False}, {}, "trackRunningStats false"),
        ("-buffers", {"momentum": 0.3}, {"buffers": {1: nbt(3)}}, "momentum 0.3 from other running statistics"),
        ("-batch-1", {}, {"batch_sizes": (5, 4, 1)}, "a batch of 1 row (36 values per channel)"),
    ]:
        add("batchnorm2d" + suffix, "1x1 conv (tanh, no bias), batchnorm2d(relu) " + note + ", flatten, dense(3)", bn_img(o), image, **kw)

    # layer norm over 1, 2 and 3 trailing dimensions
    add("layernorm", "dense(8), layernorm(tanh) over the 8 features, dense(3)",
        [{"units": 8}, {"type": "layernorm", "activation": "tanh"}, {"units": 3}], flat)
    add("layernorm-no-affine", "dense(8), layernorm(tanh) elementwiseAffine false, dense(3)",
        [{"units": 8}, {"type": "layernorm", "elementwiseAffine": False, "activation": "tanh"}, {"units": 3}], flat)
    add("layernorm-eps", "dense(8), layernorm(tanh) eps 0.1, dense(3)",
        [{"units": 8}, {"type": "layernorm", "eps": 0.1, "activation": "tanh"}, {"units": 3}], flat)
    for name, ns, note in [("layernorm-last-1", 6, "normalizedShape 6 (the width)"),
                           ("layernorm-last-2", [6, 6], "normalizedShape [6, 6]"),
                           ("layernorm-last-3", None, "the whole row [3, 6, 6] (default)"),
                           ("layernorm-last-2-no-affine", [6, 6], "normalizedShape [6, 6], elementwiseAffine false")]:
        ln = {"type": "layernorm"}
        if ns is not None:
            ln["normalizedShape"] = ns
        if "no-affine" in name:
            ln["elementwiseAffine"] = False
        add(name, "1x1 conv (tanh), layernorm " + note + ", flatten, dense(3)", [mix, ln] + head, image)
    add("layernorm-first-layer", "layernorm over rows of [3, 5] (normalizedShape [3, 5]) as the first layer, flatten, dense(3); mse",
        [{"type": "layernorm", "normalizedShape": [3, 5]}] + head, dict(flat, inputs=[3, 5]), loss="mse")

    # combinations, each with every optimizer (torch defaults; sgd needs an lr)
    lenet = [{"type": "conv2d", "outChannels": 4, "kernelSize": 3, "padding": 1, "activation": "relu"},
             {"type": "maxpool2d", "kernelSize": 2},
             {"type": "conv2d", "outChannels": 6, "kernelSize": 3, "activation": "relu"},
             {"type": "maxpool2d", "kernelSize": 2},
             {"type": "flatten"}, {"units": 8, "activation": "relu"}, {"units": 3}]
    convbn = [{"type": "conv2d", "outChannels": 4, "kernelSize": 3, "padding": 1, "bias": False},
              {"type": "batchnorm2d", "activation": "relu"}, {"type": "maxpool2d", "kernelSize": 2},
              {"type": "conv2d", "outChannels": 4, "kernelSize": 3, "padding": 1, "bias": False},
              {"type": "batchnorm2d", "activation": "relu"}, {"type": "maxpool2d", "kernelSize": 2},
              {"type": "flatten"}, {"units": 3}]
    mlp = [{"units": 12}, {"type": "layernorm", "activation": "relu"}, {"type": "dropout", "p": 0.3},
           {"units": 8, "activation": "tanh"}, {"type": "layernorm"}, {"type": "dropout", "p": 0.2}, {"units": 3}]
    combos = [
        ("lenet", "LeNet-5-like: conv(4, k3, pad 1, relu), maxpool 2, conv(6, k3, relu), maxpool 2, flatten, dense(8, relu), dense(3) on 1x12x12",
         lenet, dict(image, inputs=[1, 12, 12])),
        ("convbn", "conv(4, k3, pad 1, no bias), batchnorm2d(relu), maxpool 2, twice, flatten, dense(3) on 2x8x8",
         convbn, dict(image, inputs=[2, 8, 8])),
        ("mlp-ln-dropout", "dense(12), layernorm(relu), dropout 0.3, dense(8, tanh), layernorm, dropout 0.2, dense(3)",
         mlp, dict(flat, inputs=6)),
    ]
    defaults = {"sgd": {"lr": 0.1}}
    for cname, note, layers, base in combos:
        for t in OPTIMIZERS:
            add("%s-%s" % (cname, t), "%s; optimizer %s with PyTorch defaults%s" % (note, t, " (lr 0.1)" if t == "sgd" else ""),
                layers, base, optimizer=dict({"type": t}, **defaults.get(t, {})))
    return C


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


def random_size(r, lo, hi):
    """A size option: one number, or a [height, width] pair of them (non-square)."""
    return r.randint(lo, hi) if r.random() < 0.6 else [r.randint(lo, hi), r.randint(lo, hi)]


def _pairs(v):
    return v if isinstance(v, list) else [v, v]


def random_norm_options(r, layer):
    if r.random() < 0.3:
        layer["eps"] = rnd(r, 1e-5, 0.1, log=True)
    if layer["type"] == "layernorm":
        if r.random() < 0.3:
            layer["elementwiseAffine"] = False
    else:
        if r.random() < 0.3:
            layer["momentum"] = None if r.random() < 0.4 else rnd(r, 0.05, 0.9)
        if r.random() < 0.2:
            layer["affine"] = False
        if r.random() < 0.2:
            layer["trackRunningStats"] = False
    if r.random() < 0.6:
        layer["activation"] = r.choice(ACTIVATIONS)
    return layer


def random_layer(r, shape):
    """One random layer of a kind that takes rows of `shape` ([F], [C, L] or [C, H, W]), with
    random options; None when the draw does not fit (torch refuses it, or it is too large)."""
    image = len(shape) == 3
    kinds = ["dropout", "activation", "layernorm", "batchnorm2d" if image else "batchnorm1d"]
    kinds += ["conv2d"] * 3 + ["maxpool2d", "avgpool2d"] if image else []
    kinds += ["dense"] * 3 if len(shape) == 1 else []
    t = r.choice(kinds)
    if t == "dense":
        layer = {"units": r.randint(1, 10)}
        if r.random() < 0.8:
            layer["activation"] = r.choice(ACTIVATIONS)
    elif t == "conv2d":
        layer = {"type": t, "outChannels": r.randint(1, 3), "kernelSize": random_size(r, 1, 3)}
        if r.random() < 0.4:
            layer["stride"] = random_size(r, 1, 2)
        if r.random() < 0.3:
            layer["dilation"] = random_size(r, 1, 2)
        u = r.random()
        if u < 0.2 and _pairs(layer.get("stride", 1)) == [1, 1]:
            layer["padding"] = "same"
        elif u < 0.3:
            layer["padding"] = "valid"
        elif u < 0.6:
            layer["padding"] = random_size(r, 0, 2)
        if r.random() < 0.2:
            layer["bias"] = False
        if r.random() < 0.7:
            layer["activation"] = r.choice(ACTIVATIONS)
    elif t in ("maxpool2d", "avgpool2d"):
        layer = {"type": t, "kernelSize": random_size(r, 1, 3)}
        if r.random() < 0.5:
            layer["stride"] = random_size(r, 1, 3)
        if r.random() < 0.4:  # torch: at most half the kernel
            layer["padding"] = [r.randint(0, k // 2) for k in _pairs(layer["kernelSize"])]
        if t == "maxpool2d" and r.random() < 0.3:
            layer["dilation"] = random_size(r, 1, 2)
        if r.random() < 0.3:
            layer["ceilMode"] = True
        if t == "avgpool2d" and r.random() < 0.4:
            layer["countIncludePad"] = False
    elif t == "layernorm":
        layer = {"type": t}
        k = r.randint(0, len(shape))  # trailing dimensions normalised together (0: the default, all)
        if k:
            layer["normalizedShape"] = shape[-k:] if k > 1 or r.random() < 0.5 else shape[-1]
        random_norm_options(r, layer)
    elif t in ("batchnorm1d", "batchnorm2d"):
        layer = random_norm_options(r, {"type": t})
    elif t == "dropout":
        layer = {"type": t}
        if r.random() < 0.8:
            layer["p"] = 0.0 if r.random() < 0.1 else rnd(r, 0.1, 0.7, digits=2)
    else:
        layer = {"type": "activation", "activation": r.choice(ACTIVATIONS)}
    try:
        out = Model({"inputs": shape, "layers": [layer], "loss": "mse"}).layers[0][2]
    except (RuntimeError, ValueError):
        return None
    if min(out) < 1 or features_of(out) > 150:
        return None
    return layer, out


def random_layered_case(name, r):
    """A random valid network of any of descent's layer kinds: an image ([C, H, W]), a
    sequence ([C, L]) or flat features in, 0-3 layers of the input's shape (convolutions,
    poolings, normalisations, dropout, activation layers with random options), a flatten, 0-2
    flat layers, then a dense output layer fitting the loss."""
    form = r.choice(["image", "image", "image", "sequence", "flat"])
    shape = {"image": lambda: [r.randint(1, 3), r.randint(2, 7), r.randint(2, 7)],
             "sequence": lambda: [r.randint(1, 4), r.randint(2, 6)],
             "flat": lambda: [r.randint(1, 6)]}[form]()
    inputs = shape if form != "flat" else shape[0]
    layers = []
    for _ in range(r.randint(1 if form != "flat" else 0, 3)):
        for _ in range(20):
            drawn = random_layer(r, shape)
            if drawn:
                layers.append(drawn[0])
                shape = drawn[1]
                break
    if len(shape) > 1:
        layers.append({"type": "flatten"})
        shape = [features_of(shape)]
    for _ in range(r.randint(0, 2)):
        drawn = random_layer(r, shape)
        if drawn:
            layers.append(drawn[0])
            shape = drawn[1]
    loss = r.choice(LOSSES)
    if loss == "softmax_cross_entropy":
        out = {"units": r.randint(2, 5)}
    elif loss == "sigmoid_bce":
        out = {"units": r.randint(1, 4)}
    else:  # regression: any output activation, mostly linear
        out = {"units": r.randint(1, 4)}
        if r.random() < 0.5:
            out["activation"] = r.choice(ACTIVATIONS)
    layers.append(out)
    # Batch norm needs more than one value per channel in every batch; its input gradient is a
    # cancellation over few rows (see layer_cases), so batches here have 3 rows or more.
    norm = any(kind(l).startswith("batchnorm") for l in layers)
    n = r.randint(3 if norm else 1, 12)
    least = 3 if norm else 1
    sizes, left = [], n
    while left:
        s = r.randint(least, left)
        if 0 < left - s < least:
            s = left
        sizes.append(s)
        left -= s
    buffers = {}
    for i, l in enumerate(layers):
        if kind(l).startswith("batchnorm") and l.get("trackRunningStats", True) and r.random() < 0.3:
            c = Model({"inputs": inputs, "layers": layers, "loss": loss}).named_buffers(i)[0][1].numel()
            buffers[i] = {"running_mean": [rnd(r, -1, 1, digits=2) for _ in range(c)],
                          "running_var": [rnd(r, 0.3, 3, digits=2) for _ in range(c)],
                          "num_batches_tracked": [r.randint(0, 10)]}
    opt = random_optimizer(r)
    desc = "random: inputs %s, %s, %s, %s" % (
        json.dumps(inputs), " -> ".join(layer_label(l) for l in layers), loss, json.dumps(opt))
    return build(name, desc, inputs=inputs, layers=layers, loss=loss, optimizer=opt, n=n,
                 batch_sizes=tuple(sizes), steps=r.randint(1, 12),
                 x_scale=r.choice([0.5, 1.0, 2.0]), y_scale=r.choice([0.5, 1.0, 2.0]),
                 soft_targets=r.random() < 0.3, seed=r.randrange(1 << 30), buffers=buffers,
                 x_step=1 / 32 if form == "image" else None)


def layer_label(l):
    opts = ",".join("%s=%s" % (k, json.dumps(v)) for k, v in l.items() if k not in ("type", "units", "activation"))
    act = l.get("activation", "linear")
    base = "dense(%d)" % l["units"] if kind(l) == "dense" else kind(l)
    return base + ("[%s]" % opts if opts else "") + ("" if act == "linear" or kind(l) == "activation" else "+" + act) + \
        ("(%s)" % act if kind(l) == "activation" else "")


# Reject random cases whose float64 replay drifts further than this from float32:
# they are rounding-sensitive and would make a float32 reimplementation fail spuriously.
RANDOM_MAX_DRIFT = 1e-4


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--random", type=int, metavar="N", help="write N random valid cases instead of the suite")
    ap.add_argument("--seed", type=int, default=0, help="seed for --random")
    ap.add_argument("--out", help="output directory (default test/golden/cases; required with --random)")
    ap.add_argument("--mlp", action="store_true",
                    help="with --random: draw MLPs of dense layers only, as the generator did before the other layer kinds (random/random-s2026-*)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    if args.random is None:
        out = args.out or os.path.join(HERE, "cases")
        check_dropout()
        # The MLP suite in cases/, the layer kinds' in layers/ beside it.
        layers = os.path.join(os.path.dirname(out), "layers") if args.out else os.path.join(HERE, "layers")
        cases = [(attach_expected(c), out) for c in fixed_cases()] + [(attach_expected(c), layers) for c in layer_cases()]
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
        check_dropout()
        r = random.Random(args.seed)
        cases, rejected = [], 0
        while len(cases) < args.random:
            if args.mlp:
                c = attach_expected(random_case("random-s%d-%03d" % (args.seed, len(cases)), r))
            else:
                c = attach_expected(random_layered_case("random-layers-s%d-%03d" % (args.seed, len(cases)), r))
            if not is_finite_case(c) or f64_drift(c) > RANDOM_MAX_DRIFT:
                rejected += 1
                continue
            cases.append((c, out))
        if not args.quiet:
            print("rejected %d ill-conditioned random cases" % rejected, file=sys.stderr)

    names = set()
    for c, where in cases:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        assert len(c["x"]) == c["n"] * features_of(Model(c["spec"]).input_shape)
        if c["spec"]["loss"] in ("softmax_cross_entropy", "sigmoid_bce"):
            assert c["spec"]["layers"][-1].get("activation", "linear") == "linear"
        assert is_finite_case(c), c["name"]
        os.makedirs(where, exist_ok=True)
        dump(c, os.path.join(where, c["name"] + ".json"))
        if not args.quiet:
            print("%-34s drift(f64) %.1e  loss %s -> %s" % (
                c["name"], f64_drift(c),
                c["expected"]["losses"][0] if c["steps"] else "-",
                c["expected"]["losses"][-1] if c["steps"] else "-"))


if __name__ == "__main__":
    main()
