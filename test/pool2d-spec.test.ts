// The pooling kinds' specs (src/model/pool2d.ts, src/model/spatial.ts): torch.nn.MaxPool2d and
// AvgPool2d's options and defaults, PyTorch's output sizes (ceil mode included) and its refusals,
// checked against torch 1.13's own answers (test/golden/pool2d.json), and errors that name the
// path and the value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { avgpool2d, maxpool2d } from '../src/model/pool2d.js';
import { resolveSpec } from '../src/model/spec.js';
import { poolOutput } from '../src/model/spatial.js';
import type { LayerSpec, NetworkSpec, ResolvedAvgPool2dLayer, ResolvedMaxPool2dLayer } from '../src/types.js';

const net = (pool: object, inputs: number[] = [2, 9, 8]): NetworkSpec => ({
  inputs, layers: [pool as LayerSpec, { type: 'flatten' }, { units: 3 }], loss: 'mse',
});
const pool = (layer: object, inputs?: number[]) => resolveSpec(net(layer, inputs)).layers[0] as ResolvedMaxPool2dLayer | ResolvedAvgPool2dLayer;
const refused = (layer: object, inputs?: number[]) => () => resolveSpec(net(layer, inputs));

describe('output sizes and refusals as PyTorch 1.13 (test/golden/pool2d.json, every size 1…9 of a kernel/stride/padding/dilation/ceil grid)', () => {
  const golden = JSON.parse(readFileSync(new URL('./golden/pool2d.json', import.meta.url), 'utf8')) as {
    sizes: { upTo: number; rows: ['max' | 'avg', number, number, number, number, number, number[], number[]][] };
  };
  const rows = golden.sizes.rows;

  it('covers padding refusals, outputs too small, ceil-mode drops and windows with no input', () => {
    const outs = rows.flatMap((r) => r[6]);
    expect(outs.filter((o) => o === -1).length).toBeGreaterThan(50);
    expect(outs.filter((o) => o === 0).length).toBeGreaterThan(50);
    expect(rows.some((r) => r[7].some((e) => e > 0))).toBe(true);
    // ceil mode changes some sizes.
    expect(rows.some((r, i) => r[5] === 1 && rows[i - 1][6].some((o, j) => o !== r[6][j]))).toBe(true);
  });

  it.each(rows.map((r) => [`${r[0]} k=${r[1]} s=${r[2]} p=${r[3]} d=${r[4]} ceil=${r[5]}`, r] as const))('%s', (_, r) => {
    const [kind, k, s, p, d, ceil, outs, empties] = r;
    for (let size = 1; size <= golden.sizes.upTo; size++) {
      const out = outs[size - 1], empty = empties[size - 1];
      const tag = `size ${size}`;
      if (out >= 1) expect(poolOutput(size, k, p, s, d, ceil === 1), tag).toBe(out);
      // Along the height, then along the width.
      for (const along of [0, 1]) {
        const pair = (v: number, other: number) => (along === 0 ? [v, other] : [other, v]);
        const layer = {
          type: `${kind}pool2d`, kernelSize: pair(k, 1), stride: pair(s, 1), padding: pair(p, 0), ceilMode: ceil === 1,
          ...(kind === 'max' ? { dilation: pair(d, 1) } : {}),
        };
        const inputs = [1, ...pair(size, 3)];
        const at = `${tag} along ${along ? 'the width' : 'the height'}`;
        if (out === -1) {
          expect(refused(layer, inputs), at).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].padding', value: layer.padding }));
        } else if (out === 0) {
          expect(refused(layer, inputs), at).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]' }));
        } else if (empty > 0) {
          expect(refused(layer, inputs), at).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].dilation', value: layer.dilation }));
        } else {
          const l = pool(layer, inputs);
          expect(l.shape, at).toEqual([1, ...pair(out, 3)]);
        }
      }
    }
  });
});

