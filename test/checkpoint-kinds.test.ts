// Checkpoints of every layer kind (descent/checkpoint): tensors named as torch.nn.Sequential
// names them (each layer a module, plus one for a non-linear activation; BatchNorm's buffers
// beside its parameters, num_batches_tracked as I64), the full spec stored, parameters and
// running statistics restored bit for bit, every name, shape and dtype checked before anything
// changes, and no truncation or bit flip loaded as another model. Both directions against
// PyTorch 1.13 (fixtures from test/golden/make_descent_checkpoint.mjs --kinds and
// make_checkpoints.py --kinds): a checkpoint of each kind and a LeNet-like network with batch
// norm, dropout and layer norm, loaded strictly by torch, and torch's own loaded by descent,
// predicting the same to 1e-5 in evaluation mode. Also the parameter and state API and
// summary() per kind, and `descent inspect` and `export-onnx` on such checkpoints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, DataError, type Network, type NetworkSpec, type TrainingSnapshot } from '../dist/node.js';
import { loadCheckpoint, readCheckpoint, saveCheckpoint, sequentialIndices } from '../dist/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../dist/checkpoint/safetensors.js';

const fixture = (name: string) => new URL(`golden/checkpoints/${name}`, import.meta.url);
const bytesOf = (name: string) => new Uint8Array(readFileSync(fixture(name)));
interface Case { name: string; spec: NetworkSpec; rows: number; x: number[] }
const { cases } = JSON.parse(readFileSync(fixture('kinds.json'), 'utf8')) as { cases: Case[] };
const torch = JSON.parse(readFileSync(fixture('kinds.torch.json'), 'utf8')).cases as Record<string, { modules: string[]; fromDescent: number[]; fromTorch: number[] }>;
const lenet = cases.find((c) => c.name === 'lenet')!;

/** Every parameter and state value of a network, as bits. */
const bits = (net: Network) => [
  ...net.getParameters().flatMap((p) => [...new Uint32Array(p.weight.buffer), ...new Uint32Array(p.bias.buffer)]),
  ...net.getState().flatMap((s) => Object.values(s).flatMap((v) => [...new Uint32Array(v.buffer)])),
];
const worst = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
};
/** Seeded values in every parameter and state tensor, so a swapped or misplaced tensor shows. */
function scramble(net: Network, seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  net.setParameters(net.getParameters().map((p) => ({ weight: p.weight.map(next), bias: p.bias.map(next) })));
  net.setState(net.getState().map((st) => Object.fromEntries(Object.entries(st).map(([k, v]) => [k, k === 'num_batches_tracked' ? Float32Array.of(seed) : v.map(() => 1 + next())]))));
}

