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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_worker import AdamSession, read_case_file, serve  # noqa: E402

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


class Session(AdamSession):
    def __init__(self, c):
        d = read_case_file(c["dataFile"])
        self.model, self.linears = mlp(c["spec"])
        self.init = [(d[f"layer{i}.weight"], d[f"layer{i}.bias"]) for i in range(len(self.linears))]
        super().__init__(c, d)

    def set_init(self):
        with torch.no_grad():
            for linear, (w, b) in zip(self.linears, self.init):
                linear.weight.copy_(w)
                linear.bias.copy_(b)


if __name__ == "__main__":
    serve(Session)
