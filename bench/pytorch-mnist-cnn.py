"""PyTorch 1.13 reference for `descent train --model cnn`, on the same MNIST split.

    npm run build
    node bench/export-mnist-split.mjs 0 /tmp/mnist-0.bin
    /usr/bin/python3 bench/pytorch-mnist-cnn.py /tmp/mnist-0.bin --seeds 0 1 2 [--init he_uniform]

The network is the CLI's (src/cli/train-command.ts, cnnLayers): rows of 784 pixels in [0, 1]
read as [1, 28, 28] images, Conv2d(1, 6, 5, padding=2) ReLU, MaxPool2d(2), Conv2d(6, 16, 5)
ReLU, MaxPool2d(2), Flatten, Linear(400, 120) ReLU, Linear(120, 84) ReLU, Linear(84, 10).
Weights as the CLI's default for --model cnn, LeCun normal: N(0, 1/fan_in) with torch's fan_in
(in_channels·kh·kw for a convolution), which is kaiming_normal_ with the linear gain (1);
--init he_uniform gives kaiming_uniform_ (gain √2) as `descent train --init he_uniform`. Biases
0, as descent's. Adam with the CLI's --model cnn defaults; cross-entropy; shuffled mini-batches
(drop_last=False); one thread. The initial weights and batch order come from
torch's own generator (descent draws its own), so runs agree in distribution, not bit for bit.
"""
import argparse
import time

import numpy as np
import torch


def load(path):
    """The split bench/export-mnist-split.mjs wrote: counts, then x and y of train and test."""
    raw = open(path, "rb").read()
    n_train, n_test = np.frombuffer(raw, np.int32, 2)
    at = 8

    def take(dtype, count):
        nonlocal at
        a = np.frombuffer(raw, dtype, count, at)
        at += a.nbytes
        return torch.from_numpy(a.copy())

    # A row is 28×28 row-major, which is what [1, 28, 28] reads it as.
    x_train = take(np.float32, n_train * 784).view(n_train, 1, 28, 28)
    y_train = take(np.int32, n_train).long()
    x_test = take(np.float32, n_test * 784).view(n_test, 1, 28, 28)
    y_test = take(np.int32, n_test).long()
    return x_train, y_train, x_test, y_test


def lenet(init):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
    for m in model:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if init == "he_uniform":
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            else:
                nn.init.kaiming_normal_(m.weight, nonlinearity="linear")
            nn.init.zeros_(m.bias)
    return model


def run(data, init, epochs, batch, lr, seed, verbose):
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = data
    model = lenet(init)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(y_train), generator=gen)
        for start in range(0, len(perm), batch):
            idx = perm[start:start + batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        if verbose:
            with torch.no_grad():
                acc = (model(x_test).argmax(1) == y_test).float().mean().item()
            print(f"  epoch {epoch + 1}: test accuracy {acc * 100:.2f}% ({time.time() - t0:.1f} s)", flush=True)
    with torch.no_grad():
        return (model(x_test).argmax(1) == y_test).float().mean().item(), time.time() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("split")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--init", choices=["lecun_normal", "he_uniform"], default="lecun_normal")
    p.add_argument("--verbose", action="store_true", help="test accuracy after every epoch")
    a = p.parse_args()
    torch.set_num_threads(1)
    data = load(a.split)
    for seed in a.seeds:
        acc, secs = run(data, a.init, a.epochs, a.batch, a.lr, seed, a.verbose)
        print(f"lenet {a.init} epochs {a.epochs} batch {a.batch} lr {a.lr} seed {seed}: test accuracy {acc * 100:.2f}% ({secs:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
