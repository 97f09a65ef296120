#!/usr/bin/env python3
"""Per-step hyper-parameters of every optimizer, as torch 1.13's torch.optim uses them.

Writes test/golden/hyperparams.json (see README.md, "Hyper-parameter blocks"). For each
optimizer and option set, the real torch.optim optimizer takes N steps on a 1-element
parameter; a tracer reads the locals of the per-step function (_single_tensor_*, or
_multi_tensor_nadam: the NAdam formula descent follows) at its call (the arguments torch
passes) and at its return (the per-step scalars it computed: step_size, clr, rho_t, ...),
and the optimizer's state gives `step` and NAdam's `mu_product`. Each value is mapped to the
slot of descent's hyper-parameter block (src/optim/rules.ts) that holds it. Where the value
torch uses is an inline expression rather than a local, that expression is evaluated here on
the traced locals, in Python floats (f64) as torch does, with its file and line quoted.

Deterministic: no random numbers; run with Debian's torch 1.13:
    /usr/bin/python3 test/golden/make_hyperparams.py
"""
import importlib
import json
import math
import os
import struct
import sys

import torch

STEPS = 20  # RAdam rectifies from step 6 with β₂ ≥ 0.9, from 10 with β₂ 0.7, from 16 with β₂ 0.67

# (name, descent optimizer config) — descent's camelCase options; torch gets the same values.
ENTRIES = [
    ('sgd', {'type': 'sgd', 'lr': 0.1}),
    ('sgd-momentum', {'type': 'sgd', 'lr': 0.05, 'momentum': 0.9}),
    ('sgd-momentum-dampening', {'type': 'sgd', 'lr': 0.01, 'momentum': 0.5, 'dampening': 0.3, 'weightDecay': 0.001}),
    ('sgd-nesterov', {'type': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.001}),
    ('adagrad', {'type': 'adagrad'}),
    ('adagrad-lr-decay', {'type': 'adagrad', 'lr': 0.05, 'lrDecay': 0.1, 'weightDecay': 0.01, 'eps': 1e-08}),
    ('adagrad-lr-decay-odd', {'type': 'adagrad', 'lr': 0.0154, 'lrDecay': 0.0614, 'initialAccumulatorValue': 0.1}),
    ('rmsprop', {'type': 'rmsprop'}),
    ('rmsprop-centered', {'type': 'rmsprop', 'centered': True}),
    ('rmsprop-centered-momentum', {'type': 'rmsprop', 'lr': 0.005, 'alpha': 0.9, 'eps': 1e-06, 'weightDecay': 0.01, 'momentum': 0.9, 'centered': True}),
    ('adam', {'type': 'adam'}),
    ('adam-amsgrad', {'type': 'adam', 'betas': [0.8, 0.9], 'amsgrad': True}),
    ('adam-options', {'type': 'adam', 'lr': 0.01, 'betas': [0.5, 0.95], 'eps': 1e-06, 'weightDecay': 0.01}),
    ('adamw', {'type': 'adamw'}),
    ('adamw-amsgrad', {'type': 'adamw', 'lr': 0.003, 'betas': [0.85, 0.97], 'weightDecay': 0.1, 'amsgrad': True}),
    ('adamax', {'type': 'adamax'}),
    ('adamax-options', {'type': 'adamax', 'lr': 0.01, 'betas': [0.7, 0.9], 'eps': 1e-06, 'weightDecay': 0.01}),
    ('nadam', {'type': 'nadam'}),
    ('nadam-momentum-decay', {'type': 'nadam', 'betas': [0.8, 0.99], 'momentumDecay': 0.05}),
    ('nadam-options', {'type': 'nadam', 'lr': 0.01, 'betas': [0.95, 0.999], 'eps': 1e-06, 'weightDecay': 0.01, 'momentumDecay': 0.001}),
    ('radam', {'type': 'radam'}),
    ('radam-betas-0.95', {'type': 'radam', 'lr': 0.01, 'betas': [0.8, 0.95], 'weightDecay': 0.01}),
    ('radam-betas-0.99', {'type': 'radam', 'betas': [0.9, 0.99], 'eps': 1e-06}),
    ('radam-rectified-from-10', {'type': 'radam', 'betas': [0.9, 0.7]}),
    ('radam-rectified-from-16', {'type': 'radam', 'lr': 0.002, 'betas': [0.85, 0.67]}),
    ('radam-never-rectified', {'type': 'radam', 'betas': [0.9, 0.6]}),
    ('adadelta', {'type': 'adadelta'}),
    ('adadelta-options', {'type': 'adadelta', 'lr': 0.5, 'rho': 0.95, 'eps': 1e-05, 'weightDecay': 0.01}),
]

