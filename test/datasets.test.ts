// Synthetic datasets: shapes, determinism per seed, class balance, value ranges and the
// geometry each one promises.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { circles, DATASET_DEFAULTS, spiral, xor, type Dataset } from '../src/data/datasets.js';

function counts(d: Dataset): number[] {
  const c = new Array<number>(d.classes).fill(0);
  for (const v of d.y) c[v]++;
  return c;
}

function points(d: Dataset): [number, number, number][] {
  return Array.from(d.y, (label, i) => [d.x.data[i * 2], d.x.data[i * 2 + 1], label]);
}

const generators = { spiral, circles, xor } as const;

describe.each(Object.entries(generators))('%s', (name, make) => {
  it('has the documented default size, 2 features and integer labels in range', () => {
    const d = make();
    const n = DATASET_DEFAULTS[name as keyof typeof generators].samples;
    expect(d.features).toBe(2);
    expect(d.x.shape).toEqual([n, 2]);
    expect(d.x.data).toBeInstanceOf(Float32Array);
    expect(d.x.data.length).toBe(n * 2);
    expect(d.y).toBeInstanceOf(Int32Array);
    expect(d.y.length).toBe(n);
    expect(d.y.every((v) => v >= 0 && v < d.classes)).toBe(true);
    expect(d.x.data.every(Number.isFinite)).toBe(true);
  });

  it('is deterministic per seed', () => {
    const a = make({ seed: 5, samples: 50 });
    const b = make({ seed: 5, samples: 50 });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
  });

  it('differs between seeds', () => {
    const a = make({ seed: 1, samples: 50 });
    const b = make({ seed: 2, samples: 50 });
    expect(Array.from(a.x.data)).not.toEqual(Array.from(b.x.data));
  });

  it('is exactly balanced between classes (up to one row)', () => {
    const c = counts(make({ samples: 301 }));
    expect(c.reduce((s, v) => s + v, 0)).toBe(301);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });

  it('does not order rows by class', () => {
    const d = make({ samples: 200 });
    expect(new Set(d.y.slice(0, 40)).size).toBe(d.classes);
  });

  it('rejects bad options with a ConfigError naming the value', () => {
    expect(() => make({ samples: 1 })).toThrow(ConfigError);
    expect(() => make({ samples: 10.5 })).toThrow(/samples .* 10\.5/);
    expect(() => make({ noise: -0.1 })).toThrow(/noise .* -0\.1/);
    expect(() => make({ noise: NaN })).toThrow(/noise/);
    expect(() => make({ seed: 0.5 })).toThrow(/seed .* 0\.5/);
  });
});

