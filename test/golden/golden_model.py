"""A case's network as torch.nn modules: descent's layer specs (src/types.ts LayerSpec, descent's
option names) mapped to the torch.nn module of each kind, run as a Sequential would run them.

Layer i of the spec is one module (none for an `activation` layer) followed by its activation,
so the spec's layer index is also the index of `case.init`, `expected.grads0`/`final`/`state`
and `case.dropoutMasks`. Parameters and buffers keep torch.nn's names (weight, bias,
running_mean, running_var, num_batches_tracked).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu"]
# Kinds whose spec takes an `activation` option (the others are linear, or are one).
WITH_ACTIVATION = ("dense", "conv2d", "batchnorm1d", "batchnorm2d", "layernorm", "activation")
BN_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def activate(name, z):
    if name == "linear":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return F.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, negative_slope=0.01)
    if name == "elu":
        return F.elu(z, alpha=1.0)
    if name == "softplus":
        return F.softplus(z, beta=1.0, threshold=20.0)
    if name == "gelu":
        return F.gelu(z, approximate="none")
    raise ValueError(name)


def kind(layer):
    return layer.get("type", "dense")


def _pair(v):
    """A descent size (n or [h, w]) as torch takes it."""
    return tuple(v) if isinstance(v, (list, tuple)) else v


class GivenMaskDropout(nn.Module):
    """torch.nn.Dropout with the keep mask taken from the case instead of torch's generator.

    ATen's CPU dropout (_dropout_impl, 1.13) is `noise = empty_like(x).bernoulli_(1 - p);
    noise.div_(1 - p); return x * noise` (x unchanged when p == 0 or in eval mode; x * 0 when
    p == 1). This computes exactly that with `mask` in place of the Bernoulli draw, so for the
    same mask it is nn.Dropout bit for bit (check_dropout proves it), forward and backward."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.mask = None  # 0/1 tensor, rows x features of the batch (set before each training pass)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x * torch.zeros((), dtype=x.dtype)
        noise = self.mask.to(x.dtype).reshape(x.shape)
        noise = noise.div(1 - self.p)
        return x * noise


def check_dropout():
    """GivenMaskDropout == nn.Dropout for the mask nn.Dropout drew (same seed, same draw),
    outputs and input gradients bit for bit, float32 and float64."""
    for dtype in (torch.float32, torch.float64):
        for p in (0.2, 0.3, 0.5, 0.9):
            for shape in ((5, 7), (3, 2, 4, 5)):
                x = torch.randn(*shape, dtype=dtype, generator=torch.Generator().manual_seed(11))
                g = torch.randn(*shape, dtype=dtype, generator=torch.Generator().manual_seed(12))
                a = x.clone().requires_grad_()
                torch.manual_seed(7)
                out = nn.Dropout(p)(a)
                out.backward(g)
                torch.manual_seed(7)
                mask = torch.empty_like(x).bernoulli_(1 - p)  # the draw nn.Dropout made
                b = x.clone().requires_grad_()
                d = GivenMaskDropout(p)
                d.mask = mask.reshape(shape[0], -1)
                mine = d(b)
                mine.backward(g)
                assert torch.equal(out, mine) and torch.equal(a.grad, b.grad), (dtype, p, shape)


def make_module(layer, shape, dtype):
    """The torch.nn module of one descent layer over rows of `shape` (None: an activation layer)."""
    t = kind(layer)
    if t == "dense":
        assert len(shape) == 1, shape
        return nn.Linear(shape[0], layer["units"], dtype=dtype)
    if t == "conv2d":
        padding = layer.get("padding", 0)
        return nn.Conv2d(shape[0], layer["outChannels"], _pair(layer["kernelSize"]), stride=_pair(layer.get("stride", 1)),
                         padding=padding if isinstance(padding, str) else _pair(padding),
                         dilation=_pair(layer.get("dilation", 1)), bias=layer.get("bias", True), dtype=dtype)
    if t == "maxpool2d":
        return nn.MaxPool2d(_pair(layer["kernelSize"]), stride=_pair(layer.get("stride")),
                            padding=_pair(layer.get("padding", 0)), dilation=_pair(layer.get("dilation", 1)),
                            ceil_mode=layer.get("ceilMode", False))
    if t == "avgpool2d":
        return nn.AvgPool2d(_pair(layer["kernelSize"]), stride=_pair(layer.get("stride")),
                            padding=_pair(layer.get("padding", 0)), ceil_mode=layer.get("ceilMode", False),
                            count_include_pad=layer.get("countIncludePad", True))
    if t == "flatten":
        return nn.Flatten()
    if t == "dropout":
        return GivenMaskDropout(layer.get("p", 0.5))
    if t in ("batchnorm1d", "batchnorm2d"):
        cls = nn.BatchNorm1d if t == "batchnorm1d" else nn.BatchNorm2d
        return cls(shape[0], eps=layer.get("eps", 1e-5), momentum=layer.get("momentum", 0.1),
                   affine=layer.get("affine", True), track_running_stats=layer.get("trackRunningStats", True), dtype=dtype)
    if t == "layernorm":
        ns = layer.get("normalizedShape", list(shape))
        ns = [ns] if isinstance(ns, int) else list(ns)
        return nn.LayerNorm(ns, eps=layer.get("eps", 1e-5), elementwise_affine=layer.get("elementwiseAffine", True), dtype=dtype)
    if t == "activation":
        return None
    raise ValueError("unknown layer type %r" % t)


def input_shape(spec):
    v = spec["inputs"]
    return [v] if isinstance(v, int) else list(v)


class Model:
    """The case's network: `layers[i]` = (module or None, activation, row shape out)."""

    def __init__(self, spec, dtype=torch.float32):
        self.dtype = dtype
        self.layers = []
        shape = input_shape(spec)
        self.input_shape = shape
        for layer in spec["layers"]:
            m = make_module(layer, shape, dtype)
            act = layer.get("activation", "linear") if kind(layer) in WITH_ACTIVATION else "linear"
            if m is not None:
                m.eval()  # shape probe: eval mode leaves BatchNorm's buffers alone
                with torch.no_grad():
                    shape = list(m(torch.zeros(2, *shape, dtype=dtype)).shape[1:])
                m.train()
            self.layers.append((m, act, shape))

    @property
    def outputs(self):
        n = 1
        for d in self.layers[-1][2]:
            n *= d
        return n

    def named_parameters(self, i):
        m = self.layers[i][0]
        return list(m.named_parameters()) if m is not None else []

    def named_buffers(self, i):
        m = self.layers[i][0]
        if m is None or not isinstance(m, nn.modules.batchnorm._BatchNorm) or not m.track_running_stats:
            return []
        return [(name, getattr(m, name)) for name in BN_BUFFERS]

    def parameters(self):
        """Every parameter in layer order, each layer's in torch's order (weight, bias): descent's order."""
        return [p for i in range(len(self.layers)) for _, p in self.named_parameters(i)]

    def dropout_layers(self):
        return [i for i, (m, _, _) in enumerate(self.layers) if isinstance(m, GivenMaskDropout)]

    def load(self, init):
        """Copies `init` (per layer {torch name: flat values}, buffers optional) into the modules."""
        assert len(init) == len(self.layers), (len(init), len(self.layers))
        for i, values in enumerate(init):
            params = dict(self.named_parameters(i))
            buffers = dict(self.named_buffers(i))
            assert set(params) <= set(values) <= set(params) | set(buffers), (i, sorted(values), sorted(params), sorted(buffers))
            with torch.no_grad():
                for name, v in values.items():
                    t = params.get(name, buffers.get(name))
                    t.copy_(torch.tensor(v, dtype=t.dtype).reshape(t.shape))

    def train(self, training=True):
        for m, _, _ in self.layers:
            if m is not None:
                m.train(training)

    def set_masks(self, masks):
        """masks: {layer index: 0/1 tensor rows x features} for this training pass."""
        for i, mask in masks.items():
            self.layers[i][0].mask = mask

    def __call__(self, x):
        h = x.reshape(x.shape[0], *self.input_shape)
        for m, act, _ in self.layers:
            if m is not None:
                h = m(h)
            h = activate(act, h)
        return h.reshape(h.shape[0], -1)
