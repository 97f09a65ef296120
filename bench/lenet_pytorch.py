"""The LeNet-5-like case on PyTorch 1.13 (CPU, one thread), as a bench worker process.

Driven by bench/py-pool.mjs over stdin/stdout, one JSON object per line, with the commands
bench/worker.mjs answers for the node implementations: prepare {c} (c.dataFile is the file
bench/lenet-case.mjs wrote: MNIST rows and the initial weights), trajectory {steps},
arm, window {ms}, release. Nothing else may be printed on stdout.

The step is what a PyTorch user writes: zero_grad(set_to_none=True), cross_entropy of the
model's logits, backward, Adam's step; batches are contiguous tensors made once, in order.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_case_file(path):
    raw = open(path, "rb").read()
    n = int(np.frombuffer(raw, np.uint32, 1)[0])
    header = json.loads(raw[4:4 + n].decode("utf8"))
    base = 4 + n
    out = {}
    for s in header["sections"]:
        dtype = np.int32 if s["dtype"] == "i32" else np.float32
        a = np.frombuffer(raw, dtype, s["length"], base + s["offset"]).reshape(s["shape"])
        out[s["name"]] = torch.from_numpy(a.copy())
    return out


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


def blas_info():
    """Which BLAS the process loaded and what OpenBLAS detected (None if not OpenBLAS)."""
    import ctypes

    info = {"openblas": None}
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        info["openblas"] = {
            "config": lib.openblas_get_config().decode(),
            "core": lib.openblas_get_corename().decode(),
            "threads": lib.openblas_get_num_threads(),
        }
    except (OSError, AttributeError):
        pass
    info["libblas"] = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return info


def describe():
    cfg = torch.__config__.show()
    blas = next((p.split("=")[1] for p in cfg.replace(",", " ").split() if p.startswith("BLAS_INFO=")), None)
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "mkldnn": {"available": torch.backends.mkldnn.is_available(), "enabled": torch.backends.mkldnn.enabled},
        "mkl": torch.backends.mkl.is_available(),
        "openmp": torch.backends.openmp.is_available(),
        "cpuCapability": next((l.split(":", 1)[1].strip() for l in cfg.splitlines() if "CPU capability usage" in l), None),
        "blasInfo": blas,
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }


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
        self.chunk = 1

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

    def window(self, ms):
        # Whole steps in chunks that double until a chunk takes >= 2 ms, as bench/worker.mjs.
        t0 = time.perf_counter()
        now = t0
        steps = 0
        n = len(self.batches)
        while True:
            for _ in range(self.chunk):
                self.step(self.opt, self.next)
                self.next = self.next + 1 if self.next + 1 < n else 0
            steps += self.chunk
            t = time.perf_counter()
            if t - now < 0.002 and self.chunk < (1 << 20):
                self.chunk *= 2
            now = t
            if (now - t0) * 1000 >= ms:
                return {"steps": steps, "seconds": now - t0}


def main():
    torch.set_num_threads(1)
    out = sys.stdout
    sys.stdout = sys.stderr  # anything printed by accident must not corrupt the protocol
    session = None

    def send(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    send({"ready": True, "describe": describe(), "na": None})
    for line in sys.stdin:
        msg = json.loads(line)
        cmd, args = msg["cmd"], msg.get("args") or {}
        try:
            if cmd == "prepare":
                session = Session(args["c"])
                result = {"convOps": session.conv_ops()}
            elif cmd == "trajectory":
                result = session.trajectory(args["steps"])
            elif cmd == "arm":
                session.arm()
                result = {}
            elif cmd == "window":
                result = session.window(args["ms"])
            elif cmd == "release":
                session = None
                result = {}
            else:
                raise ValueError(f"unknown command {cmd}")
            send({"id": msg["id"], "ok": True, "result": result})
        except Exception as e:  # reported to the orchestrator, which fails the row
            import traceback

            send({"id": msg["id"], "ok": False, "error": f"{e}\n{traceback.format_exc()}"})


if __name__ == "__main__":
    main()
