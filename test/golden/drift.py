#!/usr/bin/env python3
"""How much of the replay tolerances rounding alone uses: each case replayed in float64 against
its float32 run, the largest |f32 - f64| / (abs + rel*|f64|) of each compared quantity (the
tolerances of src/train/replay-check.ts). A float32 implementation that rounds in another order
(descent) lands at about that distance from float64 too, so it stays within the tolerance of
torch's float32 values when the ratio is well under 1/2.

  /usr/bin/python3 test/golden/drift.py                       # every committed case, by layer kind
  /usr/bin/python3 test/golden/drift.py test/golden/cases/batchnorm1d*.json --cases
"""
import argparse
import glob
import json
import os
import sys

import torch

from golden_model import kind  # noqa: E402 (same directory)
import make_golden as mg  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# src/train/replay-check.ts REPLAY_TOLERANCES
TOLERANCES = {
    "losses": (1e-6, 1e-4), "grads0": (1e-5, 1e-3), "final": (1e-4, 1e-3),
    "evalOutputs": (1e-4, 1e-3), "state": (1e-4, 1e-3),
}


def values(r, key):
    if key == "losses":
        return torch.tensor(r["losses"], dtype=torch.float64)
    if key == "evalOutputs":
        return r["evalOutputs"].detach().to(torch.float64).reshape(-1)
    ts = [t for layer in r[key] for t in layer.values()]
    return torch.cat([t.detach().to(torch.float64).reshape(-1) for t in ts]) if ts else torch.zeros(0, dtype=torch.float64)


def ratios(case):
    a = mg.replay(case)
    b = mg.replay(case, torch.float64)
    out = {}
    for key, (abs_tol, rel_tol) in TOLERANCES.items():
        if key in ("evalOutputs", "state") and key not in case["expected"]:
            continue
        x, y = values(a, key), values(b, key)
        out[key] = float(((x - y).abs() / (abs_tol + rel_tol * y.abs())).max()) if len(x) else 0.0
    return out


def group(case):
    """The case's most telling layer kind (batch norm over dropout over the rest)."""
    kinds = [kind(l) for l in case["spec"]["layers"]]
    for k in ("batchnorm1d", "batchnorm2d", "layernorm", "dropout", "conv2d", "maxpool2d", "avgpool2d", "activation", "flatten"):
        if k in kinds:
            return k
    return "dense"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="case files (default: cases/, layers/, random/, random-layers/ and scheduled/)")
    ap.add_argument("--cases", action="store_true", help="one line per case, not per kind")
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(HERE, d, "*.json")) for d in ("cases", "layers", "random", "random-layers", "scheduled"))
    files = [f for fs in files for f in (fs if isinstance(fs, list) else [fs])]
    worst = {}
    for f in files:
        case = json.load(open(f))
        r = ratios(case)
        if args.cases:
            print("%-40s %s" % (case["name"], "  ".join("%s %.3f" % kv for kv in r.items())))
        g = worst.setdefault(group(case), {"cases": 0})
        g["cases"] += 1
        for key, v in r.items():
            if v > g.get(key, (-1, ""))[0]:
                g[key] = (v, case["name"])
    print("largest |f32 - f64| / tolerance, by kind (case):", file=sys.stderr)
    for k, g in sorted(worst.items()):
        print("%-12s %3d cases  %s" % (k, g["cases"], "  ".join(
            "%s %.3f (%s)" % (key, g[key][0], g[key][1]) for key in TOLERANCES if key in g)))


if __name__ == "__main__":
    main()
