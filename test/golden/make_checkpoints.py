"""Checkpoint fixtures in both directions, with PyTorch 1.13 (run with /usr/bin/python3 after
make_descent_checkpoint.mjs):

- descent -> PyTorch: loads checkpoints/descent-mlp.safetensors into a torch.nn.Sequential
  built from its descent.spec metadata (strict load_state_dict) and writes its float32 outputs
  on checkpoints/inputs.json to descent-mlp.torch-outputs.json.
- PyTorch -> descent: trains a Sequential briefly with torch.optim.SGD, saves its state_dict as
  safetensors (torch-mlp.safetensors, no descent metadata: a plain PyTorch file) and writes its
  spec and outputs to torch-mlp.json.

Optimizer state, for each case of checkpoints/optimizer-interop.json (Adam, Adam with AMSGrad
and weight decay, AdamW, SGD with Nesterov momentum; K = 4 steps saved, M = 4 more taken; full
batch, CrossEntropyLoss mean):

- descent -> PyTorch: loads descent-<case>-state.safetensors (parameters and optimizer state at
  step K), puts the state into the torch.optim optimizer with load_state_dict, takes M steps.
- PyTorch -> descent: trains the same initial network K steps in torch and saves
  torch-<case>-state.safetensors, a plain file (no descent metadata) of the state_dict and
  optimizer.state.<param>.<state> tensors from optimizer.state_dict() (`step` included, a
  float32 scalar in torch 1.13; SGD keeps none); then takes M more steps.

Both continuations' parameters go to optimizer-interop.torch.json.

Layer kinds, for each case of checkpoints/kinds.json (a checkpoint of each kind, and a LeNet-like
network with batch norm, dropout and layer norm; the Sequential is built from the spec as
layout.ts names it: each layer a module, plus its non-linear activation's):

- descent -> PyTorch: loads descent-kind-<case>.safetensors (strict load_state_dict, BatchNorm's
  buffers included) and writes its eval-mode outputs on the case's rows.
- PyTorch -> descent: builds the same Sequential, draws every parameter and buffer at random
  (torch.manual_seed), saves its state_dict as torch-kind-<case>.safetensors (num_batches_tracked
  as I64, as PyTorch keeps it) and writes its eval-mode outputs.

Both go to kinds.torch.json. `--kinds` runs this part only.

The safetensors container is written and read here by hand (8-byte little-endian header
length, JSON header padded with spaces, raw little-endian data), as the package is not in
Debian's python3; the format is the one huggingface/safetensors specifies.
"""
import json
import struct
import sys
from pathlib import Path

import torch

HERE = Path(__file__).parent / "checkpoints"
ACTIVATIONS = {
    "linear": None, "relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
    "gelu": torch.nn.GELU, "elu": torch.nn.ELU, "softplus": torch.nn.Softplus,
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
}


def read_safetensors(path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        # descent writes F32, I32 for a shuffled run's row order, I64 for num_batches_tracked.
        dtype = {"F32": torch.float32, "I32": torch.int32, "I64": torch.int64}[e["dtype"]]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=dtype).reshape(e["shape"])
        tensors[name] = t.clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        # int64 stays int64 (BatchNorm's num_batches_tracked); everything else is float32.
        wide = t.dtype == torch.int64
        b = t.detach().contiguous().numpy().astype("<i8").tobytes() if wide else t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "I64" if wide else "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def sequential(spec):
    modules, fan_in = [], spec["inputs"]
    for layer in spec["layers"]:
        modules.append(torch.nn.Linear(fan_in, layer["units"]))
        act = ACTIVATIONS[layer.get("activation", "linear")]
        if act is not None:
            modules.append(act())
        fan_in = layer["units"]
    return torch.nn.Sequential(*modules)


def activation_module(name):
    return torch.nn.Identity() if name == "linear" else ACTIVATIONS[name]()


def pair(v):
    return tuple(v) if isinstance(v, list) else v


