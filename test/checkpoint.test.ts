// Checkpoints (descent/checkpoint): a network's spec and parameters as safetensors bytes named
// as torch.nn.Sequential names them, read back bit for bit; every truncation and every single
// bit flip of a small checkpoint is refused with a DataError or loads the very same model,
// never a different one, and a refused load leaves the network as it was.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNetwork, DataError, type Network, type NetworkSpec } from '../dist/node.js';
import { CHECKPOINT_FORMAT, DESCENT_VERSION, loadCheckpoint, readCheckpoint, saveCheckpoint, sequentialIndices } from '../dist/checkpoint.js';

const spec: NetworkSpec = { inputs: 3, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'linear' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3 };
const x = Float32Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i + 1));
const bits = (net: Network) => net.getParameters().flatMap((p) => [...new Uint32Array(p.weight.buffer), ...new Uint32Array(p.bias.buffer)]);

describe('checkpoints', () => {
  it('round-trip the parameters bit for bit, and the predictions with them', async () => {
    const a = await createNetwork(spec);
    const bytes = saveCheckpoint(a);
    const b = await createNetwork({ ...spec });
    b.reinitialize(99);
    expect(bits(b)).not.toEqual(bits(a));
    const contents = loadCheckpoint(b, bytes);
    expect(bits(b)).toEqual(bits(a));
    expect(b.predict(x).outputs).toEqual(a.predict(x).outputs);
    expect(contents.spec).toEqual({ inputs: 3, layers: [{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 2, activation: 'linear' }, { type: 'dense', units: 2, activation: 'linear' }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3 });
    expect(contents.metadata).toMatchObject({ format: 'pt', 'descent.version': DESCENT_VERSION, 'descent.format': CHECKPOINT_FORMAT });
    expect(contents.metadata['descent.crc32']).toMatch(/^[0-9a-f]{8}$/);
  });

  it('name the tensors as torch.nn.Sequential does: an activation module after each non-linear layer', async () => {
    expect(sequentialIndices(spec)).toEqual([0, 2, 3]);
    const contents = readCheckpoint(saveCheckpoint(await createNetwork(spec)));
    expect([...contents.tensors.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
    expect(contents.tensors.get('2.weight')!.shape).toEqual([2, 4]);
    // The safetensors layout: u64 header length, a JSON header padded to 8 bytes, then the data.
    const bytes = saveCheckpoint(await createNetwork(spec));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header['0.weight']).toEqual({ dtype: 'F32', shape: [4, 3], data_offsets: [0, 48] });
  });

  it('write the package version', () => {
    expect(DESCENT_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('refuse another network\'s checkpoint, naming the difference, and change nothing', async () => {
    const other = saveCheckpoint(await createNetwork({ ...spec, layers: [{ units: 5, activation: 'relu' }, { units: 2 }, { units: 2 }] }));
    const net = await createNetwork(spec);
    const before = bits(net);
    expect(() => loadCheckpoint(net, other)).toThrow(DataError);
    expect(() => loadCheckpoint(net, other)).toThrow(/holds a different network/);
    expect(bits(net)).toEqual(before);
  });

  it('refuse every truncation, and never load a flipped bit as a different model', async () => {
    const small: NetworkSpec = { inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 };
    const source = await createNetwork(small);
    const bytes = saveCheckpoint(source);
    const original = bits(source);
    const target = await createNetwork(small);
    target.reinitialize(7);
    const untouched = bits(target);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => loadCheckpoint(target, bytes.slice(0, n)), `truncated to ${n} bytes`).toThrow(DataError);
    }
    expect(bits(target)).toEqual(untouched);
    let refused = 0;
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      // Reading alone refuses it too (the checksum covers tensor names and shapes as well).
      expect(() => readCheckpoint(flipped), `bit ${bit} read`).toThrow(DataError);
      try {
        loadCheckpoint(target, flipped);
      } catch (err) {
        expect(err, `bit ${bit}`).toBeInstanceOf(DataError);
        expect(bits(target), `bit ${bit} left the network changed`).toEqual(untouched);
        refused++;
        continue;
      }
      // Loaded: it must be the saved model exactly (then put the other weights back).
      expect(bits(target), `bit ${bit} loaded a different model`).toEqual(original);
      target.reinitialize(7);
    }
    // The container, the CRC-32 over data and metadata, and the checksum's own presence leave no
    // single flip that loads: a renamed checksum key used to switch the check off.
    expect(refused).toBe(bytes.length * 8);
  });

  it('with a run\'s snapshot too: every truncation and bit flip is refused, the network and the snapshot unread', async () => {
    const small: NetworkSpec = { inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 };
    const source = await createNetwork(small);
    let bytes: Uint8Array | null = null;
    source.fitSync([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2]], [1, 1, 0, 0, 1], {
      optimizer: { type: 'adam', lr: 0.01 }, batchSize: 2, epochs: 2, preflight: 'off', diagnostics: false,
      onBatchEnd: (info, run) => { if (info.step === 4) bytes = saveCheckpoint(source, { training: run.snapshot() }); },
    });
    const whole = bytes!;
    // Optimizer state (exp_avg, exp_avg_sq of each tensor) and the row order are in the file.
    expect([...readCheckpoint(whole).tensors.keys()]).toEqual(expect.arrayContaining(['optimizer.state.2.bias.exp_avg_sq', 'descent.train.order']));
    const target = await createNetwork(small);
    const untouched = bits(target);
    for (let n = 0; n < whole.length; n++) expect(() => loadCheckpoint(target, whole.slice(0, n)), `truncated to ${n} bytes`).toThrow(DataError);
    for (let bit = 0; bit < whole.length * 8; bit++) {
      const flipped = whole.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(() => loadCheckpoint(target, flipped), `bit ${bit}`).toThrow(DataError);
    }
    expect(bits(target)).toEqual(untouched);
    expect(loadCheckpoint(target, whole).training!.optimizer.step).toBe(4);
  });

  // Fixtures from test/golden/make_descent_checkpoint.mjs and make_checkpoints.py (PyTorch 1.13).
  const fixture = (name: string) => new URL(`golden/checkpoints/${name}`, import.meta.url);
  const inputs = JSON.parse(readFileSync(fixture('inputs.json'), 'utf8')) as { rows: number; columns: number; x: number[] };
  const close = (got: ArrayLike<number>, want: number[]) => {
    expect(got.length).toBe(want.length);
    const worst = want.reduce((m, w, i) => Math.max(m, Math.abs(got[i] - w)), 0);
    expect(worst).toBeLessThanOrEqual(1e-6);
  };

  it('PyTorch loads a descent checkpoint into a Sequential (strict) and predicts what descent predicts, to 1e-6', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('descent-mlp.safetensors')));
    const { spec: saved } = readCheckpoint(bytes);
    const net = await createNetwork(saved!);
    loadCheckpoint(net, bytes);
    const torchOutputs = JSON.parse(readFileSync(fixture('descent-mlp.torch-outputs.json'), 'utf8')).outputs as number[];
    close(net.predict(Float32Array.from(inputs.x)).outputs, torchOutputs);
  });

  it('descent loads a checkpoint PyTorch wrote (a plain state_dict) and predicts what PyTorch predicts, to 1e-6', async () => {
    const { spec: torchSpec, outputs } = JSON.parse(readFileSync(fixture('torch-mlp.json'), 'utf8')) as { spec: NetworkSpec; outputs: number[] };
    const bytes = new Uint8Array(readFileSync(fixture('torch-mlp.safetensors')));
    expect(readCheckpoint(bytes).spec).toBeNull();
    const net = await createNetwork(torchSpec);
    loadCheckpoint(net, bytes);
    close(net.predict(Float32Array.from(inputs.x)).outputs, outputs);
    // A network of another shape names the tensor it cannot place.
    const wrong = await createNetwork({ ...torchSpec, layers: [{ units: 7, activation: 'relu' }, { units: 3 }] });
    expect(() => loadCheckpoint(wrong, bytes)).toThrow(/tensor 2\.weight has shape \[5, 7\], layer 1 needs \[3, 7\]/);
  });

  it('name what is wrong in a file that is not a checkpoint', () => {
    expect(() => readCheckpoint(new Uint8Array(3))).toThrow(/3 bytes, too short/);
    expect(() => readCheckpoint('nope' as unknown as Uint8Array)).toThrow(/must be a Uint8Array/);
    const html = new TextEncoder().encode('<!doctype html><html>not found</html>');
    expect(() => readCheckpoint(html)).toThrow(DataError);
  });
});
