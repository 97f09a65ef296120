# PyTorch's one-thread times for the conv2d bench (bench/conv2d-kernels.mjs runs this): the
# forward, dW (with db) and dX of a LeNet-5's two convolutions, each product alone through
# aten's convolution_backward with an output mask, as the autograd of nn.Conv2d calls it.
# Argument: JSON {batches, ms, windows}; prints JSON.
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
    """Median ms of CPU time per call over WINDOWS windows of about MS ms, after a warm-up window
    (CPU time, not wall time: the bench machine may be shared)."""
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
    return samples[len(samples) // 2]


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

        ms = {
            'forward': timed(lambda: F.conv2d(x, weight, bias, 1, pad)),
            'dW': timed(lambda: back([False, True, True])),
            'dX': timed(lambda: back([True, False, False])),
        }
        results.append({'rows': rows, 'layer': name, 'ms': ms, 'gflops': {key: flop / v / 1e6 for key, v in ms.items()}})
print(json.dumps({'version': torch.__version__.split('a')[0].split('+')[0], 'results': results}))