def kind_module(layer, shape):
    """The torch.nn module of one layer of a full spec (every option given, as descent stores it)."""
    t = layer.get("type", "dense")
    if t == "dense":
        return torch.nn.Linear(shape[0], layer["units"])
    if t == "conv2d":
        padding = layer["padding"] if isinstance(layer["padding"], str) else pair(layer["padding"])
        return torch.nn.Conv2d(shape[0], layer["outChannels"], pair(layer["kernelSize"]), stride=pair(layer["stride"]), padding=padding,
                               dilation=pair(layer["dilation"]), bias=layer["bias"])
    if t == "maxpool2d":
        return torch.nn.MaxPool2d(pair(layer["kernelSize"]), stride=pair(layer["stride"]), padding=pair(layer["padding"]),
                                  dilation=pair(layer["dilation"]), ceil_mode=layer["ceilMode"])
    if t == "avgpool2d":
        return torch.nn.AvgPool2d(pair(layer["kernelSize"]), stride=pair(layer["stride"]), padding=pair(layer["padding"]),
                                  ceil_mode=layer["ceilMode"], count_include_pad=layer["countIncludePad"])
    if t == "flatten":
        return torch.nn.Flatten()
    if t == "dropout":
        return torch.nn.Dropout(layer["p"])
    if t in ("batchnorm1d", "batchnorm2d"):
        cls = torch.nn.BatchNorm1d if t == "batchnorm1d" else torch.nn.BatchNorm2d
        return cls(shape[0], eps=layer["eps"], momentum=layer["momentum"], affine=layer["affine"], track_running_stats=layer["trackRunningStats"])
    if t == "layernorm":
        return torch.nn.LayerNorm(layer["normalizedShape"], eps=layer["eps"], elementwise_affine=layer["elementwiseAffine"])
    if t == "activation":
        return activation_module(layer["activation"])
    raise ValueError(t)


def kinds_sequential(spec):
    """A Sequential of any layer kinds: each layer's module, then its non-linear activation's."""
    inputs = spec["inputs"]
    shape = list(inputs) if isinstance(inputs, list) else [inputs]
    modules = []
    for layer in spec["layers"]:
        m = kind_module(layer, shape)
        modules.append(m)
        act = layer.get("activation", "linear")
        if layer.get("type", "dense") != "activation" and act != "linear":
            modules.append(activation_module(act))
        with torch.no_grad():
            shape = list(m.eval()(torch.zeros(2, *shape)).shape[1:])
    return torch.nn.Sequential(*modules)


def kinds():
    f = json.loads((HERE / "kinds.json").read_text())
    out = {"cases": {}}
    torch.manual_seed(15)
    for case in f["cases"]:
        name = case["name"]
        tensors, meta = read_safetensors(HERE / f"descent-kind-{name}.safetensors")
        spec = json.loads(meta["descent.spec"])
        net = kinds_sequential(spec)
        net.load_state_dict(tensors, strict=True)
        net.eval()
        shape = spec["inputs"] if isinstance(spec["inputs"], list) else [spec["inputs"]]
        x = torch.tensor(case["x"], dtype=torch.float32).reshape(case["rows"], *shape)
        with torch.no_grad():
            from_descent = net(x).flatten().tolist()

        # The same network built by torch, every parameter and buffer drawn at random.
        net = kinds_sequential(spec)
        with torch.no_grad():
            for k, v in net.state_dict().items():
                if k.endswith("num_batches_tracked"):
                    v.fill_(11)
                elif k.endswith("running_var"):
                    v.uniform_(0.5, 1.5)
                else:
                    v.normal_(0, 0.5)
        net.eval()
        write_safetensors(HERE / f"torch-kind-{name}.safetensors", net.state_dict(), {"format": "pt"})
        with torch.no_grad():
            from_torch = net(x).flatten().tolist()
        out["cases"][name] = {"modules": [type(m).__name__ for m in net], "fromDescent": from_descent, "fromTorch": from_torch}
    (HERE / "kinds.torch.json").write_text(json.dumps(out) + "\n")
    print(f"wrote torch-kind-<case>.safetensors for {len(f['cases'])} cases and kinds.torch.json")


def main():
    if "--kinds" in sys.argv:
        kinds()
        return
    inputs = json.loads((HERE / "inputs.json").read_text())
    x = torch.tensor(inputs["x"], dtype=torch.float32).reshape(inputs["rows"], inputs["columns"])

    tensors, meta = read_safetensors(HERE / "descent-mlp.safetensors")
    spec = json.loads(meta["descent.spec"])
    net = sequential(spec)
    net.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        out = net(x)
    (HERE / "descent-mlp.torch-outputs.json").write_text(json.dumps({"outputs": out.flatten().tolist()}) + "\n")

    torch.manual_seed(5)
    spec = {"inputs": 2, "layers": [{"units": 7, "activation": "relu"}, {"units": 5, "activation": "tanh"}, {"units": 3, "activation": "linear"}],
            "loss": "softmax_cross_entropy"}
    net = sequential(spec)
    y = torch.arange(inputs["rows"]) % 3
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(30):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    write_safetensors(HERE / "torch-mlp.safetensors", net.state_dict(), {"format": "pt"})
    with torch.no_grad():
        out = net(x)
    (HERE / "torch-mlp.json").write_text(json.dumps({"spec": spec, "outputs": out.flatten().tolist()}) + "\n")
    print("wrote descent-mlp.torch-outputs.json, torch-mlp.safetensors, torch-mlp.json")
    optimizer_interop()
    kinds()


# descent's optimizer options (camelCase) as torch.optim's keyword arguments.
OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
KWARGS = {"lr": "lr", "betas": "betas", "eps": "eps", "weightDecay": "weight_decay", "amsgrad": "amsgrad",
          "momentum": "momentum", "dampening": "dampening", "nesterov": "nesterov"}


