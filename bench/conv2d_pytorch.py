# PyTorch's one-thread times for the conv2d bench (bench/conv2d-kernels.mjs runs this): the
# forward, dW (with db) and dX of a LeNet-5's two convolutions, each product alone through
# aten's convolution_backward with an output mask, as the autograd of nn.Conv2d calls it; and
# the whole LeNet-5's training step (zero_grad, forward, cross-entropy, backward, SGD step).
# Argument: JSON {batches, ms, windows, step}; prints JSON.
import json
import sys
import time

import torch
import torch.nn.functional as F

opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
BATCHES = opts.get('batches', [32, 128])
MS = opts.get('ms', 250)
WINDOWS = opts.get('windows', 5)
torch.set_num_threads(1)
torch.manual_seed(0)

# name, in channels, height, width, out channels, kernel, padding
LAYERS = [('conv1', 1, 28, 28, 6, 5, 2), ('conv2', 6, 14, 14, 16, 5, 0)]


def timed(f):
    """ms of CPU time per call over WINDOWS windows of about MS ms, after a warm-up window
    (CPU time, not wall time: the bench machine may be shared): median and best."""
    t0 = time.process_time()
    while time.process_time() - t0 < MS / 1000:
        f()
    samples = []
    for _ in range(WINDOWS):
        calls = 0
        t0 = time.process_time()
        while True:
            f()
            calls += 1
            t = time.process_time()
            if t - t0 >= MS / 1000:
                break
        samples.append((t - t0) * 1000 / calls)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


results = []
for rows in BATCHES:
    for name, c, h, w, o, k, pad in LAYERS:
        x = torch.rand(rows, c, h, w) - 0.5
        weight = torch.rand(o, c, k, k) - 0.5
        bias = torch.rand(o) - 0.5
        dz = torch.rand_like(F.conv2d(x, weight, bias, 1, pad)) - 0.5
        oh, ow = dz.shape[2], dz.shape[3]
        flop = 2 * rows * o * c * k * k * oh * ow

        def back(mask):
            return torch.ops.aten.convolution_backward(dz, x, weight, [o], [1, 1], [pad, pad], [1, 1], False, [0, 0], 1, mask)

        t = {
            'forward': timed(lambda: F.conv2d(x, weight, bias, 1, pad)),
            'dW': timed(lambda: back([False, True, True])),
            'dX': timed(lambda: back([True, False, False])),
        }
        results.append({
            'rows': rows, 'layer': name, 'ms': {k: v[0] for k, v in t.items()},
            'gflops': {k: flop / v[0] / 1e6 for k, v in t.items()}, 'bestGflops': {k: flop / v[1] / 1e6 for k, v in t.items()},
        })

steps = []
if opts.get('step', True):
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for rows in BATCHES:
        x = torch.rand(rows, 1, 28, 28)
        y = torch.randint(0, 10, (rows,))

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()

        ms, best = timed(step)
        steps.append({'rows': rows, 'ms': ms, 'best': best})
print(json.dumps({'version': torch.__version__.split('a')[0].split('+')[0], 'results': results, 'steps': steps}))
