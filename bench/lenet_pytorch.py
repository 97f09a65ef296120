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
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_worker import read_case_file, serve  # noqa: E402


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


class Session:
    def __init__(self, c):
        d = read_case_file(c["dataFile"])
        self.init = {k: v for k, v in d.items() if k not in ("x", "labels")}
        x, y = d["x"], d["labels"].long()
        b = c["batch"]
        self.batches = [(x[s:s + b].contiguous(), y[s:s + b].contiguous()) for s in range(0, c["rows"] - b + 1, b)]
        self.adam = c["adam"]
        self.model = lenet()
        self.opt = None
        self.next = 0

    def set_init(self):
        with torch.no_grad():
            for name, t in self.init.items():
                module, kind = name.split(".")
                getattr(self.model[MODULES[module]], kind).copy_(t)

    def new_optimizer(self):
        a = self.adam
        return torch.optim.Adam(self.model.parameters(), lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"])

    def step(self, opt, i):
        x, y = self.batches[i]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        opt.step()
        return loss

    def trajectory(self, steps):
        self.set_init()
        opt = self.new_optimizer()
        return [self.step(opt, i % len(self.batches)).item() for i in range(steps)]

    def conv_ops(self):
        """The aten ops a training step runs for its convolutions (which backend PyTorch chose)."""
        self.set_init()
        opt = self.new_optimizer()
        with torch.autograd.profiler.profile() as prof:
            self.step(opt, 0)
        names = sorted({e.name for e in prof.function_events if "conv" in e.name or "mkldnn" in e.name})
        return names

    def arm(self):
        self.set_init()
        self.opt = self.new_optimizer()
        self.next = 0

    def prepared(self):
        return {"convOps": self.conv_ops()}

    def run(self, k):
        n = len(self.batches)
        for _ in range(k):
            self.step(self.opt, self.next)
            self.next = self.next + 1 if self.next + 1 < n else 0


if __name__ == "__main__":
    serve(Session)
