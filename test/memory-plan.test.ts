// The memory planner is a pure function of (shape, threads, batch capacity, resident rows):
// over random specs every region is 16-byte aligned, inside the plan, and disjoint from every
// other; the fixed part does not move when the workspace grows; and an engine lays its
// memory out exactly as the plan says. docs/design.md's memory map is checked against it.
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planMemory, planRegions, type PlanInput } from '../src/engine/memory-plan.js';
import { makeNetwork } from './helpers/network.js';
import type { Engine } from '../src/engine/engine.js';
import { memoryMapOf } from './helpers/memory-map.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x3e3), numRuns: 200 });

const layer = fc.record({
  outputs: fc.integer({ min: 1, max: 300 }),
  linear: fc.boolean(),
  tracksUnits: fc.boolean(),
  bias: fc.boolean(),
  state: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 })),
  scratch: fc.oneof(fc.constant([0, 0] as const), fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 600 }))),
});

const planInput = fc.record({
  heapBase: fc.integer({ min: 0, max: 5000 }),
  inputs: fc.integer({ min: 1, max: 800 }),
  layers: fc.array(layer, { minLength: 1, maxLength: 6 }),
  labels: fc.boolean(),
  threads: fc.integer({ min: 1, max: 4 }),
  batch: fc.integer({ min: 1, max: 300 }),
  rows: fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 500 })),
}).map(({ heapBase, inputs, layers, labels, threads, batch, rows }): PlanInput => {
  let width = inputs;
  const shaped = layers.map((l) => {
    const s = { inputs: width, outputs: l.outputs, tensors: l.bias ? [l.outputs * width, l.outputs] : [l.outputs * width], linear: l.linear, tracksUnits: l.tracksUnits, state: l.state, scratch: l.scratch };
    width = l.outputs;
    return s;
  });
  return { heapBase, inputs, layers: shaped, targetBytes: labels ? 4 : width * 4, threads, batch, rows };
});

describe('planMemory', () => {
  it('every region is 16-byte aligned, above the static data, inside the plan and disjoint from the others', () => {
    fc.assert(fc.property(planInput, (input) => {
      const plan = planMemory(input);
      const regions = planRegions(plan).filter((r) => r.bytes > 0);
      for (const r of regions) {
        expect(r.start % 16, r.name).toBe(0);
        expect(r.start, r.name).toBeGreaterThanOrEqual(input.heapBase);
        expect(r.start + r.bytes, r.name).toBeLessThanOrEqual(plan.end);
      }
      for (let i = 1; i < regions.length; i++) {
        const a = regions[i - 1], b = regions[i];
        if (a.start + a.bytes > b.start) expect.fail(`${a.name} [${a.start}, ${a.start + a.bytes}) overlaps ${b.name} at ${b.start}`);
      }
    }));
  });

  it('holds every parameter tensor, and each worker thread its own descriptor, gradients and workspace', () => {
    fc.assert(fc.property(planInput, (input) => {
      const plan = planMemory(input);
      const total = input.layers.reduce((n, l) => n + l.tensors.reduce((a, b) => a + b, 0), 0);
      expect(plan.paramCount).toBe(total);
      // Tensors are laid end to end, in layer order, in the parameters and in the gradients.
      let at = plan.params;
      plan.layers.forEach((l, i) => input.layers[i].tensors.forEach((n, j) => {
        expect(l.tensors[j]).toBe(at);
        expect(l.dTensors[j] - plan.grads).toBe(at - plan.params);
        at += n * 4;
      }));
      expect(plan.workers).toHaveLength(input.threads - 1);
      plan.layers.forEach((l, i) => expect(l.a === l.z).toBe(input.layers[i].linear));
      plan.lastActive.forEach((p, i) => expect(p !== 0).toBe(input.layers[i].tracksUnits));
      plan.layerState.forEach((p, i) => expect(p !== 0).toBe(input.layers[i].state > 0));
      plan.layers.forEach((l, i) => expect(l.scratch !== 0).toBe(input.layers[i].scratch[0] + input.layers[i].scratch[1] * input.batch > 0));
    }));
  });

  it('is pure, and a larger workspace leaves the fixed part where it was', () => {
    fc.assert(fc.property(planInput, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (input, moreBatch, moreRows) => {
      const a = planMemory(input);
      expect(planMemory(input)).toEqual(a);
      const b = planMemory({ ...input, batch: input.batch + moreBatch, rows: [input.rows[0] + moreRows, input.rows[1]] });
      const fixed = (p: typeof a) => ({ ...p, input: null, xBatch: 0, yBatch: 0, layers: p.layers.map((l) => ({ ...l, z: 0, a: 0, scratch: 0 })), deltaA: 0, deltaB: 0, workers: p.workers.map((w) => ({ ...w, z: [], a: [], scratch: [], deltaA: 0, deltaB: 0 })), sets: null, end: 0 });
      expect(fixed(b)).toEqual(fixed(a));
      expect(b.workspaceStart).toBe(a.workspaceStart);
      // Every workspace region only moves up, so the engine can move resident data highest first.
      a.sets.forEach((s, i) => {
        expect(b.sets[i].x).toBeGreaterThanOrEqual(s.x);
        expect(b.sets[i].y).toBeGreaterThanOrEqual(s.y);
        expect(b.sets[i].indices).toBeGreaterThanOrEqual(s.indices);
      });
    }));
  });
});

describe('an engine applies its plan', () => {
  it('layers, descriptors and resident sets sit where the plan puts them, before and after it grows', () => {
    const net = makeNetwork({ inputs: 5, layers: [{ units: 7, activation: 'relu' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 1 });
    const e = (net as unknown as { e: Engine }).e;
    const check = () => {
      const plan = e.plan;
      expect(e.params).toBe(plan.params);
      expect(e.desc).toBe(plan.desc);
      expect(e.xBatch).toBe(plan.xBatch);
      e.layers.forEach((l, i) => {
        expect([l.z, l.a, l.params]).toEqual([plan.layers[i].z, plan.layers[i].a, plan.layers[i].params]);
      });
      expect(e.sets.map((s) => [s.x, s.y, s.indices])).toEqual(plan.sets.map((s) => [s.x, s.y, s.indices]));
      expect(e.memoryBytes).toBeGreaterThanOrEqual(plan.end);
    };
    check();
    const x = Array.from({ length: 400 }, (_, i) => [i % 3, i % 5, 1, 0, -1]);
    const y = x.map((_, i) => i % 3);
    net.fitSync(x, y, { optimizer: { type: 'adam' }, batchSize: 64, preflight: 'off', validationSplit: 0.25 });
    check();
    expect(e.plan.input.batch).toBeGreaterThanOrEqual(64);
    net.dispose();
  });
});

describe('docs/design.md', () => {
  it('shows the memory map the planner makes', () => {
    const file = new URL('../docs/design.md', import.meta.url);
    const doc = readFileSync(file, 'utf8');
    const open = '<!-- memory-map -->', close = '<!-- /memory-map -->';
    const start = doc.indexOf(open), end = doc.indexOf(close);
    expect(start >= 0 && end > start, 'docs/design.md has a memory-map block').toBe(true);
    const want = `${open}\n${memoryMapOf()}\n`;
    if (process.env.UPDATE_DOCS) writeFileSync(file, doc.slice(0, start) + want + doc.slice(end));
    else expect(doc.slice(start, end)).toBe(want);
  });
});
