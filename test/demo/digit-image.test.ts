// The drawing pad's MNIST framing (demo/src/ui/digit-image.ts), in Node: the ink's bounding box
// scaled into 20 × 20 keeping its aspect ratio, area-averaged, centred by mass in 28 × 28.
import { describe, expect, it } from 'vitest';
import { toMnistPixels } from '../../demo/src/ui/digit-image.js';

const SIDE = 280;
/** A SIDE × SIDE coverage image with `inside(x, y)` inked. */
function ink(inside: (x: number, y: number) => boolean): Float32Array {
  const a = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (inside(x + 0.5, y + 0.5)) a[y * SIDE + x] = 1;
  return a;
}

function measure(px: Float32Array) {
  let mass = 0, mx = 0, my = 0, x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  px.forEach((v, i) => {
    const x = i % 28, y = Math.floor(i / 28);
    mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    if (v > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  });
  return { mass, com: [mx / mass, my / mass], width: x1 - x0 + 1, height: y1 - y0 + 1, min: Math.min(...px), max: Math.max(...px) };
}

describe('toMnistPixels', () => {
  it('returns null for an empty pad, and ignores faint haze when framing', () => {
    expect(toMnistPixels(new Float32Array(SIDE * SIDE), SIDE, SIDE)).toBeNull();
    const haze = new Float32Array(SIDE * SIDE).fill(0.05);
    expect(toMnistPixels(haze, SIDE, SIDE)).toBeNull();
  });

  it('fits a tall stroke into 20 rows keeping its aspect ratio, centred by mass', () => {
    // 50 × 200 in the top-left corner: 5 × 20 after scaling, wherever it was drawn.
    const px = toMnistPixels(ink((x, y) => x > 10 && x < 60 && y > 5 && y < 205), SIDE, SIDE)!;
    const m = measure(px);
    expect([m.width, m.height]).toEqual([5, 20]);
    expect(m.mass).toBeCloseTo(100, 3);
    expect(Math.abs(m.com[0] - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.com[1] - 14)).toBeLessThanOrEqual(0.5);
    expect([m.min, m.max]).toEqual([0, 1]);
  });

  it('fits a wide stroke into 20 columns, and enlarges a small one to 20', () => {
    const wide = measure(toMnistPixels(ink((x, y) => x > 200 && x < 280 && y > 250 && y < 270), SIDE, SIDE)!);
    expect([wide.width, wide.height]).toEqual([20, 5]);
    const dot = measure(toMnistPixels(ink((x, y) => x > 100 && x < 110 && y > 100 && y < 110), SIDE, SIDE)!);
    expect([dot.width, dot.height, dot.mass]).toEqual([20, 20, 400]);
  });

  it('anti-aliases by area: a disc keeps its area and gets grey edges', () => {
    const r = 90;
    const px = toMnistPixels(ink((x, y) => (x - 140) ** 2 + (y - 140) ** 2 < r * r), SIDE, SIDE)!;
    const m = measure(px);
    // π r² source pixels, scaled by (20 / 2r)² = area π · 10² in the 28 × 28 image.
    expect(m.mass).toBeCloseTo(Math.PI * 100, 0);
    expect(Array.from(px).filter((v) => v > 0.05 && v < 0.95).length).toBeGreaterThan(10);
    expect(px[14 * 28 + 14]).toBe(1);
    expect(m.max).toBeLessThanOrEqual(1);
  });
});