CLASSES = {
    'sgd': torch.optim.SGD, 'adagrad': torch.optim.Adagrad, 'rmsprop': torch.optim.RMSprop,
    'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'adamax': torch.optim.Adamax,
    'nadam': torch.optim.NAdam, 'radam': torch.optim.RAdam, 'adadelta': torch.optim.Adadelta,
}

TORCH_NAMES = {
    'weightDecay': 'weight_decay', 'lrDecay': 'lr_decay', 'initialAccumulatorValue': 'initial_accumulator_value',
    'momentumDecay': 'momentum_decay',
}

# The function each optimizer's step() runs in torch 1.13 (foreach defaults to False there,
# e.g. adam.py:288). NAdam runs its foreach path: see NOTES.
def _function(module, name):
    # torch/optim/__init__.py deletes its submodule names; import them by their full name.
    return getattr(importlib.import_module(f'torch.optim.{module}'), name)


FUNCTIONS = {
    'sgd': _function('sgd', '_single_tensor_sgd'),
    'adagrad': _function('adagrad', '_single_tensor_adagrad'),
    'rmsprop': _function('rmsprop', '_single_tensor_rmsprop'),
    'adam': _function('adam', '_single_tensor_adam'),
    'adamw': _function('adamw', '_single_tensor_adamw'),
    'adamax': _function('adamax', '_single_tensor_adamax'),
    'nadam': _function('nadam', '_multi_tensor_nadam'),
    'radam': _function('radam', '_single_tensor_radam'),
    'adadelta': _function('adadelta', '_single_tensor_adadelta'),
}

NOTES = {
    'null': 'null: torch has no such value at that step and descent\'s kernel does not read the slot '
            '(SGD firstStep without momentum: sgd.py:231 skips the buffer; RAdam rect while rho_t <= 5: radam.py:230).',
    'derived': 'Slots listed in an entry\'s `derived` are computed per step (compare to ~1e-12 relative: JS and C pow '
               'may differ in the last bit); every other slot is an option passed through or a 0/1 flag (exact).',
    'nadam': 'NAdam entries follow torch 1.13\'s foreach path (_multi_tensor_nadam, nadam.py:297: '
             'lr*mu_next/(1 - mu_product*mu_next)), the formula PyTorch >= 2.0 uses everywhere and descent implements. '
             'torch 1.13\'s default single-tensor path (nadam.py:240, 248) uses mu_product*mu*mu_next (mu counted twice); '
             'what it would put in avgCoef is in `torchValues[].avgCoefSingleTensor1_13`, for reference only. mu_product is a '
             'float32 tensor (nadam.py:124) and nadam.py:278 multiplies it by the Python float mu, which CPU torch rounds to '
             'float32 first: mu_product <- f32(mu_product * f32(mu)) (the script checks this at every step).',
}


def torch_options(config):
    out = {}
    for key, value in config.items():
        if key == 'type':
            continue
        out[TORCH_NAMES.get(key, key)] = tuple(value) if key == 'betas' else value
    if config['type'] == 'nadam':
        out['foreach'] = True
    return out


