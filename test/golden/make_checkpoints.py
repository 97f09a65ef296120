"""Checkpoint fixtures in both directions, with PyTorch 1.13 (run with /usr/bin/python3 after
make_descent_checkpoint.mjs):

- descent -> PyTorch: loads checkpoints/descent-mlp.safetensors into a torch.nn.Sequential
  built from its descent.spec metadata (strict load_state_dict) and writes its float32 outputs
  on checkpoints/inputs.json to descent-mlp.torch-outputs.json.
- PyTorch -> descent: trains a Sequential briefly with torch.optim.SGD, saves its state_dict as
  safetensors (torch-mlp.safetensors, no descent metadata: a plain PyTorch file) and writes its
  spec and outputs to torch-mlp.json.

The safetensors container is written and read here by hand (8-byte little-endian header
length, JSON header padded with spaces, raw little-endian data), as the package is not in
Debian's python3; the format is the one huggingface/safetensors specifies.
"""
import json
import struct
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
        assert e["dtype"] == "F32", e
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(e["shape"])
        tensors[name] = t.clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
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


def main():
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


if __name__ == "__main__":
    main()