describe('spiral', () => {
  it('has 3 classes by default and one arm per class', () => {
    expect(spiral().classes).toBe(3);
    const d = spiral({ classes: 5, samples: 500 });
    expect(d.classes).toBe(5);
    expect(counts(d)).toEqual([100, 100, 100, 100, 100]);
  });

  it('without noise lies within the unit disc, radius spread over (0, 1)', () => {
    const d = spiral({ noise: 0, samples: 300 });
    const radii = points(d).map(([x, y]) => Math.hypot(x, y));
    expect(Math.max(...radii)).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.min(...radii)).toBeGreaterThan(0);
    expect(Math.max(...radii)).toBeGreaterThan(0.95);
    expect(Math.min(...radii)).toBeLessThan(0.05);
  });

  it('without noise, arms are rotations of each other by 2π/classes', () => {
    const d = spiral({ noise: 0, samples: 30, classes: 3 });
    // Same radius in every arm ⇒ the i-th point of arm c is arm 0's rotated by 2πc/3.
    const byClass = [0, 1, 2].map((k) => points(d).filter(([, , l]) => l === k).sort((a, b) => Math.hypot(a[0], a[1]) - Math.hypot(b[0], b[1])));
    for (let i = 0; i < 10; i++) {
      const [x0, y0] = byClass[0][i];
      for (const k of [1, 2]) {
        const a = (2 * Math.PI * k) / 3;
        const [x, y] = byClass[k][i];
        expect(x).toBeCloseTo(x0 * Math.cos(a) - y0 * Math.sin(a), 5);
        expect(y).toBeCloseTo(x0 * Math.sin(a) + y0 * Math.cos(a), 5);
      }
    }
  });

  it('noise is Gaussian per coordinate with the given standard deviation', () => {
    // The noise draws are taken whatever `noise` is, so with one seed the noisy points are
    // the clean ones plus noise × the same standard normal draws.
    const clean = spiral({ noise: 0, samples: 3000, seed: 9 });
    const noisy = spiral({ noise: 0.1, samples: 3000, seed: 9 });
    expect(Array.from(noisy.y)).toEqual(Array.from(clean.y));
    const diff = Array.from(noisy.x.data, (v, i) => v - clean.x.data[i]);
    const m = diff.reduce((s, v) => s + v, 0) / diff.length;
    const sd = Math.sqrt(diff.reduce((s, v) => s + (v - m) ** 2, 0) / diff.length);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
  });

  it('rejects fewer than 2 classes or fewer samples than classes', () => {
    expect(() => spiral({ classes: 1 })).toThrow(/classes .* 1/);
    expect(() => spiral({ classes: 4, samples: 3 })).toThrow(/samples .* 3/);
  });
});

describe('circles', () => {
  it('puts class 0 on the outer ring (radius 1) and class 1 on the inner ring (radius factor)', () => {
    const d = circles({ noise: 0, factor: 0.3, samples: 200 });
    expect(d.classes).toBe(2);
    for (const [x, y, label] of points(d)) {
      expect(Math.hypot(x, y)).toBeCloseTo(label === 0 ? 1 : 0.3, 5);
    }
  });

  it('covers all angles', () => {
    const d = circles({ noise: 0, samples: 400 });
    const quadrants = new Set(points(d).map(([x, y]) => `${Math.sign(x)},${Math.sign(y)}`));
    expect(quadrants.size).toBe(4);
  });

  it('noise moves points off the rings', () => {
    const d = circles({ noise: 0.05, samples: 400 });
    const off = points(d).map(([x, y, l]) => Math.abs(Math.hypot(x, y) - (l === 0 ? 1 : 0.5)));
    expect(Math.max(...off)).toBeGreaterThan(0.02);
    expect(Math.max(...off)).toBeLessThan(0.05 * 6);
  });

  it('rejects a factor outside (0, 1)', () => {
    expect(() => circles({ factor: 1 })).toThrow(ConfigError);
    expect(() => circles({ factor: 0 })).toThrow(/factor .* 0/);
  });
});

describe('xor', () => {
  it('without noise lies in [−1, 1]² and labels are 1 exactly where x·y > 0', () => {
    const d = xor({ noise: 0, samples: 1000 });
    expect(d.classes).toBe(2);
    for (const [x, y, label] of points(d)) {
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      expect(x * y).not.toBe(0);
      expect(label).toBe(x * y > 0 ? 1 : 0);
    }
  });

  it('fills all four quadrants', () => {
    const d = xor({ noise: 0, samples: 400 });
    const quadrants = new Map<string, number>();
    for (const [x, y] of points(d)) {
      const q = `${Math.sign(x)},${Math.sign(y)}`;
      quadrants.set(q, (quadrants.get(q) ?? 0) + 1);
    }
    expect(quadrants.size).toBe(4);
    for (const n of quadrants.values()) expect(n).toBeGreaterThan(60);
  });

  it('with noise, labels still follow the clean points: most but not all agree with x·y', () => {
    const d = xor({ noise: 0.2, samples: 2000 });
    const agree = points(d).filter(([x, y, l]) => (x * y > 0 ? 1 : 0) === l).length / 2000;
    expect(agree).toBeGreaterThan(0.8);
    expect(agree).toBeLessThan(1);
  });
});
