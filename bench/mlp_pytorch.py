"""The MLP section's networks on PyTorch 1.13 (CPU, one thread), as a bench worker process.

The networks of bench/cases.mjs (784-256-128-10 ReLU, 2-16-16-2 tanh): torch.nn.Linear
layers with the case's activations, softmax cross-entropy (F.cross_entropy, the batch mean)
and torch.optim.Adam with the bench's settings. prepare {c} reads c.dataFile, the file
bench/run.mjs wrote for the case (bench/case-file.mjs): the case's rows and labels, the
bytes every node implementation regenerates, and descent's initial parameters as
"layer<i>.weight" [units, inputs] and "layer<i>.bias" (PyTorch's layout, so no transposes).
The protocol and the timed window are bench/torch_worker.py's.

The step is what a PyTorch user writes: zero_grad(set_to_none=True), cross_entropy of the
model's logits, backward, Adam's step; batches are contiguous tensors made once, taken in
order and cycling, as descent's trainer with shuffle: false takes them.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_worker import read_case_file, serve  # noqa: E402

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}


def mlp(spec):
    """torch.nn.Sequential of spec's dense layers; returns it and its Linear modules in order."""
    modules, linears = [], []
    fan_in = spec["inputs"]
    for layer in spec["layers"]:
        linear = torch.nn.Linear(fan_in, layer["units"])
        modules.append(linear)
        linears.append(linear)
        if layer["activation"] != "linear":
            modules.append(ACTIVATIONS[layer["activation"]]())
        fan_in = layer["units"]
    return torch.nn.Sequential(*modules), linears


class Session:
    def __init__(self, c):
        d = read_case_file(c["dataFile"])
        self.model, self.linears = mlp(c["spec"])
        self.init = [(d[f"layer{i}.weight"], d[f"layer{i}.bias"]) for i in range(len(self.linears))]
        x, y = d["x"], d["labels"].long()
        b = c["batch"]
        self.batches = [(x[s:s + b].contiguous(), y[s:s + b].contiguous()) for s in range(0, c["rows"] - b + 1, b)]
        self.adam = c["adam"]
        self.opt = None
        self.next = 0

    def prepared(self):
        return {}

    def set_init(self):
        with torch.no_grad():
            for linear, (w, b) in zip(self.linears, self.init):
                linear.weight.copy_(w)
                linear.bias.copy_(b)

    def new_optimizer(self, adam=None):
        a = adam or self.adam
        return torch.optim.Adam(self.model.parameters(), lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"])

    def step(self, opt, i):
        x, y = self.batches[i]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        opt.step()
        return loss

    def trajectory(self, steps, adam=None):
        self.set_init()
        opt = self.new_optimizer(adam)
        return [self.step(opt, i % len(self.batches)).item() for i in range(steps)]

    def arm(self):
        self.set_init()
        self.opt = self.new_optimizer()
        self.next = 0

    def run(self, k):
        n = len(self.batches)
        for _ in range(k):
            self.step(self.opt, self.next)
            self.next = self.next + 1 if self.next + 1 < n else 0


if __name__ == "__main__":
    serve(Session)
