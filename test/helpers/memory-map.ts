// The memory map docs/design.md shows, rendered from the planner for one example network, so
// the document cannot drift from the code (test/memory-plan.test.ts compares them;
// `UPDATE_DOCS=1 npx vitest run test/memory-plan.test.ts` rewrites the block).
import { planMemory, planRegions } from '../../src/engine/memory-plan.js';

/** The example: 784-128 (ReLU)-10 softmax classifier, 2 threads, batch 32, 8,000 + 2,000 resident rows. */
export const MAP_EXAMPLE = 'a 784-128 (ReLU)-10 classifier on 2 threads, batch 32, 8,000 training and 2,000 validation rows';

/** The markdown table of the example's regions: offset from heapBase, size, name. */
export function memoryMapOf(): string {
  const plan = planMemory({
    heapBase: 0,
    inputs: 784,
    layers: [
      { inputs: 784, outputs: 128, tensors: [128 * 784, 128], linear: false, tracksUnits: true, state: 0, scratch: [0, 0] },
      { inputs: 128, outputs: 10, tensors: [10 * 128, 10], linear: true, tracksUnits: false, state: 0, scratch: [0, 0] },
    ],
    targetBytes: 4,
    threads: 2,
    batch: 32,
    rows: [8000, 2000],
  });
  const n = (v: number) => v.toLocaleString('en-US');
  const rows = planRegions(plan).map((r) => `| ${n(r.start)} | ${n(r.bytes)} | ${r.name} |`);
  return [
    `Offsets from \`heapBase\` for ${MAP_EXAMPLE} (${n(plan.end)} bytes in all):`,
    '',
    '| offset | bytes | region |',
    '|---:|---:|---|',
    ...rows,
  ].join('\n');
}
