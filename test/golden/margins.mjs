// How close descent comes to PyTorch on golden cases, in units of the replay tolerances: for
// each case and compared quantity, the largest |descent − torch| / (abs + rel·|torch|)
// (1 is the edge of the tolerance; "bit-exact" when every value is torch's). Reads the built
// package (npm run build) and the simd release kernels.
//
//   node test/golden/margins.mjs test/golden/cases/conv2d*.json
import { readFileSync } from 'node:fs';
import { runReplay } from '../../dist/replay.js';
import { REPLAY_TOLERANCES } from '../../dist/train/replay-check.js';

const module = new WebAssembly.Module(readFileSync(new URL('../../dist/descent.wasm', import.meta.url)));
/** A quantity's values in a fixed order: per layer, tensors by name. */
const values = (v) => (Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] !== null
  ? v.flatMap((layer) => Object.keys(layer).sort().flatMap((k) => layer[k]))
  : v ?? []);

for (const file of process.argv.slice(2)) {
  const c = JSON.parse(readFileSync(file, 'utf8'));
  const name = file.split('/').pop();
  let r;
  try {
    r = runReplay(c, module);
  } catch (err) {
    console.log(`${name.padEnd(44)} ${err.name}: ${err.message.slice(0, 120)}`);
    continue;
  }
  let exact = true;
  const parts = Object.entries(REPLAY_TOLERANCES).filter(([k]) => c.expected[k] !== undefined).map(([k, t]) => {
    const got = values(r[k]);
    const want = values(c.expected[k]);
    let m = 0;
    want.forEach((w, i) => {
      const d = Math.abs(got[i] - w);
      if (d !== 0) exact = false;
      m = Math.max(m, d / (t.abs + t.rel * Math.abs(w)));
    });
    return `${k} ${m.toFixed(3)}`;
  });
  console.log(`${name.padEnd(44)} ${parts.join('  ')}${exact ? '  bit-exact' : ''}`);
}
