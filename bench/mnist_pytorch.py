"""PyTorch 1.13 reference for `descent train`'s MNIST defaults, on the same split.

    node bench/export-mnist-split.mjs 0 /tmp/mnist-0.bin
    /usr/bin/python3 bench/mnist_pytorch.py /tmp/mnist-0.bin --hidden 256 --epochs 15 --batch 32 --seeds 0 1 2

Network: 784 → hidden (ReLU) … → 10, weights kaiming_uniform_ (He, fan_in, gain √2), biases 0,
Adam with PyTorch defaults, cross-entropy, shuffled mini-batches (drop_last=False).
"""
import argparse

import numpy as np
import torch


def load(path):
    raw = open(path, "rb").read()
    n_train, n_test = np.frombuffer(raw, np.int32, 2)
    at = 8
    def take(dtype, count):
        nonlocal at
        a = np.frombuffer(raw, dtype, count, at)
        at += a.nbytes
        return torch.from_numpy(a.copy())
    x_train = take(np.float32, n_train * 784).view(n_train, 784)
    y_train = take(np.int32, n_train).long()
    x_test = take(np.float32, n_test * 784).view(n_test, 784)
    y_test = take(np.int32, n_test).long()
    return x_train, y_train, x_test, y_test


def run(data, hidden, epochs, batch, lr, seed):
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = data
    sizes = [784, *hidden, 10]
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.kaiming_uniform_(lin.weight, nonlinearity="relu")
        torch.nn.init.zeros_(lin.bias)
        layers += [lin, torch.nn.ReLU()] if i < len(sizes) - 2 else [lin]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(len(y_train), generator=gen)
        for start in range(0, len(perm), batch):
            idx = perm[start:start + batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
    with torch.no_grad():
        return (model(x_test).argmax(1) == y_test).float().mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("split")
    p.add_argument("--hidden", default="256")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    a = p.parse_args()
    torch.set_num_threads(1)
    data = load(a.split)
    hidden = [int(h) for h in a.hidden.split(",")]
    for seed in a.seeds:
        acc = run(data, hidden, a.epochs, a.batch, a.lr, seed)
        print(f"hidden {a.hidden} epochs {a.epochs} batch {a.batch} seed {seed}: test accuracy {acc * 100:.2f}%")


if __name__ == "__main__":
    main()
