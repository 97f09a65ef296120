"""What every PyTorch worker process of the bench shares (lenet_pytorch.py, mlp_pytorch.py).

bench/py-pool.mjs drives a worker over stdin/stdout, one JSON object per line, with the
commands bench/worker.mjs answers for the node implementations: prepare {c}, trajectory
{steps, adam?}, arm, window {ms}, release. A worker script supplies only its Session class
(see serve); this module has the protocol, the case file reader, the timed window and the
description of the process (threads, BLAS, CPU capability) printed with the results.
"""
import json
import os
import sys
import time

import numpy as np
import torch


def read_case_file(path):
    """The sections of a file bench/case-file.mjs wrote, as tensors by name."""
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


class Windows:
    """Whole steps in chunks that double until a chunk takes >= 2 ms, as bench/worker.mjs."""

    def __init__(self):
        self.chunk = 1

    def window(self, run, ms):
        t0 = time.perf_counter()
        c0 = time.process_time()
        now = t0
        steps = 0
        while True:
            run(self.chunk)
            steps += self.chunk
            t = time.perf_counter()
            if t - now < 0.002 and self.chunk < (1 << 20):
                self.chunk *= 2
            now = t
            if (now - t0) * 1000 >= ms:
                return {"steps": steps, "seconds": now - t0, "cpuSeconds": time.process_time() - c0}


def serve(Session):
    """The protocol loop. Session(c) prepares a case; it has prepared() (the prepare reply),
    trajectory(steps[, adam]) (per-step losses), arm() and run(k) (k timed steps, cycling)."""
    torch.set_num_threads(1)
    out = sys.stdout
    sys.stdout = sys.stderr  # anything printed by accident must not corrupt the protocol
    session = None
    windows = Windows()

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
                windows = Windows()
                result = session.prepared()
            elif cmd == "trajectory":
                # adam: the check's power test runs a deliberately wrong lr or eps (check.mjs).
                extra = {"adam": args["adam"]} if args.get("adam") else {}
                result = session.trajectory(args["steps"], **extra)
            elif cmd == "arm":
                session.arm()
                result = {}
            elif cmd == "window":
                result = windows.window(session.run, args["ms"])
            elif cmd == "release":
                session = None
                result = {}
            else:
                raise ValueError(f"unknown command {cmd}")
            send({"id": msg["id"], "ok": True, "result": result})
        except Exception as e:  # reported to the orchestrator, which fails the row
            import traceback

            send({"id": msg["id"], "ok": False, "error": f"{e}\n{traceback.format_exc()}"})
