"""What the LeNet trajectory check can see: PyTorch's own 10-step trajectory against the same
run with one gradient deliberately wrong before each Adam step, as the largest relative loss
difference (bench/lenet.mjs fails a row above 1e-4).

    node bench/lenet-case.mjs /tmp/lenet.bin
    /usr/bin/python3 bench/lenet_check_power.py /tmp/lenet.bin
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lenet_pytorch as L  # noqa: E402

ADAM = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}
STEPS = 10

# Mistakes an implementation could make, as edits of the true gradients (modules: lenet()).
MUTATIONS = {
    "conv1 weight gradient zero": lambda m: m[0].weight.grad.zero_(),
    "conv1 weight gradient flipped in kh, kw": lambda m: m[0].weight.grad.copy_(m[0].weight.grad.flip(2, 3)),
    "conv2 weight gradient flipped in kh, kw": lambda m: m[3].weight.grad.copy_(m[3].weight.grad.flip(2, 3)),
    "conv2 bias gradient zero": lambda m: m[3].bias.grad.zero_(),
    "fc1 weight gradient 1% too large": lambda m: m[7].weight.grad.mul_(1.01),
}


def trajectory(s, mutate=None):
    s.set_init()
    opt = s.new_optimizer()
    out = []
    for i in range(STEPS):
        x, y = s.batches[i % len(s.batches)]
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(s.model(x), y)
        loss.backward()
        if mutate:
            mutate(s.model)
        opt.step()
        out.append(loss.item())
    return out


def main():
    torch.set_num_threads(1)
    for batch in (32, 128):
        s = L.Session({"dataFile": sys.argv[1], "batch": batch, "rows": 1024, "adam": ADAM})
        ref = trajectory(s)
        for name, mutate in MUTATIONS.items():
            got = trajectory(s, mutate)
            rel = max(abs(a - b) / abs(b) for a, b in zip(got, ref))
            print(f"batch {batch:3d}  {name:42s} max rel. loss difference {rel:.2e}  {'caught' if rel > 1e-4 else 'NOT caught'} at 1e-4")


if __name__ == "__main__":
    main()
