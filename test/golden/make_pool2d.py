#!/usr/bin/env python3
"""Known answers of torch.nn.MaxPool2d and AvgPool2d (PyTorch 1.13, CPU, float32).

Two parts:
  sizes  -- along one dimension, for a grid of (size, kernel, stride, padding, dilation,
            ceil_mode): PyTorch's output size, or which check refused it; for max pooling,
            how many output windows hold no input element (PyTorch gives -inf there).
  cases  -- small batches through both poolings with tricky options (padding, ceil mode's
            partial windows, count_include_pad, dilation, ties, NaN, -inf, signed zeros):
            the input, an upstream gradient, the output, max's indices and the input gradient.

  /usr/bin/python3 test/golden/make_pool2d.py     # rewrites test/golden/pool2d.json

Deterministic (seeded generator). Every float is a float32 value written exactly; NaN and
the infinities are the strings "nan", "inf", "-inf" (JSON has no such numbers); finite ones
are the shortest decimal that reads back as the same float32 (Math.fround of it in JS).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pool2d.json")


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # Shortest float32 repr; json writes it as a number (-0 keeps its sign).
    return json.loads(repr(np.float32(v)).replace("np.float32(", "").rstrip(")"))


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def size_of(kind, size, k, s, p, d, ceil):
    """[out, empty]: out = -1 when PyTorch refuses the padding, 0 when the output is too small."""
    x = torch.zeros(1, 1, size, 1)
    try:
        if kind == "max":
            y = F.max_pool2d(x, (k, 1), (s, 1), (p, 0), (d, 1), ceil)
            return [y.shape[2], int(torch.isinf(y).sum())]
        y = F.avg_pool2d(x, (k, 1), (s, 1), (p, 0), ceil, True)
        return [y.shape[2], 0]
    except RuntimeError as e:
        msg = str(e)
        if "pad should be" in msg:
            return [-1, 0]
        if "too small" in msg:
            return [0, 0]
        raise


def sizes():
    """One row per (kind, kernel, stride, padding, dilation, ceil): outputs for sizes 1..SIZES."""
    rows = []
    for kind in ("max", "avg"):
        for k in range(1, 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    for d in ((1, 2, 3) if kind == "max" else (1,)):
                        for ceil in (0, 1):
                            got = [size_of(kind, size, k, s, p, d, bool(ceil)) for size in range(1, SIZES + 1)]
                            rows.append([kind, k, s, p, d, ceil, [o for o, _ in got], [e for _, e in got]])
    return rows


SIZES = 9


def case(name, kind, x, opts, gen):
    x = x.clone().requires_grad_(True)
    if kind == "max":
        y, idx = F.max_pool2d(x, opts["kernelSize"], opts.get("stride"), opts.get("padding", 0),
                              opts.get("dilation", 1), opts.get("ceilMode", False), return_indices=True)
    else:
        y = F.avg_pool2d(x, opts["kernelSize"], opts.get("stride"), opts.get("padding", 0),
                         opts.get("ceilMode", False), opts.get("countIncludePad", True))
        idx = None
    dy = torch.randn(y.shape, generator=gen)
    y.backward(dy)
    c = {
        "name": name, "type": kind + "pool2d", "options": opts, "shape": list(x.shape),
        "x": flat(x), "dy": flat(dy), "y": flat(y), "outShape": list(y.shape[2:]), "dx": flat(x.grad),
    }
    if idx is not None:
        c["argmax"] = idx.reshape(-1).tolist()
    return c


def cases():
    g = torch.Generator().manual_seed(15)
    r = lambda *s: torch.randn(*s, generator=g)
    out = []
    # Max pooling.
    out.append(case("max 2x2", "max", r(2, 2, 4, 10), {"kernelSize": 2}, g))
    out.append(case("max 2x2 ceil", "max", r(1, 2, 5, 11), {"kernelSize": 2, "ceilMode": True}, g))
    out.append(case("max 3x3 s2 p1", "max", r(2, 1, 7, 13), {"kernelSize": 3, "stride": 2, "padding": 1}, g))
    out.append(case("max 3x3 s2 p1 ceil", "max", r(1, 2, 6, 12), {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}, g))
    out.append(case("max 3x3 s2 ceil", "max", r(1, 1, 6, 12), {"kernelSize": 3, "stride": 2, "ceilMode": True}, g))
    out.append(case("max dilation 2 p1", "max", r(1, 1, 6, 8), {"kernelSize": 3, "stride": 1, "padding": 1, "dilation": 2}, g))
    out.append(case("max dilation (2,3) ceil", "max", r(1, 1, 7, 11), {"kernelSize": [2, 3], "stride": [2, 3], "padding": [1, 1], "dilation": [2, 3], "ceilMode": True}, g))
    out.append(case("max kernel (2,3) stride (1,2) p1", "max", r(1, 1, 4, 12), {"kernelSize": [2, 3], "stride": [1, 2], "padding": [1, 1]}, g))
    ties = torch.randint(0, 2, (1, 1, 6, 12), generator=g).float()
    out.append(case("max ties, overlapping windows", "max", ties, {"kernelSize": 3, "stride": 1, "padding": 1}, g))
    out.append(case("max ties, 3x3 s2", "max", torch.randint(-1, 2, (1, 1, 5, 17), generator=g).float(), {"kernelSize": 3, "stride": 2}, g))
    zeros = torch.tensor([0.0, -0.0, -0.0, 0.0, 0.0, -0.0, 0.0, -0.0]).reshape(1, 1, 2, 4)
    out.append(case("max signed zeros", "max", zeros, {"kernelSize": 2, "stride": 1}, g))
    nan = r(1, 1, 6, 12)
    for (i, j) in ((0, 1), (0, 3), (1, 2), (2, 5), (3, 5), (3, 6), (4, 9), (5, 10), (5, 11)):
        nan[0, 0, i, j] = float("nan")
    out.append(case("max NaN", "max", nan, {"kernelSize": 2, "stride": 1}, g))
    out.append(case("max NaN 3x3 s2", "max", nan, {"kernelSize": 3, "stride": 2, "padding": 1}, g))
    ninf = r(1, 1, 4, 10)
    ninf[0, 0, :2, :6] = float("-inf")
    ninf[0, 0, 3, 9] = float("inf")
    out.append(case("max -inf windows", "max", ninf, {"kernelSize": 2, "stride": 2}, g))
    # Average pooling.
    out.append(case("avg 2x2", "avg", r(2, 1, 4, 10), {"kernelSize": 2}, g))
    out.append(case("avg 2x2 ceil", "avg", r(1, 1, 5, 11), {"kernelSize": 2, "ceilMode": True}, g))
    out.append(case("avg 3x3 s2 p1", "avg", r(1, 1, 7, 13), {"kernelSize": 3, "stride": 2, "padding": 1}, g))
    out.append(case("avg 3x3 s2 p1 exclude pad", "avg", r(1, 1, 7, 13), {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False}, g))
    out.append(case("avg 3x3 s2 p1 ceil", "avg", r(1, 1, 6, 12), {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}, g))
    out.append(case("avg 3x3 s2 p1 ceil exclude pad", "avg", r(1, 1, 6, 12), {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}, g))
    out.append(case("avg 2x2 s2 p1 ceil (window past the padding)", "avg", r(1, 1, 5, 6), {"kernelSize": 2, "stride": 2, "padding": 1, "ceilMode": True}, g))
    out.append(case("avg 4x4 s3 p2 ceil", "avg", r(1, 1, 9, 10), {"kernelSize": 4, "stride": 3, "padding": 2, "ceilMode": True}, g))
    out.append(case("avg 4x4 s3 p2 ceil exclude pad", "avg", r(1, 1, 9, 10), {"kernelSize": 4, "stride": 3, "padding": 2, "ceilMode": True, "countIncludePad": False}, g))
    out.append(case("avg kernel (3,2) stride (2,1) p (1,1)", "avg", r(1, 1, 7, 9), {"kernelSize": [3, 2], "stride": [2, 1], "padding": [1, 1]}, g))
    out.append(case("avg 3x3 s1 p1 (overlapping)", "avg", r(1, 1, 6, 11), {"kernelSize": 3, "stride": 1, "padding": 1}, g))
    tiny = torch.zeros(1, 1, 2, 10)
    tiny[0, 0, 0, 0] = -1.4e-45   # the smallest subnormal: its quarter rounds to -0
    tiny[0, 0, 1, 3] = -1.4e-45
    tiny[0, 0, 0, 8] = -0.0
    tiny[0, 0, 1, 9] = -0.0
    out.append(case("avg signed zeros and subnormals", "avg", tiny, {"kernelSize": 2}, g))
    return out


def main():
    data = {
        "torch": torch.__version__,
        "sizes": {"columns": ["kind", "kernel", "stride", "padding", "dilation", "ceilMode", "out", "emptyWindows"], "upTo": SIZES, "rows": sizes()},
        "cases": cases(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(data['sizes']['rows'])} sizes, {len(data['cases'])} cases")


if __name__ == "__main__":
    main()
