// erf64 (the wasm export behind GELU) and the reference erf (test/reference/erf.ts) against
// high-precision values, plus odd symmetry, monotonicity, range and agreement properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadTestModule } from './helpers/wasm.js';
import { erf, erfcContinuedFraction, erfKummer, erfMaclaurin } from './reference/erf.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0xe2f), numRuns: 300 });

/**
 * [x, erf(x)]: erf evaluated by mpmath at 50 significant digits at the exact binary64 value of
 * x, then rounded to the nearest binary64. The first rows are fixed points of interest (tiny
 * arguments, the branch boundaries 0.5, 1, 3 and 6, saturation); the rest are random in ±6.2.
 */
const KNOWN: [number, number][] = [
  [1e-300, 1.1283791670955126e-300],
  [5e-324, 5e-324],
  [1e-20, 1.1283791670955125e-20],
  [1e-08, 1.1283791670955126e-08],
  [0.0001, 0.00011283791633342487],
  [0.001, 0.0011283787909692365],
  [0.01, 0.011283415555849618],
  [0.07, 0.07885771977089075],
  [0.1, 0.1124629160182849],
  [-0.1, -0.1124629160182849],
  [0.25, 0.27632639016823696],
  [0.3, 0.3286267594591274],
  [0.5, 0.5204998778130465],
  [0.75, 0.7111556336535151],
  [0.9, 0.7969082124228322],
  [1.0, 0.8427007929497149],
  [1.2, 0.9103139782296353],
  [1.5, 0.9661051464753108],
  [1.7, 0.9837904585907745],
  [2.0, 0.9953222650189527],
  [2.2, 0.9981371537020182],
  [2.5, 0.999593047982555],
  [2.7, 0.9998656672600594],
  [2.95, 0.9999697969579359],
  [3.0, 0.9999779095030014],
  [3.05, 0.9999839201742399],
  [3.3, 0.9999969422902035],
  [3.5, 0.9999992569016276],
  [4.0, 0.9999999845827421],
  [4.5, 0.9999999998033839],
  [5.0, 0.9999999999984626],
  [5.5, 0.9999999999999927],
  [5.9, 0.9999999999999999],
  [6.0, 1.0],
  [6.5, 1.0],
  [27.0, 1.0],
  [-0.5, -0.5204998778130465],
  [-1.0, -0.8427007929497149],
  [-2.0, -0.9953222650189527],
  [-3.0, -0.9999779095030014],
  [-4.0, -0.9999999845827421],
  [-0.0625, -0.07043197772238707],
  [0.46875, 0.49261347321793797],
  [0.8, 0.7421009647076605],
  [1.1, 0.8802050695740817],
  [4.2, 0.9999999971445058],
  [2.25, 0.9985372834133188],
  [0.779629, 0.729782538884774],
  [0.623879, 0.6223843996345211],
  [-0.112867, -0.12681803436647318],
  [1.33815, 0.9415662717667586],
  [0.887762, 0.790697271981242],
  [-3.297471, -0.9999968886407152],
  [2.985922, 0.9999758640595373],
  [-4.604462, -0.9999999999256913],
  [-2.705128, -0.9998695612365958],
  [5.068643, 0.9999999999992398],
  [1.130453, 0.8901131590273523],
  [1.880943, 0.9921872131066027],
  [5.158854, 0.9999999999997029],
  [1.201864, 0.910811194513328],
  [4.569645, 0.9999999998969815],
  [-2.429885, -0.9994104485441834],
  [0.66846, 0.6555173294716998],
  [-4.065499, -0.9999999910483683],
  [-3.387112, -0.9999983330155809],
  [-5.731097, -0.9999999999999994],
  [-4.337956, -0.9999999991473157],
  [4.689968, 0.9999999999670212],
  [1.631757, 0.9789815491648522],
  [0.005478, 0.006181199247814463],
  [-0.107533, -0.12087192385639361],
  [-2.547331, -0.9996847922708506],
  [-4.512805, -0.99999999982529],
  [-0.129775, -0.14561747683454496],
  [-0.689085, -0.670198287449938],
  [4.293379, 0.9999999987347999],
  [0.168405, 0.1882434925226793],
  [5.147122, 0.999999999999664],
  [3.680183, 0.9999998055481419],
  [-0.417799, -0.4453837687537608],
  [-0.564378, -0.5752171440833144],
  [-1.986571, -0.9950371560749738],
  [-2.228774, -0.9983782285476499],
  [2.015423, 0.995631354842504],
  [0.083678, 0.09420059638272289],
  [-0.603218, -0.6063845463909512],
  [2.551678, 0.999692167073698],
  [2.882882, 0.9999543816298642],
  [5.722795, 0.9999999999999994],
  [-0.332093, -0.3613952075275325],
  [-1.544082, -0.9710128843346238],
  [3.531079, 0.9999994076655772],
  [-0.241077, -0.2668470049797707],
  [3.233356, 0.9999951841935898],
  [-1.504593, -0.9666476433503846],
  [-5.637341, -0.9999999999999984],
  [-1.947931, -0.9941270261453188],
  [6.031172, 1.0],
  [-0.462045, -0.48652109329178544],
  [2.637734, 0.9998087626626834],
  [-5.272732, -0.9999999999999113],
  [-1.922626, -0.9934521137133583],
  [-3.674108, -0.9999997963485802],
  [5.032472, 0.9999999999988969],
  [2.85193, 0.9999449865087697],
  [5.099117, 0.9999999999994456],
];