def traced_step(opt, fn):
    """Runs opt.step(); returns fn's locals at its call and at its return (lists copied at the call)."""
    code = fn.__code__
    seen = {}

    def local_tracer(frame, event, arg):
        if event == 'return':
            seen['return'] = dict(frame.f_locals)
        return local_tracer

    def tracer(frame, event, arg):
        if frame.f_code is not code:
            return None
        # Lists and state tensors change during the step (SGD stores its new buffer, NAdam
        # multiplies mu_product in place): copy the lists and keep one-element tensors' values.
        seen['call'] = {k: (list(v) if isinstance(v, list) else v) for k, v in frame.f_locals.items()}
        seen['call']['values at call'] = {k: [x.item() for x in v] for k, v in frame.f_locals.items()
                                          if isinstance(v, list) and v and all(torch.is_tensor(x) and x.numel() == 1 for x in v)}
        return local_tracer

    sys.settrace(tracer)
    try:
        opt.step()
    finally:
        sys.settrace(None)
    if 'call' not in seen or 'return' not in seen:
        raise RuntimeError(f'{fn.__name__} did not run: is this torch 1.13?')
    return seen['call'], seen['return']


def f32(x):
    """x rounded to float32 (round to nearest even), as a Python float."""
    return struct.unpack('f', struct.pack('f', x))[0]


def flag(b):
    return 1 if b else 0


def block(kind, call, ret, state, t):
    """The slots of descent's block for step t (RULES[kind].hp order), plus torch-only values for reference."""
    a = call  # the arguments torch's step() passed
    extra = {}
    if kind == 'sgd':
        # sgd.py:231-236: with momentum, the buffer starts as the gradient when it is None.
        first = None if a['momentum'] == 0 else flag(a['momentum_buffer_list'][0] is None)
        slots = {'lr': a['lr'], 'momentum': a['momentum'], 'dampening': a['dampening'], 'weightDecay': a['weight_decay'],
                 'nesterov': flag(a['nesterov']), 'firstStep': first}
        derived = []
    elif kind == 'adagrad':
        # adagrad.py:257: clr = lr / (1 + (step - 1) * lr_decay)
        slots = {'clr': ret['clr'], 'weightDecay': a['weight_decay'], 'eps': a['eps']}
        derived = ['clr']
    elif kind == 'rmsprop':
        slots = {'lr': a['lr'], 'alpha': a['alpha'], 'eps': a['eps'], 'weightDecay': a['weight_decay'],
                 'momentum': a['momentum'], 'centered': flag(a['centered'])}
        derived = []
    elif kind in ('adam', 'adamw'):
        # adam.py:400, 402 (adamw.py:306, 308): step_size = lr / bias_correction1; bias_correction2_sqrt = math.sqrt(bias_correction2)
        slots = {'stepSize': ret['step_size'], 'bc2Sqrt': ret['bias_correction2_sqrt'], 'beta1': a['beta1'], 'beta2': a['beta2'],
                 'eps': a['eps'], 'weightDecay': a['weight_decay'], 'amsgrad': flag(a['amsgrad'])}
        if kind == 'adamw':
            slots = {'lr': a['lr'], **slots}
        derived = ['stepSize', 'bc2Sqrt']
    elif kind == 'adamax':
        # adamax.py:233-234: clr = lr / (1 - beta1 ** step)
        slots = {'clr': ret['clr'], 'beta1': a['beta1'], 'beta2': a['beta2'], 'eps': a['eps'], 'weightDecay': a['weight_decay']}
        derived = ['clr']
    elif kind == 'nadam':
        # nadam.py:295-298: step_size_grads = (lr*(1-mu)/(1-mu_product.item())) * -1,
        # step_size_expavg = (lr*mu_next/(1-mu_product.item()*mu_next)) * -1; nadam.py:291 bias_correction_sqrt.
        slots = {'gradCoef': -ret['step_size_grads'][0], 'avgCoef': -ret['step_size_expavg'][0],
                 'bc2Sqrt': ret['bias_correction_sqrt'][0], 'beta1': a['beta1'], 'beta2': a['beta2'], 'eps': a['eps'],
                 'weightDecay': a['weight_decay']}
        derived = ['gradCoef', 'avgCoef', 'bc2Sqrt']
        extra = {'mu': ret['mus'][0], 'muNext': ret['mu_nexts'][0], 'muProduct': state['mu_product'].item()}
        # nadam.py:278 _foreach_mul_(mu_products, mus): float32 tensor × Python float, the float rounded to float32 first.
        before = call['values at call']['mu_products'][0]
        if extra['muProduct'] != f32(before * f32(extra['mu'])):
            raise RuntimeError(f'{kind} step {t}: mu_product {extra["muProduct"]} is not f32({before} * f32({extra["mu"]}))')
    elif kind == 'radam':
        rectified = 'rect' in ret  # radam.py:230: rect exists only when rho_t > 5.
        # radam.py:212 bias_correction1; radam.py:233 math.sqrt(bias_correction2); radam.py:232 rect
        slots = {'lr': a['lr'], 'bc1': ret['bias_correction1'], 'bc2Sqrt': math.sqrt(ret['bias_correction2']),
                 'rect': ret['rect'] if rectified else None, 'beta1': a['beta1'], 'beta2': a['beta2'], 'eps': a['eps'],
                 'weightDecay': a['weight_decay'], 'rectified': flag(rectified)}
        derived = ['bc1', 'bc2Sqrt', 'rect']
        extra = {'rhoInf': ret['rho_inf'], 'rhoT': ret['rho_t']}
    elif kind == 'adadelta':
        slots = {'lr': a['lr'], 'rho': a['rho'], 'eps': a['eps'], 'weightDecay': a['weight_decay']}
        derived = []
    else:
        raise ValueError(kind)
    step = float(state['step']) if 'step' in state else None  # a float32 tensor, or an int (RMSprop, Adadelta)
    if step is not None and step != t:
        raise RuntimeError(f'{kind}: torch is at step {step}, expected {t}')
    return slots, derived, extra