def optimizer_for(config, net):
    kwargs = {KWARGS[k]: (tuple(v) if k == "betas" else v) for k, v in config.items() if k != "type"}
    return OPTIMIZERS[config["type"]](net.parameters(), **kwargs)


def full_batch_step(net, opt, x, y):
    opt.zero_grad()
    torch.nn.functional.cross_entropy(net(x), y).backward()
    opt.step()


def parameters(net):
    return [{"weight": net[i].weight.flatten().tolist(), "bias": net[i].bias.tolist()}
            for i in range(len(net)) if isinstance(net[i], torch.nn.Linear)]


def state_from_descent(opt, net, tensors, info):
    """descent's optimizer.state.<param>.<state> tensors and descent.optimizer as load_state_dict input."""
    names = [n for n, _ in net.named_parameters()]
    state = {}
    for i, name in enumerate(names):
        prefix = f"optimizer.state.{name}."
        s = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if info["type"] != "sgd":  # torch's SGD keeps no step
            # One tensor per parameter: load_state_dict deep-copies the dict keeping shared
            # objects shared, and one shared step tensor would be incremented once per parameter.
            s["step"] = torch.tensor(float(info["step"]))
        state[i] = s
    sd = opt.state_dict()
    sd["state"] = state
    return sd


def optimizer_interop():
    f = json.loads((HERE / "optimizer-interop.json").read_text())
    x = torch.tensor(f["x"], dtype=torch.float32).reshape(f["rows"], f["columns"])
    y = torch.tensor(f["y"], dtype=torch.long)
    out = {"steps": f["steps"], "more": f["more"], "cases": {}}
    for case in f["cases"]:
        name, config = case["name"], case["optimizer"]

        # PyTorch -> descent: K steps from descent's initial parameters, the file, M more steps.
        net = sequential(f["spec"])
        with torch.no_grad():
            linears = [m for m in net if isinstance(m, torch.nn.Linear)]
            for m, p in zip(linears, f["init"]):
                m.weight.copy_(torch.tensor(p["weight"]).reshape(m.weight.shape))
                m.bias.copy_(torch.tensor(p["bias"]))
        opt = optimizer_for(config, net)
        for _ in range(f["steps"]):
            full_batch_step(net, opt, x, y)
        names = [n for n, _ in net.named_parameters()]
        tensors = dict(net.state_dict())
        torch_keys = {}
        for i, s in opt.state_dict()["state"].items():
            torch_keys[names[i]] = sorted(s)
            for k, v in s.items():
                assert k != "step" or (v.dtype == torch.float32 and v.shape == ()), (k, v)
                tensors[f"optimizer.state.{names[i]}.{k}"] = torch.as_tensor(v, dtype=torch.float32)
        write_safetensors(HERE / f"torch-{name}-state.safetensors", tensors, {"format": "pt"})
        torch_at_k = {k: v.clone() for k, v in tensors.items()}
        for _ in range(f["more"]):
            full_batch_step(net, opt, x, y)
        from_torch = parameters(net)

        # descent -> PyTorch: descent's file at step K, its state through load_state_dict, M steps.
        tensors, meta = read_safetensors(HERE / f"descent-{name}-state.safetensors")
        info = json.loads(meta["descent.optimizer"])
        assert info["type"] == config["type"] and info["step"] == f["steps"], info
        net = sequential(json.loads(meta["descent.spec"]))
        net.load_state_dict({k: v for k, v in tensors.items() if not k.startswith(("optimizer.", "descent."))}, strict=True)
        opt = optimizer_for(config, net)
        opt.load_state_dict(state_from_descent(opt, net, tensors, info))
        # The state descent wrote is the state torch keeps, name for name, and close to torch's own.
        for p, n in zip(net.parameters(), names):
            assert sorted(opt.state[p]) == torch_keys[n], (name, n, sorted(opt.state[p]), torch_keys[n])
        drift = max((tensors[k] - v).abs().max().item() for k, v in torch_at_k.items() if not k.endswith(".step"))
        for _ in range(f["more"]):
            full_batch_step(net, opt, x, y)
        from_descent = parameters(net)
        gap = max(abs(a - b) for p, q in zip(from_descent, from_torch) for k in ("weight", "bias") for a, b in zip(p[k], q[k]))
        print(f"{name}: descent vs torch at step {f['steps']}: {drift:.3g}; after {f['more']} more steps: {gap:.3g}")
        out["cases"][name] = {"fromDescent": from_descent, "fromTorch": from_torch}
    (HERE / "optimizer-interop.torch.json").write_text(json.dumps(out) + "\n")
    print("wrote torch-<case>-state.safetensors and optimizer-interop.torch.json")


if __name__ == "__main__":
    main()
