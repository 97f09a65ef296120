"""The LeNet-5-like case on PyTorch 1.13 (CPU, one thread), as a bench worker process.

Driven by bench/py-pool.mjs over JSON lines (the protocol and the timed window are
bench/torch_worker.py's, shared with the MLP's worker): prepare {c} (c.dataFile is the file
bench/lenet-case.mjs wrote: MNIST rows and the initial weights), trajectory {steps},
arm, window {ms}, release. Nothing else may be printed on stdout.

The step is what a PyTorch user writes: zero_grad(set_to_none=True), cross_entropy of the
model's logits, backward, Adam's step; batches are contiguous tensors made once, in order.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_worker import AdamSession, read_case_file, serve  # noqa: E402


def lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(),
        torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10),
    )


# The file's names → the Sequential's modules.
MODULES = {"conv1": 0, "conv2": 3, "fc1": 7, "fc2": 9, "fc3": 11}


class Session(AdamSession):
    def __init__(self, c):
        d = read_case_file(c["dataFile"])
        self.init = {k: v for k, v in d.items() if k not in ("x", "labels")}
        self.model = lenet()
        super().__init__(c, d)

    def set_init(self):
        with torch.no_grad():
            for name, t in self.init.items():
                module, kind = name.split(".")
                getattr(self.model[MODULES[module]], kind).copy_(t)

    def conv_ops(self):
        """The aten ops a training step runs for its convolutions (which backend PyTorch chose)."""
        self.set_init()
        opt = self.new_optimizer()
        with torch.autograd.profiler.profile() as prof:
            self.step(opt, 0)
        names = sorted({e.name for e in prof.function_events if "conv" in e.name or "mkldnn" in e.name})
        return names

    def prepared(self):
        return {"convOps": self.conv_ops()}


if __name__ == "__main__":
    serve(Session)