const small: NetworkSpec = { inputs: [1, 3, 3], layers: [{ type: 'conv2d', outChannels: 2, kernelSize: 2, padding: 0, bias: false }, { type: 'batchnorm2d', activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 }, { type: 'flatten' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 };

describe('checkpoints of every layer kind', () => {
  it('name the tensors as torch.nn.Sequential does: a module per layer, one more per non-linear activation, buffers after parameters', async () => {
    expect(sequentialIndices(lenet.spec)).toEqual([0, 1, 3, 4, 6, 7, 8, 9, 11, 12]);
    // torch's own Sequential of the same spec has those modules at those indices.
    expect(torch.lenet.modules).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'AvgPool2d', 'Flatten', 'Linear', 'LayerNorm', 'ReLU', 'Dropout', 'Linear']);
    // An activation layer is its activation's module alone.
    expect(sequentialIndices({ layers: [{ units: 2 }, { type: 'activation', activation: 'tanh' }, { type: 'activation', activation: 'linear' }, { units: 1, activation: 'relu' }] })).toEqual([0, 1, 2, 3]);
    const contents = readCheckpoint(saveCheckpoint(await createNetwork(lenet.spec)));
    expect([...contents.tensors].map(([k, t]) => `${k} [${t.shape}] ${t.data.constructor.name}`)).toEqual([
      '0.weight [4,1,3,3] Float32Array', '0.bias [4] Float32Array',
      '1.weight [4] Float32Array', '1.bias [4] Float32Array', '1.running_mean [4] Float32Array', '1.running_var [4] Float32Array', '1.num_batches_tracked [] BigInt64Array',
      '4.weight [6,4,3,3] Float32Array', '4.bias [6] Float32Array',
      '8.weight [16,54] Float32Array', '8.bias [16] Float32Array',
      '9.weight [16] Float32Array', '9.bias [16] Float32Array',
      '12.weight [3,16] Float32Array', '12.bias [3] Float32Array',
    ]);
    // No conv bias with bias: false, no BatchNorm parameters without affine, no buffers without running statistics.
    const bare = readCheckpoint(saveCheckpoint(await createNetwork({ inputs: [2, 4, 4], layers: [{ type: 'conv2d', outChannels: 2, kernelSize: 3, padding: 'same', bias: false }, { type: 'batchnorm2d', affine: false }, { type: 'batchnorm2d', trackRunningStats: false }, { type: 'layernorm', elementwiseAffine: false }, { type: 'flatten' }, { units: 2 }], loss: 'mse' })));
    expect([...bare.tensors.keys()]).toEqual(['0.weight', '1.running_mean', '1.running_var', '1.num_batches_tracked', '2.weight', '2.bias', '5.weight', '5.bias']);
    // The header says I64 for the count, as PyTorch's safetensors files do.
    const raw = saveCheckpoint(await createNetwork(small));
    const header = JSON.parse(new TextDecoder().decode(raw.subarray(8, 8 + Number(new DataView(raw.buffer).getBigUint64(0, true)))));
    expect(header['1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
    expect(header['1.running_var']).toMatchObject({ dtype: 'F32', shape: [2] });
  });

  it('store the full spec (every option of every kind, inputs as [C, H, W]), which builds the same network', async () => {
    const net = await createNetwork(lenet.spec);
    const { spec } = readCheckpoint(saveCheckpoint(net));
    expect(spec!.inputs).toEqual([1, 12, 12]);
    expect(spec!.layers.slice(0, 5)).toEqual([
      { type: 'conv2d', outChannels: 4, kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], bias: true, activation: 'linear' },
      { type: 'batchnorm2d', eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true, activation: 'relu' },
      { type: 'maxpool2d', kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false },
      { type: 'conv2d', outChannels: 6, kernelSize: [3, 3], stride: [1, 1], padding: 'same', dilation: [1, 1], bias: true, activation: 'relu' },
      { type: 'avgpool2d', kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: true },
    ]);
    expect(spec!.layers.slice(5)).toEqual([
      { type: 'flatten' }, { type: 'dense', units: 16, activation: 'linear' },
      { type: 'layernorm', normalizedShape: [16], eps: 1e-5, elementwiseAffine: true, activation: 'relu' },
      { type: 'dropout', p: 0.25 }, { type: 'dense', units: 3, activation: 'linear' },
    ]);
    expect((await createNetwork(spec!)).spec).toEqual(net.spec);
    // momentum null (a cumulative average) survives JSON.
    const bn = readCheckpoint(bytesOf('descent-kind-batchnorm1d.safetensors')).spec!;
    expect(bn.layers[3]).toMatchObject({ type: 'batchnorm1d', momentum: null, affine: false });
  });

  it('round-trip parameters and running statistics bit for bit; a network given in other words but the same loads it', async () => {
    const a = await createNetwork(lenet.spec);
    scramble(a, 5);
    const b = await createNetwork({ ...lenet.spec, layers: lenet.spec.layers.map((l) => ({ ...l })) });
    expect(bits(b)).not.toEqual(bits(a));
    loadCheckpoint(b, saveCheckpoint(a));
    expect(bits(b)).toEqual(bits(a));
    expect(b.getState()[1].num_batches_tracked).toEqual(Float32Array.of(5));
    // The same network with its defaults spelled out (and a kernel size as a pair) is the same network.
    const spelled = await createNetwork({ ...small, layers: [{ type: 'conv2d', outChannels: 2, kernelSize: [2, 2], stride: 1, padding: 0, dilation: 1, bias: false }, ...small.layers.slice(1)] });
    const source = await createNetwork(small);
    scramble(source, 3);
    loadCheckpoint(spelled, saveCheckpoint(source));
    expect(bits(spelled)).toEqual(bits(source));
    // Another network is refused by its spec, and changes nothing.
    const other = await createNetwork({ ...small, layers: [{ ...small.layers[0], padding: 1 } as NetworkSpec['layers'][number], ...small.layers.slice(1)] });
    const before = bits(other);
    expect(() => loadCheckpoint(other, saveCheckpoint(source))).toThrow(/holds a different network/);
    expect(bits(other)).toEqual(before);
  });

  it('check every name, shape and dtype first: a DataError naming it, the network unchanged', async () => {
    const source = await createNetwork(small);
    scramble(source, 9);
    const good = decodeSafetensors(saveCheckpoint(source));
    // A plain file (no descent metadata) is matched by names and shapes alone.
    const plain = (edit: (t: Map<string, { shape: number[]; data: Float32Array | Int32Array | BigInt64Array }>) => void) => {
      const t = new Map(good.tensors);
      edit(t);
      return encodeSafetensors([...t], { format: 'pt' });
    };
    const target = await createNetwork(small);
    const before = bits(target);
    const refuse = (bytes: Uint8Array, path: string, message: RegExp) => {
      expect(() => loadCheckpoint(target, bytes)).toThrow(expect.objectContaining({ name: 'DataError', path, message: expect.stringMatching(message) }));
      expect(bits(target)).toEqual(before);
    };
    refuse(plain((t) => t.delete('1.running_var')), 'checkpoint.1.running_var', /tensor 1\.running_var \(layer 1's running_var, shape \[2\]\) is missing/);
    refuse(plain((t) => t.set('1.running_mean', { shape: [3], data: new Float32Array(3) })), 'checkpoint.1.running_mean.shape', /has shape \[3\], layer 1 needs \[2\]/);
    refuse(plain((t) => t.set('1.num_batches_tracked', { shape: [], data: Float32Array.of(4) })), 'checkpoint.1.num_batches_tracked.dtype', /must be I64, got F32/);
    refuse(plain((t) => t.set('1.running_mean', { shape: [2], data: new BigInt64Array(2) })), 'checkpoint.1.running_mean.dtype', /must be F32, got I64/);
    refuse(plain((t) => t.set('1.num_batches_tracked', { shape: [], data: BigInt64Array.of(2n ** 24n + 1n) })), 'checkpoint.1.num_batches_tracked', /is 16777217; descent keeps it as an f32, exact from 0 to 2\^24/);
    refuse(plain((t) => t.set('0.bias', { shape: [2], data: new Float32Array(2) })), 'checkpoint.0.bias', /tensors 0\.bias belong to no layer/);
    refuse(plain((t) => t.set('3.weight', { shape: [1], data: new Float32Array(1) })), 'checkpoint.3.weight', /tensors 3\.weight belong to no layer/);
    // A running variance that is not a finite f32: refused by setState after the parameters went in, which are put back.
    refuse(plain((t) => t.set('1.running_var', { shape: [2], data: Float32Array.of(1, NaN) })), 'state[1].running_var[1]', /./);
    // The plain file, unedited, loads: parameters and state.
    loadCheckpoint(target, plain(() => {}));
    expect(bits(target)).toEqual(bits(source));
  });

  it('refuse every truncation, and never load a flipped bit as a different model (with an I64 buffer)', async () => {
    const tiny: NetworkSpec = { inputs: 2, layers: [{ type: 'batchnorm1d' }, { units: 2 }], loss: 'mse', seed: 2 };
    const source = await createNetwork(tiny);
    scramble(source, 6);
    const bytes = saveCheckpoint(source);
    const target = await createNetwork(tiny);
    const untouched = bits(target);
    for (let n = 0; n < bytes.length; n++) expect(() => loadCheckpoint(target, bytes.slice(0, n)), `truncated to ${n} bytes`).toThrow(DataError);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(() => loadCheckpoint(target, flipped), `bit ${bit}`).toThrow(DataError);
    }
    expect(bits(target)).toEqual(untouched);
    loadCheckpoint(target, bytes);
    expect(bits(target)).toEqual(bits(source));
  });

  it('keep a run\'s optimizer state for layers with 0, 1 or 2 tensors, under each parameter\'s torch name', async () => {
    const net = await createNetwork(small);
    const n = net.parameterCount;
    // conv2d without bias (1 tensor), batchnorm2d (2), maxpool2d and flatten (0), dense (2).
    expect(n).toBe(2 * 1 * 2 * 2 + 2 + 2 + 2 * 2 + 2);
    const state = { exp_avg: Float32Array.from({ length: n }, (_, i) => i + 0.5), exp_avg_sq: Float32Array.from({ length: n }, (_, i) => 100 - i) };
    const training: TrainingSnapshot = { optimizer: { type: 'adam', step: 3, muProduct: 1, state }, run: null };
    const bytes = saveCheckpoint(net, { training });
    const names = [...readCheckpoint(bytes).tensors.keys()].filter((k) => k.startsWith('optimizer.state.') && k.endsWith('.exp_avg'));
    expect(names).toEqual(['0.weight', '1.weight', '1.bias', '5.weight', '5.bias'].map((p) => `optimizer.state.${p}.exp_avg`));
    expect(Array.from(readCheckpoint(bytes).tensors.get('optimizer.state.1.bias.exp_avg')!.data as Float32Array)).toEqual([10.5, 11.5]);
    const back = loadCheckpoint(await createNetwork(small), bytes).training!;
    expect(back.optimizer).toEqual(training.optimizer);
  });

  it('resume a run of a network with batch norm and dropout as if it had never stopped: parameters and running statistics bit for bit', async () => {
    const spec: NetworkSpec = { inputs: [1, 6, 6], layers: [{ type: 'conv2d', outChannels: 3, kernelSize: 3, padding: 1, activation: 'relu' }, { type: 'batchnorm2d' }, { type: 'maxpool2d', kernelSize: 2 }, { type: 'flatten' }, { type: 'dropout', p: 0.3 }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 4 };
    const x = Float32Array.from({ length: 24 * 36 }, (_, i) => Math.sin(0.37 * i) + 0.3 * Math.cos(1.3 * i));
    const y = Array.from({ length: 24 }, (_, i) => i % 3);
    const options = { optimizer: { type: 'adam' as const, lr: 0.01 }, batchSize: 8, epochs: 3, preflight: 'off' as const, diagnostics: false as const };
    const whole = await createNetwork(spec);
    whole.fitSync(x, y, options);
    const first = await createNetwork(spec);
    let bytes: Uint8Array | null = null;
    first.fitSync(x, y, { ...options, onBatchEnd: (info, run) => { if (info.step === 4) bytes = saveCheckpoint(first, { training: run.snapshot() }); } });
    const second = await createNetwork(spec);
    second.reinitialize(9);
    const { training } = loadCheckpoint(second, bytes!);
    expect(second.getState()[1].num_batches_tracked).toEqual(Float32Array.of(4));
    second.fitSync(x, y, { ...options, resume: training! });
    expect(second.getState()[1].num_batches_tracked).toEqual(Float32Array.of(9));
    expect(bits(second)).toEqual(bits(whole));
  });

  it('keep loading a dense-only checkpoint written before the layer kinds (no state, the old spec)', async () => {
    const bytes = bytesOf('descent-mlp.safetensors');
    const { spec, metadata } = readCheckpoint(bytes);
    expect(metadata['descent.spec']).toBe(JSON.stringify(spec));
    expect(spec!.layers[0]).toEqual({ type: 'dense', units: 8, activation: 'tanh' });
    const net = await createNetwork(spec!);
    loadCheckpoint(net, bytes);
    expect(net.getState().every((s) => Object.keys(s).length === 0)).toBe(true);
    // And what descent writes for that network today is, byte for byte, what it wrote then.
    expect(saveCheckpoint(net)).toEqual(bytes);
  });
});

describe('each kind crosses to PyTorch 1.13 and back, predicting the same in evaluation mode (1e-5)', () => {
  it('the fixtures cover every kind', () => {
    const kinds = new Set(cases.flatMap((c) => c.spec.layers.map((l) => l.type ?? 'dense')));
    expect([...kinds].sort()).toEqual(['activation', 'avgpool2d', 'batchnorm1d', 'batchnorm2d', 'conv2d', 'dense', 'dropout', 'flatten', 'layernorm', 'maxpool2d']);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    it('torch\'s Sequential has the modules at the indices descent names', () => {
      const index = sequentialIndices(c.spec);
      const last = c.spec.layers[c.spec.layers.length - 1] as { type?: string; activation?: string };
      expect(torch[name].modules.length).toBe(index[index.length - 1] + (last.type !== 'activation' && (last.activation ?? 'linear') !== 'linear' ? 2 : 1));
    });

    it('descent saves, torch loads it strictly: the same predictions', async () => {
      const bytes = bytesOf(`descent-kind-${name}.safetensors`);
      const net = await createNetwork(readCheckpoint(bytes).spec!);
      loadCheckpoint(net, bytes);
      expect(worst(net.predict(Float32Array.from(c.x)).outputs, torch[name].fromDescent)).toBeLessThanOrEqual(1e-5);
    });

    it('torch saves (a plain state_dict, num_batches_tracked I64), descent loads it: the same predictions', async () => {
      const bytes = bytesOf(`torch-kind-${name}.safetensors`);
      expect(readCheckpoint(bytes).spec).toBeNull();
      const net = await createNetwork(c.spec);
      loadCheckpoint(net, bytes);
      expect(worst(net.predict(Float32Array.from(c.x)).outputs, torch[name].fromTorch)).toBeLessThanOrEqual(1e-5);
    });
  });
});

describe('parameters, state and summary of every kind', () => {
  it('getParameters gives { weight, bias } per layer, empty where the layer has none; setParameters takes them back, empty or left out', async () => {
    const net = await createNetwork(small);
    const p = net.getParameters();
    expect(p.map((l) => [l.weight.length, l.bias.length])).toEqual([[8, 0], [2, 2], [0, 0], [0, 0], [4, 2]]);
    scramble(net, 4);
    const copy = await createNetwork(small);
    copy.setParameters(net.getParameters().map((l, i) => (i === 2 ? {} : i === 3 ? null : i === 0 ? { weight: l.weight } : l)) as never);
    expect(copy.getParameters()).toEqual(net.getParameters());
    const before = copy.getParameters();
    expect(() => copy.setParameters(before.map((l, i) => (i === 3 ? { weight: [1], bias: [] } : l)))).toThrow(expect.objectContaining({ name: 'DataError', path: 'parameters[3].weight', message: expect.stringMatching(/must have 0 values/) }));
    expect(() => copy.setParameters(before.map((l, i) => (i === 0 ? { bias: l.bias } : l)))).toThrow(expect.objectContaining({ path: 'parameters[0].weight' }));
    expect(copy.getParameters()).toEqual(before);
  });

  it('getState and setState: BatchNorm\'s running statistics by torch\'s names, checked before anything changes; clone copies them', async () => {
    const net = await createNetwork(small);
    expect(net.getState()).toEqual([{}, { running_mean: new Float32Array(2), running_var: Float32Array.of(1, 1), num_batches_tracked: new Float32Array(1) }, {}, {}, {}]);
    const state: Record<string, number[]>[] = [{}, { running_mean: [0.5, -1], running_var: [2, 3], num_batches_tracked: [12] }, {}, {}, {}];
    net.setState(state);
    expect(net.getState()[1]).toEqual({ running_mean: Float32Array.of(0.5, -1), running_var: Float32Array.of(2, 3), num_batches_tracked: Float32Array.of(12) });
    const kept = net.getState();
    const bad = (edit: Record<string, unknown>, at: number, path: string, message: RegExp) => {
      expect(() => net.setState(state.map((s, i) => (i === at ? { ...s, ...edit } : s)) as never)).toThrow(expect.objectContaining({ name: 'DataError', path, message: expect.stringMatching(message) }));
      expect(net.getState()).toEqual(kept);
    };
    bad({ running_var: [1] }, 1, 'state[1].running_var', /must have 2 values/);
    bad({ running_mean: [0, Infinity] }, 1, 'state[1].running_mean[1]', /./);
    bad({ num_batches_tracked: [1.5] }, 1, 'state[1].num_batches_tracked', /an integer from 0 to 2\^24/);
    bad({ running_std: [1, 1] }, 1, 'state[1].running_std', /not state of layer 1 \(batchnorm2d\), which has running_mean, running_var, num_batches_tracked/);
    bad({ running_mean: [1] }, 0, 'state[0].running_mean', /which has none/);
    expect(() => net.setState([])).toThrow(expect.objectContaining({ path: 'state' }));
    const clone = net.clone();
    expect(clone.getState()).toEqual(net.getState());
  });

  it('summary() gives each layer its shapes in and out, its tensors and state, and keeps a dense layer\'s fields', async () => {
    const s = (await createNetwork(lenet.spec)).summary();
    expect(s.inputShape).toEqual([1, 12, 12]);
    expect(s.inputs).toBe(144);
    expect(s.layers.map((l) => [l.type, l.outputShape, l.parameters])).toEqual([
      ['conv2d', [4, 10, 10], 40], ['batchnorm2d', [4, 10, 10], 8], ['maxpool2d', [4, 5, 5], 0], ['conv2d', [6, 5, 5], 222], ['avgpool2d', [6, 3, 3], 0],
      ['flatten', [54], 0], ['dense', [16], 880], ['layernorm', [16], 32], ['dropout', [16], 0], ['dense', [3], 51],
    ]);
    expect(s.parameters).toBe(1233);
    expect(s.layers[0]).toMatchObject({ inputShape: [1, 12, 12], units: 400, activation: 'linear', tensors: [{ name: 'weight', shape: [4, 1, 3, 3] }, { name: 'bias', shape: [4] }], weightShape: [4, 1, 3, 3], biasShape: [4], state: [] });
    expect(s.layers[1].state).toEqual([{ name: 'running_mean', shape: [4] }, { name: 'running_var', shape: [4] }, { name: 'num_batches_tracked', shape: [] }]);
    expect(s.layers[2]).toMatchObject({ tensors: [], weightShape: null, biasShape: null });
    expect(s.layers[6]).toMatchObject({ type: 'dense', units: 16, weightShape: [16, 54], biasShape: [16] });
  });
});

describe('descent inspect and export-onnx on checkpoints of every kind', () => {
  const root = new URL('../', import.meta.url).pathname;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-checkpoint-kinds-'));
    ort.env.wasm.numThreads = 1;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const descent = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/descent.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('inspect prints each layer\'s kind, output shape, tensors and state, and the tensors\' dtypes', () => {
    const r = descent('inspect', fixture('descent-kind-lenet.safetensors').pathname);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^network \[1, 12, 12\] → \[3\] in 10 layers, loss softmax_cross_entropy, init he_uniform, seed 3; saved by descent/m);
    expect(r.stdout).toMatch(/^ {2}0 +conv2d \[4, 10, 10\] +linear +\[4, 1, 3, 3\] +\[4\] +40$/m);
    expect(r.stdout).toMatch(/^ {2}2 +maxpool2d \[4, 5, 5\] +linear +- +- +0$/m);
    expect(r.stdout).toMatch(/^ {2}7 +layernorm 16 +relu +\[16\] +\[16\] +32$/m);
    expect(r.stdout).toMatch(/^ {2}total 1,233 parameters$/m);
    expect(r.stdout).toMatch(/^ {2}layer 1 state: running_mean \[4\], running_var \[4\], num_batches_tracked \[\]$/m);
    expect(r.stdout).toMatch(/^ {2}1\.num_batches_tracked +\[\] I64$/m);
    const json = JSON.parse(descent('inspect', fixture('descent-kind-lenet.safetensors').pathname, '--json').stdout);
    expect(json.tensors.find((t: { name: string }) => t.name === '1.num_batches_tracked')).toEqual({ name: '1.num_batches_tracked', shape: [], dtype: 'I64' });
  });

  it('export-onnx writes a model onnxruntime runs with torch\'s predictions (1e-5)', async () => {
    const out = join(dir, 'lenet.onnx');
    const r = descent('export-onnx', fixture('descent-kind-lenet.safetensors').pathname, out);
    expect(r.status, r.stderr).toBe(0);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(out)));
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(lenet.x), [lenet.rows, 1, 12, 12]) });
    expect(worst(result.output.data as Float32Array, torch.lenet.fromDescent)).toBeLessThanOrEqual(1e-5);
  });
});