function instantiate(build: 'release' | 'debug'): (x: number) => number {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(loadTestModule(build), { env: { memory, abort() { throw new Error('abort'); } } });
  return (inst.exports as unknown as { erf64(x: number): number }).erf64;
}

const relErr = (got: number, want: number) => (want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want));

/** The next representable double above or below x, `k` steps away. */
function ulpStep(x: number, k: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += BigInt(k);
  return f[0];
}

const IMPLEMENTATIONS: [string, (x: number) => number][] = [
  ['reference erf', erf],
  ['wasm erf64 (release)', instantiate('release')],
  ['wasm erf64 (debug)', instantiate('debug')],
];

for (const [name, f] of IMPLEMENTATIONS) {
  describe(name, () => {
    it(`matches ${KNOWN.length} high-precision values to 1e-15 relative`, () => {
      for (const [x, want] of KNOWN) {
        const got = f(x);
        if (!(relErr(got, want) <= 1e-15)) expect.fail(`erf(${x}) = ${got}, want ${want} (rel. err ${relErr(got, want)})`);
      }
    });

    it('hits the quoted values: erf(0.5), erf(1), erf(2), erf(3), erf(−0.1), erf(1e−8)', () => {
      const quoted: [number, number][] = [
        [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
        [3, 0.9999779095030014], [-0.1, -0.1124629160182849], [1e-8, 1.1283791670955126e-8],
      ];
      for (const [x, want] of quoted) expect(relErr(f(x), want), `erf(${x})`).toBeLessThanOrEqual(1e-15);
    });

    it('special values: erf(±0) = ±0, erf(±∞) = ±1, erf(NaN) = NaN, erf(x) = ±1 for |x| ≥ 6', () => {
      expect(Object.is(f(0), 0), 'erf(+0) is +0').toBe(true);
      expect(Object.is(f(-0), -0), 'erf(−0) is −0').toBe(true);
      expect(f(Infinity)).toBe(1);
      expect(f(-Infinity)).toBe(-1);
      expect(f(NaN)).toBeNaN();
      expect(f(6)).toBe(1);
      expect(f(-1e300)).toBe(-1);
      // Tiny arguments: erf x = 2x/√π (the x³ term is far below an ulp).
      for (const x of [1e-10, 3e-200, Number.MIN_VALUE * 1e10]) expect(relErr(f(x), x * 1.1283791670955126)).toBeLessThanOrEqual(2.3e-16);
    });

    it('is odd: erf(−x) = −erf(x) exactly', () => {
      fc.assert(fc.property(fc.oneof(fc.constantFrom(0, -0, 3, 6, 0.5), fc.double({ noNaN: true })), (x) => {
        expect(Object.is(f(-x), -f(x)), `erf(−${x}) = ${f(-x)} vs −erf(${x}) = ${-f(x)}`).toBe(true);
      }));
    });

    it('stays within [−1, 1] and has the sign of x', () => {
      fc.assert(fc.property(fc.double({ noNaN: true }), (x) => {
        const y = f(x);
        expect(Math.abs(y)).toBeLessThanOrEqual(1);
        if (x !== 0) expect(Math.sign(y)).toBe(Math.sign(x));
      }));
    });

    it('is non-decreasing on a 1e−5 grid over [−0.5, 6.5]', () => {
      let prev = f(-0.5);
      for (let i = 1; i <= 700_000; i++) {
        const x = -0.5 + i * 1e-5;
        const y = f(x);
        if (y < prev) expect.fail(`erf decreases at ${x}: ${prev} → ${y}`);
        prev = y;
      }
    });

    it('is non-decreasing for random pairs, up to rounding (2 ulps of the larger value)', () => {
      // Within an ulp or two of x the true function moves less than the rounding error, so no
      // non-correctly-rounded erf is monotone at that scale; beyond it, order must hold.
      fc.assert(fc.property(fc.double({ min: -7, max: 7, noNaN: true }), fc.double({ min: -7, max: 7, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const slack = 2 * Number.EPSILON * Math.max(Math.abs(f(lo)), Math.abs(f(hi)));
        expect(f(lo)).toBeLessThanOrEqual(f(hi) + slack);
      }));
      // Across each branch boundary, the values on either side agree to a few ulps.
      for (const b of [0.5, 1, 2.5, 3, 6]) {
        for (let k = 1; k <= 64; k *= 2) {
          const below = f(ulpStep(b, -k)), above = f(ulpStep(b, k));
          expect(below, `around ${b} ± ${k} ulps`).toBeLessThanOrEqual(above + 4 * Number.EPSILON * Math.abs(above));
        }
      }
    });
  });
}

describe('wasm erf64 and the reference erf agree', () => {
  const wasm = IMPLEMENTATIONS[1][1];
  it('to 2e−15 relative on random arguments (each is within ~1.2e−15 of the true value)', () => {
    fc.assert(fc.property(fc.double({ min: -7, max: 7, noNaN: true }), (x) => {
      expect(relErr(wasm(x), erf(x))).toBeLessThanOrEqual(2e-15);
    }), { numRuns: 2000 });
  });

  it('to 2e−15 relative on a 1e−3 grid over [0, 6.5]', () => {
    for (let i = 0; i <= 6500; i++) {
      const x = i * 1e-3;
      const r = relErr(wasm(x), erf(x));
      if (!(r <= 2e-15)) expect.fail(`x = ${x}: wasm ${wasm(x)} vs reference ${erf(x)}`);
    }
  });
});

describe('reference erf pieces agree where their ranges meet', () => {
  it('Maclaurin and Kummer series on [0.3, 0.7]; Kummer and the continued fraction on [0.9, 1.6]', () => {
    for (let x = 0.3; x <= 0.7; x += 0.01) expect(relErr(erfMaclaurin(x), erfKummer(x)), `x = ${x}`).toBeLessThanOrEqual(1.5e-15);
    for (let x = 0.9; x <= 1.6; x += 0.01) expect(relErr(1 - erfcContinuedFraction(x), erfKummer(x)), `x = ${x}`).toBeLessThanOrEqual(1.5e-15);
  });
});
