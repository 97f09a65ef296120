// Optimizer state crosses to PyTorch and back, and the next steps match: a descent checkpoint
// taken at step K with its run's snapshot is put into torch.optim with load_state_dict and
// torch's next M steps are the ones descent takes when it resumes; a plain file PyTorch wrote
// (state_dict plus optimizer.state.<param>.<state> tensors from optimizer.state_dict(), its
// `step` a float32 scalar) resumes descent's optimizer alone, and descent's next M steps are
// torch's. Adam, Adam with AMSGrad and weight decay, AdamW, SGD with Nesterov momentum; full
// batch, so both sides take the very same steps. Fixtures from test/golden/make_descent_checkpoint.mjs
// and make_checkpoints.py (PyTorch 1.13): K = M = 4 steps of a 2-8(tanh)-3 classifier on 30 rows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, readCheckpoint } from '../src/checkpoint.js';
import type { Network } from '../src/network.js';
import type { FitOptions, LayerParameters, NetworkSpec, OptimizerConfig, TrainingSnapshot } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';

const fixture = (name: string) => new URL(`golden/checkpoints/${name}`, import.meta.url);
const json = <T>(name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;
const bytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));

interface Plain { weight: number[]; bias: number[] }
const f = json<{ spec: NetworkSpec; rows: number; columns: number; x: number[]; y: number[]; init: Plain[]; steps: number; more: number; cases: { name: string; optimizer: OptimizerConfig }[] }>('optimizer-interop.json');
const torch = json<{ steps: number; more: number; cases: Record<string, { fromDescent: Plain[]; fromTorch: Plain[] }> }>('optimizer-interop.torch.json');
const x = { data: Float32Array.from(f.x), shape: [f.rows, f.columns] as [number, number] };
const y = f.y;
const K = f.steps;
const M = f.more;

// Both sides run float32 with their own summation orders; after K + M steps the parameters
// agree to about 1.3e-7 (Adam's normalised steps keep gradient rounding from growing).
const TOL = 1e-6;

/** The largest |descent − torch| over every parameter. */
function worst(got: LayerParameters[], want: Plain[]): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  got.forEach((p, l) => {
    for (const k of ['weight', 'bias'] as const) {
      expect(p[k].length).toBe(want[l][k].length);
      p[k].forEach((v, i) => { w = Math.max(w, Math.abs(v - want[l][k][i])); });
    }
  });
  return w;
}

/** Full-batch steps under `optimizer`, K + M of them in all (a run resumed at K takes M). */
const options = (optimizer: OptimizerConfig, epochs: number, resume?: TrainingSnapshot): FitOptions => ({ optimizer, mode: 'batch', epochs, preflight: 'off', ...(resume && { resume }) });

/** A snapshot with every state tensor zeroed, its step count kept. */
const zeroed = (t: TrainingSnapshot): TrainingSnapshot => ({
  ...t, optimizer: { ...t.optimizer, state: Object.fromEntries(Object.entries(t.optimizer.state).map(([k, v]) => [k, new Float32Array(v.length)])) },
});

function loaded(file: string): { net: Network; training: TrainingSnapshot } {
  const net = makeNetwork(f.spec);
  net.reinitialize(999); // the file, not the spec's seed, must set every weight
  const { training } = loadCheckpoint(net, bytes(file));
  expect(training).not.toBeNull();
  return { net, training: training! };
}