def single_tensor_nadam_avg_coef(opt):
    """What torch 1.13's default NAdam path puts where descent has avgCoef (nadam.py:240, 248)."""
    call, ret = traced_step(opt, _function('nadam', '_single_tensor_nadam'))
    # nadam.py:248: value=-lr * mu_next / (1. - mu_product_next.item()), with mu_product_next = mu_product * mu * mu_next (240)
    return call['lr'] * ret['mu_next'] / (1. - ret['mu_product_next'].item())


def run(name, config):
    kind = config['type']
    options = torch_options(config)
    param = torch.zeros(1, requires_grad=True)
    opt = CLASSES[kind]([param], **options)
    single = None
    if kind == 'nadam':
        twin = torch.zeros(1, requires_grad=True)
        single = torch.optim.NAdam([twin], **{**options, 'foreach': False})
    steps, extras = [], []
    derived = None
    for t in range(1, STEPS + 1):
        # The gradient does not enter the block; a varying one keeps the state honest.
        param.grad = torch.tensor([0.5 - 0.1 * (t % 4)])
        call, ret = traced_step(opt, FUNCTIONS[kind])
        slots, derived, extra = block(kind, call, ret, opt.state[param], t)
        if single is not None:
            twin.grad = param.grad.clone()
            extra['avgCoefSingleTensor1_13'] = single_tensor_nadam_avg_coef(single)
        steps.append(slots)
        extras.append(extra)
    entry = {'name': name, 'optimizer': config, 'torch': f'torch.optim.{CLASSES[kind].__name__}({fmt(options)})',
             'function': f'torch/optim/{FUNCTIONS[kind].__module__.split(".")[-1]}.py {FUNCTIONS[kind].__name__}',
             'derived': derived, 'steps': steps}
    if any(extras):
        entry['torchValues'] = extras
    return entry


def fmt(options):
    return ', '.join(f'{k}={v!r}' for k, v in options.items())


def main():
    if not torch.__version__.startswith('1.13'):
        raise SystemExit(f'make_hyperparams.py follows torch 1.13, this is {torch.__version__}')
    torch.set_default_dtype(torch.float32)
    out = {
        'about': 'Per-step hyper-parameter blocks (src/optim/rules.ts slots) as torch.optim 1.13 uses them; '
                 'written by test/golden/make_hyperparams.py, checked by test/hyperparams.test.ts.',
        'torch': torch.__version__,
        'steps': STEPS,
        'notes': NOTES,
        'entries': [run(name, config) for name, config in ENTRIES],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hyperparams.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {len(ENTRIES)} entries × {STEPS} steps to {path}')


if __name__ == '__main__':
    main()