describe('maxpool2d and avgpool2d options', () => {
  it('default as torch.nn does: stride = kernel, padding 0, dilation 1, floor mode, count_include_pad', () => {
    const m = pool({ type: 'maxpool2d', kernelSize: 3 });
    expect(m).toMatchObject({ type: 'maxpool2d', kernelSize: [3, 3], stride: [3, 3], padding: [0, 0], dilation: [1, 1], ceilMode: false, activation: 'linear' });
    expect(m).toMatchObject({ inputShape: [2, 9, 8], shape: [2, 3, 2], inputs: 144, outputs: 12 });
    const a = pool({ type: 'avgpool2d', kernelSize: [2, 3] });
    expect(a).toMatchObject({ type: 'avgpool2d', kernelSize: [2, 3], stride: [2, 3], padding: [0, 0], ceilMode: false, countIncludePad: true, shape: [2, 4, 2] });
    expect(pool({ type: 'avgpool2d', kernelSize: 3, stride: [2, 1], padding: [1, 0], ceilMode: true, countIncludePad: false }))
      .toMatchObject({ stride: [2, 1], padding: [1, 0], ceilMode: true, countIncludePad: false, shape: [2, 5, 6] });
  });

  it('pads at most half the kernel, rounded down, whatever the dilation (PyTorch\'s rule), naming the path and value', () => {
    expect(pool({ type: 'maxpool2d', kernelSize: 3, padding: 1 }).padding).toEqual([1, 1]);
    expect(pool({ type: 'maxpool2d', kernelSize: [4, 2], padding: [2, 1] }).padding).toEqual([2, 1]);
    const over = { type: 'maxpool2d', kernelSize: 2, padding: 2, dilation: 3 };
    expect(refused(over)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].padding', value: 2 }));
    expect(refused(over)).toThrow('spec.layers[0].padding must be at most half the kernel size (2×2), as in PyTorch; got 2×2');
    expect(refused({ type: 'avgpool2d', kernelSize: [3, 5], padding: [1, 3] })).toThrow(expect.objectContaining({ path: 'spec.layers[0].padding', value: [1, 3] }));
    expect(refused({ type: 'avgpool2d', kernelSize: 1, padding: 1 })).toThrow(ConfigError);
  });

  it('refuses a window larger than the padded input, naming the layer and its input', () => {
    expect(refused({ type: 'maxpool2d', kernelSize: 10 })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]', value: [2, 9, 8] }));
    expect(refused({ type: 'maxpool2d', kernelSize: 10 })).toThrow(/spec\.layers\[0\]: a maxpool2d over an input of \[2, 9, 8\] would have an output of 0×0/);
    expect(refused({ type: 'avgpool2d', kernelSize: [2, 9] })).toThrow(/output of 4×0/);
  });

  it('refuses a max window that covers only padding (PyTorch gives −inf and then writes outside the input)', () => {
    // Kernel 2, dilation 2, padding 1 on a height of 1: the first window's taps are rows −1 and 1.
    const layer = { type: 'maxpool2d', kernelSize: 2, stride: 1, padding: 1, dilation: [2, 1] };
    expect(refused(layer, [1, 1, 4])).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].dilation', value: [2, 1] }));
    expect(refused(layer, [1, 1, 4])).toThrow(/the window of output row 0 of this maxpool2d over an input of \[1, 1, 4\] covers only padding/);
    // Height 2: taps −1, 1 and 0, 2 each reach the input.
    expect(pool(layer, [1, 2, 4]).shape).toEqual([1, 2, 5]);
  });

  it('name a bad option\'s path and value', () => {
    const cases: [object, string, unknown][] = [
      [{ type: 'maxpool2d' }, 'kernelSize', undefined],
      [{ type: 'maxpool2d', kernelSize: 0 }, 'kernelSize', 0],
      [{ type: 'maxpool2d', kernelSize: [2] }, 'kernelSize', [2]],
      [{ type: 'maxpool2d', kernelSize: [2, 2, 2] }, 'kernelSize', [2, 2, 2]],
      [{ type: 'maxpool2d', kernelSize: 1.5 }, 'kernelSize', 1.5],
      [{ type: 'avgpool2d', kernelSize: '2' }, 'kernelSize', '2'],
      [{ type: 'maxpool2d', kernelSize: 2, stride: 0 }, 'stride', 0],
      [{ type: 'avgpool2d', kernelSize: 2, stride: [1, 0] }, 'stride', [1, 0]],
      [{ type: 'maxpool2d', kernelSize: 2, padding: -1 }, 'padding', -1],
      [{ type: 'maxpool2d', kernelSize: 2, dilation: 0 }, 'dilation', 0],
      [{ type: 'maxpool2d', kernelSize: 2, ceilMode: 1 }, 'ceilMode', 1],
      [{ type: 'avgpool2d', kernelSize: 2, countIncludePad: 'no' }, 'countIncludePad', 'no'],
      // Options of the other kind.
      [{ type: 'avgpool2d', kernelSize: 2, dilation: 2 }, 'dilation', 'dilation'],
      [{ type: 'maxpool2d', kernelSize: 2, countIncludePad: false }, 'countIncludePad', 'countIncludePad'],
      [{ type: 'maxpool2d', kernelSize: 2, units: 4 }, 'units', 'units'],
    ];
    for (const [layer, key, value] of cases) {
      expect(refused(layer), JSON.stringify(layer)).toThrow(expect.objectContaining({ name: 'ConfigError', path: `spec.layers[0].${key}`, value }));
    }
    expect(refused({ type: 'maxpool2d', kernelSize: 0 })).toThrow('spec.layers[0].kernelSize must be an integer ≥ 1 or a pair [height, width] of them, got 0');
    expect(refused({ type: 'avgpool2d', kernelSize: 2, dilation: 2 })).toThrow(/dilation is not an option of a avgpool2d layer \(expected one of type, kernelSize, stride, padding, ceilMode, countIncludePad\)/);
  });

  it('take rows of [C, H, W] only', () => {
    expect(refused({ type: 'maxpool2d', kernelSize: 2 }, [16])).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]', value: [16] }));
    expect(refused({ type: 'avgpool2d', kernelSize: 2 }, [4, 16])).toThrow(/spec\.layers\[0\] is a avgpool2d layer, which takes rows of \[channels, height, width\]; its input here is \[4, 16\]/);
  });

  it('own no parameters; max pooling keeps one argmax per output and row as scratch; descriptor words in ownWords order', () => {
    const m = pool({ type: 'maxpool2d', kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2], ceilMode: true }) as never;
    expect(maxpool2d.tensors(m)).toEqual([]);
    expect(maxpool2d.state(m)).toEqual([]);
    expect(maxpool2d.scratch(m, 0)).toBe(0);
    expect(maxpool2d.scratch(m, 5)).toBe(5 * (m as { outputs: number }).outputs);
    const words = Object.fromEntries(maxpool2d.ownWords.map((n, i) => [n, maxpool2d.words(m)[i]]));
    expect(words).toEqual({
      channels: 2, inHeight: 9, inWidth: 8, outHeight: 5, outWidth: 8, kernelHeight: 3, kernelWidth: 2,
      strideHeight: 2, strideWidth: 1, padHeight: 1, padWidth: 1, dilationHeight: 1, dilationWidth: 2,
    });
    const a = pool({ type: 'avgpool2d', kernelSize: 2, countIncludePad: false }) as never;
    expect(avgpool2d.scratch(a, 7)).toBe(0);
    expect(avgpool2d.words(a)).toEqual([2, 9, 8, 4, 4, 2, 2, 2, 2, 0, 0, 0]);
    expect(avgpool2d.ownWords.at(-1)).toBe('countIncludePad');
  });
});