describe('optimizer state crosses to PyTorch and back, and the next steps match', () => {
  it('the fixtures hold what the tests need', () => {
    expect([K, M]).toEqual([torch.steps, torch.more]);
    expect(f.cases.map((c) => c.name)).toEqual(Object.keys(torch.cases));
    // torch started from descent's seeded initial network.
    const net = makeNetwork(f.spec);
    expect(net.getParameters().map((p) => ({ weight: Array.from(p.weight), bias: Array.from(p.bias) }))).toEqual(f.init);
  });

  describe.each(f.cases.map((c) => [c.name, c.optimizer] as const))('%s', (name, optimizer) => {
    const want = torch.cases[name];

    it(`descent's state at step ${K}, continued by torch.optim after load_state_dict, takes the steps descent takes on resuming`, () => {
      const { net, training } = loaded(`descent-${name}-state.safetensors`);
      expect(training.optimizer).toMatchObject({ type: optimizer.type, step: K });
      expect(training.run?.state.steps).toBe(K);
      const history = net.fitSync(x, y, options(optimizer, K + M, training));
      expect(history.steps).toBe(K + M);
      const gap = worst(net.getParameters(), want.fromDescent);
      expect(gap).toBeLessThanOrEqual(TOL);

      // Control: the same parameters with a fresh optimizer (no resume) end measurably elsewhere.
      const fresh = loaded(`descent-${name}-state.safetensors`).net;
      fresh.fitSync(x, y, options(optimizer, M));
      expect(worst(fresh.getParameters(), want.fromDescent)).toBeGreaterThan(1e-3);
    });

    it(`torch's file at step ${K} (a plain state_dict with optimizer.state tensors) resumes descent's optimizer, and descent takes torch's next steps`, () => {
      const file = `torch-${name}-state.safetensors`;
      const contents = readCheckpoint(bytes(file));
      expect(contents.spec).toBeNull();
      expect(Object.keys(contents.metadata)).toEqual(['format']);
      const { net, training } = loaded(file);
      // No descent metadata: the rule is whatever the resuming fit's is, and the run starts afresh.
      expect(training.run).toBeNull();
      expect(training.optimizer.type).toBeNull();
      expect(training.optimizer.muProduct).toBe(1);
      // torch 1.13's Adam and AdamW keep `step` per parameter, a float32 scalar (shape []);
      // SGD keeps none, and state present means at least one step was taken (no first-step copy).
      const steps = [...contents.tensors].filter(([k]) => k.endsWith('.step'));
      if (optimizer.type === 'sgd') {
        expect(steps).toEqual([]);
        expect(training.optimizer.step).toBe(1);
        expect(Object.keys(training.optimizer.state)).toEqual(['momentum_buffer']);
      } else {
        expect(steps.map(([k, t]) => [k, t.shape, Array.from(t.data as Float32Array)])).toEqual(['0.weight', '0.bias', '2.weight', '2.bias'].map((p) => [`optimizer.state.${p}.step`, [], [K]]));
        expect(training.optimizer.step).toBe(K);
        expect(Object.keys(training.optimizer.state).sort()).toEqual(optimizer.type === 'adam' && optimizer.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq']);
      }
      const history = net.fitSync(x, y, options(optimizer, M, training));
      expect(history.steps).toBe(M);
      expect(worst(net.getParameters(), want.fromTorch)).toBeLessThanOrEqual(TOL);

      // Controls: the state zeroed (step kept), or no resume at all, end measurably elsewhere.
      const zero = loaded(file).net;
      zero.fitSync(x, y, options(optimizer, M, zeroed(training)));
      expect(worst(zero.getParameters(), want.fromTorch)).toBeGreaterThan(1e-3);
      const fresh = loaded(file).net;
      fresh.fitSync(x, y, options(optimizer, M));
      expect(worst(fresh.getParameters(), want.fromTorch)).toBeGreaterThan(1e-3);
    });
  });
});

describe('a PyTorch optimizer state that cannot be continued exactly is refused', () => {
  it('Adam state without its step tensors: a DataError, the network unchanged', async () => {
    const { decodeSafetensors, encodeSafetensors } = await import('../src/checkpoint/safetensors.js');
    const whole = decodeSafetensors(bytes('torch-adam-state.safetensors'));
    const stepless = encodeSafetensors([...whole.tensors].filter(([k]) => !k.endsWith('.step')), whole.metadata);
    const net = makeNetwork(f.spec);
    const before = net.getParameters();
    expect(() => loadCheckpoint(net, stepless)).toThrow(expect.objectContaining({ name: 'DataError', path: 'checkpoint.optimizer.state.step', message: expect.stringMatching(/exp_avg, exp_avg_sq\) has no step tensors/) }));
    expect(net.getParameters()).toEqual(before);
  });
});
